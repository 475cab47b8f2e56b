/*
 * store_users — staff accounts. The username is clear (it is how a person
 * logs in); the display name is sealed under the user's own data key.
 *
 * Contract: user_row is a plain value. store_users_create must run inside
 * a write transaction. List results are arena-allocated. Functions return
 * 0 or a Reflect Code (RC_NOT_FOUND, RC_EXISTS, RC_INTERNAL, RC_DATA_LOSS).
 */
#ifndef REFLECT_STORE_USERS_H
#define REFLECT_STORE_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "password.h"
#include "reflect.pb-c.h"
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
/* Fills a Reflect User message (arena) for the row; an inspector's
 * carries the teams granted to them. */
rcode store_users_to_message(store_ctx *c, const user_row *u, Reflect__V1__User **out) RC_MUST_CHECK;
rcode store_users_list(store_ctx *c, Reflect__V1__User ***out, size_t *n) RC_MUST_CHECK;

/* Usernames: 1..64 of [a-z0-9._-], starting with a letter or digit. */
int store_users_valid_username(const char *s);

#endif
