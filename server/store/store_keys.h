/*
 * store_keys — data keys in the database, and sealing values with them.
 *
 * Contract:
 *  - A subject ("user:42", later "case:7") has exactly one data key, created
 *    on first use inside the caller's write transaction and stored wrapped.
 *  - Unwrapped keys are cached in the caller's keyring (keyring.h): a
 *    worker keeps one for its lifetime, so the common request unwraps
 *    nothing.
 *  - store_keys_seal returns a malloc'd blob (caller frees); store_keys_open
 *    returns arena-allocated text (freed with the arena, wiped on reset).
 * Functions return 0 (OK) or a Reflect Code: RC_DATA_LOSS when a value or a
 * wrapped key fails authentication, RC_NOT_FOUND for a destroyed key,
 * RC_INTERNAL for database errors.
 */
#ifndef REFLECT_STORE_KEYS_H
#define REFLECT_STORE_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "db.h"
#include "rc.h"
#include "keyring.h"
#include "vault.h"


/* Finds the subject's key id, creating the key if needed (write txn). */
rcode store_keys_ensure(db *d, const vault *v, keyring *r, int64_t now, const char *subject,
                        int64_t *key_id) RC_MUST_CHECK;

typedef struct {
  const char *table;
  int64_t row;
  const char *column;
  int64_t key_id;
  int64_t revision;
  const char *context; /* optional: further facts the value is bound to */
} store_slot;

rcode store_keys_seal(db *d, const vault *v, keyring *r, const store_slot *slot, const char *text, uint8_t **blob,
                      size_t *blob_len) RC_MUST_CHECK;
/* Seals text into slot and binds it to parameter `param` of st; the
 * statement frees the blob when the binding is cleared or replaced. */
rcode store_keys_bind_sealed(db *d, const vault *v, keyring *r, sqlite3_stmt *st, int param, const store_slot *slot,
                             const char *text) RC_MUST_CHECK;
rcode store_keys_open(db *d, const vault *v, keyring *r, const store_slot *slot, const void *blob, size_t blob_len,
                      arena *a, char **text) RC_MUST_CHECK;
/* The same for binary values (a serialised message): *out is arena memory
 * of *out_len bytes (plus a NUL). */
rcode store_keys_seal_bytes(db *d, const vault *v, keyring *r, const store_slot *slot, const uint8_t *data, size_t len,
                            uint8_t **blob, size_t *blob_len) RC_MUST_CHECK;
rcode store_keys_open_bytes(db *d, const vault *v, keyring *r, const store_slot *slot, const void *blob,
                            size_t blob_len, arena *a, uint8_t **out, size_t *out_len) RC_MUST_CHECK;

/* A subject's unwrapped key itself, borrowed from the keyring (valid until
 * the ring is cleared or forgets): store_keys_get creates it if needed
 * (write txn); store_keys_find only looks (RC_NOT_FOUND if there is none
 * or it was destroyed). The audit chain (audit_chain.h) uses these. */
rcode store_keys_get(db *d, const vault *v, keyring *r, int64_t now, const char *subject,
                     const vault_key **k) RC_MUST_CHECK;
rcode store_keys_find(db *d, const vault *v, keyring *r, const char *subject, const vault_key **k) RC_MUST_CHECK;

#endif
