#include "store_agreements.h"

#include <stdio.h>
#include <stdlib.h>

int store_agreements_add(call *c, int64_t supervisor, int64_t supervisee, uint32_t every_days,
                         uint32_t minutes, int64_t *id)
{
  db *d = c->s->db;
  int rc = rc_from_sqlite(db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM agreements", id));
  if (rc) return rc;
  sqlite3_stmt *st = db_prepare(d,
      "INSERT INTO agreements(id, supervisor_id, supervisee_id, every_days, minutes, created_at, created_by)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, *id);
  sqlite3_bind_int64(st, 2, supervisor);
  sqlite3_bind_int64(st, 3, supervisee);
  sqlite3_bind_int64(st, 4, every_days);
  sqlite3_bind_int64(st, 5, minutes);
  sqlite3_bind_int64(st, 6, c->now);
  sqlite3_bind_int64(st, 7, c->who->user_id);
  return rc_from_sqlite(db_step_done(st));
}

/* Runs one of the two "newest agreement between them" queries below. */
static int newest_agreement(db *d, const char *sql, int64_t supervisor, int64_t supervisee, int64_t *id)
{
  sqlite3_stmt *st = db_prepare(d, sql);
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, supervisor);
  sqlite3_bind_int64(st, 2, supervisee);
  int rc = sqlite3_step(st);
  int found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
  if (found) *id = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  if (rc != SQLITE_ROW) return RC_INTERNAL;
  return found ? RC_OK : RC_NOT_FOUND;
}

int store_agreements_find(db *d, int64_t supervisor, int64_t supervisee, int64_t *id)
{
  return newest_agreement(d, "SELECT max(id) FROM agreements WHERE supervisor_id = ?1 AND supervisee_id = ?2",
                          supervisor, supervisee, id);
}

int store_agreements_active(db *d, int64_t supervisor, int64_t supervisee, int64_t *id)
{
  return newest_agreement(d,
                          "SELECT max(id) FROM agreements WHERE supervisor_id = ?1 AND supervisee_id = ?2"
                          " AND supervisee_signed_at IS NOT NULL AND ended_at IS NULL",
                          supervisor, supervisee, id);
}

int store_agreements_sign(call *c, int64_t id)
{
  sqlite3_stmt *st = db_prepare(c->s->db, "SELECT supervisee_signed_at FROM agreements WHERE id = ?1 AND supervisee_id = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, c->who->user_id);
  int rc = sqlite3_step(st);
  int signed_already = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
  sqlite3_reset(st);
  if (rc == SQLITE_DONE) return RC_NOT_FOUND;
  if (rc != SQLITE_ROW) return RC_INTERNAL;
  if (signed_already) return RC_EXISTS;
  st = db_prepare(c->s->db, "UPDATE agreements SET supervisee_signed_at = ?2 WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, c->now);
  return rc_from_sqlite(db_step_done(st));
}

int store_agreements_list(call *c, int64_t user_id, Reflect__V1__Agreement ***out, size_t *n)
{
  sqlite3_stmt *st = db_prepare(c->s->db,
      "SELECT a.id, sr.username, se.username, a.every_days, a.minutes, a.created_at,"
      " coalesce(a.supervisee_signed_at, 0), a.supervisee_signed_at IS NOT NULL AND a.ended_at IS NULL"
      " FROM agreements a JOIN users sr ON sr.id = a.supervisor_id JOIN users se ON se.id = a.supervisee_id"
      " WHERE a.supervisor_id = ?1 OR a.supervisee_id = ?1 ORDER BY a.id LIMIT 1000");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  size_t cap = 16, k = 0;
  Reflect__V1__Agreement **v = arena_alloc(c->a, sizeof *v * cap);
  int rc;
  while (v && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (k == cap) {
      Reflect__V1__Agreement **bigger = arena_alloc(c->a, sizeof *v * cap * 2);
      if (!bigger) { v = NULL; break; }
      for (size_t i = 0; i < k; i++) bigger[i] = v[i];
      v = bigger;
      cap *= 2;
    }
    Reflect__V1__Agreement *a = arena_alloc(c->a, sizeof *a);
    if (!a) { v = NULL; break; }
    reflect__v1__agreement__init(a);
    a->id = (uint64_t)sqlite3_column_int64(st, 0);
    a->supervisor = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 1));
    a->supervisee = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 2));
    a->every_days = (uint32_t)sqlite3_column_int(st, 3);
    a->minutes = (uint32_t)sqlite3_column_int(st, 4);
    a->created_at = sqlite3_column_int64(st, 5);
    a->supervisee_signed_at = sqlite3_column_int64(st, 6);
    a->active = sqlite3_column_int(st, 7) != 0;
    if (!a->supervisor || !a->supervisee) { v = NULL; break; }
    v[k++] = a;
  }
  sqlite3_reset(st);
  if (!v) return RC_EXHAUSTED;
  *out = v;
  *n = k;
  return RC_OK;
}
