/*
 * store_teams — teams, and the oversight they give their managers.
 *
 * Contract:
 *  - A manager oversees a user when both belong to one team and the manager
 *    is marked as one of its managers. Oversight is read-only and never
 *    includes wellbeing content (the handlers enforce that).
 *  - STORE_TEAMS_OVERSEES(m, u) is an SQL boolean expression for queries
 *    that filter lists by oversight: m and u are SQL expressions (a
 *    parameter like "?1" or a column like "s.supervisor_id").
 *  - Writers run in the caller's write transaction. Message results are
 *    arena-allocated. Functions return 0 or a Reflect Code.
 */
#ifndef REFLECT_STORE_TEAMS_H
#define REFLECT_STORE_TEAMS_H

#include <stddef.h>
#include <stdint.h>

#include "service.h"
#include "store_sessions.h"

#define STORE_TEAMS_OVERSEES(m, u)                                                       \
  "EXISTS (SELECT 1 FROM team_members tm_ JOIN team_members tu_ ON tu_.team_id = tm_.team_id" \
  " WHERE tm_.user_id = " m " AND tm_.manager = 1 AND tu_.user_id = " u ")"

/* *yes = 1 if manager oversees user (never for oneself). */
int store_teams_oversees(db *d, int64_t manager, int64_t user, int *yes);
/* *yes = 1 if manager oversees the session's supervisor or any member. */
int store_teams_oversees_session(db *d, int64_t manager, const session_row *s, int *yes);

#endif
