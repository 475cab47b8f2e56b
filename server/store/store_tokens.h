/*
 * store_tokens — login tokens.
 *
 * Contract:
 *  - Only BLAKE2b-256(token) is stored, with the device (Z85 CURVE key) it
 *    was issued to, its absolute expiry and when it was last used.
 *  - Writers (create, touch, delete) run inside the caller's write
 *    transaction. Functions return 0 or a Reflect Code.
 * Failed-login throttling is store_throttle's.
 */
#ifndef REFLECT_STORE_TOKENS_H
#define REFLECT_STORE_TOKENS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "rc.h"

#define TOKEN_BYTES 32
#define TOKEN_HASH_BYTES 32
/* last_seen is written at most this often, so reads stay reads. */
#define TOKEN_TOUCH_INTERVAL 60

typedef struct {
  int64_t user_id;
  char device[41];
  int64_t last_seen;
  int64_t expires_at;
} token_row;

void store_tokens_hash(const uint8_t *token, size_t len, uint8_t out[TOKEN_HASH_BYTES]);
rcode store_tokens_create(db *d, const uint8_t hash[TOKEN_HASH_BYTES], int64_t user_id, const char *device, int64_t now,
                          int64_t expires_at) RC_MUST_CHECK;
rcode store_tokens_lookup(db *d, const uint8_t hash[TOKEN_HASH_BYTES], token_row *out) RC_MUST_CHECK;
rcode store_tokens_touch(db *d, const uint8_t hash[TOKEN_HASH_BYTES], int64_t now) RC_MUST_CHECK;
rcode store_tokens_delete(db *d, const uint8_t hash[TOKEN_HASH_BYTES]) RC_MUST_CHECK;
/* Ends every login on a device: a device is one person at a time, and its
 * events are sealed to it for whoever is logged in there. */
rcode store_tokens_delete_device(db *d, const char *device) RC_MUST_CHECK;
/* Ends every login of a user except the one whose hash is `keep` (NULL: all). */
rcode store_tokens_delete_user(db *d, int64_t user_id, const uint8_t *keep) RC_MUST_CHECK;

#endif
