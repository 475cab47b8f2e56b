/* Teams: administrators make them and say who is in each and who manages
 * it; a team's managers oversee its members' supervision, read-only. Only
 * names and usernames pass here, never content; every change is audited. */
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "ops.h"
#include "store_audit.h"
#include "store_teams.h"
#include "wire.h"

/* 1..64 bytes of printable text, without space at either end, so that a
 * name reads the same in a list as when it was typed. */
static rcode check_team_name(call *c, const char *field, const char *name)
{
  rcode rc = call_check_text(c, field, name, TEAM_NAME_MAX);
  if (rc) return rc;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++)
    if (*p < 0x20 || *p == 0x7f) return call_fail(c, RC_INVALID, field, "%s may not hold control characters", field);
  size_t n = strlen(name);
  if (name[0] == ' ' || name[n - 1] == ' ')
    return call_fail(c, RC_INVALID, field, "%s may not start or end with a space", field);
  return RC_OK;
}

typedef struct {
  const char *name;
  int64_t id;
} team_add;

static rcode team_add_tx(call *c, void *arg)
{
  team_add *t = arg;
  rcode rc = store_teams_add(call_store(c), t->name, &t->id);
  if (rc == RC_EXISTS) return call_fail(c, RC_EXISTS, "name", "a team named '%s' already exists", t->name);
  if (!rc) rc = store_audit_append_id(call_store(c), "team.add", "team", t->id, "");
  return rc;
}

rcode ops_team_add(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__TeamAddRequest *in = req->team_add;
  if (!in) return call_fail(c, RC_INVALID, "team_add", "missing team_add");
  rcode rc = check_team_name(c, "name", in->name);
  if (rc) return rc;
  team_add t = {.name = in->name};
  rc = call_write(c, "make the team", team_add_tx, &t);
  if (rc) return rc;
  Reflect__V1__TeamAddReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__team_add_reply__init(r);
  r->id = (uint64_t)t.id;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_TEAM_ADD;
  c->rep->team_add = r;
  return RC_OK;
}

typedef struct {
  const Reflect__V1__TeamMemberRequest *in;
  int64_t team;
  user_row u;
} team_member;

static rcode team_member_tx(call *c, void *arg)
{
  team_member *m = arg;
  const char *who = m->u.username, *team = m->in->team;
  int in = 0, manager = 0, size = 0;
  if (store_teams_membership(c->s->db, m->team, m->u.id, &in, &manager)) return RC_INTERNAL;
  char detail[64];
  snprintf(detail, sizeof detail, "user=%lld;manager=%d", (long long)m->u.id, m->in->manager ? 1 : 0);
  if (m->in->remove) {
    if (!in) return call_fail(c, RC_NOT_FOUND, "username", "'%s' is not in team '%s'", who, team);
    rcode rc = store_teams_remove(call_store(c), m->team, m->u.id);
    if (!rc) rc = store_audit_append_id(call_store(c), "team.remove", "team", m->team, detail);
    return rc;
  }
  if (in && manager == (m->in->manager != 0))
    return call_fail(c, RC_EXISTS, "username", "'%s' is already %s of team '%s'", who,
                     manager ? "a manager" : "a member", team);
  if (!in && store_teams_size(c->s->db, m->team, &size)) return RC_INTERNAL;
  if (!in && size >= TEAM_MAX_PEOPLE)
    return call_fail(c, RC_PRECONDITION, "team", "team '%s' already has %d people, the most a team may have", team,
                     TEAM_MAX_PEOPLE);
  rcode rc = store_teams_put(call_store(c), m->team, m->u.id, m->in->manager);
  /* A change of part is its own entry, so the log says who managed when. */
  if (!rc) rc = store_audit_append_id(call_store(c), in ? "team.change" : "team.join", "team", m->team, detail);
  /* Under the person too, so the managers of their other teams find it
   * among administrative actions (store_audit_list.h). */
  char on_person[64];
  snprintf(on_person, sizeof on_person, "team=%lld;manager=%d", (long long)m->team, m->in->manager ? 1 : 0);
  if (!rc) rc = store_audit_append_id(call_store(c), in ? "team.change" : "team.join", "user", m->u.id, on_person);
  /* Joining a team puts someone under its managers' oversight, and
   * managing one gives its records: whoever an administrator moves (an
   * account they control among them) is seen by the person and by the
   * managers of every team the person is in. */
  if (!rc && (m->in->manager || !in))
    rc = events_account_changed(c, m->in->manager ? EVENTS_ACCOUNT_TEAM_MANAGER : EVENTS_ACCOUNT_TEAM_JOINED, m->u.id,
                                m->team);
  return rc;
}

/* Who may be in a team: the people whose supervision is overseen, and
 * managers; only managers may manage one. */
static rcode check_member_role(call *c, const user_row *u, int manager)
{
  user_role role = u->role;
  if (manager && role != ROLE_MANAGER)
    return call_fail(c, RC_PRECONDITION, "username", "'%s' has the role %s; only managers can manage a team",
                     u->username, wire_role_name((Reflect__V1__Role)role));
  if (role != ROLE_MANAGER && role != ROLE_SUPERVISOR && role != ROLE_PRACTITIONER)
    return call_fail(c, RC_PRECONDITION, "username",
                     "'%s' has the role %s; teams are made of practitioners, supervisors and managers", u->username,
                     wire_role_name((Reflect__V1__Role)role));
  return RC_OK;
}

rcode ops_team_member(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__TeamMemberRequest *in = req->team_member;
  if (!in) return call_fail(c, RC_INVALID, "team_member", "missing team_member");
  rcode rc = call_check_text(c, "team", in->team, TEAM_NAME_MAX);
  if (!rc && !store_users_valid_username(in->username))
    rc = call_fail(c, RC_INVALID, "username", "a username is 1-64 of a-z, 0-9, '.', '_', '-'");
  if (!rc && in->remove && in->manager)
    rc = call_fail(c, RC_INVALID, "manager",
                   "removing takes someone out of the team whatever their part: "
                   "drop manager, or leave out remove to make them a member");
  if (rc) return rc;
  team_member m = {.in = in};
  int found = store_teams_find(c->s->db, in->team, &m.team);
  if (found == RC_NOT_FOUND) return call_fail(c, RC_NOT_FOUND, "team", "there is no team named '%s'", in->team);
  if (found) return call_fail(c, RC_INTERNAL, NULL, "could not read teams");
  if (in->remove) {
    /* A departed (inactive) account can still be taken out of a team. */
    found = store_users_find(c->s->db, in->username, &m.u);
    if (found == RC_NOT_FOUND) return call_fail(c, RC_NOT_FOUND, "username", "there is no user '%s'", in->username);
    if (found) return call_fail(c, RC_INTERNAL, NULL, "could not read users");
  } else {
    rc = ops_users_find_active(c, "username", in->username, &m.u);
    if (!rc) rc = check_member_role(c, &m.u, in->manager);
    if (rc) return rc;
  }
  rc = call_write(c, "change the team", team_member_tx, &m);
  if (rc) return rc;
  Reflect__V1__TeamMemberReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__team_member_reply__init(r);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_TEAM_MEMBER;
  c->rep->team_member = r;
  return RC_OK;
}

static Reflect__V1__Team *team_message(arena *a, const team_row *t)
{
  Reflect__V1__Team *m = arena_alloc(a, sizeof *m);
  if (!m) return NULL;
  reflect__v1__team__init(m);
  m->id = (uint64_t)t->id;
  m->name = t->name;
  m->created_at = t->created_at;
  m->managers = t->managers;
  m->n_managers = t->n_managers;
  m->members = t->members;
  m->n_members = t->n_members;
  return m;
}

rcode ops_team_list(call *c, const Reflect__V1__Request *req)
{
  if (!req->team_list) return call_fail(c, RC_INVALID, "team_list", "missing team_list");
  Reflect__V1__TeamListReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__team_list_reply__init(r);
  /* Administrators run all teams; a manager sees the ones they manage. */
  int64_t only = c->who->role == ROLE_ADMINISTRATOR ? 0 : c->who->user_id;
  team_row *teams;
  size_t n = 0;
  rcode rc = store_teams_list(call_store(c), only, &teams, &n);
  if (!rc && !(r->teams = arena_alloc(c->a, sizeof *r->teams * (n ? n : 1)))) rc = RC_EXHAUSTED;
  for (size_t i = 0; !rc && i < n; i++)
    if (!(r->teams[i] = team_message(c->a, &teams[i]))) rc = RC_EXHAUSTED;
  if (rc) return call_fail(c, rc, NULL, "could not list teams");
  r->n_teams = n;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_TEAM_LIST;
  c->rep->team_list = r;
  return RC_OK;
}
