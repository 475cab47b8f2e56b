/* When each supervisee's next individual supervision is due, and who is
 * overdue: the agreement's rule applied to the last session held. */
#include <stdlib.h>

#include "ops.h"
#include "store_agreements.h"

static int by_next_due(const void *x, const void *y)
{
  const Reflect__V1__SupervisionDue *a = *(Reflect__V1__SupervisionDue *const *)x;
  const Reflect__V1__SupervisionDue *b = *(Reflect__V1__SupervisionDue *const *)y;
  if (a->next_due != b->next_due) return a->next_due < b->next_due ? -1 : 1;
  return a->agreement_id < b->agreement_id ? -1 : a->agreement_id > b->agreement_id;
}

/* Fills m from the agreement (store_agreements_next_due has the rule). */
static rcode compute(call *c, const agreement_item *v, Reflect__V1__SupervisionDue *m)
{
  const agreement_row *a = &v->row;
  agreement_sessions ps;
  if (store_agreements_next_due(c->s->db, a, c->now, &m->next_due, &ps)) return RC_INTERNAL;
  m->agreement_id = (uint64_t)a->id;
  m->supervisor = (char *)v->supervisor;
  m->supervisee = (char *)v->supervisee;
  m->rule = (char *)v->rule;
  m->last_held = ps.last_held_at;
  m->last_session = (uint64_t)ps.last_held_id;
  m->next_scheduled = ps.next_at;
  m->next_session = (uint64_t)ps.next_id;
  m->overdue = c->now > m->next_due;
  m->overdue_days = m->overdue ? (uint32_t)((c->now - m->next_due) / 86400) : 0;
  return RC_OK;
}

rcode ops_due_list(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__DueListRequest *in = req->due_list;
  if (!in) return call_fail(c, RC_INVALID, "due_list", "missing due_list");
  agreement_filter f = {.user_id = c->who->user_id, .active_only = 1, .oversight = c->who->role == ROLE_MANAGER};
  if (*in->supervisee) {
    /* An unknown name matches nothing, like someone you cannot see. */
    user_row u;
    f.supervisee = store_users_valid_username(in->supervisee) && store_users_find(c->s->db, in->supervisee, &u) == RC_OK
                       ? u.id
                       : -1;
  }
  agreement_item *agreements = NULL;
  size_t n = 0;
  rcode rc = store_agreements_list(call_store(c), &f, &agreements, &n);
  Reflect__V1__DueListReply *r = arena_alloc(c->a, sizeof *r);
  Reflect__V1__SupervisionDue **v = arena_alloc(c->a, sizeof *v * (n ? n : 1));
  if (!rc && (!r || !v)) rc = RC_EXHAUSTED;
  if (rc) return call_fail(c, rc, NULL, "could not list when supervision is due");
  reflect__v1__due_list_reply__init(r);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    Reflect__V1__SupervisionDue *m = arena_alloc(c->a, sizeof *m);
    if (!m) return call_fail(c, RC_EXHAUSTED, NULL, "the list of who is due is too large");
    reflect__v1__supervision_due__init(m);
    if ((rc = compute(c, &agreements[i], m)))
      return call_fail(c, rc, NULL, "could not work out when agreement %lld is due", (long long)agreements[i].row.id);
    if (!in->overdue || m->overdue) v[k++] = m;
  }
  qsort(v, k, sizeof *v, by_next_due);
  r->due = v;
  r->n_due = k;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_DUE_LIST;
  c->rep->due_list = r;
  return RC_OK;
}
