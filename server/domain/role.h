/*
 * role — what a user is in the organisation. One role per account; what
 * each may do is the request table's (server/rpc/requests.c), what each may
 * see the store's queries.
 *
 * The numbers are those stored in users.role and those of the wire's Role,
 * so a role crosses into a reply unchanged; call.c checks at compile time
 * that the two agree. A header only.
 */
#ifndef REFLECT_ROLE_H
#define REFLECT_ROLE_H

typedef enum {
  ROLE_UNSPECIFIED = 0, /* not a user's role: "none given" in a request */
  ROLE_ADMINISTRATOR = 1,
  ROLE_MANAGER = 2,
  ROLE_SUPERVISOR = 3,
  ROLE_PRACTITIONER = 4,
  ROLE_INSPECTOR = 5,
} user_role;

#endif
