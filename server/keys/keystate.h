/*
 * keystate — the running server's keys: sealed (no master key yet), or a
 * vault every worker borrows per request.
 *
 * Contract:
 *  - A server started sealed (`reflectd serve --sealed`) holds no vault
 *    until `reflectd unseal` installs one over the control socket; until
 *    then keystate_acquire returns NULL and every request is answered
 *    UNAVAILABLE (dispatch.c).
 *  - keystate_acquire takes a shared lock and returns the current vault
 *    (or NULL, already released); a non-NULL result must be given back with
 *    keystate_release once the request (or relay job) is done, and never
 *    acquired twice by one thread. keystate_swap takes the exclusive lock,
 *    so it waits for requests in flight and holds new ones back while the
 *    master key is replaced (rotation) or installed (unseal). The lock
 *    prefers the writer, so a busy server cannot starve a rotation.
 *  - keystate_swap runs fn(arg, current) under the exclusive lock; if fn
 *    returns 0 and sets *next, *next becomes the current vault and the old
 *    one is closed (wiped) after the lock is dropped. The keystate owns the
 *    vault it holds and closes it in keystate_free.
 * Thread safety: all functions may be called from any thread.
 */
#ifndef REFLECT_KEYSTATE_H
#define REFLECT_KEYSTATE_H

#include "vault.h"

typedef struct keystate keystate;

/* v may be NULL (start sealed); the keystate takes ownership of v. */
int keystate_new(vault *v, keystate **out);
void keystate_free(keystate *ks);

const vault *keystate_acquire(keystate *ks);
void keystate_release(keystate *ks);
/* 1 while sealed. A hint for status and logs; acquire is what counts. */
int keystate_sealed(keystate *ks);

typedef int (*keystate_swap_fn)(void *arg, const vault *current, vault **next);
int keystate_swap(keystate *ks, keystate_swap_fn fn, void *arg);

#endif
