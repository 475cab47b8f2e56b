/* Rules every session request shares: who may see or change a session,
 * whom one may supervise, sane times and lengths, clashes, booking. */
#include "session_rules.h"

#include <stdio.h>
#include <string.h>

#include "due.h"
#include "events.h"
#include "ops.h"
#include "bounds.h"
#include "probes.h"
#include "store_agreements.h"
#include "store_audit.h"
#include "store_schedule.h"
#include "store_sessions.h"
#include "store_teams.h"

/* A missing session and someone else's session get the same answer, so
 * the ids of other people's sessions cannot be probed. */
rcode session_rules_refuse(call *c, uint64_t id)
{
  return call_fail(c, RC_DENIED, "session_id", "session %llu does not exist or you are not a party to it",
                   (unsigned long long)id);
}

rcode session_rules_load(call *c, uint64_t id, session_row *s)
{
  if (id == 0 || id > INT64_MAX) return call_fail(c, RC_INVALID, "session_id", "a session id is required");
  int rc = store_sessions_get(c->s->db, (int64_t)id, s);
  if (rc == RC_NOT_FOUND) return session_rules_refuse(c, id);
  if (rc) return call_fail(c, RC_INTERNAL, NULL, "could not read session %llu", (unsigned long long)id);
  return RC_OK;
}

/* A session the caller is a party to, or the usual refusal. */
rcode session_rules_load_party(call *c, uint64_t id, session_row *s)
{
  rcode rc = session_rules_load(c, id, s);
  if (rc) return rc;
  int party = 0;
  if (store_sessions_is_party(c->s->db, s, c->who->user_id, &party)) return RC_INTERNAL;
  return party ? RC_OK : session_rules_refuse(c, id);
}

/* *party = 1 for a party; else *visible = 1 for a manager overseeing one
 * of its parties through a team. */
rcode session_rules_check_visible(call *c, const session_row *s, int *party, int *visible)
{
  *party = *visible = 0;
  if (store_sessions_is_party(c->s->db, s, c->who->user_id, party)) return RC_INTERNAL;
  if (*party) {
    *visible = 1;
    return RC_OK;
  }
  if (c->who->role == ROLE_MANAGER && store_teams_oversees_session(c->s->db, c->who->user_id, s, visible))
    return RC_INTERNAL;
  return RC_OK;
}

rcode session_rules_load_visible(call *c, uint64_t id, session_row *s, int *party)
{
  rcode rc = session_rules_load(c, id, s);
  int visible = 0;
  if (!rc) rc = session_rules_check_visible(c, s, party, &visible);
  if (rc) return rc;
  return visible ? RC_OK : session_rules_refuse(c, id);
}

/* 2000-01-01 .. 2100-01-01: anything else is a client bug, not a booking. */
#define TIME_MIN 946684800LL
#define TIME_MAX 4102444800LL

/* Only practitioners and supervisors are supervised. */
rcode session_rules_check_supervisee(call *c, const char *field, const user_row *u)
{
  if (u->id == c->who->user_id) return call_fail(c, RC_INVALID, field, "you cannot supervise yourself");
  /* ops_users_lookup_person has already refused other roles, in words that do
   * not say what the role was; this only guards a caller that did not. */
  if (u->role != ROLE_PRACTITIONER && u->role != ROLE_SUPERVISOR)
    return call_fail(c, RC_PRECONDITION, field, "only practitioners and supervisors are supervised");
  return RC_OK;
}

rcode session_rules_find_supervisee(call *c, const char *field, const char *username, const char *refusal, user_row *u,
                                    int64_t *agreement)
{
  rcode rc = probes_check(c, "person");
  if (rc) return rc;
  int found = ops_users_lookup_person(c, username, OPS_SUPERVISABLE, u);
  if (found == RC_INTERNAL) return call_fail(c, RC_INTERNAL, NULL, "could not look people up");
  if (found == RC_OK && u->id == c->who->user_id)
    return call_fail(c, RC_INVALID, field, "you cannot supervise yourself");
  const char *why = NULL;
  if (found == RC_OK) {
    int64_t id = 0;
    int active = store_agreements_active(c->s->db, c->who->user_id, u->id, &id);
    if (active == RC_OK) {
      if (agreement) *agreement = id;
      return RC_OK;
    }
    if (active != RC_NOT_FOUND) return call_fail(c, RC_INTERNAL, NULL, "could not read agreements");
    why = "no signed agreement with the caller";
  }
  call_fail(c, RC_PRECONDITION, field, "%s", refusal);
  return ops_users_refused_person(c, username, u, why);
}

rcode session_rules_check_minutes(call *c, uint32_t minutes)
{
  if (minutes < REFLECT_SESSION_MINUTES_MIN || minutes > REFLECT_SESSION_MINUTES_MAX)
    return call_fail(c, RC_INVALID, "minutes", "minutes must be between %d and %d", REFLECT_SESSION_MINUTES_MIN,
                     REFLECT_SESSION_MINUTES_MAX);
  return RC_OK;
}

rcode session_rules_check_time(call *c, const char *field, int64_t t)
{
  if (t < TIME_MIN || t > TIME_MAX) return call_fail(c, RC_INVALID, field, "%s is out of range", field);
  return RC_OK;
}

rcode session_rules_check_start(call *c, int64_t starts_at, uint32_t minutes)
{
  rcode rc = session_rules_check_time(c, "starts_at", starts_at);
  return rc ? rc : session_rules_check_minutes(c, minutes);
}


rcode session_rules_book(call *c, const int64_t *members, size_t n_members, int64_t agreement_id, int64_t start,
                         uint32_t minutes, const char *room, const uint8_t *room_index, int64_t *id)
{
  int64_t people[1 + SESSION_MAX_MEMBERS];
  if (n_members < 1 || n_members > SESSION_MAX_MEMBERS) return RC_INVALID;
  people[0] = c->who->user_id;
  for (size_t i = 0; i < n_members; i++) people[1 + i] = members[i];
  int64_t end = start + (int64_t)minutes * 60;
  rcode rc = session_rules_check_clashes(c, people, 1 + n_members, start, end, room_index, 0);
  if (rc) return rc;
  rc = store_sessions_add(call_store(c), c->who->user_id, members, n_members, agreement_id, start, minutes, room,
                          room_index, id);
  if (rc) return rc;
  session_row row;
  if (store_sessions_get(c->s->db, *id, &row)) return RC_INTERNAL;
  rc = store_schedule_log(call_store(c), &row, REFLECT__V1__SESSION_STATUS__SESSION_SCHEDULED, 0, start, 0,
                          (int)minutes, NULL);
  if (!rc) rc = store_audit_append_id(call_store(c), "session.add", "session", *id, "");
  return rc ? rc : events_session_booked(c, &row);
}


/* Names the clash without disclosing more than the caller may know: the
 * other session's id only if the caller is a party to it, and for a room
 * never who has it. */
static rcode refuse_clash(call *c, const char *who, const schedule_clash *k)
{
  char from[DUE_TIME_MAX], to[DUE_TIME_MAX];
  due_format_local(k->starts_at, from, sizeof from);
  due_format_local(k->ends_at, to, sizeof to);
  /* The other session's id is named only to a party to it. Should either
   * read fail, no id is named: the clash is refused all the same, only the
   * wording is at stake, so it fails closed rather than failing the call. */
  session_row other;
  int party = 0;
  if (who && store_sessions_get(c->s->db, k->session_id, &other) == RC_OK &&
      store_sessions_is_party(c->s->db, &other, c->who->user_id, &party) != RC_OK)
    party = 0;
  if (!who) return call_fail(c, RC_PRECONDITION, "room", "the room is already booked from %s to %s", from, to);
  int you = !strcmp(who, "you");
  if (party)
    return call_fail(c, RC_PRECONDITION, "starts_at", "%s already %s session %lld from %s to %s", who,
                     you ? "have" : "has", (long long)k->session_id, from, to);
  return call_fail(c, RC_PRECONDITION, "starts_at", "%s %s already booked from %s to %s", who, you ? "are" : "is", from,
                   to);
}

rcode session_rules_check_clashes(call *c, const int64_t *people, size_t n_people, int64_t start, int64_t end,
                                  const uint8_t *room_index, int64_t except_session)
{
  for (size_t i = 0; i < n_people; i++) {
    int found;
    schedule_clash k;
    if (store_schedule_person_clash(c->s->db, people[i], start, end, except_session, &found, &k))
      return call_fail(c, RC_INTERNAL, NULL, "could not check for clashes");
    if (!found) continue;
    user_row u;
    if (store_users_get(c->s->db, people[i], &u) != RC_OK) return RC_INTERNAL;
    return refuse_clash(c, people[i] == c->who->user_id ? "you" : u.username, &k);
  }
  if (room_index) {
    int found;
    schedule_clash k;
    if (store_schedule_room_clash(c->s->db, room_index, start, end, except_session, &found, &k))
      return call_fail(c, RC_INTERNAL, NULL, "could not check for clashes");
    if (found) return refuse_clash(c, NULL, &k);
  }
  return RC_OK;
}
