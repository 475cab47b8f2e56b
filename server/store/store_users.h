/*
 * store_users — staff accounts. The username is clear (it is how a person
 * logs in); the display name is sealed under the user's own data key.
 *
 * Contract: user_row is a plain value; user_view is how an account is
 * shown (its strings and arrays, and list arrays, are arena memory, c->a;
 * the handlers make messages of it). store_users_create must run inside a
 * write transaction. Functions return 0 or an rcode (RC_NOT_FOUND,
 * RC_EXISTS, RC_INTERNAL, RC_DATA_LOSS).
 */
#ifndef REFLECT_STORE_USERS_H
#define REFLECT_STORE_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "password.h"
#include "store_ctx.h"

typedef struct {
  int64_t id;
  char username[USERNAME_MAX + 1];
  user_role role;
  int64_t key_id;
  int active;
  int64_t created_at;
  int64_t expires_at;   /* 0: never */
  int must_change;      /* the password was set by an administrator */
  int64_t admin_set_at; /* when an administrator last set it; 0: never */
  char pwhash[PASSWORD_HASH_MAX];
} user_row;

/* An account as it is shown: never its password hash. */
typedef struct {
  int64_t id, created_at, expires_at; /* expires_at 0: never */
  char *username, *name;              /* name: the display name, opened */
  user_role role;
  int active;
  char **teams; /* an inspector's: the teams granted to them, by name */
  size_t n_teams;
} user_view;

rcode store_users_find(db *d, const char *username, user_row *out) RC_MUST_CHECK;
rcode store_users_get(db *d, int64_t id, user_row *out) RC_MUST_CHECK;
rcode store_users_create(store_ctx *c, const char *username, const char *name, user_role role, const char *pwhash,
                         int64_t *id) RC_MUST_CHECK;
/* Sets when the account stops working, 0 for never (write transaction). */
rcode store_users_set_expiry(db *d, int64_t user_id, int64_t expires_at) RC_MUST_CHECK;
/* Replaces a password hash (write transaction). */
/* by_admin: an administrator set it (a reset), so it allows nothing but
 * choosing one's own (must_change, admin_set_at = now); otherwise the
 * person chose it and both are cleared. */
rcode store_users_set_password(db *d, int64_t user_id, const char *pwhash, int by_admin, int64_t now) RC_MUST_CHECK;
/* Decrypts the display name into the call's arena. */
rcode store_users_name(store_ctx *c, int64_t user_id, char **name) RC_MUST_CHECK;
/* The row as it is shown, with its display name opened and, for an
 * inspector, the teams granted to them. */
rcode store_users_view(store_ctx *c, const user_row *u, user_view *out) RC_MUST_CHECK;
/* Every account, by username. */
rcode store_users_list(store_ctx *c, user_view **out, size_t *n) RC_MUST_CHECK;

/* Usernames: 1..64 of [a-z0-9._-], starting with a letter or digit. */
int store_users_valid_username(const char *s);

#endif
