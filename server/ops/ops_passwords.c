/* Changing one's own password, and an administrator's reset. Both hash with
 * Argon2id, so both run on the slow workers (see the authz table). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "ops.h"
#include "password.h"
#include "store_audit.h"
#include "store_tokens.h"

typedef struct {
  int64_t user_id;
  const char *pwhash;
  const uint8_t *keep; /* the token that stays logged in, or NULL */
  int by_admin;        /* a reset: the person is told, and must choose their own */
} password_set;

static rcode password_write(call *c, void *arg)
{
  password_set *p = arg;
  rcode rc = store_users_set_password(c->s->db, p->user_id, p->pwhash, p->by_admin, c->now);
  if (!rc) rc = store_tokens_delete_user(c->s->db, p->user_id, p->keep);
  if (!rc)
    rc = store_audit_append_id(call_store(c), p->by_admin ? "password.reset" : "password.change", "user", p->user_id,
                               "");
  if (!rc && p->by_admin) rc = events_account_changed(c, EVENTS_ACCOUNT_PASSWORD_RESET, p->user_id, 0);
  return rc;
}

static rcode set_password(call *c, int64_t user_id, const char *new_password, const uint8_t *keep, int by_admin)
{
  const char *why = password_check_policy(new_password);
  if (why) return call_fail(c, RC_INVALID, "new_password", "%s", why);
  char pwhash[PASSWORD_HASH_MAX];
  if (password_hash(new_password, pwhash) != 0) return call_fail(c, RC_INTERNAL, NULL, "could not hash the password");
  password_set p = {user_id, pwhash, keep, by_admin};
  rcode rc = call_write(c, "change the password", password_write, &p);
  sodium_memzero(pwhash, sizeof pwhash);
  return rc;
}

rcode ops_password_change(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__PasswordChangeRequest *in = req->password_change;
  if (!in) return call_fail(c, RC_INVALID, "password_change", "missing password_change");
  if (strlen(in->current_password) > PASSWORD_MAX)
    return call_fail(c, RC_INVALID, "current_password", "password too long");
  user_row u;
  if (store_users_get(c->s->db, c->who->user_id, &u) != RC_OK)
    return call_fail(c, RC_INTERNAL, NULL, "could not read the account");
  /* A stolen token must not become a way to guess the password
   * unthrottled. The device is logged in as this person: familiar. */
  ops_guess g = {.known = 1, .familiar = 1};
  snprintf(g.user_key, sizeof g.user_key, "user:%lld", (long long)u.id);
  snprintf(g.device_key, sizeof g.device_key, "device:%s", c->who->device);
  rcode rc = ops_auth_check_throttle(c, &g);
  if (rc) return rc;
  int ok = password_verify(u.pwhash, in->current_password) == 0;
  /* Someone else knows a password an administrator set: keeping it would
   * leave them able to act as this person. */
  int same = ok && password_verify(u.pwhash, in->new_password) == 0;
  sodium_memzero(u.pwhash, sizeof u.pwhash);
  /* INVALID_ARGUMENT, not UNAUTHENTICATED: the login itself is fine, and a
   * client must not take a mistyped password for the end of it. */
  if (!ok) return ops_auth_password_failed(c, &g, RC_INVALID, "current_password", "the current password is wrong");
  if (same) return call_fail(c, RC_INVALID, "new_password", "the new password must differ from the current one");
  rc = set_password(c, u.id, in->new_password, c->who->token_hash, 0);
  if (rc) return rc;
  Reflect__V1__PasswordChangeReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__password_change_reply__init(r);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_PASSWORD_CHANGE;
  c->rep->password_change = r;
  return RC_OK;
}

rcode ops_password_reset(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__PasswordResetRequest *in = req->password_reset;
  if (!in) return call_fail(c, RC_INVALID, "password_reset", "missing password_reset");
  user_row u;
  rcode rc = ops_users_find_active(c, "username", in->username, &u);
  if (rc) return rc;
  if (u.id == c->who->user_id)
    return call_fail(c, RC_INVALID, "username", "change your own password with `reflect password`");
  rc = set_password(c, u.id, in->new_password, NULL, 1);
  if (rc) return rc;
  Reflect__V1__PasswordResetReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__password_reset_reply__init(r);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_PASSWORD_RESET;
  c->rep->password_reset = r;
  return RC_OK;
}
