/* Agreements and the sessions booked under them. */
#include <stdio.h>
#include <string.h>

#include "ops.h"
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
static rcode check_supervisee(call *c, const char *field, const user_row *u)
{
  if (u->id == c->who->user_id) return call_fail(c, RC_INVALID, field, "you cannot supervise yourself");
  if (u->role != REFLECT__V1__ROLE__ROLE_PRACTITIONER && u->role != REFLECT__V1__ROLE__ROLE_SUPERVISOR)
    return call_fail(c, RC_PRECONDITION, field, "'%s' has the role %s; only practitioners and supervisors are supervised",
                     u->username, wire_role_name(u->role));
  return RC_OK;
}

static rcode check_minutes(call *c, uint32_t minutes)
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
  return rc ? rc : check_minutes(c, minutes);
}

static void reply_id(call *c, Reflect__V1__Reply__ResultCase which, int64_t id)
{
  /* AgreementAddReply and SessionAddReply are both { uint64 id = 1; }. */
  if (which == REFLECT__V1__REPLY__RESULT_AGREEMENT_ADD) {
    Reflect__V1__AgreementAddReply *r = arena_alloc(c->a, sizeof *r);
    if (!r) return;
    reflect__v1__agreement_add_reply__init(r);
    r->id = (uint64_t)id;
    c->rep->agreement_add = r;
  } else {
    Reflect__V1__SessionAddReply *r = arena_alloc(c->a, sizeof *r);
    if (!r) return;
    reflect__v1__session_add_reply__init(r);
    r->id = (uint64_t)id;
    c->rep->session_add = r;
  }
  c->rep->result_case = which;
}

typedef struct {
  const Reflect__V1__AgreementAddRequest *in;
  int64_t supervisee;
  int64_t id;
} agreement_add;

static rcode agreement_add_write(call *c, void *arg)
{
  agreement_add *a = arg;
  rcode rc = (rcode)store_agreements_add(c, c->who->user_id, a->supervisee, a->in->every_days,
                                         a->in->minutes, &a->id);
  if (rc) return rc;
  return (rcode)store_audit_append_id(c, "agreement.add", "agreement", a->id, "");
}

rcode ops_agreement_add(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__AgreementAddRequest *in = req->agreement_add;
  if (!in) return call_fail(c, RC_INVALID, "agreement_add", "missing agreement_add");
  user_row u;
  rcode rc = ops_find_active_user(c, "supervisee", in->supervisee, &u);
  if (!rc) rc = check_supervisee(c, "supervisee", &u);
  if (!rc && (in->every_days < 1 || in->every_days > 366))
    rc = call_fail(c, RC_INVALID, "every_days", "every_days must be between 1 and 366");
  if (!rc) rc = check_minutes(c, in->minutes);
  if (rc) return rc;
  int64_t existing;
  int found = store_agreements_find(c->s->db, c->who->user_id, u.id, &existing);
  if (found == RC_OK)
    return call_fail(c, RC_EXISTS, "supervisee", "you already have an agreement with '%s' (agreement %lld)",
                     u.username, (long long)existing);
  if (found != RC_NOT_FOUND) return call_fail(c, RC_INTERNAL, NULL, "could not read agreements");
  agreement_add a = {in, u.id, 0};
  rc = call_write(c, "make the agreement", agreement_add_write, &a);
  if (!rc) reply_id(c, REFLECT__V1__REPLY__RESULT_AGREEMENT_ADD, a.id);
  return rc;
}

static rcode agreement_sign_tx(call *c, void *arg)
{
  int64_t id = *(int64_t *)arg;
  rcode rc = (rcode)store_agreements_sign(c, id);
  if (rc == RC_NOT_FOUND)
    return call_fail(c, RC_DENIED, "agreement_id", "agreement %lld does not exist or is not yours to sign", (long long)id);
  if (rc == RC_EXISTS) return call_fail(c, rc, "agreement_id", "you have already signed agreement %lld", (long long)id);
  if (!rc) rc = (rcode)store_audit_append_id(c, "agreement.sign", "agreement", id, "");
  return rc;
}

rcode ops_agreement_sign(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__AgreementSignRequest *in = req->agreement_sign;
  if (!in) return call_fail(c, RC_INVALID, "agreement_sign", "missing agreement_sign");
  if (in->agreement_id == 0 || in->agreement_id > INT64_MAX)
    return call_fail(c, RC_INVALID, "agreement_id", "an agreement id is required");
  int64_t id = (int64_t)in->agreement_id;
  rcode rc = call_write(c, "sign the agreement", agreement_sign_tx, &id);
  if (rc) return rc;
  Reflect__V1__AgreementSignReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__agreement_sign_reply__init(r);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_AGREEMENT_SIGN;
  c->rep->agreement_sign = r;
  return RC_OK;
}

rcode ops_agreement_list(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  Reflect__V1__AgreementListReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__agreement_list_reply__init(r);
  rcode rc = (rcode)store_agreements_list(c, c->who->user_id, &r->agreements, &r->n_agreements);
  if (rc) return call_fail(c, rc, NULL, "could not list agreements");
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_AGREEMENT_LIST;
  c->rep->agreement_list = r;
  return RC_OK;
}

typedef struct {
  const Reflect__V1__SessionAddRequest *in;
  int64_t people[1 + SESSION_MAX_MEMBERS];  /* the supervisor, then the members */
  int64_t *members;
  int64_t agreement_id;
  uint8_t room_index[VAULT_INDEX_BYTES];
  int has_room;
  int64_t id;
} session_add;

static rcode session_add_write(call *c, void *arg)
{
  session_add *s = arg;
  int64_t start = s->in->starts_at, end = start + (int64_t)s->in->minutes * 60;
  rcode rc = ops_check_clashes(c, s->people, 1 + s->in->n_members, start, end,
                               s->has_room ? s->room_index : NULL, 0);
  if (rc) return rc;
  rc = (rcode)store_sessions_add(c, c->who->user_id, s->members, s->in->n_members, s->agreement_id, start,
                                 s->in->minutes, s->in->room, s->has_room ? s->room_index : NULL, &s->id);
  if (rc) return rc;
  session_row row;
  if (store_sessions_get(c->s->db, s->id, &row)) return RC_INTERNAL;
  rc = (rcode)store_schedule_log(c, &row, REFLECT__V1__SESSION_STATUS__SESSION_SCHEDULED, 0, start, 0,
                                 (int)s->in->minutes, NULL);
  if (rc) return rc;
  return (rcode)store_audit_append_id(c, "session.add", "session", s->id, "");
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
  s.members = s.people + 1;
  s.people[0] = c->who->user_id;
  store_schedule_room_index(c->s->vault, in->room, s.room_index, &s.has_room);
  for (size_t i = 0; i < in->n_members; i++) {
    user_row u;
    rc = ops_find_active_user(c, "members", in->members[i], &u);
    if (!rc) rc = check_supervisee(c, "members", &u);
    if (rc) return rc;
    for (size_t j = 0; j < i; j++)
      if (s.members[j] == u.id) return call_fail(c, RC_INVALID, "members", "'%s' is listed twice", u.username);
    s.members[i] = u.id;
  }
  /* Booking a session makes the facilitator a party to the members' files,
   * so it needs a supervision agreement with each of them. */
  for (size_t i = 0; i < in->n_members; i++) {
    int64_t agreement;
    int found = store_agreements_active(c->s->db, c->who->user_id, s.members[i], &agreement);
    if (found == RC_NOT_FOUND)
      return call_fail(c, RC_PRECONDITION, "members",
                       "you have no signed supervision agreement with '%s' (make one with `reflect agreement "
                       "add`; they sign it with `reflect agreement sign`)",
                       in->members[i]);
    if (found != RC_OK) return call_fail(c, RC_INTERNAL, NULL, "could not read agreements");
    if (in->n_members == 1) s.agreement_id = agreement;
  }
  rc = call_write(c, "schedule the session", session_add_write, &s);
  if (!rc) reply_id(c, REFLECT__V1__REPLY__RESULT_SESSION_ADD, s.id);
  return rc;
}

rcode ops_session_list(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__SessionListRequest *in = req->session_list;
  if (!in) return call_fail(c, RC_INVALID, "session_list", "missing session_list");
  if (in->upcoming && in->past) return call_fail(c, RC_INVALID, "past", "choose upcoming or past, not both");
  session_filter f = {.when = in->upcoming ? SESSION_FILTER_UPCOMING : in->past ? SESSION_FILTER_PAST
                                                                              : SESSION_FILTER_ALL,
                      .status = (int)in->status, .limit = in->limit};
  if (in->status > REFLECT__V1__SESSION_STATUS__SESSION_MISSED)
    return call_fail(c, RC_INVALID, "status", "unknown session status");
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
