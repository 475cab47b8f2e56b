/* Booking sessions under a signed agreement, and listing them. */
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "ops.h"
#include "session_rules.h"
#include "probes.h"
#include "session_messages.h"
#include "store_agreements.h"
#include "store_audit.h"
#include "store_schedule.h"
#include "store_sessions.h"
#include "wire.h"

#define ROOM_MAX_BYTES 200

static void reply_session_id(call *c, int64_t id)
{
  Reflect__V1__SessionAddReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return;
  reflect__v1__session_add_reply__init(r);
  r->id = (uint64_t)id;
  c->rep->session_add = r;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_SESSION_ADD;
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
  return session_rules_book(c, s->members, s->in->n_members, s->agreement_id, s->in->starts_at, s->in->minutes,
                            s->in->room, s->has_room ? s->room_index : NULL, &s->id);
}

rcode ops_session_add(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__SessionAddRequest *in = req->session_add;
  if (!in) return call_fail(c, RC_INVALID, "session_add", "missing session_add");
  if (in->n_members < 1 || in->n_members > SESSION_MAX_MEMBERS)
    return call_fail(c, RC_INVALID, "members", "a session has 1 to %d members", SESSION_MAX_MEMBERS);
  rcode rc = session_rules_check_start(c, in->starts_at, in->minutes);
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
    rc = session_rules_find_supervisee(c, "members", in->members[i], refusal, &u, &agreement);
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
  session_filter f = {.when = in->upcoming ? SESSION_FILTER_UPCOMING
                              : in->past   ? SESSION_FILTER_PAST
                                           : SESSION_FILTER_ALL,
                      .status = (int)in->status,
                      .limit = in->limit,
                      .from = in->from,
                      .to = in->to};
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
  session_item *items;
  size_t n;
  rcode rc = store_sessions_list(call_store(c), c->who->user_id, &f, &items, &n);
  if (rc) return call_fail(c, rc, NULL, "could not list sessions");
  r->sessions = arena_alloc(c->a, sizeof *r->sessions * (n ? n : 1));
  if (!r->sessions) rc = RC_EXHAUSTED;
  for (size_t i = 0; !rc && i < n; i++) rc = session_messages_from_item(c, &items[i], &r->sessions[i]);
  if (rc) return call_fail(c, rc, NULL, "could not list sessions");
  r->n_sessions = n;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_SESSION_LIST;
  c->rep->session_list = r;
  return RC_OK;
}
