/* Seeing and ending supervision agreements: the two parties see theirs, a
 * manager those of anyone in a team they manage; the supervisor, or a
 * manager of the supervisee, ends one. Reading the sealed terms is audited. */
#include <stdio.h>
#include <string.h>

#include "ops.h"
#include "store_agreements.h"
#include "store_audit.h"
#include "store_teams.h"

#define AGREEMENT_REASON_MAX 1024

/* What a reply shows of an agreement: everything but the sealed text. */
static rcode agreement_message(arena *a, const agreement_item *v, Reflect__V1__Agreement **out)
{
  Reflect__V1__Agreement *m = arena_alloc(a, sizeof *m);
  if (!m) return RC_EXHAUSTED;
  reflect__v1__agreement__init(m);
  const agreement_row *r = &v->row;
  m->id = (uint64_t)r->id;
  m->supervisor = (char *)v->supervisor;
  m->supervisee = (char *)v->supervisee;
  m->rule = (char *)v->rule;
  m->every_days = r->rule_id ? 0 : r->every_days;
  m->minutes = r->minutes;
  m->created_at = r->created_at;
  m->supervisee_signed_at = r->supervisee_signed_at;
  m->active = r->supervisee_signed_at && !r->ended_at;
  m->version = r->version;
  m->supersedes = (uint64_t)r->supersedes;
  m->starts_on = arena_strdup(a, r->starts_on);
  m->review_on = arena_strdup(a, r->review_on);
  m->supervisor_signed_at = r->supervisor_signed_at;
  m->ended_at = r->ended_at;
  if (!m->starts_on || !m->review_on) return RC_EXHAUSTED;
  *out = m;
  return RC_OK;
}

static rcode agreement_messages(arena *a, const agreement_item *v, size_t n, Reflect__V1__Agreement ***out)
{
  Reflect__V1__Agreement **list = arena_alloc(a, sizeof *list * (n ? n : 1));
  if (!list) return RC_EXHAUSTED;
  for (size_t i = 0; i < n; i++) {
    rcode rc = agreement_message(a, &v[i], &list[i]);
    if (rc) return rc;
  }
  *out = list;
  return RC_OK;
}

static int is_manager(call *c)
{
  return c->who->role == ROLE_MANAGER;
}

/* The agreement, if the caller is a party (*party = 1) or oversees one of
 * the parties; a missing agreement and someone else's get the same
 * refusal, so ids cannot be probed. */
static rcode load_visible(call *c, uint64_t id, const char *verb, agreement_row *a, int *party)
{
  if (id == 0 || id > INT64_MAX) return call_fail(c, RC_INVALID, "agreement_id", "an agreement id is required");
  int rc = store_agreements_get(c->s->db, (int64_t)id, a);
  if (rc && rc != RC_NOT_FOUND)
    return call_fail(c, RC_INTERNAL, NULL, "could not read agreement %llu", (unsigned long long)id);
  *party = !rc && (a->supervisor_id == c->who->user_id || a->supervisee_id == c->who->user_id);
  int oversees = 0;
  if (!rc && !*party && is_manager(c)) {
    if (store_teams_oversees(c->s->db, c->who->user_id, a->supervisor_id, &oversees) ||
        (!oversees && store_teams_oversees(c->s->db, c->who->user_id, a->supervisee_id, &oversees)))
      return call_fail(c, RC_INTERNAL, NULL, "could not read teams");
  }
  if (rc || (!*party && !oversees))
    return call_fail(c, RC_DENIED, "agreement_id", "agreement %llu does not exist or is not yours to %s",
                     (unsigned long long)id, verb);
  return RC_OK;
}

rcode ops_agreement_list(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  Reflect__V1__AgreementListReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return call_fail(c, RC_EXHAUSTED, NULL, "out of memory");
  reflect__v1__agreement_list_reply__init(r);
  agreement_filter f = {.user_id = c->who->user_id, .oversight = is_manager(c)};
  agreement_item *v = NULL;
  size_t n = 0;
  rcode rc = store_agreements_list(call_store(c), &f, &v, &n);
  if (!rc) rc = agreement_messages(c->a, v, n, &r->agreements);
  if (rc) return call_fail(c, rc, NULL, "could not list agreements");
  r->n_agreements = n;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_AGREEMENT_LIST;
  c->rep->agreement_list = r;
  return RC_OK;
}

rcode ops_agreement_show(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__AgreementShowRequest *in = req->agreement_show;
  if (!in) return call_fail(c, RC_INVALID, "agreement_show", "missing agreement_show");
  agreement_row a;
  int party;
  rcode rc = load_visible(c, in->agreement_id, "see", &a, &party);
  if (rc) return rc;
  Reflect__V1__AgreementShowReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return call_fail(c, RC_EXHAUSTED, NULL, "out of memory");
  reflect__v1__agreement_show_reply__init(r);
  agreement_terms t;
  const char *reason;
  agreement_item item, *versions = NULL;
  size_t n = 0;
  rc = store_agreements_item(call_store(c), &a, &item);
  if (!rc) rc = agreement_message(c->a, &item, &r->agreement);
  if (!rc) rc = store_agreements_terms(call_store(c), &a, &t, &reason);
  if (!rc) rc = store_agreements_versions(call_store(c), &a, &versions, &n);
  if (!rc) rc = agreement_messages(c->a, versions, n, &r->versions);
  if (!rc) r->n_versions = n;
  if (rc) return call_fail(c, rc, NULL, "could not read agreement %lld", (long long)a.id);
  rc = call_audit_read(c, "agreement.read", "agreement", a.id, party ? "" : "oversight");
  if (rc) return rc;
  Reflect__V1__Agreement *m = r->agreement;
  m->booking = (char *)t.booking;
  m->cancellation = (char *)t.cancellation;
  m->confidentiality = (char *)t.confidentiality;
  m->record_access = (char *)t.record_access;
  m->disagreements = (char *)t.disagreements;
  m->end_reason = (char *)reason;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_AGREEMENT_SHOW;
  c->rep->agreement_show = r;
  return RC_OK;
}

typedef struct {
  int64_t id;
  const char *reason;
} agreement_end;

static rcode agreement_end_tx(call *c, void *arg)
{
  agreement_end *e = arg;
  agreement_row a;
  if (store_agreements_get(c->s->db, e->id, &a)) return RC_INTERNAL;
  if (a.ended_at)
    return call_fail(c, RC_PRECONDITION, "agreement_id", "agreement %lld has already ended", (long long)a.id);
  rcode rc = store_agreements_end(call_store(c), &a, e->reason);
  if (!rc) rc = store_audit_append_id(call_store(c), "agreement.end", "agreement", a.id, "");
  /* A version still awaiting the supervisee's signature would, once signed,
   * give the supervisor back the access this ending takes away: it goes
   * with the agreement it would have replaced. */
  char detail[48];
  snprintf(detail, sizeof detail, "withdrawn_with=%lld", (long long)a.id);
  for (int k = 0; !rc && k < AGREEMENT_VERSIONS_MAX; k++) {
    agreement_row next;
    int64_t next_id;
    int found = store_agreements_unsigned_successor(c->s->db, a.id, &next_id);
    if (found == RC_NOT_FOUND) break;
    if (found || store_agreements_get(c->s->db, next_id, &next)) return RC_INTERNAL;
    rc = store_agreements_end(call_store(c), &next, "withdrawn: the agreement it would replace was ended");
    if (!rc) rc = store_audit_append_id(call_store(c), "agreement.end", "agreement", next.id, detail);
  }
  return rc;
}

rcode ops_agreement_end(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__AgreementEndRequest *in = req->agreement_end;
  if (!in) return call_fail(c, RC_INVALID, "agreement_end", "missing agreement_end");
  agreement_row a;
  int party;
  rcode rc = load_visible(c, in->agreement_id, "end", &a, &party);
  /* The supervisee sees the agreement but does not end it alone: that is
   * for the supervisor, or the manager the supervisee turns to. */
  if (!rc && party && a.supervisor_id != c->who->user_id)
    rc = call_fail(c, RC_DENIED, "agreement_id",
                   "only the supervisor, or a manager overseeing you, ends agreement %lld", (long long)a.id);
  /* Ending is the one thing oversight may change, and only the
   * supervisee's manager may do it: the agreement protects the supervisee,
   * and a manager who oversees only the supervisor could otherwise cut off
   * supervision in a team they have no say in. Everything else a manager
   * does through oversight (list, show, due) stays read-only. */
  int oversees = 0;
  if (!rc && !party && store_teams_oversees(c->s->db, c->who->user_id, a.supervisee_id, &oversees))
    rc = call_fail(c, RC_INTERNAL, NULL, "could not read teams");
  if (!rc && !party && !oversees)
    rc = call_fail(c, RC_DENIED, "agreement_id",
                   "only the supervisor, or a manager overseeing the supervisee, ends agreement %lld", (long long)a.id);
  if (!rc) rc = call_check_text(c, "reason", in->reason, AGREEMENT_REASON_MAX);
  if (rc) return rc;
  agreement_end e = {a.id, in->reason};
  rc = call_write(c, "end the agreement", agreement_end_tx, &e);
  if (rc) return rc;
  Reflect__V1__AgreementEndReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return call_fail(c, RC_EXHAUSTED, NULL, "out of memory");
  reflect__v1__agreement_end_reply__init(r);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_AGREEMENT_END;
  c->rep->agreement_end = r;
  return RC_OK;
}
