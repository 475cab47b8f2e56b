/* Accounts: administrators add them; the password is hashed on a slow worker. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ops.h"
#include "password.h"
#include "probes.h"
#include "store_audit.h"
#include "wire.h"

#define NAME_MAX_BYTES 200
/* An account with an expiry (an inspector's always has one) lasts at most
 * this long: access for an inspection or a temporary post is renewed on
 * purpose, not left running. */
#define EXPIRY_MAX_DAYS 366

rcode ops_users_find_active(call *c, const char *field, const char *username, user_row *out)
{
  if (!store_users_valid_username(username) || store_users_find(c->s->db, username, out) != RC_OK)
    return call_fail(c, RC_NOT_FOUND, field, "no user called '%.64s'", username);
  if (!out->active) return call_fail(c, RC_PRECONDITION, field, "user '%s' is not active", username);
  out->pwhash[0] = '\0';
  return RC_OK;
}

rcode ops_users_lookup_person(call *c, const char *username, unsigned roles, user_row *u)
{
  memset(u, 0, sizeof *u);
  int rc = store_users_valid_username(username) ? store_users_find(c->s->db, username, u) : RC_NOT_FOUND;
  sodium_memzero(u->pwhash, sizeof u->pwhash);
  if (rc == RC_NOT_FOUND) u->id = 0;
  if (rc) return rc == RC_NOT_FOUND ? RC_NOT_FOUND : RC_INTERNAL;
  if (!u->active || (unsigned)u->role >= 8 || !(roles & (1u << u->role))) return RC_NOT_FOUND;
  return RC_OK;
}

rcode ops_users_refused_person(call *c, const char *username, const user_row *u, const char *why)
{
  char object[32] = "", detail[128];
  if (u->id) snprintf(object, sizeof object, "user:%lld", (long long)u->id);
  if (why) snprintf(detail, sizeof detail, "%s", why);
  else if (!u->id && store_users_valid_username(username)) {
    /* What was typed may not be a name at all (a password in the wrong
     * box): kept as a keyed hash, enough to see the same guess again. */
    uint8_t idx[VAULT_INDEX_BYTES];
    char hex[2 * 8 + 1];
    vault_blind_index(c->s->vault, "probe.username", (const uint8_t *)username, strlen(username), idx);
    sodium_bin2hex(hex, sizeof hex, idx, 8);
    snprintf(detail, sizeof detail, "no account (name %s)", hex);
  } else if (!u->id) snprintf(detail, sizeof detail, "no account (not a valid username)");
  else if (!u->active) snprintf(detail, sizeof detail, "account not active");
  else
    snprintf(detail, sizeof detail, "role=%s",
             wire_role_name((Reflect__V1__Role)u->role) ? wire_role_name((Reflect__V1__Role)u->role) : "?");
  rcode code = (rcode)c->rep->status->code;
  probes_record(c, "person", object, detail);
  return code;
}

typedef struct {
  const Reflect__V1__UserAddRequest *in;
  const char *pwhash;
  int64_t id;
} user_add;

static rcode user_add_write(call *c, void *arg)
{
  user_add *u = arg;
  rcode rc = store_users_create(call_store(c), u->in->username, u->in->name, (user_role)u->in->role, u->pwhash, &u->id);
  if (rc == RC_EXISTS) return call_fail(c, rc, "username", "user '%s' already exists", u->in->username);
  if (!rc && u->in->expires_at) rc = store_users_set_expiry(c->s->db, u->id, u->in->expires_at);
  if (rc) return rc;
  char detail[64];
  if (u->in->expires_at)
    snprintf(detail, sizeof detail, "%s;expires_at=%lld", wire_role_name(u->in->role), (long long)u->in->expires_at);
  else snprintf(detail, sizeof detail, "%s", wire_role_name(u->in->role));
  return store_audit_append_id(call_store(c), "user.add", "user", u->id, detail);
}

rcode ops_user_add(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__UserAddRequest *in = req->user_add;
  if (!in) return call_fail(c, RC_INVALID, "user_add", "missing user_add");
  if (!store_users_valid_username(in->username))
    return call_fail(c, RC_INVALID, "username",
                     "a username is 1-64 characters: lower-case letters, digits, '.', '_' or '-'");
  rcode rc = call_check_text(c, "name", in->name, NAME_MAX_BYTES);
  if (rc) return rc;
  if (!wire_role_name(in->role) || in->role == REFLECT__V1__ROLE__ROLE_UNSPECIFIED)
    return call_fail(c, RC_INVALID, "role", "unknown role");
  if (in->role == REFLECT__V1__ROLE__ROLE_INSPECTOR && in->expires_at == 0)
    return call_fail(c, RC_INVALID, "expires_at", "an inspector's account needs an expiry (at most %d days ahead)",
                     EXPIRY_MAX_DAYS);
  if (in->expires_at && (in->expires_at <= c->now || in->expires_at > c->now + (int64_t)EXPIRY_MAX_DAYS * 86400))
    return call_fail(c, RC_INVALID, "expires_at", "an account's expiry must be in the future and at most %d days ahead",
                     EXPIRY_MAX_DAYS);
  const char *why = password_check_policy(in->password);
  if (why) return call_fail(c, RC_INVALID, "password", "%s", why);
  user_row existing;
  if (store_users_find(c->s->db, in->username, &existing) == RC_OK)
    return call_fail(c, RC_EXISTS, "username", "user '%s' already exists", in->username);

  char pwhash[PASSWORD_HASH_MAX];
  if (password_hash(in->password, pwhash) != 0) return call_fail(c, RC_INTERNAL, NULL, "could not hash the password");
  user_add u = {in, pwhash, 0};
  rc = call_write(c, "add the user", user_add_write, &u);
  sodium_memzero(pwhash, sizeof pwhash);
  if (rc) return rc;
  Reflect__V1__UserAddReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__user_add_reply__init(r);
  r->id = (uint64_t)u.id;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_USER_ADD;
  c->rep->user_add = r;
  return RC_OK;
}

static Reflect__V1__User *user_message(arena *a, const user_view *u)
{
  Reflect__V1__User *m = arena_alloc(a, sizeof *m);
  if (!m) return NULL;
  reflect__v1__user__init(m);
  m->id = (uint64_t)u->id;
  m->username = u->username;
  m->name = u->name;
  m->role = (Reflect__V1__Role)u->role; /* user_role has the wire's numbers (call.c) */
  m->active = u->active != 0;
  m->created_at = u->created_at;
  m->expires_at = u->expires_at;
  m->teams = u->teams;
  m->n_teams = u->n_teams;
  return m;
}

rcode ops_users_message(call *c, const user_row *u, Reflect__V1__User **out)
{
  user_view v;
  rcode rc = store_users_view(call_store(c), u, &v);
  if (rc) return rc;
  *out = user_message(c->a, &v);
  return *out ? RC_OK : RC_EXHAUSTED;
}

rcode ops_user_list(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  Reflect__V1__UserListReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__user_list_reply__init(r);
  user_view *users;
  size_t n = 0;
  rcode rc = store_users_list(call_store(c), &users, &n);
  if (!rc && !(r->users = arena_alloc(c->a, sizeof *r->users * (n ? n : 1)))) rc = RC_EXHAUSTED;
  for (size_t i = 0; !rc && i < n; i++)
    if (!(r->users[i] = user_message(c->a, &users[i]))) rc = RC_EXHAUSTED;
  if (rc) return call_fail(c, rc, NULL, "could not list users");
  r->n_users = n;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_USER_LIST;
  c->rep->user_list = r;
  return RC_OK;
}
