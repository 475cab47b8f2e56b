/* keystate — see keystate.h. */
#define _GNU_SOURCE
#include "keystate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct keystate {
  pthread_rwlock_t lock;
  vault *v;
  atomic_int sealed;
};

int keystate_new(vault *v, keystate **out)
{
  keystate *ks = calloc(1, sizeof *ks);
  if (!ks) return -1;
  pthread_rwlockattr_t attr;
  pthread_rwlockattr_init(&attr);
  /* glibc prefers readers by default: under steady load a rotation would
   * wait for ever. Readers never nest (see the contract), so preferring
   * the writer cannot deadlock. */
  pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
  int rc = pthread_rwlock_init(&ks->lock, &attr);
  pthread_rwlockattr_destroy(&attr);
  if (rc) {
    free(ks);
    return -1;
  }
  ks->v = v;
  atomic_store(&ks->sealed, v == NULL);
  *out = ks;
  return 0;
}

void keystate_free(keystate *ks)
{
  if (!ks) return;
  pthread_rwlock_destroy(&ks->lock);
  vault_close(ks->v);
  free(ks);
}

const vault *keystate_acquire(keystate *ks)
{
  pthread_rwlock_rdlock(&ks->lock);
  if (ks->v) return ks->v;
  pthread_rwlock_unlock(&ks->lock);
  return NULL;
}

void keystate_release(keystate *ks)
{
  pthread_rwlock_unlock(&ks->lock);
}

int keystate_sealed(keystate *ks)
{
  return atomic_load(&ks->sealed);
}

int keystate_swap(keystate *ks, keystate_swap_fn fn, void *arg)
{
  vault *next = NULL, *old = NULL;
  pthread_rwlock_wrlock(&ks->lock);
  int rc = fn(arg, ks->v, &next);
  if (rc == 0 && next) {
    old = ks->v;
    ks->v = next;
    atomic_store(&ks->sealed, 0);
  } else if (next) {
    vault_close(next); /* fn failed after making one: never keep half a change */
  }
  pthread_rwlock_unlock(&ks->lock);
  vault_close(old);
  return rc;
}
