#include "store_records.h"

#include <stdio.h>
#include <stdlib.h>

/* A revision is bound to its session, author and time as well as its row,
 * so none of them can be changed in the file without the value failing. */
static void revision_context(char *buf, size_t size, int64_t session, int64_t author, int64_t at)
{
  snprintf(buf, size, "session=%lld;author=%lld;at=%lld", (long long)session, (long long)author, (long long)at);
}

int store_records_latest(db *d, int64_t session_id, uint32_t *revision)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT coalesce(max(revision), 0) FROM record_revisions WHERE session_id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, session_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *revision = (uint32_t)sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : RC_INTERNAL;
}

int store_records_append(call *c, const session_row *s, const char *body, const char *reason,
                         uint32_t *revision)
{
  db *d = c->s->db;
  uint32_t latest;
  int rc = store_records_latest(d, s->id, &latest);
  if (rc) return rc;
  int64_t id;
  if (db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM record_revisions", &id)) return RC_INTERNAL;
  sqlite3_stmt *st;
  uint32_t rev = latest + 1;

  char context[96];
  revision_context(context, sizeof context, s->id, c->who->user_id, c->now);
  store_slot body_slot = {"record_revisions", id, "body", s->key_id, rev, context};
  store_slot reason_slot = {"record_revisions", id, "reason", s->key_id, rev, context};
  uint8_t *body_blob = NULL, *reason_blob = NULL;
  size_t body_len = 0, reason_len = 0;
  rc = store_keys_seal(d, c->s->vault, c->ring, &body_slot, body, &body_blob, &body_len);
  if (!rc && *reason)
    rc = store_keys_seal(d, c->s->vault, c->ring, &reason_slot, reason, &reason_blob, &reason_len);
  if (rc) { free(body_blob); return rc; }

  st = db_prepare(d, "INSERT INTO record_revisions(id, session_id, revision, author_id, created_at, key_id, reason, body)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (st) {
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, s->id);
    sqlite3_bind_int64(st, 3, rev);
    sqlite3_bind_int64(st, 4, c->who->user_id);
    sqlite3_bind_int64(st, 5, c->now);
    sqlite3_bind_int64(st, 6, s->key_id);
    if (reason_blob) sqlite3_bind_blob(st, 7, reason_blob, (int)reason_len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 8, body_blob, (int)body_len, SQLITE_STATIC);
    rc = rc_from_sqlite(db_step_done(st));
  } else {
    rc = RC_INTERNAL;
  }
  free(body_blob);
  free(reason_blob);
  if (!rc) *revision = rev;
  return rc;
}

int store_records_read(call *c, const session_row *s, uint32_t revision,
                       Reflect__V1__RecordShowReply *out)
{
  db *d = c->s->db;
  if (revision == 0) {
    int rc = store_records_latest(d, s->id, &revision);
    if (rc) return rc;
    if (revision == 0) return RC_NOT_FOUND;
  }
  sqlite3_stmt *st = db_prepare(d,
      "SELECT r.id, r.key_id, u.username, r.created_at, r.reason, r.body, r.author_id FROM record_revisions r"
      " JOIN users u ON u.id = r.author_id WHERE r.session_id = ?1 AND r.revision = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  sqlite3_bind_int64(st, 2, revision);
  if (sqlite3_step(st) != SQLITE_ROW) { sqlite3_reset(st); return RC_NOT_FOUND; }
  int64_t id = sqlite3_column_int64(st, 0), key_id = sqlite3_column_int64(st, 1);
  Reflect__V1__Revision *r = arena_alloc(c->a, sizeof *r);
  /* Copy the sealed blobs out: opening them may run other statements. */
  size_t reason_len = (size_t)sqlite3_column_bytes(st, 4), body_len = (size_t)sqlite3_column_bytes(st, 5);
  char *reason_blob = reason_len ? arena_strndup(c->a, sqlite3_column_blob(st, 4), reason_len) : NULL;
  char *body_blob = arena_strndup(c->a, sqlite3_column_blob(st, 5), body_len);
  char *author = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 2));
  int64_t created_at = sqlite3_column_int64(st, 3), author_id = sqlite3_column_int64(st, 6);
  sqlite3_reset(st);
  if (!r || !body_blob || !author || (reason_len && !reason_blob)) return RC_EXHAUSTED;
  reflect__v1__revision__init(r);
  r->revision = revision;
  r->author = author;
  r->created_at = created_at;
  char context[96];
  revision_context(context, sizeof context, s->id, author_id, created_at);
  store_slot slot = {"record_revisions", id, "body", key_id, revision, context};
  int rc = store_keys_open(d, c->s->vault, c->ring, &slot, body_blob, body_len, c->a, &out->body);
  if (!rc && reason_blob) {
    slot.column = "reason";
    rc = store_keys_open(d, c->s->vault, c->ring, &slot, reason_blob, reason_len, c->a, &r->reason);
  }
  if (rc) return rc;
  out->session_id = (uint64_t)s->id;
  out->revision = r;
  return RC_OK;
}

int store_records_revisions(call *c, const session_row *s, Reflect__V1__Revision ***out, size_t *n)
{
  enum { MAX = 500 };
  sqlite3_stmt *st = db_prepare(c->s->db,
      "SELECT r.id, r.revision, u.username, r.created_at, r.author_id, r.key_id, r.reason FROM record_revisions r"
      " JOIN users u ON u.id = r.author_id WHERE r.session_id = ?1 ORDER BY r.revision LIMIT 500");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  Reflect__V1__Revision **v = arena_alloc(c->a, sizeof *v * MAX);
  typedef struct { int64_t id, author, key_id; const void *blob; size_t len; } sealed;
  sealed *reasons = arena_alloc(c->a, sizeof *reasons * MAX);
  size_t k = 0;
  int rc = v && reasons ? RC_OK : RC_EXHAUSTED;
  while (rc == RC_OK && k < MAX && sqlite3_step(st) == SQLITE_ROW) {
    Reflect__V1__Revision *r = arena_alloc(c->a, sizeof *r);
    if (!r) { rc = RC_EXHAUSTED; break; }
    reflect__v1__revision__init(r);
    r->revision = (uint32_t)sqlite3_column_int(st, 1);
    r->author = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 2));
    r->created_at = sqlite3_column_int64(st, 3);
    reasons[k] = (sealed){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
                          NULL, (size_t)sqlite3_column_bytes(st, 6)};
    if (reasons[k].len) reasons[k].blob = arena_strndup(c->a, sqlite3_column_blob(st, 6), reasons[k].len);
    if (!r->author || (reasons[k].len && !reasons[k].blob)) { rc = RC_EXHAUSTED; break; }
    v[k++] = r;
  }
  sqlite3_reset(st);
  for (size_t i = 0; rc == RC_OK && i < k; i++) {
    if (!reasons[i].blob) continue;
    char context[96];
    revision_context(context, sizeof context, s->id, reasons[i].author, v[i]->created_at);
    store_slot slot = {"record_revisions", reasons[i].id, "reason", reasons[i].key_id, v[i]->revision, context};
    rc = store_keys_open(c->s->db, c->s->vault, c->ring, &slot, reasons[i].blob, reasons[i].len, c->a,
                         &v[i]->reason);
  }
  if (rc) return rc;
  *out = v;
  *n = k;
  return RC_OK;
}
