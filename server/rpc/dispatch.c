#include "dispatch.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth_cache.h"
#include "requests.h"
#include "log.h"
#include "ops.h"
#include "relay.h"
#include "store_tokens.h"
#include "wire.h"

/* Looks the token and its account up in the database, and remembers the
 * answer in the worker's cache. */
static rcode lookup_token(call *c, auth_entry *out)
{
  principal *who = c->who;
  uint64_t generation = auth_cache_generation(); /* before reading: see auth_cache.h */
  token_row t;
  int rc = store_tokens_lookup(c->s->db, who->token_hash, &t);
  if (rc == RC_NOT_FOUND) return call_fail(c, RC_UNAUTHENTICATED, "token", "your login has ended: log in again");
  if (rc) return call_fail(c, RC_INTERNAL, NULL, "could not check the token");
  user_row u;
  if (store_users_get(c->s->db, t.user_id, &u) != RC_OK || !u.active)
    return call_fail(c, RC_UNAUTHENTICATED, "token", "the account is not active");
  sodium_memzero(u.pwhash, sizeof u.pwhash);
  *out = (auth_entry){.generation = generation,
                      .used = 1,
                      .user_id = u.id,
                      .expires_at = t.expires_at,
                      .last_seen = t.last_seen,
                      .role = u.role,
                      .must_change = u.must_change};
  memcpy(out->hash, who->token_hash, sizeof out->hash);
  snprintf(out->username, sizeof out->username, "%s", u.username);
  snprintf(out->device, sizeof out->device, "%s", t.device);
  if (c->s->auth) auth_cache_put(c->s->auth, out);
  return RC_OK;
}

/* Turns the token into a user, or says why not. */
static rcode authenticate(call *c, const ProtobufCBinaryData *token)
{
  if (token->len == 0) return call_fail(c, RC_UNAUTHENTICATED, "token", "not logged in: run `reflect login`");
  if (token->len != TOKEN_BYTES) return call_fail(c, RC_UNAUTHENTICATED, "token", "malformed token");
  principal *who = c->who;
  store_tokens_hash(token->data, token->len, who->token_hash);
  auth_entry fresh, *e = c->s->auth ? auth_cache_find(c->s->auth, who->token_hash) : NULL;
  /* A cached entry that looks idle may have been used on another worker
   * since: only the database can say. */
  if (e && c->now - e->last_seen >= c->s->cfg->token_idle_s) e = NULL;
  if (!e) {
    rcode rc = lookup_token(c, &fresh);
    if (rc) return rc;
    e = &fresh;
  }
  if (strcmp(e->device, who->device) != 0)
    return call_fail(c, RC_UNAUTHENTICATED, "token", "this token was issued to another device");
  if (c->now >= e->expires_at || c->now - e->last_seen >= c->s->cfg->token_idle_s)
    return call_fail(c, RC_UNAUTHENTICATED, "token", "your login has expired: log in again");
  who->authenticated = 1;
  who->user_id = e->user_id;
  who->role = e->role;
  who->must_change = e->must_change;
  who->expires_at = e->expires_at;
  snprintf(who->username, sizeof who->username, "%s", e->username);
  /* Idle expiry needs last_seen, but a write per read would cost an fsync;
   * a minute's granularity is plenty for an idle timeout. The write waits
   * until the request is done: it may be running in a read transaction. */
  c->touch_token = c->now - e->last_seen >= TOKEN_TOUCH_INTERVAL;
  if (c->touch_token) e->last_seen = c->now;
  return RC_OK;
}

static void touch_token(call *c)
{
  if (db_begin_write(c->s->db) != SQLITE_OK) return;
  if (store_tokens_touch(c->s->db, c->who->token_hash, c->now)) db_rollback(c->s->db);
  else db_commit(c->s->db);
}

/* What a bad character is, in words a person can act on. */
static const char *char_kind(uint32_t cp)
{
  if (cp == '\r') return "a carriage return (CR): end lines with LF alone";
  if (cp == '\t' || cp == '\n') return "a tab or line break, and it is one line";
  if (cp == 0x2028 || cp == 0x2029) return "a line or paragraph separator, and it is one line";
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
    return "a bidirectional override, which could make text display other than it reads";
  return "a control character";
}

/* Refuses an undecodable request, naming the field at fault. */
static void refuse_decode(call *c, const wire_error *why)
{
  const char *f = why->field[0] ? arena_strdup(c->a, why->field) : NULL;
  const char *name = f ? f : "a text field";
  switch (why->code) {
  case WIRE_EUTF8: call_fail(c, RC_INVALID, f, "%s is not valid UTF-8", name); break;
  case WIRE_ENUL: call_fail(c, RC_INVALID, f, "%s contains a NUL byte, which text may not hold", name); break;
  case WIRE_ECHAR:
    call_fail(c, RC_INVALID, f, "%s contains U+%04X, %s", name, (unsigned)why->cp, char_kind(why->cp));
    break;
  case WIRE_EBUDGET: call_fail(c, RC_INVALID, NULL, "the request is too large to decode"); break;
  case WIRE_ETOOBIG: call_fail(c, RC_INVALID, NULL, "the request is larger than the server accepts"); break;
  default: call_fail(c, RC_INVALID, NULL, "the request could not be decoded"); break;
  }
}

/* Authenticates the token, applies the request table, then runs the handler
 * (or, for a password-hashing op on a fast worker, asks for a slow one). */
static rcode authorise_and_run(call *c, const request_rule *rule, const Reflect__V1__Request *req, int slow_ok,
                               int *slow)
{
  if (!(rule->allow & REQUEST_PUBLIC)) {
    rcode rc = authenticate(c, &req->token);
    if (rc) return rc;
    if (!requests_allow(rule, c->who->role))
      return call_fail(c, RC_DENIED, NULL, "your role (%s) may not %s", wire_role_name((Reflect__V1__Role)c->who->role),
                       rule->name);
    /* Whoever set the password knows it: until the person chooses their
     * own, this login can do nothing as them. */
    if (c->who->must_change && !(rule->allow & REQUEST_FIRST))
      return call_fail(c, RC_PRECONDITION, NULL,
                       "an administrator set your password: change it first (`reflect password`)");
  }
  /* Only authorised, small requests wait for a slow worker: the queue holds
   * copies of frames, and must not become a way to park memory. */
  if (rule->slow && !slow_ok) {
    if (c->frame_len > DISPATCH_SLOW_MAX)
      return call_fail(c, RC_INVALID, NULL, "the request is too large for %s", rule->name);
    /* Someone logged in, or logging in on a device they have used, goes
     * ahead of strangers: a flood of guesses cannot delay them. */
    int familiar = 1;
    rcode rc = ops_auth_slow_lane(c, req, &familiar, &c->slow_owner);
    if (rc) return rc;
    *slow = familiar ? DISPATCH_SLOW_FAMILIAR : DISPATCH_SLOW;
    return RC_OK;
  }
  return rule->fn(c, req);
}

static rcode run(call *c, const Reflect__V1__Request *req, int slow_ok, int *slow)
{
  if (req->protocol == 0) return call_fail(c, RC_INVALID, "protocol", "the protocol version is missing");
  if (req->protocol < WIRE_PROTOCOL_MIN)
    return call_fail(c, RC_PRECONDITION, "protocol",
                     "this client speaks protocol %u but the server needs at least %u: upgrade reflect", req->protocol,
                     WIRE_PROTOCOL_MIN);
  const request_rule *rule = requests_find(req->op_case);
  if (!rule || !rule->fn) return call_fail(c, RC_UNIMPLEMENTED, NULL, "unknown or missing operation");
  /* A request that only reads sees one consistent snapshot, and pays for
   * one read transaction instead of one per statement. */
  int txn = rule->readonly && db_begin_read(c->s->db) == SQLITE_OK;
  rcode rc = authorise_and_run(c, rule, req, slow_ok, slow);
  if (txn) db_end_read(c->s->db);
  if (c->touch_token) touch_token(c);
  /* After the commit, never before: see auth_cache.h. */
  if (rule->ends_logins && !*slow) auth_cache_ends_logins();
  return rc;
}

int dispatch_frame(svc *s, const char *device, const uint8_t *frame, size_t len, int slow_ok, uint8_t **out,
                   size_t *out_len, int64_t *slow_owner)
{
  Reflect__V1__Status status = REFLECT__V1__STATUS__INIT;
  Reflect__V1__Reply rep = REFLECT__V1__REPLY__INIT;
  rep.status = &status;
  principal who = {0};
  snprintf(who.device, sizeof who.device, "%s", device);
  arena a = {0};
  keyring local = {0};
  call c = {.s = s,
            .who = &who,
            .a = &a,
            .ring = s->ring ? s->ring : &local,
            .rep = &rep,
            .now = (int64_t)time(NULL),
            .frame_len = len};

  Reflect__V1__Request *req = NULL;
  int slow = 0;
  wire_error why;
  int wrc = wire_decode_request(frame, len, &req, &why);
  if (wrc) {
    /* The id is known only once the frame decodes: the reply has id 0. */
    refuse_decode(&c, &why);
  } else if (!s->vault) {
    rep.id = req->id;
    call_fail(&c, RC_UNAVAILABLE, NULL,
              "the server is sealed: an administrator must run `reflectd unseal` on the server");
  } else {
    rep.id = req->id;
    rcode hrc = run(&c, req, slow_ok, &slow);
    /* A handler that failed without describing it, or succeeded without an
     * answer, must never look like success to the client. */
    if (hrc != RC_OK && status.code == REFLECT__V1__CODE__OK)
      call_fail(&c, hrc, NULL, "the request could not be completed (%s)", wire_code_name((Reflect__V1__Code)hrc));
    else if (!slow && status.code == REFLECT__V1__CODE__OK && rep.result_case == REFLECT__V1__REPLY__RESULT__NOT_SET)
      call_fail(&c, RC_INTERNAL, NULL, "the server produced no answer");
  }
  /* Committed events go to be published whatever the reply says: a
   * handler may have stored them before a later step failed. */
  if (c.events_last) relay_post_range(s->relay, c.events_first, c.events_last);
  int rc = DISPATCH_REPLY;
  if (slow) {
    rc = slow;
    if (slow_owner) *slow_owner = c.slow_owner;
  } else {
    if (status.code != REFLECT__V1__CODE__OK) rep.result_case = REFLECT__V1__REPLY__RESULT__NOT_SET;
    if (status.code == REFLECT__V1__CODE__INTERNAL || status.code == REFLECT__V1__CODE__DATA_LOSS)
      log_line(LOG_ERROR, "event=request_failed op=%d code=%s", req ? (int)req->op_case : -1,
               wire_code_name(status.code));
    if (wire_encode(&rep.base, out, out_len) != WIRE_OK) {
      /* Too big to send (or no memory): say so in a reply that surely fits. */
      rep.result_case = REFLECT__V1__REPLY__RESULT__NOT_SET;
      status.code = REFLECT__V1__CODE__RESOURCE_EXHAUSTED;
      status.message = "the reply would be larger than the server may send";
      status.field = "";
      if (wire_encode(&rep.base, out, out_len) != WIRE_OK) rc = DISPATCH_ENOMEM;
    }
  }
  db_settle_after(s->db, "request", req ? (int)req->op_case : -1);
  if (req) wire_free_request(req);
  keyring_clear(&local);
  arena_reset(&a);
  return rc;
}
