#include "auth_cache.h"

#include <stdatomic.h>
#include <string.h>

static _Atomic uint64_t generation = 1;

uint64_t auth_cache_generation(void)
{
  return generation;
}

void auth_cache_ends_logins(void)
{
  generation++;
}

/* Token hashes are uniformly random, so two bytes pick a slot well. */
static auth_entry *slot(auth_cache *ac, const uint8_t hash[32])
{
  return &ac->e[((unsigned)hash[0] | (unsigned)hash[1] << 8) % AUTH_CACHE_SLOTS];
}

auth_entry *auth_cache_find(auth_cache *ac, const uint8_t hash[32])
{
  auth_entry *e = slot(ac, hash);
  if (!e->used || e->generation != generation || memcmp(e->hash, hash, 32) != 0) return NULL;
  return e;
}

void auth_cache_put(auth_cache *ac, const auth_entry *e)
{
  *slot(ac, e->hash) = *e;
}
