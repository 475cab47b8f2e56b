/* A session's proposed agenda: open actions carried over from earlier
 * sessions, then the members' cases, higher risk and longer undiscussed
 * first (store_actions and store_agenda define both precisely). For the
 * session's parties and the managers overseeing them; each viewer sees
 * only the actions and cases they may see anyway. Case names and action
 * texts are sealed content, so every agenda read is audited. */
#include <stdio.h>

#include "action_messages.h"
#include "case_messages.h"
#include "ops.h"
#include "session_rules.h"
#include "store_actions.h"
#include "store_agenda.h"
#include "store_audit.h"
#include "store_cases.h"

/* The agenda's cases as AgendaCase messages, each case's sealed fields
 * opened by store_cases. */
static rcode agenda_cases(call *c, const session_row *s, Reflect__V1__AgendaReply *r)
{
  agenda_item *v;
  size_t n;
  rcode rc = store_agenda_cases(call_store(c), s, &v, &n);
  if (rc) return rc;
  Reflect__V1__AgendaCase **list = arena_alloc(c->a, sizeof *list * (n ? n : 1));
  if (!list) return RC_EXHAUSTED;
  for (size_t i = 0; i < n; i++) {
    Reflect__V1__AgendaCase *m = arena_alloc(c->a, sizeof *m);
    if (!m) return RC_EXHAUSTED;
    reflect__v1__agenda_case__init(m);
    case_item item;
    rc = store_cases_item(call_store(c), &v[i].k, &item);
    if (!rc) rc = case_messages_make(c->a, &item, &m->case_);
    if (rc) return rc;
    m->case_->last_discussed = v[i].last_at;
    m->case_->last_session = (uint64_t)v[i].last_session;
    m->days_since = v[i].days_since;
    m->why = (char *)v[i].why;
    list[i] = m;
  }
  r->cases = list;
  r->n_cases = n;
  return RC_OK;
}

rcode ops_agenda(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__AgendaRequest *in = req->agenda;
  if (!in) return call_fail(c, RC_INVALID, "agenda", "missing agenda");
  session_row s;
  int party = 0;
  rcode rc = session_rules_load_visible(c, in->session_id, &s, &party);
  if (rc) return rc;
  Reflect__V1__AgendaReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__agenda_reply__init(r);
  r->session_id = (uint64_t)s.id;
  action_item *carried = NULL;
  size_t n = 0;
  rc = store_actions_carried_over(call_store(c), &s, &carried, &n);
  if (!rc) rc = action_messages_make(c->a, carried, n, &r->carried_over);
  if (!rc) r->n_carried_over = n;
  if (!rc) rc = agenda_cases(c, &s, r);
  if (rc) return call_fail(c, rc, NULL, "could not draw up the agenda of session %lld", (long long)s.id);
  char detail[80];
  snprintf(detail, sizeof detail, "actions=%zu;cases=%zu%s", r->n_carried_over, r->n_cases, party ? "" : ";oversight");
  rc = call_audit_read(c, "agenda.read", "session", s.id, detail);
  if (rc) return rc;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_AGENDA;
  c->rep->agenda = r;
  return RC_OK;
}
