/*
 * auth_cache — a worker's memory of tokens it has already checked, so the
 * common request does not look its token and account up again.
 *
 * Contract:
 *  - Entries are keyed by the token's hash and carry what authentication
 *    needs (user, role, username, device, expiry, last use). A worker owns
 *    its cache; nothing here locks.
 *  - auth_cache_ends_logins() bumps a process-wide generation that makes
 *    every entry in every cache stale. It must be called after the commit
 *    of anything that ends or changes a login or an account (logout,
 *    password change or reset, and in future deactivation or a role
 *    change): the authz table's `ends_logins` flag makes dispatch do so.
 *  - A filler reads auth_cache_generation() BEFORE it reads the database,
 *    and stores that value with the entry: a fill that raced a change then
 *    carries the old generation and is never used.
 *  - An entry that looks idle-expired is not trusted either way: another
 *    worker may have seen the token since, so the caller asks the database.
 */
#ifndef REFLECT_AUTH_CACHE_H
#define REFLECT_AUTH_CACHE_H

#include <stdint.h>

#include "reflect.pb-c.h"
#include "role.h"

#define AUTH_CACHE_SLOTS 256

typedef struct {
  uint8_t hash[32];
  uint64_t generation;
  int used;
  int64_t user_id, expires_at, last_seen;
  user_role role;
  int must_change;
  char username[65];
  char device[41];
} auth_entry;

typedef struct auth_cache {
  auth_entry e[AUTH_CACHE_SLOTS];
} auth_cache;

uint64_t auth_cache_generation(void);
void auth_cache_ends_logins(void);
/* The live entry for hash, or NULL. */
auth_entry *auth_cache_find(auth_cache *ac, const uint8_t hash[32]);
void auth_cache_put(auth_cache *ac, const auth_entry *e);

#endif
