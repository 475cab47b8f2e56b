/*
 * report_people — who a team's oversight reports are about: its people,
 * the non-manager members (team_members.manager = 0), shared by the
 * compliance, balance and actions builders so they agree on who counts.
 *
 * Contract: report_people_list runs inside the caller's transaction and
 * fills *out with an arena array (c->a) of at most REPORTS_PEOPLE_MAX
 * people, ordered by username; usernames and opened display names are
 * arena copies. A team with more people is refused (RESOURCE_EXHAUSTED),
 * not silently cut short. Fails the call describing the problem.
 */
#ifndef REFLECT_REPORT_PEOPLE_H
#define REFLECT_REPORT_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "call.h"

#define REPORTS_PEOPLE_MAX 1000

typedef struct {
  int64_t id;
  const char *username;
  char *name;
} report_person;

rcode report_people_list(call *c, int64_t team_id, report_person **out, size_t *n) RC_MUST_CHECK;
/* The index of user id in people, or -1. */
long report_people_find(const report_person *people, size_t n, int64_t id);

#endif
