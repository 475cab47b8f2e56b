#include "store_tokens.h"

#include <sodium.h>
#include <stdio.h>

#include "rc.h"

void store_tokens_hash(const uint8_t *token, size_t len, uint8_t out[TOKEN_HASH_BYTES])
{
  crypto_generichash(out, TOKEN_HASH_BYTES, token, len, NULL, 0);
}

rcode store_tokens_create(db *d, const uint8_t hash[TOKEN_HASH_BYTES], int64_t user_id, const char *device, int64_t now,
                          int64_t expires_at)
{
  sqlite3_stmt *st = db_prepare(d, "INSERT INTO tokens(hash, user_id, device, created_at, last_seen, expires_at)"
                                   " VALUES (?1, ?2, ?3, ?4, ?4, ?5)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_blob(st, 1, hash, TOKEN_HASH_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, user_id);
  sqlite3_bind_text(st, 3, device, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, now);
  sqlite3_bind_int64(st, 5, expires_at);
  int rc = rc_from_sqlite(db_step_done(st));
  if (rc) return rc;
  /* Expired tokens of anyone are swept here, at login, rather than by a timer. */
  st = db_prepare(d, "DELETE FROM tokens WHERE expires_at <= ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, now);
  return rc_from_sqlite(db_step_done(st));
}

rcode store_tokens_lookup(db *d, const uint8_t hash[TOKEN_HASH_BYTES], token_row *out)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT user_id, device, last_seen, expires_at FROM tokens WHERE hash = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_blob(st, 1, hash, TOKEN_HASH_BYTES, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    out->user_id = sqlite3_column_int64(st, 0);
    snprintf(out->device, sizeof out->device, "%s", (const char *)sqlite3_column_text(st, 1));
    out->last_seen = sqlite3_column_int64(st, 2);
    out->expires_at = sqlite3_column_int64(st, 3);
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : rc == SQLITE_DONE ? RC_NOT_FOUND : RC_INTERNAL;
}

rcode store_tokens_touch(db *d, const uint8_t hash[TOKEN_HASH_BYTES], int64_t now)
{
  sqlite3_stmt *st = db_prepare(d, "UPDATE tokens SET last_seen = ?2 WHERE hash = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_blob(st, 1, hash, TOKEN_HASH_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now);
  return rc_from_sqlite(db_step_done(st));
}

rcode store_tokens_delete(db *d, const uint8_t hash[TOKEN_HASH_BYTES])
{
  sqlite3_stmt *st = db_prepare(d, "DELETE FROM tokens WHERE hash = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_blob(st, 1, hash, TOKEN_HASH_BYTES, SQLITE_STATIC);
  return rc_from_sqlite(db_step_done(st));
}

rcode store_tokens_delete_user(db *d, int64_t user_id, const uint8_t *keep)
{
  static const uint8_t none[TOKEN_HASH_BYTES];
  sqlite3_stmt *st = db_prepare(d, "DELETE FROM tokens WHERE user_id = ?1 AND hash <> ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_blob(st, 2, keep ? keep : none, TOKEN_HASH_BYTES, SQLITE_STATIC);
  return rc_from_sqlite(db_step_done(st));
}

rcode store_tokens_delete_device(db *d, const char *device)
{
  sqlite3_stmt *st = db_prepare(d, "DELETE FROM tokens WHERE device = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_text(st, 1, device, -1, SQLITE_STATIC);
  return rc_from_sqlite(db_step_done(st));
}
