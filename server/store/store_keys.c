#include "store_keys.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rc.h"

rcode store_keys_ensure(db *d, const vault *v, keyring *r, int64_t now, const char *subject, int64_t *key_id)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT id FROM data_keys WHERE subject = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *key_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return RC_OK;
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return RC_INTERNAL;

  int64_t id;
  if (db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM data_keys", &id)) return RC_INTERNAL;

  vault_key *k;
  uint8_t *wrapped;
  size_t wrapped_len;
  if (vault_new_data_key(v, id, subject, &k, &wrapped, &wrapped_len) != VAULT_OK) return RC_INTERNAL;
  st = db_prepare(d, "INSERT INTO data_keys(id, subject, wrapped, created_at) VALUES (?1, ?2, ?3, ?4)");
  if (!st) {
    vault_key_free(k);
    free(wrapped);
    return RC_INTERNAL;
  }
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, subject, -1, SQLITE_STATIC);
  sqlite3_bind_blob(st, 3, wrapped, (int)wrapped_len, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, now);
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  free(wrapped);
  if (rc != SQLITE_DONE) {
    vault_key_free(k);
    return RC_INTERNAL;
  }
  keyring_put(r, id, k);
  *key_id = id;
  return RC_OK;
}

static rcode load_key(db *d, const vault *v, keyring *r, int64_t id, const vault_key **out)
{
  const vault_key *have = keyring_find(r, id);
  if (have) {
    *out = have;
    return RC_OK;
  }
  sqlite3_stmt *st = db_prepare(d, "SELECT subject, wrapped FROM data_keys WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_reset(st);
    return RC_NOT_FOUND;
  }
  if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
    sqlite3_reset(st);
    return RC_NOT_FOUND; /* crypto-shredded */
  }
  vault_key *k;
  int vrc = vault_unwrap_data_key(v, id, (const char *)sqlite3_column_text(st, 0), sqlite3_column_blob(st, 1),
                                  (size_t)sqlite3_column_bytes(st, 1), &k);
  sqlite3_reset(st);
  if (vrc != VAULT_OK) {
    log_line(LOG_ERROR, "event=integrity_error what=data_key key_id=%lld", (long long)id);
    return RC_DATA_LOSS;
  }
  keyring_put(r, id, k);
  *out = k;
  return RC_OK;
}

static vault_ad slot_ad(const store_slot *s)
{
  return (
      vault_ad){s->table, s->row, s->column, s->key_id, s->revision, s->context, s->context ? strlen(s->context) : 0};
}

rcode store_keys_seal_bytes(db *d, const vault *v, keyring *r, const store_slot *slot, const uint8_t *data, size_t len,
                            uint8_t **blob, size_t *blob_len)
{
  const vault_key *k;
  int rc = load_key(d, v, r, slot->key_id, &k);
  if (rc) return rc;
  vault_ad ad = slot_ad(slot);
  if (vault_seal_value(k, &ad, data, len, blob, blob_len) != VAULT_OK) return RC_INTERNAL;
  return RC_OK;
}

rcode store_keys_seal(db *d, const vault *v, keyring *r, const store_slot *slot, const char *text, uint8_t **blob,
                      size_t *blob_len)
{
  return store_keys_seal_bytes(d, v, r, slot, (const uint8_t *)text, strlen(text), blob, blob_len);
}

rcode store_keys_bind_sealed(db *d, const vault *v, keyring *r, sqlite3_stmt *st, int param, const store_slot *slot,
                             const char *text)
{
  uint8_t *blob;
  size_t len;
  int rc = store_keys_seal(d, v, r, slot, text, &blob, &len);
  if (!rc) sqlite3_bind_blob(st, param, blob, (int)len, free);
  return rc;
}

rcode store_keys_open(db *d, const vault *v, keyring *r, const store_slot *slot, const void *blob, size_t blob_len,
                      arena *a, char **text)
{
  size_t len;
  return store_keys_open_bytes(d, v, r, slot, blob, blob_len, a, (uint8_t **)text, &len);
}

rcode store_keys_open_bytes(db *d, const vault *v, keyring *r, const store_slot *slot, const void *blob,
                            size_t blob_len, arena *a, uint8_t **out, size_t *out_len)
{
  const vault_key *k;
  int rc = load_key(d, v, r, slot->key_id, &k);
  if (rc) return rc;
  vault_ad ad = slot_ad(slot);
  if (blob_len < VAULT_VALUE_OVERHEAD || blob_len - VAULT_VALUE_OVERHEAD > VAULT_MAX_VALUE) {
    log_line(LOG_ERROR, "event=integrity_error table=%s row=%lld column=%s", slot->table, (long long)slot->row,
             slot->column);
    return RC_DATA_LOSS;
  }
  /* Straight into the arena, which is wiped when the request ends. */
  size_t size = blob_len - VAULT_VALUE_OVERHEAD + 1, len;
  uint8_t *plain = arena_alloc(a, size);
  if (!plain) return RC_EXHAUSTED;
  if (vault_open_value_into(k, &ad, blob, blob_len, plain, size, &len) != VAULT_OK) {
    log_line(LOG_ERROR, "event=integrity_error table=%s row=%lld column=%s", slot->table, (long long)slot->row,
             slot->column);
    return RC_DATA_LOSS;
  }
  *out = plain;
  *out_len = len;
  return RC_OK;
}

rcode store_keys_get(db *d, const vault *v, keyring *r, int64_t now, const char *subject, const vault_key **k)
{
  int64_t id;
  rcode rc = store_keys_ensure(d, v, r, now, subject, &id);
  return rc ? rc : load_key(d, v, r, id, k);
}

rcode store_keys_find(db *d, const vault *v, keyring *r, const char *subject, const vault_key **k)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT id FROM data_keys WHERE subject = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  if (rc == SQLITE_DONE) return RC_NOT_FOUND;
  if (rc != SQLITE_ROW) return RC_INTERNAL;
  return load_key(d, v, r, id, k);
}
