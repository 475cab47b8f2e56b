/*
 * authz — the one table that says who may send each request type.
 *
 * Contract: authz_find returns the rule for an op, or NULL when the op is
 * not in the table, which callers treat as denied. A rule is either public
 * (no token needed: ping, login) or lists the roles allowed; everything else
 * is refused. A caller whose password an administrator set may make only
 * the requests marked AUTHZ_FIRST until they choose their own. Object-level checks (is this user a party to that session?)
 * are the handler's, on top of this. The table is static and immutable.
 */
#ifndef REFLECT_AUTHZ_H
#define REFLECT_AUTHZ_H

#include <stddef.h>

#include "reflect.pb-c.h"

#define AUTHZ_ROLE(r) (1u << (r))
#define AUTHZ_PUBLIC  (1u << 31)
/* Allowed while the caller's password is one an administrator set: only
 * what it takes to choose one's own (and to see who one is, or leave). */
#define AUTHZ_FIRST   (1u << 30)

typedef struct {
  Reflect__V1__Request__OpCase op;
  const char *name;     /* how errors and logs name the request */
  unsigned allow;       /* AUTHZ_PUBLIC or a mask of AUTHZ_ROLE() */
  int slow;             /* hashes a password: run on a slow worker */
  int readonly;         /* writes nothing: runs in one read transaction */
  int ends_logins;      /* may end logins or change accounts: drop cached logins after */
} authz_rule;

const authz_rule *authz_find(Reflect__V1__Request__OpCase op);
int authz_allows(const authz_rule *rule, Reflect__V1__Role role);
/* The whole table, for tests that walk it. */
const authz_rule *authz_table(size_t *n);

#endif
