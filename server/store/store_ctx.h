/*
 * store_ctx — what every store function works with: one worker's SQLite
 * connection, the vault and the worker's key cache (to seal and open),
 * an arena for what it returns, the request's clock and who is acting.
 *
 * Contract:
 *  - The store knows nothing of requests or the wire: the request layer
 *    (call.h) makes a store_ctx from its call with call_store(), a job or
 *    a test fills one itself. Nothing in it is owned: every pointer
 *    outlives the calls made with it.
 *  - Results are allocated from a and live until the arena is reset.
 *  - who->user_id is the actor of visibility rules and of the audit log;
 *    the server's own work (scheduler, jobs) acts with a principal that
 *    is not authenticated (user 0).
 *  - ring may be NULL (then each call opens keys afresh).
 * A header only.
 */
#ifndef REFLECT_STORE_CTX_H
#define REFLECT_STORE_CTX_H

#include <stdint.h>

#include "arena.h"
#include "config.h"
#include "db.h"
#include "keyring.h"
#include "principal.h"
#include "rc.h"
#include "vault.h"

typedef struct {
  db *db;
  const vault *vault;
  const config *cfg;
  keyring *ring;
  arena *a;
  int64_t now;
  const principal *who;
} store_ctx;

#endif
