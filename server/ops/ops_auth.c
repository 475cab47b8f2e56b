/* Ping, login, logout, whoami: how a device becomes a user and stops being one. */
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "ops.h"
#include "password.h"
#include "store_audit.h"
#include "store_events.h"
#include "store_throttle.h"
#include "store_tokens.h"
#include "wire.h"

rcode ops_ping(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  Reflect__V1__PingReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__ping_reply__init(r);
  r->protocol = WIRE_PROTOCOL;
  r->version = REFLECT_VERSION;
  r->server_time = c->now;
  r->timezone = (char *)c->s->cfg->timezone;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_PING;
  c->rep->ping = r;
  return RC_OK;
}

typedef struct {
  const ops_guess *g;
  const uint8_t *token_hash;
  int64_t user_id, expires_at;
  uint8_t *topic;
} login_tx;

static rcode failure_write(call *c, void *arg)
{
  const ops_guess *g = ((login_tx *)arg)->g;
  const config *cfg = c->s->cfg;
  rcode rc = store_throttle_fail(c->s->db, g->device_key, c->now, cfg->login_max_failures, cfg->login_max_delay_s);
  /* A stranger's failures lock only strangers out of the account. */
  if (!rc && !g->familiar)
    rc = store_throttle_fail(c->s->db, g->user_key, c->now, cfg->login_max_failures, cfg->login_max_delay_s);
  /* Audited once per account, device and hour: every unknown name is one
   * "account", so guessed names cannot multiply the rows either. */
  const char *account = g->known ? g->user_key : "unknown";
  int first = 0;
  if (!rc) rc = store_throttle_count_failure(c->s->db, account, c->who->device, c->now, &first);
  if (!rc && first)
    rc = store_audit_append(call_store(c), "login.failed", account, g->familiar ? "familiar_device=1" : "");
  return rc;
}

#define WRONG_LOGIN "wrong username or password"

rcode ops_auth_password_failed(call *c, const ops_guess *g, rcode code, const char *field, const char *message)
{
  log_line(LOG_WARN, "event=login_failed account=%s device=%s familiar=%d", g->user_key, c->who->device, g->familiar);
  login_tx t = {.g = g};
  rcode rc = call_write(c, "record a failed login", failure_write, &t);
  if (rc) return rc;
  return call_fail(c, code, field, "%s", message);
}

static rcode success_write(call *c, void *arg)
{
  login_tx *t = arg;
  /* The previous login here (this person's or someone else's) ends, or
   * events would still be sealed to this device for them. */
  rcode rc = store_tokens_delete_device(c->s->db, c->who->device);
  if (!rc) rc = store_tokens_create(c->s->db, t->token_hash, t->user_id, c->who->device, c->now, t->expires_at);
  /* A success clears the counters it had to pass: the device's, and the
   * account's only from an unfamiliar device (from a familiar one it was
   * never checked, and clearing it would hand a guesser fresh tries). */
  if (!rc) rc = store_throttle_clear(c->s->db, t->g->device_key);
  if (!rc && !t->g->familiar) rc = store_throttle_clear(c->s->db, t->g->user_key);
  if (!rc) rc = store_throttle_remember(c->s->db, t->user_id, c->who->device, c->now);
  if (!rc) rc = store_events_topic_renew(c->s->db, c->s->topics, t->user_id, c->who->device, c->now, t->topic);
  if (!rc) rc = store_audit_append_id(call_store(c), "login", "user", t->user_id, "");
  return rc;
}

rcode ops_auth_check_throttle(call *c, const ops_guess *g)
{
  int64_t until_user = 0, until_device;
  if (store_throttle_check(c->s->db, g->device_key, &until_device) ||
      (!g->familiar && store_throttle_check(c->s->db, g->user_key, &until_user)))
    return call_fail(c, RC_INTERNAL, NULL, "could not check login throttling");
  int64_t until = until_user > until_device ? until_user : until_device;
  if (until > c->now) {
    /* Refused on a fast worker at no cost to the guesser: at most a line a
     * second, with how many were refused since the last. */
    static _Atomic int64_t logged_at;
    static atomic_llong since;
    long long n = atomic_fetch_add(&since, 1) + 1;
    int64_t last = atomic_load(&logged_at);
    if (c->now != last && atomic_compare_exchange_strong(&logged_at, &last, c->now)) {
      atomic_fetch_sub(&since, n);
      log_line(LOG_WARN, "event=login_locked account=%s device=%s familiar=%d seconds=%lld refused=%lld", g->user_key,
               c->who->device, g->familiar, (long long)(until - c->now), n);
    }
    return call_fail(c, RC_EXHAUSTED, NULL, "too many failed logins; try again in %lld s", (long long)(until - c->now));
  }
  return RC_OK;
}

/* Who is guessing from where. A typed name that is not an account may be
 * a password typed in the wrong box, so it is never stored or logged: it
 * is counted under a keyed hash of itself instead. */
static rcode read_guess(call *c, const char *typed, const user_row *u, int found, ops_guess *g)
{
  memset(g, 0, sizeof *g);
  g->known = found;
  if (found) {
    snprintf(g->user_key, sizeof g->user_key, "user:%lld", (long long)u->id);
    if (store_throttle_familiar(c->s->db, u->id, c->who->device, &g->familiar))
      return call_fail(c, RC_INTERNAL, NULL, "could not check login throttling");
  } else {
    uint8_t idx[VAULT_INDEX_BYTES];
    char hex[2 * 16 + 1];
    vault_blind_index(c->s->vault, "login.username", (const uint8_t *)typed, strlen(typed), idx);
    sodium_bin2hex(hex, sizeof hex, idx, 16);
    snprintf(g->user_key, sizeof g->user_key, "unknown:%s", hex);
  }
  snprintf(g->device_key, sizeof g->device_key, "device:%s", c->who->device);
  return RC_OK;
}

/* The account a login names, and who is guessing from where; refused at
 * once if the throttle says so. */
static rcode login_guess(call *c, const Reflect__V1__LoginRequest *in, user_row *u, int *found, ops_guess *g)
{
  if (!in) return call_fail(c, RC_INVALID, "login", "missing login");
  if (strlen(in->password) > PASSWORD_MAX || strlen(in->username) > USERNAME_MAX)
    return call_fail(c, RC_INVALID, "username", "username or password too long");
  *found = store_users_valid_username(in->username) && store_users_find(c->s->db, in->username, u) == RC_OK &&
           u->active;
  rcode rc = read_guess(c, in->username, u, *found, g);
  if (rc) return rc;
  return ops_auth_check_throttle(c, g);
}

rcode ops_auth_slow_lane(call *c, const Reflect__V1__Request *req, int *familiar, int64_t *owner)
{
  *familiar = 1;
  *owner = c->who->user_id;
  if (req->op_case == REFLECT__V1__REQUEST__OP_LOGIN) {
    user_row u = {0};
    int found = 0;
    ops_guess g = {0};
    rcode rc = login_guess(c, req->login, &u, &found, &g);
    sodium_memzero(u.pwhash, sizeof u.pwhash);
    *familiar = g.familiar;
    *owner = g.familiar ? u.id : 0;
    return rc;
  }
  if (req->op_case == REFLECT__V1__REQUEST__OP_PASSWORD_CHANGE) {
    ops_guess g = {.known = 1, .familiar = 1};
    snprintf(g.user_key, sizeof g.user_key, "user:%lld", (long long)c->who->user_id);
    snprintf(g.device_key, sizeof g.device_key, "device:%s", c->who->device);
    return ops_auth_check_throttle(c, &g);
  }
  return RC_OK;
}

rcode ops_login(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__LoginRequest *in = req->login;
  user_row u;
  int found;
  ops_guess g;
  rcode rc = login_guess(c, in, &u, &found, &g);
  if (rc) return rc;
  if (!found) {
    password_verify_dummy(in->password);
    return ops_auth_password_failed(c, &g, RC_UNAUTHENTICATED, NULL, WRONG_LOGIN);
  }
  if (password_verify(u.pwhash, in->password) != 0)
    return ops_auth_password_failed(c, &g, RC_UNAUTHENTICATED, NULL, WRONG_LOGIN);
  /* Only after the password: the expiry is no one else's business. */
  if (u.expires_at && u.expires_at <= c->now) {
    char when[DUE_TIME_MAX], msg[96];
    due_format_local(u.expires_at, when, sizeof when);
    snprintf(msg, sizeof msg, "this account expired on %s", when);
    return ops_auth_password_failed(c, &g, RC_UNAUTHENTICATED, NULL, msg);
  }

  uint8_t *token = arena_alloc(c->a, TOKEN_BYTES);
  if (!token) return RC_EXHAUSTED;
  randombytes_buf(token, TOKEN_BYTES);
  uint8_t hash[TOKEN_HASH_BYTES];
  store_tokens_hash(token, TOKEN_BYTES, hash);
  int64_t expires_at = c->now + c->s->cfg->token_absolute_s;
  /* A login never outlives its account: dispatch's token-expiry check
   * (cached or not) then ends the session when the account ends. */
  if (u.expires_at && u.expires_at < expires_at) expires_at = u.expires_at;
  c->who->authenticated = 1;
  c->who->user_id = u.id;
  c->who->role = u.role;

  uint8_t *topic = arena_alloc(c->a, EVENT_TOPIC_BYTES);
  if (!topic) return RC_EXHAUSTED;
  login_tx t = {&g, hash, u.id, expires_at, topic};
  rc = call_write(c, "log in", success_write, &t);
  if (rc) return rc;

  Reflect__V1__LoginReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__login_reply__init(r);
  u.pwhash[0] = '\0';
  rc = ops_users_message(c, &u, &r->user);
  if (rc) return call_fail(c, rc, NULL, "could not read the account");
  r->token.data = token;
  r->token.len = TOKEN_BYTES;
  r->expires_at = expires_at;
  r->idle_seconds = c->s->cfg->token_idle_s;
  r->timezone = (char *)c->s->cfg->timezone;
  /* No topic for a login on a password an administrator set: whoever set
   * it must not follow the person's events (store_events_devices). */
  if (!u.must_change) {
    r->topic.data = topic;
    r->topic.len = EVENT_TOPIC_BYTES;
  }
  r->must_change_password = u.must_change != 0;
  if (u.must_change) {
    char when[DUE_TIME_MAX], notice[256];
    due_format_local(u.admin_set_at ? u.admin_set_at : u.created_at, when, sizeof when);
    snprintf(notice, sizeof notice,
             "an administrator set this password on %s: choose your own (`reflect password`) before anything else",
             when);
    r->notice = arena_strdup(c->a, notice);
    if (!r->notice) return RC_EXHAUSTED;
  }
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_LOGIN;
  c->rep->login = r;
  return RC_OK;
}

static rcode logout_write(call *c, void *arg)
{
  (void)arg;
  rcode rc = store_tokens_delete(c->s->db, c->who->token_hash);
  if (!rc) rc = store_audit_append_id(call_store(c), "logout", "user", c->who->user_id, "");
  return rc;
}

rcode ops_logout(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  rcode rc = call_write(c, "log out", logout_write, NULL);
  if (rc) return rc;
  Reflect__V1__LogoutReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__logout_reply__init(r);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_LOGOUT;
  c->rep->logout = r;
  return RC_OK;
}

rcode ops_whoami(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  user_row u;
  if (store_users_get(c->s->db, c->who->user_id, &u)) return call_fail(c, RC_INTERNAL, NULL, "account vanished");
  u.pwhash[0] = '\0';
  Reflect__V1__WhoAmIReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__who_am_ireply__init(r);
  rcode rc = ops_users_message(c, &u, &r->user);
  if (rc) return call_fail(c, rc, NULL, "could not read the account");
  r->device = c->who->device;
  r->expires_at = c->who->expires_at;
  r->timezone = (char *)c->s->cfg->timezone;
  r->must_change_password = c->who->must_change != 0;
  uint8_t *topic = arena_alloc(c->a, EVENT_TOPIC_BYTES);
  if (!topic) return RC_EXHAUSTED;
  if (!c->who->must_change && store_events_topic_get(c->s->db, c->who->user_id, c->who->device, topic) == RC_OK) {
    r->topic.data = topic;
    r->topic.len = EVENT_TOPIC_BYTES;
  }
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_WHOAMI;
  c->rep->whoami = r;
  return RC_OK;
}
