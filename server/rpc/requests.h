/*
 * requests — the one table of request types: for each op its handler, who
 * may send it, and how it runs. dispatch and the authorisation tests both
 * read it, so a request cannot have a handler without a rule or the other
 * way round.
 *
 * Contract: requests_find returns the row for an op, or NULL when the op is
 * not in the table, which callers treat as unknown (and so refused). A rule is either public
 * (no token needed: ping, login) or lists the roles allowed; everything else
 * is refused. A caller whose password an administrator set may make only
 * the requests marked REQUEST_FIRST until they choose their own. Object-level checks (is this user a party to that session?)
 * are the handler's, on top of this. The table is static and immutable.
 */
#ifndef REFLECT_REQUESTS_H
#define REFLECT_REQUESTS_H

#include <stddef.h>

#include "ops.h"
#include "reflect.pb-c.h"

#define REQUEST_ROLE(r) (1u << (r))
#define REQUEST_PUBLIC (1u << 31)
/* Allowed while the caller's password is one an administrator set: only
 * what it takes to choose one's own (and to see who one is, or leave). */
#define REQUEST_FIRST (1u << 30)

typedef struct {
  Reflect__V1__Request__OpCase op;
  const char *name; /* how errors and logs name the request */
  ops_handler fn;   /* ops.h */
  unsigned allow;   /* REQUEST_PUBLIC or a mask of REQUEST_ROLE() */
  int slow;         /* hashes a password: run on a slow worker */
  int readonly;     /* writes nothing: runs in one read transaction */
  int ends_logins;  /* may end logins or change accounts: drop cached logins after */
} request_rule;

const request_rule *requests_find(Reflect__V1__Request__OpCase op);
/* Whether role may send the request (always, for a public one). */
int requests_allow(const request_rule *rule, user_role role);
/* The whole table, for tests that walk it. */
const request_rule *requests_table(size_t *n);

#endif
