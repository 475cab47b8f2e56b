/* Booking sessions under a signed agreement, and listing them. */
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "ops.h"
#include "probes.h"
#include "store_agreements.h"
#include "store_audit.h"
#include "store_schedule.h"
#include "store_sessions.h"
#include "wire.h"

#define ROOM_MAX_BYTES 200
#define MINUTES_MIN 15
#define MINUTES_MAX 480
/* 2000-01-01 .. 2100-01-01: anything else is a client bug, not a booking. */
#define TIME_MIN 946684800LL
#define TIME_MAX 4102444800LL

/* Only practitioners and supervisors are supervised. */
rcode ops_check_supervisee(call *c, const char *field, const user_row *u)
{
  if (u->id == c->who->user_id) return call_fail(c, RC_INVALID, field, "you cannot supervise yourself");
  /* ops_lookup_person has already refused other roles, in words that do
   * not say what the role was; this only guards a caller that did not. */
  if (u->role != REFLECT__V1__ROLE__ROLE_PRACTITIONER && u->role != REFLECT__V1__ROLE__ROLE_SUPERVISOR)
    return call_fail(c, RC_PRECONDITION, field, "only practitioners and supervisors are supervised");
  return RC_OK;
}

rcode ops_find_my_supervisee(call *c, const char *field, const char *username, const char *refusal, user_row *u,
                             int64_t *agreement)
{
  rcode rc = probes_check(c, "person");
  if (rc) return rc;
  int found = ops_lookup_person(c, username, OPS_SUPERVISABLE, u);
  if (found == RC_INTERNAL) return call_fail(c, RC_INTERNAL, NULL, "could not look people up");
  if (found == RC_OK && u->id == c->who->user_id) return call_fail(c, RC_INVALID, field, "you cannot supervise yourself");
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
  return ops_refused_person(c, username, u, why);
}

rcode ops_check_minutes(call *c, uint32_t minutes)
{
  if (minutes < MINUTES_MIN || minutes > MINUTES_MAX)
    return call_fail(c, RC_INVALID, "minutes", "minutes must be between %d and %d", MINUTES_MIN, MINUTES_MAX);
  return RC_OK;
}

rcode ops_check_time(call *c, const char *field, int64_t t)
{
  if (t < TIME_MIN || t > TIME_MAX) return call_fail(c, RC_INVALID, field, "%s is out of range", field);
  return RC_OK;
}

rcode ops_check_session_time(call *c, int64_t starts_at, uint32_t minutes)
{
  rcode rc = ops_check_time(c, "starts_at", starts_at);
  return rc ? rc : ops_check_minutes(c, minutes);
}

static void reply_session_id(call *c, int64_t id)
{
  Reflect__V1__SessionAddReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return;
  reflect__v1__session_add_reply__init(r);
  r->id = (uint64_t)id;
  c->rep->session_add = r;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_SESSION_ADD;
}

rcode ops_book_session(call *c, const int64_t *members, size_t n_members, int64_t agreement_id, int64_t start,
                       uint32_t minutes, const char *room, const uint8_t *room_index, int64_t *id)
{
  int64_t people[1 + SESSION_MAX_MEMBERS];
  if (n_members < 1 || n_members > SESSION_MAX_MEMBERS) return RC_INVALID;
  people[0] = c->who->user_id;
  for (size_t i = 0; i < n_members; i++) people[1 + i] = members[i];
  int64_t end = start + (int64_t)minutes * 60;
  rcode rc = ops_check_clashes(c, people, 1 + n_members, start, end, room_index, 0);
  if (rc) return rc;
  rc = (rcode)store_sessions_add(c, c->who->user_id, members, n_members, agreement_id, start, minutes, room,
                                 room_index, id);
  if (rc) return rc;
  session_row row;
  if (store_sessions_get(c->s->db, *id, &row)) return RC_INTERNAL;
  rc = (rcode)store_schedule_log(c, &row, REFLECT__V1__SESSION_STATUS__SESSION_SCHEDULED, 0, start, 0, (int)minutes,
                                 NULL);
  if (!rc) rc = (rcode)store_audit_append_id(c, "session.add", "session", *id, "");
  return rc ? rc : (rcode)events_session_booked(c, &row);
}

typedef struct {
  const Reflect__V1__SessionAddRequest *in;
  int64_t members[SESSION_MAX_MEMBERS];
  int64_t agreement_id;
  uint8_t room_index[VAULT_INDEX_BYTES];
  int has_room;
  int64_t id;
} session_add;

static rcode session_add_write(call *c, void *arg)
{
  session_add *s = arg;
  return ops_book_session(c, s->members, s->in->n_members, s->agreement_id, s->in->starts_at, s->in->minutes,
                          s->in->room, s->has_room ? s->room_index : NULL, &s->id);
}

rcode ops_session_add(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__SessionAddRequest *in = req->session_add;
  if (!in) return call_fail(c, RC_INVALID, "session_add", "missing session_add");
  if (in->n_members < 1 || in->n_members > SESSION_MAX_MEMBERS)
    return call_fail(c, RC_INVALID, "members", "a session has 1 to %d members", SESSION_MAX_MEMBERS);
  rcode rc = ops_check_session_time(c, in->starts_at, in->minutes);
  if (rc) return rc;
  if (strlen(in->room) > ROOM_MAX_BYTES)
    return call_fail(c, RC_INVALID, "room", "room may have at most %d bytes", ROOM_MAX_BYTES);
  session_add s = {.in = in};
  store_schedule_room_index(c->s->vault, in->room, s.room_index, &s.has_room);
  /* Booking a session makes the facilitator a party to the members' files,
   * so it needs a supervision agreement with each of them; a name without
   * one is refused alike whoever it is, or whether anyone is. */
  for (size_t i = 0; i < in->n_members; i++) {
    user_row u;
    int64_t agreement = 0;
    char refusal[256];
    snprintf(refusal, sizeof refusal,
             "you have no signed supervision agreement with '%.64s' (make one with `reflect agreement add`; they "
             "sign it with `reflect agreement sign`)",
             in->members[i]);
    rc = ops_find_my_supervisee(c, "members", in->members[i], refusal, &u, &agreement);
    if (rc) return rc;
    for (size_t j = 0; j < i; j++)
      if (s.members[j] == u.id) return call_fail(c, RC_INVALID, "members", "'%s' is listed twice", u.username);
    s.members[i] = u.id;
    if (in->n_members == 1) s.agreement_id = agreement;
  }
  rc = call_write(c, "schedule the session", session_add_write, &s);
  if (!rc) reply_session_id(c, s.id);
  return rc;
}

rcode ops_session_list(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__SessionListRequest *in = req->session_list;
  if (!in) return call_fail(c, RC_INVALID, "session_list", "missing session_list");
  if (in->upcoming && in->past) return call_fail(c, RC_INVALID, "past", "choose upcoming or past, not both");
  session_filter f = {.when = in->upcoming ? SESSION_FILTER_UPCOMING : in->past ? SESSION_FILTER_PAST
                                                                              : SESSION_FILTER_ALL,
                      .status = (int)in->status, .limit = in->limit, .from = in->from, .to = in->to};
  if (in->status > REFLECT__V1__SESSION_STATUS__SESSION_MISSED)
    return call_fail(c, RC_INVALID, "status", "unknown session status");
  /* Negative bounds are not "no bound" in disguise: 0 is. */
  if (in->from < 0 || in->to < 0)
    return call_fail(c, RC_INVALID, in->from < 0 ? "from" : "to", "a time bound is before 1970");
  if (in->from && in->to && in->from >= in->to)
    return call_fail(c, RC_INVALID, "to", "the end of the range must come after its start");
  if (*in->with) {
    /* An unknown name matches nothing, like a known one you share no
     * session with: the filter must not tell who has an account. */
    user_row u;
    f.with_user = store_users_valid_username(in->with) && store_users_find(c->s->db, in->with, &u) == RC_OK ? u.id : -1;
  }
  Reflect__V1__SessionListReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__session_list_reply__init(r);
  rcode rc = (rcode)store_sessions_list(c, c->who->user_id, &f, &r->sessions, &r->n_sessions);
  if (rc) return call_fail(c, rc, NULL, "could not list sessions");
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_SESSION_LIST;
  c->rep->session_list = r;
  return RC_OK;
}
