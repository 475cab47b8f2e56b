/*
 * store_teams — teams, and the oversight they give their managers.
 *
 * Contract:
 *  - A manager oversees a user when both belong to one team and the manager
 *    is marked as one of its managers. Oversight is read-only and never
 *    includes wellbeing content (the handlers enforce that). Only accounts
 *    with the manager role are ever marked (ops_teams checks it), and the
 *    list queries check the role again.
 *  - STORE_TEAMS_OVERSEES(m, u) is an SQL boolean expression for queries
 *    that filter lists by oversight: m and u are SQL expressions (a
 *    parameter like "?1" or a column like "s.supervisor_id").
 *    STORE_TEAMS_OVERSEEN(m) is the same rule as a subquery: the ids of
 *    everyone m oversees (never m), for "x IN (...)" filters.
 *  - Team names are unique ignoring ASCII case; store_teams_find looks a
 *    name up the same way.
 *  - Writers run in the caller's write transaction. Lists are plain
 *    structs whose arrays and strings are arena memory (c->a); the
 *    handlers make messages of them. Functions return 0 or an rcode.
 */
#ifndef REFLECT_STORE_TEAMS_H
#define REFLECT_STORE_TEAMS_H

#include <stddef.h>
#include <stdint.h>

#include "store_ctx.h"
#include "store_sessions.h"

#define TEAM_NAME_MAX 64
#define TEAM_MAX_PEOPLE 100 /* managers and members together */
#define TEAM_LIST_MAX 100

/* A team as it is listed: its managers and members by username, each in
 * username order. */
typedef struct {
  int64_t id, created_at;
  char *name;
  char **managers, **members;
  size_t n_managers, n_members;
} team_row;

#define STORE_TEAMS_OVERSEES(m, u)                                                            \
  "EXISTS (SELECT 1 FROM team_members tm_ JOIN team_members tu_ ON tu_.team_id = tm_.team_id" \
  " WHERE tm_.user_id = " m " AND tm_.manager = 1 AND tu_.user_id = " u ")"

#define STORE_TEAMS_OVERSEEN(m)                                                                 \
  "SELECT tu_.user_id FROM team_members tm_ JOIN team_members tu_ ON tu_.team_id = tm_.team_id" \
  " WHERE tm_.user_id = " m " AND tm_.manager = 1 AND tu_.user_id <> " m

/* *yes = 1 if manager oversees user (never for oneself). */
rcode store_teams_oversees(db *d, int64_t manager, int64_t user, int *yes) RC_MUST_CHECK;
/* *yes = 1 if manager oversees the session's supervisor or any member. */
rcode store_teams_oversees_session(db *d, int64_t manager, const session_row *s, int *yes) RC_MUST_CHECK;

/* RC_EXISTS if a team already has that name. */
rcode store_teams_add(store_ctx *c, const char *name, int64_t *id) RC_MUST_CHECK;
/* RC_NOT_FOUND if no team has that name. */
rcode store_teams_find(db *d, const char *name, int64_t *id) RC_MUST_CHECK;
/* *in = 1 and *manager if user is in the team; *in = 0 otherwise. */
rcode store_teams_membership(db *d, int64_t team, int64_t user, int *in, int *manager) RC_MUST_CHECK;
/* How many people (managers and members) the team has. */
rcode store_teams_size(db *d, int64_t team, int *n) RC_MUST_CHECK;
/* Puts user in the team as a manager or a member (changing which, if
 * they are in it already). */
rcode store_teams_put(store_ctx *c, int64_t team, int64_t user, int manager) RC_MUST_CHECK;
rcode store_teams_remove(store_ctx *c, int64_t team, int64_t user) RC_MUST_CHECK;
/* Every team (manager 0), or those the user manages, by name (ignoring
 * case); at most TEAM_LIST_MAX. */
rcode store_teams_list(store_ctx *c, int64_t manager, team_row **out, size_t *n) RC_MUST_CHECK;

#endif
