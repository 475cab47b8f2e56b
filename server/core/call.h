/*
 * call — one request's context (the worker's view of the server, who is
 * asking, the reply being built) and the helpers every layer uses to
 * answer: a described failure, a write transaction.
 *
 * Contract:
 *  - svc is one worker thread's view of the server: its own SQLite
 *    connection, the shared (immutable) vault and config.
 *  - principal is who is asking: the device (the CURVE key the ZAP handler
 *    authenticated, passed explicitly from the frontend because message
 *    properties do not survive inproc forwarding) and, once the token has
 *    been checked, the user.
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
#include "topic.h"
#include "vault.h"

#define USERNAME_MAX 64
#define DEVICE_Z85_LEN 40

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
  char device[DEVICE_Z85_LEN + 1];
  int authenticated;
  int64_t user_id;
  Reflect__V1__Role role;
  int must_change; /* an administrator set the password: see REQUEST_FIRST */
  char username[USERNAME_MAX + 1];
  uint8_t token_hash[32];
  int64_t expires_at;
} principal;

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
} call;

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

#endif
