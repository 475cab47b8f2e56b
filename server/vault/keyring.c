#include "keyring.h"

#include <stdatomic.h>

static _Atomic uint64_t generation;

void keyring_forget_all(void)
{
  generation++;
}

void keyring_clear(keyring *r)
{
  for (int i = 0; i < r->n; i++) vault_key_free(r->e[i].key);
  r->n = 0;
  r->next = 0;
}

static void ring_sync(keyring *r)
{
  uint64_t now = generation;
  if (r->generation != now) {
    keyring_clear(r);
    r->generation = now;
  }
}

void keyring_put(keyring *r, int64_t id, vault_key *k)
{
  ring_sync(r);
  if (r->n == KEYRING_SIZE) {
    vault_key_free(r->e[r->next].key);
    r->e[r->next].id = id;
    r->e[r->next].key = k;
    r->next = (r->next + 1) % KEYRING_SIZE;
    return;
  }
  r->e[r->n].id = id;
  r->e[r->n].key = k;
  r->n++;
}

const vault_key *keyring_find(keyring *r, int64_t id)
{
  ring_sync(r);
  for (int i = 0; i < r->n; i++)
    if (r->e[i].id == id) return r->e[i].key;
  return NULL;
}
