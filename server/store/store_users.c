#include "store_users.h"
#include "store_inspectors.h"
#include "store_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USER_COLS                                                                                          \
  "id, username, role, key_id, active, created_at, pwhash, coalesce(expires_at, 0), must_change_password," \
  " coalesce(admin_set_at, 0)"

static void read_row(sqlite3_stmt *st, user_row *u)
{
  u->id = sqlite3_column_int64(st, 0);
  snprintf(u->username, sizeof u->username, "%s", (const char *)sqlite3_column_text(st, 1));
  u->role = (user_role)sqlite3_column_int(st, 2);
  u->key_id = sqlite3_column_int64(st, 3);
  u->active = sqlite3_column_int(st, 4);
  u->created_at = sqlite3_column_int64(st, 5);
  snprintf(u->pwhash, sizeof u->pwhash, "%s", (const char *)sqlite3_column_text(st, 6));
  u->expires_at = sqlite3_column_int64(st, 7);
  u->must_change = sqlite3_column_int(st, 8);
  u->admin_set_at = sqlite3_column_int64(st, 9);
}

static rcode find_one(sqlite3_stmt *st, user_row *out)
{
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) read_row(st, out);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : rc == SQLITE_DONE ? RC_NOT_FOUND : RC_INTERNAL;
}

rcode store_users_find(db *d, const char *username, user_row *out)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT " USER_COLS " FROM users WHERE username = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
  return find_one(st, out);
}

rcode store_users_get(db *d, int64_t id, user_row *out)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT " USER_COLS " FROM users WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  return find_one(st, out);
}

int store_users_valid_username(const char *s)
{
  size_t n = strlen(s);
  if (n == 0 || n > USERNAME_MAX) return 0;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    int ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || (i > 0 && (ch == '.' || ch == '_' || ch == '-'));
    if (!ok) return 0;
  }
  return 1;
}

rcode store_users_create(store_ctx *c, const char *username, const char *name, user_role role, const char *pwhash,
                         int64_t *id_out)
{
  db *d = c->db;
  user_row existing;
  int rc = store_users_find(d, username, &existing);
  if (rc == RC_OK) return RC_EXISTS;
  if (rc != RC_NOT_FOUND) return rc;

  int64_t id;
  if (db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM users", &id)) return RC_INTERNAL;
  sqlite3_stmt *st;

  char subject[32];
  snprintf(subject, sizeof subject, "user:%lld", (long long)id);
  int64_t key_id;
  rc = store_keys_ensure(d, c->vault, c->ring, c->now, subject, &key_id);
  if (rc) return rc;
  store_slot slot = {"users", id, "name", key_id, 0, NULL};
  uint8_t *blob;
  size_t blob_len;
  rc = store_keys_seal(d, c->vault, c->ring, &slot, name, &blob, &blob_len);
  if (rc) return rc;

  /* An account made by a request was made by an administrator, whose
   * password it carries until its owner chooses one; the first
   * administrator's (reflectd init, nobody logged in) is the operator's. */
  st = db_prepare(d, "INSERT INTO users(id, username, role, key_id, name, pwhash, created_at, created_by,"
                     " must_change_password, admin_set_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!st) {
    free(blob);
    return RC_INTERNAL;
  }
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, username, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 3, (int)role);
  sqlite3_bind_int64(st, 4, key_id);
  sqlite3_bind_blob(st, 5, blob, (int)blob_len, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, pwhash, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 7, c->now);
  int by_admin = c->who && c->who->authenticated;
  if (by_admin) {
    sqlite3_bind_int64(st, 8, c->who->user_id);
    sqlite3_bind_int64(st, 10, c->now);
  }
  sqlite3_bind_int(st, 9, by_admin);
  rc = rc_from_sqlite(db_step_done(st));
  free(blob);
  if (rc) return rc;
  *id_out = id;
  return RC_OK;
}

rcode store_users_set_expiry(db *d, int64_t user_id, int64_t expires_at)
{
  sqlite3_stmt *st = db_prepare(d, "UPDATE users SET expires_at = nullif(?2, 0) WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, expires_at);
  return rc_from_sqlite(db_step_done(st));
}

rcode store_users_set_password(db *d, int64_t user_id, const char *pwhash, int by_admin, int64_t now)
{
  sqlite3_stmt *st = db_prepare(d, "UPDATE users SET pwhash = ?2, must_change_password = ?3,"
                                   " admin_set_at = CASE WHEN ?3 THEN ?4 ELSE admin_set_at END WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_text(st, 2, pwhash, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 3, by_admin != 0);
  sqlite3_bind_int64(st, 4, now);
  return rc_from_sqlite(db_step_done(st));
}

rcode store_users_name(store_ctx *c, int64_t user_id, char **name)
{
  sqlite3_stmt *st = db_prepare(c->db, "SELECT key_id, name FROM users WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_reset(st);
    return RC_NOT_FOUND;
  }
  store_slot slot = {"users", user_id, "name", sqlite3_column_int64(st, 0), 0, NULL};
  int rc = store_keys_open(c->db, c->vault, c->ring, &slot, sqlite3_column_blob(st, 1),
                           (size_t)sqlite3_column_bytes(st, 1), c->a, name);
  sqlite3_reset(st);
  return rc;
}

rcode store_users_view(store_ctx *c, const user_row *u, user_view *out)
{
  user_view m = {.id = u->id,
                 .created_at = u->created_at,
                 .expires_at = u->expires_at,
                 .username = arena_strdup(c->a, u->username),
                 .role = u->role,
                 .active = u->active != 0};
  int rc = store_users_name(c, u->id, &m.name);
  if (!rc && u->role == ROLE_INSPECTOR) rc = store_inspectors_teams(c, u->id, &m.teams, &m.n_teams);
  if (rc) return rc;
  if (!m.username) return RC_EXHAUSTED;
  *out = m;
  return RC_OK;
}

rcode store_users_list(store_ctx *c, user_view **out, size_t *n)
{
  db *d = c->db;
  sqlite3_stmt *st = db_prepare(d, "SELECT count(*) FROM users");
  if (!st || sqlite3_step(st) != SQLITE_ROW) return RC_INTERNAL;
  size_t total = (size_t)sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  user_view *v = arena_alloc(c->a, sizeof *v * (total ? total : 1));
  if (!v) return RC_EXHAUSTED;
  st = db_prepare(d, "SELECT " USER_COLS " FROM users ORDER BY username");
  if (!st) return RC_INTERNAL;
  /* Rows are copied out first: decrypting names reuses other statements. */
  user_row *rows = arena_alloc(c->a, sizeof *rows * (total ? total : 1));
  if (!rows) {
    sqlite3_reset(st);
    return RC_EXHAUSTED;
  }
  size_t k = 0;
  while (k < total && sqlite3_step(st) == SQLITE_ROW) read_row(st, &rows[k++]);
  sqlite3_reset(st);
  for (size_t i = 0; i < k; i++) {
    rows[i].pwhash[0] = '\0';
    int rc = store_users_view(c, &rows[i], &v[i]);
    if (rc) return rc;
  }
  *out = v;
  *n = k;
  return RC_OK;
}
