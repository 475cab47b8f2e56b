#include "store_cases.h"
#include "retention.h"
#include "store_retention.h"
#include "store_decisions.h"
#include "store_teams.h"
#include "store_users.h"
#include "store_keys.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASE_COLS STORE_CASES_COLS

void store_cases_read_row(sqlite3_stmt *st, case_row *k)
{
  *k = (case_row){.id = sqlite3_column_int64(st, 0),
                  .key_id = sqlite3_column_int64(st, 1),
                  .allocated_id = sqlite3_column_int64(st, 2),
                  .created_at = sqlite3_column_int64(st, 3),
                  .risk = sqlite3_column_int(st, 4),
                  .open = sqlite3_column_int(st, 5),
                  .looked_after = sqlite3_column_int(st, 6),
                  .closed_at = sqlite3_column_int64(st, 7),
                  .shredded_at = sqlite3_column_int64(st, 8)};
  const char *u = (const char *)sqlite3_column_text(st, 9);
  if (u && strlen(u) < sizeof k->retain_until) memcpy(k->retain_until, u, strlen(u) + 1);
}

static rcode one_row(sqlite3_stmt *st, case_row *out)
{
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) store_cases_read_row(st, out);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : rc == SQLITE_DONE ? RC_NOT_FOUND : RC_INTERNAL;
}

void store_cases_reference_index(const vault *v, const char *reference, uint8_t out[VAULT_INDEX_BYTES])
{
  /* " ch-0012 " and "CH-0012" are the same case. */
  char norm[128];
  size_t n = 0;
  const char *p = reference;
  while (isspace((unsigned char)*p)) p++;
  for (; *p && n < sizeof norm - 1; p++) norm[n++] = (char)toupper((unsigned char)*p);
  while (n && isspace((unsigned char)norm[n - 1])) n--;
  vault_blind_index(v, "case.reference", (const uint8_t *)norm, n, out);
}

static int seal_into(store_ctx *c, sqlite3_stmt *st, int param, int64_t id, const char *column, int64_t key_id,
                     const char *text)
{
  store_slot slot = {"cases", id, column, key_id, 0, NULL};
  return store_keys_bind_sealed(c->db, c->vault, c->ring, st, param, &slot, text);
}

rcode store_cases_add(store_ctx *c, const char *reference, const char *name, const char *dob, int risk,
                      int64_t allocated, int looked_after, int64_t *id_out)
{
  db *d = c->db;
  int64_t id, key_id;
  if (db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM cases", &id)) return RC_INTERNAL;
  char subject[32];
  snprintf(subject, sizeof subject, "case:%lld", (long long)id);
  int rc = store_keys_ensure(d, c->vault, c->ring, c->now, subject, &key_id);
  if (rc) return rc;
  uint8_t idx[VAULT_INDEX_BYTES];
  store_cases_reference_index(c->vault, reference, idx);
  sqlite3_stmt *st =
      db_prepare(d, "INSERT INTO cases(id, reference_index, key_id, reference, name, date_of_birth, risk, allocated_id,"
                    " created_at, created_by, looked_after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_blob(st, 2, idx, sizeof idx, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, key_id);
  rc = seal_into(c, st, 4, id, "reference", key_id, reference);
  if (!rc) rc = seal_into(c, st, 5, id, "name", key_id, name);
  if (!rc && *dob) rc = seal_into(c, st, 6, id, "date_of_birth", key_id, dob);
  if (rc) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
  }
  sqlite3_bind_int(st, 7, risk);
  sqlite3_bind_int64(st, 8, allocated);
  sqlite3_bind_int64(st, 9, c->now);
  sqlite3_bind_int64(st, 10, c->who->user_id);
  sqlite3_bind_int(st, 11, looked_after != 0);
  rc = db_step_done(st);
  sqlite3_clear_bindings(st); /* lets go of the sealed blobs now */
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return RC_EXISTS;
  rc = rc_from_sqlite(rc);
  if (!rc) *id_out = id;
  return rc;
}

rcode store_cases_get(db *d, int64_t id, case_row *out)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT " CASE_COLS " FROM cases WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  return one_row(st, out);
}

rcode store_cases_find(db *d, const uint8_t index[VAULT_INDEX_BYTES], case_row *out)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT " CASE_COLS " FROM cases WHERE reference_index = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_blob(st, 1, index, VAULT_INDEX_BYTES, SQLITE_STATIC);
  return one_row(st, out);
}

rcode store_cases_visible(db *d, int64_t user_id, const case_row *k, int *visible)
{
  if (k->allocated_id == user_id) {
    *visible = 1;
    return RC_OK;
  }
  sqlite3_stmt *st = db_prepare(d, "SELECT 1 FROM agreements WHERE supervisor_id = ?1 AND supervisee_id = ?2"
                                   " AND supervisee_signed_at IS NOT NULL AND ended_at IS NULL");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, k->allocated_id);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  *visible = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

static rcode open_column(store_ctx *c, const case_row *k, const char *column, char **out)
{
  static const char *const sql[] = {"SELECT reference FROM cases WHERE id = ?1", "SELECT name FROM cases WHERE id = ?1",
                                    "SELECT date_of_birth FROM cases WHERE id = ?1"};
  int which = !strcmp(column, "reference") ? 0 : !strcmp(column, "name") ? 1 : 2;
  sqlite3_stmt *st = db_prepare(c->db, sql[which]);
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, k->id);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_reset(st);
    return RC_NOT_FOUND;
  }
  size_t len = (size_t)sqlite3_column_bytes(st, 0);
  /* A shredded case's key is never even looked up. */
  char *blob = len && !k->shredded_at ? arena_strndup(c->a, sqlite3_column_blob(st, 0), len) : NULL;
  sqlite3_reset(st);
  if (!len) {
    *out = "";
    return RC_OK;
  }
  if (k->shredded_at) {
    *out = RETENTION_DESTROYED;
    return RC_OK;
  }
  if (!blob) return RC_EXHAUSTED;
  store_slot slot = {"cases", k->id, column, k->key_id, 0, NULL};
  return store_retention_open(c, c->a, &slot, blob, len, out);
}

rcode store_cases_item(store_ctx *c, const case_row *k, case_item *out)
{
  case_item m = {.row = *k};
  user_row u;
  int rc = store_users_get(c->db, k->allocated_id, &u);
  sodium_memzero(u.pwhash, sizeof u.pwhash);
  if (!rc && !(m.allocated = arena_strdup(c->a, u.username))) rc = RC_EXHAUSTED;
  if (!rc) rc = store_decisions_last_discussed(c->db, k->id, &m.last_discussed, &m.last_session);
  char *reference = NULL, *name = NULL, *dob = NULL;
  if (!rc) rc = open_column(c, k, "reference", &reference);
  if (!rc) rc = open_column(c, k, "name", &name);
  if (!rc) rc = open_column(c, k, "date_of_birth", &dob);
  if (rc) return rc;
  m.reference = reference;
  m.name = name;
  m.date_of_birth = dob;
  *out = m;
  return RC_OK;
}

rcode store_cases_list(store_ctx *c, int64_t user_id, int oversight, int64_t allocated, int include_closed,
                       case_item **out, size_t *n)
{
  sqlite3_stmt *st =
      db_prepare(c->db, "SELECT " CASE_COLS " FROM cases c"
                        " WHERE (c.allocated_id = ?1 OR EXISTS (SELECT 1 FROM agreements a"
                        "        WHERE a.supervisor_id = ?1 AND a.supervisee_id = c.allocated_id"
                        "        AND a.supervisee_signed_at IS NOT NULL AND a.ended_at IS NULL)"
                        "        OR (?4 = 1 AND " STORE_TEAMS_OVERSEES(
                            "?1", "c.allocated_id") "))"
                                                    "  AND (?2 = 0 OR c.allocated_id = ?2) AND (?3 = 1 OR c.open = 1)"
                                                    " ORDER BY c.risk DESC, c.id LIMIT 500");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, allocated);
  sqlite3_bind_int(st, 3, include_closed != 0);
  sqlite3_bind_int(st, 4, oversight != 0);
  case_row *rows = arena_alloc(c->a, sizeof *rows * CASE_LIST_MAX);
  size_t k = 0;
  while (rows && k < CASE_LIST_MAX && sqlite3_step(st) == SQLITE_ROW) store_cases_read_row(st, &rows[k++]);
  sqlite3_reset(st);
  case_item *v = arena_alloc(c->a, sizeof *v * (k ? k : 1));
  if (!rows || !v) return RC_EXHAUSTED;
  for (size_t i = 0; i < k; i++) {
    int rc = store_cases_item(c, &rows[i], &v[i]);
    if (rc) return rc;
  }
  *out = v;
  *n = k;
  return RC_OK;
}

rcode store_cases_update(store_ctx *c, const case_row *k, int risk, int64_t allocated, int open, int looked_after)
{
  if (k->shredded_at) return RC_PRECONDITION;
  /* Closing an already closed case keeps the day it closed: a second
   * "close" must not extend (or restart) its retention. A case closed
   * before closing dates were kept (schema v10) counts from the first time
   * it is looked at: later than it really closed, never earlier. */
  int64_t closed_at = open ? 0 : (k->open || !k->closed_at) ? c->now : k->closed_at;
  char until[11] = "";
  if (!open && closed_at) {
    char *dob = "";
    int rc = looked_after ? open_column(c, k, "date_of_birth", &dob) : RC_OK;
    retention_policy p = {.case_years = c->cfg->case_years, .looked_after_age = c->cfg->looked_after_age};
    if (!rc && retention_until(&p, closed_at, looked_after, dob, until)) rc = RC_INVALID;
    if (rc) return rc;
  }
  sqlite3_stmt *st = db_prepare(c->db, "UPDATE cases SET risk = ?2, allocated_id = ?3, open = ?4, looked_after = "
                                       "?5, closed_at = nullif(?6, 0),"
                                       " retain_until = nullif(?7, '') WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, k->id);
  sqlite3_bind_int(st, 2, risk);
  sqlite3_bind_int64(st, 3, allocated);
  sqlite3_bind_int(st, 4, open);
  sqlite3_bind_int(st, 5, looked_after != 0);
  sqlite3_bind_int64(st, 6, closed_at);
  sqlite3_bind_text(st, 7, until, -1, SQLITE_TRANSIENT);
  return rc_from_sqlite(db_step_done(st));
}
