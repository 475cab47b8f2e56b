/* A case's third parties: the people named in a child's records who are
 * not the child. Naming them is what lets the child's extract hide them,
 * so it follows the rule for changing a case: the worker's supervisor (or
 * a manager who supervises the worker), never a reader through oversight. */
#include <stdio.h>
#include <string.h>

#include "ops.h"
#include "retention.h"
#include "store_audit.h"
#include "store_case_people.h"
#include "store_cases.h"

static rcode refuse_case(call *c)
{
  return call_fail(c, RC_DENIED, "case_id", "that case does not exist or you cannot see it");
}

rcode ops_case_people_find_case(call *c, uint64_t id, const char *reference, case_row *k)
{
  int rc;
  if (id && *reference) return call_fail(c, RC_INVALID, "reference", "give a case id or a reference, not both");
  if (id) {
    if (id > INT64_MAX) return refuse_case(c);
    rc = store_cases_get(c->s->db, (int64_t)id, k);
  } else if (*reference && strlen(reference) <= CASE_REFERENCE_MAX) {
    uint8_t idx[VAULT_INDEX_BYTES];
    store_cases_reference_index(c->s->vault, reference, idx);
    rc = store_cases_find(c->s->db, idx, k);
  } else if (*reference) {
    return call_fail(c, RC_INVALID, "reference", "a case reference is at most %d bytes", CASE_REFERENCE_MAX);
  } else {
    return call_fail(c, RC_INVALID, "case_id", "a case id or reference is required");
  }
  if (rc == RC_NOT_FOUND) return refuse_case(c);
  if (rc) return call_fail(c, RC_INTERNAL, NULL, "could not read the case");
  return RC_OK;
}

/* By id or reference, if the caller may change it (as `case update`):
 * a missing case and someone else's are refused alike. */
static rcode load_changeable_case(call *c, uint64_t id, const char *reference, case_row *k)
{
  rcode rc = ops_case_people_find_case(c, id, reference, k);
  if (rc) return rc;
  int visible = 0;
  if (store_cases_visible(c->s->db, c->who->user_id, k, &visible)) return RC_INTERNAL;
  if (!visible) return refuse_case(c);
  if (k->shredded_at) {
    char on[11];
    retention_format_date(k->shredded_at, on);
    return call_fail(c, RC_PRECONDITION, "case_id", "this case's record was destroyed under retention on %s", on);
  }
  /* Authz admits only supervisors and managers; a practitioner who is also
   * the allocated worker would be refused here, as in `case update`. */
  if (k->allocated_id == c->who->user_id && c->who->role == ROLE_PRACTITIONER)
    return call_fail(c, RC_DENIED, "case_id", "a case's third parties are named by a supervisor");
  return RC_OK;
}

typedef struct {
  const Reflect__V1__CasePersonAddRequest *in;
  case_row k;
  int64_t id;
} person_add;

static rcode person_add_tx(call *c, void *arg)
{
  person_add *p = arg;
  /* Re-checked inside the transaction: the agreement may have ended. */
  int visible = 0;
  if (store_cases_get(c->s->db, p->k.id, &p->k) || store_cases_visible(c->s->db, c->who->user_id, &p->k, &visible))
    return RC_INTERNAL;
  if (!visible) return refuse_case(c);
  rcode rc = store_case_people_add(call_store(c), &p->k, p->in->name, p->in->relationship, &p->id);
  if (rc == RC_PRECONDITION) return call_fail(c, rc, "name", "a case names at most %d third parties", CASE_PEOPLE_MAX);
  char detail[32];
  snprintf(detail, sizeof detail, "person=%lld", (long long)p->id);
  if (!rc) rc = store_audit_append_id(call_store(c), "case.person.add", "case", p->k.id, detail);
  return rc;
}

rcode ops_case_person_add(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__CasePersonAddRequest *in = req->case_person_add;
  if (!in) return call_fail(c, RC_INVALID, "case_person_add", "missing case_person_add");
  rcode rc = call_check_text(c, "name", in->name, CASE_PERSON_NAME_MAX);
  if (!rc) rc = call_check_text(c, "relationship", in->relationship, CASE_PERSON_RELATIONSHIP_MAX);
  if (!rc && (strchr(in->relationship, '\n') || strchr(in->relationship, '\r')))
    rc = call_fail(c, RC_INVALID, "relationship", "a relationship is one line");
  if (rc) return rc;
  person_add p = {.in = in};
  rc = load_changeable_case(c, in->case_id, in->reference, &p.k);
  if (!rc) rc = call_write(c, "name the third party", person_add_tx, &p);
  if (rc) return rc;
  Reflect__V1__CasePersonAddReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__case_person_add_reply__init(r);
  r->id = (uint64_t)p.id;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_CASE_PERSON_ADD;
  c->rep->case_person_add = r;
  return RC_OK;
}

static rcode person_messages(arena *a, const case_person *v, size_t n, Reflect__V1__CasePerson ***out)
{
  Reflect__V1__CasePerson **list = arena_alloc(a, sizeof *list * (n ? n : 1));
  if (!list) return RC_EXHAUSTED;
  for (size_t i = 0; i < n; i++) {
    Reflect__V1__CasePerson *m = arena_alloc(a, sizeof *m);
    if (!m) return RC_EXHAUSTED;
    reflect__v1__case_person__init(m);
    m->id = (uint64_t)v[i].id;
    m->name = (char *)v[i].name;
    m->relationship = (char *)v[i].relationship;
    list[i] = m;
  }
  *out = list;
  return RC_OK;
}

rcode ops_case_people(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__CasePeopleRequest *in = req->case_people;
  if (!in) return call_fail(c, RC_INVALID, "case_people", "missing case_people");
  case_row k;
  rcode rc = load_changeable_case(c, in->case_id, in->reference, &k);
  if (rc) return rc;
  Reflect__V1__CasePeopleReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__case_people_reply__init(r);
  case_person *people = NULL;
  size_t n = 0;
  rc = store_case_people_list(call_store(c), c->a, &k, &people, &n);
  if (!rc) rc = person_messages(c->a, people, n, &r->people);
  if (!rc) r->n_people = n;
  if (rc == RC_DATA_LOSS)
    return call_fail(c, rc, NULL, "integrity error: a third party of case %lld failed authentication", (long long)k.id);
  if (rc) return call_fail(c, rc, NULL, "could not read the case's third parties");
  char detail[32];
  snprintf(detail, sizeof detail, "people=%zu", r->n_people);
  rc = call_audit_read(c, "case.people.read", "case", k.id, detail);
  if (rc) return rc;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_CASE_PEOPLE;
  c->rep->case_people = r;
  return RC_OK;
}
