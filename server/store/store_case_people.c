#include "store_case_people.h"
#include "retention.h"
#include "store_retention.h"
#include "store_keys.h"

#include <stdio.h>
#include <stdlib.h>

/* A person is bound to their case: the sealed name cannot be moved onto
 * another child's file. */
static void person_context(char *buf, size_t size, int64_t case_id)
{
  snprintf(buf, size, "case=%lld", (long long)case_id);
}

rcode store_case_people_add(store_ctx *c, const case_row *k, const char *name, const char *relationship,
                            int64_t *id_out)
{
  db *d = c->db;
  sqlite3_stmt *count = db_prepare(d, "SELECT count(*) FROM case_people WHERE case_id = ?1");
  if (!count) return RC_INTERNAL;
  sqlite3_bind_int64(count, 1, k->id);
  int rc = sqlite3_step(count);
  int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(count, 0) : -1;
  sqlite3_reset(count);
  if (n < 0) return RC_INTERNAL;
  if (n >= CASE_PEOPLE_MAX) return RC_PRECONDITION;
  int64_t id;
  if (db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM case_people", &id)) return RC_INTERNAL;
  sqlite3_stmt *st = db_prepare(d,
                                "INSERT INTO case_people(id, case_id, key_id, name, relationship, added_at, added_by)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, k->id);
  sqlite3_bind_int64(st, 3, k->key_id);
  char context[48];
  person_context(context, sizeof context, k->id);
  store_slot slot = {"case_people", id, "name", k->key_id, 0, context};
  rc = store_keys_bind_sealed(d, c->vault, c->ring, st, 4, &slot, name);
  if (!rc) {
    slot.column = "relationship";
    rc = store_keys_bind_sealed(d, c->vault, c->ring, st, 5, &slot, relationship);
  }
  sqlite3_bind_int64(st, 6, c->now);
  sqlite3_bind_int64(st, 7, c->who->user_id);
  if (!rc) rc = rc_from_sqlite(db_step_done(st));
  else sqlite3_reset(st);
  sqlite3_clear_bindings(st); /* frees the sealed blobs now */
  if (!rc) *id_out = id;
  return rc;
}

typedef struct {
  int64_t id, key_id;
  const void *blob[2];
  size_t len[2];
} sealed_person;

rcode store_case_people_list(store_ctx *c, arena *a, const case_row *k, case_person **out, size_t *n)
{
  sqlite3_stmt *st =
      db_prepare(c->db,
                 "SELECT id, key_id, name, relationship FROM case_people WHERE case_id = ?1 ORDER BY id LIMIT 200");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, k->id);
  case_person *v = arena_alloc(a, sizeof *v * CASE_PEOPLE_MAX);
  sealed_person *rows = arena_alloc(a, sizeof *rows * CASE_PEOPLE_MAX);
  size_t count = 0;
  int rc = v && rows ? RC_OK : RC_EXHAUSTED;
  /* Copied out first: opening a key runs other statements. */
  int step = SQLITE_DONE;
  /* A short list would leave names unredacted: a failed step is an error. */
  while (rc == RC_OK && count < CASE_PEOPLE_MAX && (step = sqlite3_step(st)) == SQLITE_ROW) {
    sealed_person *p = &rows[count++];
    p->id = sqlite3_column_int64(st, 0);
    p->key_id = sqlite3_column_int64(st, 1);
    for (int i = 0; i < 2; i++) {
      p->len[i] = (size_t)sqlite3_column_bytes(st, 2 + i);
      if (!(p->blob[i] = arena_strndup(a, sqlite3_column_blob(st, 2 + i), p->len[i]))) rc = RC_EXHAUSTED;
    }
  }
  sqlite3_reset(st);
  if (rc == RC_OK && step != SQLITE_ROW && step != SQLITE_DONE) rc = RC_INTERNAL;
  char context[48];
  person_context(context, sizeof context, k->id);
  static const char *const columns[2] = {"name", "relationship"};
  for (size_t i = 0; rc == RC_OK && i < count; i++) {
    case_person *m = &v[i];
    m->id = rows[i].id;
    const char **dst[2] = {&m->name, &m->relationship};
    for (int j = 0; rc == RC_OK && j < 2; j++) {
      store_slot slot = {"case_people", rows[i].id, columns[j], rows[i].key_id, 0, context};
      char *text = RETENTION_DESTROYED;
      /* Third parties go with the child's file: their key is the case's. */
      if (!k->shredded_at) rc = store_retention_open(c, a, &slot, rows[i].blob[j], rows[i].len[j], &text);
      *dst[j] = text;
    }
  }
  if (rc) return rc;
  *out = v;
  *n = count;
  return RC_OK;
}

rcode store_case_people_each_case(store_ctx *c, int64_t except, store_case_people_fn fn, void *arg)
{
  /* Ids first, into the heap: fn runs statements, and there may be more
   * cases than the arena should hold. */
  sqlite3_stmt *st = db_prepare(c->db, "SELECT id FROM cases WHERE id != ?1 ORDER BY id");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, except);
  size_t n = 0, cap = 0;
  int64_t *ids = NULL;
  int rc = RC_OK, step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 256;
      int64_t *grown = realloc(ids, ncap * sizeof *grown);
      if (!grown) {
        rc = RC_EXHAUSTED;
        break;
      }
      ids = grown;
      cap = ncap;
    }
    ids[n++] = sqlite3_column_int64(st, 0);
  }
  if (!rc && step != SQLITE_DONE) rc = RC_INTERNAL;
  sqlite3_reset(st);
  for (size_t i = 0; !rc && i < n; i++) {
    case_row k;
    rc = store_cases_get(c->db, ids[i], &k);
    if (!rc) rc = fn(c, &k, arg);
  }
  free(ids);
  return rc;
}
