/* Actions agreed in a session: set by its supervisor, owned by one of its
 * parties, closed by the owner (with evidence) or cancelled by the
 * supervisor (with a reason). */
#include <stdio.h>
#include <string.h>

#include "action_messages.h"
#include "events.h"
#include "ops.h"
#include "session_rules.h"
#include "probes.h"
#include "record_sections.h"
#include "store_actions.h"
#include "store_audit.h"
#include "store_cases.h"

#define ACTION_TEXT_MAX 4096

static rcode refuse_action(call *c, uint64_t id)
{
  return call_fail(c, RC_DENIED, "id", "action %llu does not exist or is not yours to see", (unsigned long long)id);
}

typedef struct {
  const Reflect__V1__ActionAddRequest *in;
  session_row s;
  int64_t owner, id;
} action_add;

/* An action is about a case discussed in its session: the case must be
 * allocated to one of the session's members, the rule a case section of
 * the record follows, and the caller must see it. Unknown and not-yours get
 * one answer, so case ids cannot be probed. Checked in the write
 * transaction, so a reallocation cannot slip in between. */
static rcode check_case(call *c, action_add *a)
{
  case_row k;
  int visible = 0, in_session = 0;
  if (a->in->case_id > INT64_MAX || store_cases_get(c->s->db, (int64_t)a->in->case_id, &k) ||
      store_cases_visible(c->s->db, c->who->user_id, &k, &visible) ||
      record_sections_case_in_session(c->s->db, &a->s, &k, &in_session) || !visible || !in_session)
    return call_fail(c, RC_DENIED, "case_id",
                     "that case does not exist or is not on the caseload of anyone in session %lld",
                     (long long)a->s.id);
  return RC_OK;
}

static rcode action_add_tx(call *c, void *arg)
{
  action_add *a = arg;
  if (a->in->case_id) {
    rcode rc = check_case(c, a);
    if (rc) return rc;
  }
  rcode rc = store_actions_add(call_store(c), &a->s, a->owner, (int64_t)a->in->case_id, a->in->due_at,
                               a->in->description, a->in->evidence_needed, &a->id);
  if (!rc) rc = store_audit_append_id(call_store(c), "action.add", "action", a->id, "");
  action_row row;
  if (!rc) rc = store_actions_get(c->s->db, a->id, &row) ? RC_INTERNAL : RC_OK;
  if (!rc) rc = events_action_assigned(c, &row);
  return rc;
}

rcode ops_action_add(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__ActionAddRequest *in = req->action_add;
  if (!in) return call_fail(c, RC_INVALID, "action_add", "missing action_add");
  action_add a = {.in = in};
  rcode rc = call_check_text(c, "description", in->description, ACTION_TEXT_MAX);
  if (!rc && strlen(in->evidence_needed) > ACTION_TEXT_MAX)
    rc = call_fail(c, RC_INVALID, "evidence_needed", "at most %d bytes", ACTION_TEXT_MAX);
  if (!rc) rc = session_rules_check_time(c, "due_at", in->due_at);
  if (rc) return rc;
  if (in->session_id == 0 || in->session_id > INT64_MAX || store_sessions_get(c->s->db, (int64_t)in->session_id, &a.s))
    return call_fail(c, RC_DENIED, "session_id", "session %llu does not exist or you are not its supervisor",
                     (unsigned long long)in->session_id);
  if (a.s.supervisor_id != c->who->user_id)
    return call_fail(c, RC_DENIED, "session_id", "session %llu does not exist or you are not its supervisor",
                     (unsigned long long)in->session_id);
  /* Only a party can own an action; any other name is refused alike,
   * whether it is someone's or nobody's (ops.h). */
  user_row u;
  if ((rc = probes_check(c, "person"))) return rc;
  int found = ops_users_lookup_person(c, in->owner, OPS_ANY_ROLE, &u), party = 0;
  if (found == RC_OK && store_sessions_is_party(c->s->db, &a.s, u.id, &party)) found = RC_INTERNAL;
  if (found == RC_INTERNAL) return call_fail(c, RC_INTERNAL, NULL, "could not look the owner up");
  if (!party) {
    call_fail(c, RC_PRECONDITION, "owner", "'%.64s' did not take part in session %lld", in->owner, (long long)a.s.id);
    return ops_users_refused_person(c, in->owner, &u, found == RC_OK ? "not a party to the session" : NULL);
  }
  a.owner = u.id;
  rc = call_write(c, "set the action", action_add_tx, &a);
  if (rc) return rc;
  Reflect__V1__ActionAddReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__action_add_reply__init(r);
  r->id = (uint64_t)a.id;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_ACTION_ADD;
  c->rep->action_add = r;
  return RC_OK;
}

rcode ops_action_list(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__ActionListRequest *in = req->action_list;
  if (!in) return call_fail(c, RC_INVALID, "action_list", "missing action_list");
  if (in->session_id > INT64_MAX) return call_fail(c, RC_INVALID, "session_id", "no such session");
  action_filter f = {in->mine, in->overdue, in->include_closed, (int64_t)in->session_id};
  Reflect__V1__ActionListReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__action_list_reply__init(r);
  action_item *v = NULL;
  size_t n = 0;
  rcode rc = store_actions_list(call_store(c), &f, &v, &n);
  if (!rc) rc = action_messages_make(c->a, v, n, &r->actions);
  if (rc) return call_fail(c, rc, NULL, "could not list actions");
  r->n_actions = n;
  char detail[32];
  snprintf(detail, sizeof detail, "actions=%zu", r->n_actions);
  rc = call_audit_read(c, "action.list", "user", c->who->user_id, detail);
  if (rc) return rc;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_ACTION_LIST;
  c->rep->action_list = r;
  return RC_OK;
}

typedef struct {
  const Reflect__V1__ActionCloseRequest *in;
  action_row a;
} action_close;

static rcode action_close_tx(call *c, void *arg)
{
  action_close *x = arg;
  if (store_actions_get(c->s->db, x->a.id, &x->a)) return RC_INTERNAL;
  if (x->a.status != REFLECT__V1__ACTION_STATUS__ACTION_OPEN)
    return call_fail(c, RC_PRECONDITION, "id", "action %lld is already closed", (long long)x->a.id);
  rcode rc = store_actions_close(call_store(c), &x->a, x->in->status, x->in->evidence);
  if (!rc)
    rc = store_audit_append_id(call_store(c),
                               x->in->status == REFLECT__V1__ACTION_STATUS__ACTION_DONE ? "action.done"
                                                                                        : "action.cancel",
                               "action", x->a.id, "");
  /* Read back: the event says how it was closed. */
  action_row closed;
  if (!rc) rc = store_actions_get(c->s->db, x->a.id, &closed) ? RC_INTERNAL : RC_OK;
  if (!rc) rc = events_action_closed(c, &closed);
  return rc;
}

rcode ops_action_close(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__ActionCloseRequest *in = req->action_close;
  if (!in) return call_fail(c, RC_INVALID, "action_close", "missing action_close");
  int done = in->status == REFLECT__V1__ACTION_STATUS__ACTION_DONE;
  if (!done && in->status != REFLECT__V1__ACTION_STATUS__ACTION_CANCELLED)
    return call_fail(c, RC_INVALID, "status", "an action is closed as done or cancelled");
  rcode rc = call_check_text(c, "evidence", in->evidence, ACTION_TEXT_MAX);
  if (rc) return rc;
  action_close x = {.in = in};
  session_row s;
  int party = 0;
  if (in->id == 0 || in->id > INT64_MAX || store_actions_get(c->s->db, (int64_t)in->id, &x.a) ||
      store_sessions_get(c->s->db, x.a.session_id, &s) ||
      store_sessions_is_party(c->s->db, &s, c->who->user_id, &party) || (!party && x.a.owner_id != c->who->user_id))
    return refuse_action(c, in->id);
  /* The owner says it is done; the supervisor may also cancel it. */
  int supervisor = s.supervisor_id == c->who->user_id;
  if (done && x.a.owner_id != c->who->user_id && !supervisor)
    return call_fail(c, RC_DENIED, "id", "only the action's owner or the session's supervisor closes it");
  if (!done && !supervisor) return call_fail(c, RC_DENIED, "id", "only the session's supervisor cancels an action");
  rc = call_write(c, "close the action", action_close_tx, &x);
  if (rc) return rc;
  Reflect__V1__ActionCloseReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__action_close_reply__init(r);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_ACTION_CLOSE;
  c->rep->action_close = r;
  return RC_OK;
}
