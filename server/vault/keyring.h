/*
 * keyring — a cache of unwrapped data keys, one per worker.
 *
 * Contract:
 *  - A keyring owns the keys put in it (vault_key_free on replacement and
 *    on keyring_clear); callers only borrow a found key for the length of a
 *    request. It holds at most KEYRING_SIZE keys and replaces round-robin:
 *    correctness never depends on a hit.
 *  - keyring_forget_all makes every keyring in the process drop its keys
 *    before their next use: whatever destroys or replaces a data key
 *    (crypto-shredding) must call it. It is the only part that is shared
 *    between threads (an atomic generation); a keyring itself belongs to
 *    one thread.
 *  - A zeroed keyring is empty and ready.
 */
#ifndef REFLECT_KEYRING_H
#define REFLECT_KEYRING_H

#include <stdint.h>

#include "vault.h"

#define KEYRING_SIZE 256

typedef struct {
  int n, next;         /* entries in use; the slot to replace when full */
  uint64_t generation; /* the process generation the entries belong to */
  struct {
    int64_t id;
    vault_key *key;
  } e[KEYRING_SIZE];
} keyring;

void keyring_clear(keyring *r);
void keyring_forget_all(void);
/* Takes ownership of k. */
void keyring_put(keyring *r, int64_t id, vault_key *k);
/* The key cached under id, or NULL. */
const vault_key *keyring_find(keyring *r, int64_t id);

#endif
