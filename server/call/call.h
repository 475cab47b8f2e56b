/*
 * call — one request's context (the worker's view of the server, who is
 * asking, the reply being built) and the helpers every layer above the
 * store uses to answer: a described failure, a write transaction. This is
 * the lowest layer that knows the wire; the store below it is handed a
 * store_ctx (call_store) and answers in plain structs and rcode.
 *
 * Contract:
 *  - svc is one worker thread's view of the server: its own SQLite
 *    connection, the shared (immutable) vault and config.
 *  - principal (principal.h) is who is asking.
 *  - call bundles one request's state. Handlers build their result in
 *    c->rep with memory from c->a, and return the Status code; call_fail
 *    sets the Status message/field and returns the code, so a handler can
 *    `return call_fail(c, RC_NOT_FOUND, "session_id", "no session %llu", id)`.
 */
#ifndef REFLECT_CALL_H
#define REFLECT_CALL_H

#include <stdint.h>

#include "arena.h"
#include "config.h"
#include "db.h"
#include "rc.h"
#include "reflect.pb-c.h"
#include "keyring.h"
#include "principal.h"
#include "store_ctx.h"
#include "topic.h"
#include "vault.h"

typedef struct {
  db *db;
  const vault *vault;
  const config *cfg;
  keyring *ring;           /* the worker's key cache, or NULL for one per request */
  struct auth_cache *auth; /* the worker's checked tokens, or NULL to always ask the database */
  struct relay *relay;     /* where committed events go to be published, or NULL */
  const topic_key *topics; /* makes event topics at login (topic.h) */
} svc;

typedef struct {
  svc *s;
  principal *who;
  arena *a;
  keyring *ring;
  Reflect__V1__Reply *rep;
  int64_t now;
  size_t frame_len;
  int touch_token;    /* set by authentication: write last_seen after the request */
  int64_t slow_owner; /* whose password work a request sent to a slow worker is (ops_auth_slow_lane) */
  /* Outbox rows this request added (events.h), published after commit;
   * 0 when none. call_write forgets those of a rolled-back transaction. */
  int64_t events_first, events_last;
  store_ctx st; /* what call_store hands the store layer */
} call;

/* The store's view of this call: its connection, keys, arena, clock and
 * principal, made afresh from the call's own fields each time, so a change
 * to any of them (authentication, a new arena) is never stale. */
static inline store_ctx *call_store(call *c)
{
  c->st = (store_ctx){c->s->db, c->s->vault, c->s->cfg, c->ring, c->a, c->now, c->who};
  return &c->st;
}

rcode call_fail(call *c, rcode code, const char *field, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Maps a SQLite result code to a Status (SQLITE_FULL is RESOURCE_EXHAUSTED,
 * constraint failures are FAILED_PRECONDITION, everything else INTERNAL). */
rcode call_fail_sql(call *c, int sqlite_rc, const char *what);

/* Checks a required text field: valid UTF-8 (already assured by wire),
 * 1..max bytes, not only white space. */
rcode call_check_text(call *c, const char *field, const char *value, size_t max) RC_MUST_CHECK;

/* Runs fn inside a write transaction: commits if it returns OK, rolls back
 * otherwise. A failure fn did not describe with call_fail gets the message
 * "could not <what>". Returns the final code. */
typedef rcode (*call_write_fn)(call *c, void *arg);
rcode call_write(call *c, const char *what, call_write_fn fn, void *arg) RC_MUST_CHECK;

/* Audits a read of sealed content in its own write transaction, before
 * the content leaves: no audit row, no content. */
rcode call_audit_read(call *c, const char *action, const char *kind, int64_t id, const char *detail) RC_MUST_CHECK;

#endif
