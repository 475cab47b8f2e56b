/* "Waiting for me": the caller's items of every kind in one reply
 * (store_inbox.h has the rules), as InboxItem messages. Only the kinds the
 * caller's role may act on are asked for, so nothing is offered that the
 * request doing it would refuse. */
#include "ops.h"
#include "session_messages.h"
#include "store_inbox.h"

#define INBOX_SESSIONS_MAX 50

_Static_assert((int)INBOX_AGREEMENT_SIGN == (int)REFLECT__V1__INBOX_KIND__INBOX_AGREEMENT_SIGN &&
                   (int)INBOX_RECORD_SIGN == (int)REFLECT__V1__INBOX_KIND__INBOX_RECORD_SIGN &&
                   (int)INBOX_ACTION_DUE == (int)REFLECT__V1__INBOX_KIND__INBOX_ACTION_DUE &&
                   (int)INBOX_SESSION_MARK == (int)REFLECT__V1__INBOX_KIND__INBOX_SESSION_MARK &&
                   (int)INBOX_SURVEY_ANSWER == (int)REFLECT__V1__INBOX_KIND__INBOX_SURVEY_ANSWER &&
                   (int)INBOX_KPI_AGREE == (int)REFLECT__V1__INBOX_KIND__INBOX_KPI_AGREE,
               "store_inbox's kinds are the wire's InboxKind");

/* The kinds a role may act on, as server/rpc/requests.c allows the requests
 * that act on them: agreements, the survey and targets are signed,
 * answered and agreed by supervisors and practitioners; records are
 * signed and actions closed by managers too; sessions are marked by
 * managers and supervisors (their own). */
static unsigned kinds_for(user_role role)
{
  switch (role) {
  case ROLE_MANAGER: return INBOX_BIT(INBOX_RECORD_SIGN) | INBOX_BIT(INBOX_ACTION_DUE) | INBOX_BIT(INBOX_SESSION_MARK);
  case ROLE_SUPERVISOR: return INBOX_ALL;
  case ROLE_PRACTITIONER: return INBOX_ALL & ~INBOX_BIT(INBOX_SESSION_MARK);
  default: return 0;
  }
}

/* The caller's next sessions, as SessionList's upcoming filter gives them. */
static rcode next_sessions(call *c, uint32_t limit, Reflect__V1__InboxReply *r)
{
  session_filter f = {.when = SESSION_FILTER_UPCOMING, .limit = limit};
  session_item *items;
  size_t n;
  rcode rc = store_sessions_list(call_store(c), c->who->user_id, &f, &items, &n);
  if (rc) return call_fail(c, rc, NULL, "could not list your next sessions");
  r->sessions = arena_alloc(c->a, sizeof *r->sessions * (n ? n : 1));
  if (!r->sessions) return RC_EXHAUSTED;
  for (size_t i = 0; i < n; i++)
    if ((rc = session_messages_from_item(c, &items[i], &r->sessions[i])))
      return call_fail(c, rc, NULL, "could not list your next sessions");
  r->n_sessions = n;
  return RC_OK;
}

rcode ops_inbox(call *c, const Reflect__V1__Request *req)
{
  if (!req->inbox) return call_fail(c, RC_INVALID, "inbox", "missing inbox");
  if (req->inbox->next_sessions > INBOX_SESSIONS_MAX)
    return call_fail(c, RC_INVALID, "next_sessions", "at most %d next sessions", INBOX_SESSIONS_MAX);
  inbox_item *v = NULL;
  size_t n = 0;
  int truncated = 0;
  rcode rc = store_inbox_list(call_store(c), kinds_for(c->who->role), &v, &n, &truncated);
  if (rc) return call_fail(c, rc, NULL, "could not list what is waiting for you");
  Reflect__V1__InboxReply *r = arena_alloc(c->a, sizeof *r);
  Reflect__V1__InboxItem **items = arena_alloc(c->a, sizeof *items * (n ? n : 1));
  Reflect__V1__InboxItem *m = arena_alloc(c->a, sizeof *m * (n ? n : 1));
  if (!r || !items || !m) return call_fail(c, RC_EXHAUSTED, NULL, "the list of what is waiting is too large");
  reflect__v1__inbox_reply__init(r);
  for (size_t i = 0; i < n; i++) {
    reflect__v1__inbox_item__init(&m[i]);
    m[i].kind = (Reflect__V1__InboxKind)v[i].kind;
    m[i].session_id = (uint64_t)v[i].session_id;
    m[i].revision = v[i].revision;
    m[i].agreement_id = (uint64_t)v[i].agreement_id;
    m[i].action_id = (uint64_t)v[i].action_id;
    m[i].target_id = (uint64_t)v[i].target_id;
    m[i].indicator_id = (uint64_t)v[i].indicator_id;
    m[i].at = v[i].at;
    m[i].overdue = v[i].overdue != 0;
    m[i].person = (char *)v[i].person;
    m[i].group = v[i].group != 0;
    items[i] = &m[i];
  }
  r->items = items;
  r->n_items = n;
  r->truncated = truncated != 0;
  if (req->inbox->next_sessions && (rc = next_sessions(c, req->inbox->next_sessions, r))) return rc;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_INBOX;
  c->rep->inbox = r;
  return RC_OK;
}
