/* Cases: a child or a family on someone's caseload. Supervisors and
 * managers open them for people they supervise; managers also read (never
 * change) the cases of the people their teams oversee; every read of a
 * case's identity or decisions is audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "case_messages.h"
#include "ops.h"
#include "session_rules.h"
#include "probes.h"
#include "retention.h"
#include "store_agreements.h"
#include "store_audit.h"
#include "store_cases.h"
#include "store_decisions.h"
#include "store_sessions.h"
#include "store_teams.h"
#include "wire.h"

#define REFERENCE_MAX CASE_REFERENCE_MAX
#define CASE_NAME_MAX 200

/* A real calendar date, YYYY-MM-DD, from 1900 to today. */
static int valid_dob(const char *s, int64_t now)
{
  /* Exactly YYYY-MM-DD: sscanf alone would take " 2000-1-01" too. */
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
  int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
  if (y < 1900 || m < 1 || m > 12 || d < 1) return 0;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > days[m - 1] + (m == 2 && leap)) return 0;
  struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
  return (int64_t)timegm(&tm) <= now;
}

/* Someone the caller supervises (or the caller), who can hold cases. Any
 * other name gets the same refusal, whether it is nobody's, a manager's or
 * someone else's supervisee (session_rules_find_supervisee). */
static rcode check_worker(call *c, const char *field, const char *username, user_row *u)
{
  if (strcmp(username, c->who->username) == 0) {
    rcode rc = ops_users_find_active(c, field, username, u);
    if (!rc && u->role != ROLE_PRACTITIONER && u->role != ROLE_SUPERVISOR)
      rc = call_fail(c, RC_PRECONDITION, field, "your role (%s) does not hold cases",
                     wire_role_name((Reflect__V1__Role)u->role));
    return rc;
  }
  char refusal[128];
  snprintf(refusal, sizeof refusal, "you do not supervise '%.64s' (no signed agreement)", username);
  return session_rules_find_supervisee(c, field, username, refusal, u, NULL);
}

static rcode refuse_case(call *c)
{
  return call_fail(c, RC_DENIED, "id", "that case does not exist or you cannot see it");
}

typedef struct {
  const Reflect__V1__CaseAddRequest *in;
  int64_t allocated, id;
} case_add;

/* One refusal for a reference in use, whether the caller can see that case
 * or not: it names nothing about the case (its id, team or worker). */
static rcode refuse_reference(call *c)
{
  return call_fail(c, RC_EXISTS, "reference", "a case with that reference already exists");
}

static rcode case_add_tx(call *c, void *arg)
{
  case_add *a = arg;
  rcode rc = store_cases_add(call_store(c), a->in->reference, a->in->name, a->in->date_of_birth, a->in->risk,
                             a->allocated, a->in->looked_after, &a->id);
  if (rc == RC_EXISTS) return refuse_reference(c);
  if (!rc) rc = store_audit_append_id(call_store(c), "case.add", "case", a->id, "");
  return rc;
}

/* References are unique in the organisation, so that a later reader finds
 * one file per child; an add that would reuse one is refused, and that the
 * refusal itself says a case exists cannot be helped. What can be: it says
 * nothing more, a try at a case the caller cannot see is audited on that
 * case (so its manager sees who asked) and counted, and after PROBE_LIMIT
 * in an hour every case add from the caller is refused alike (probes.h). */
static rcode check_reference_free(call *c, const char *reference)
{
  rcode rc = probes_check(c, "case_reference");
  if (rc) return rc;
  uint8_t idx[VAULT_INDEX_BYTES];
  case_row k;
  store_cases_reference_index(c->s->vault, reference, idx);
  int found = store_cases_find(c->s->db, idx, &k);
  if (found == RC_NOT_FOUND) return RC_OK;
  if (found) return call_fail(c, RC_INTERNAL, NULL, "could not look the reference up");
  int visible = 0;
  if (store_cases_visible(c->s->db, c->who->user_id, &k, &visible) ||
      (!visible && c->who->role == ROLE_MANAGER &&
       store_teams_oversees(c->s->db, c->who->user_id, k.allocated_id, &visible)))
    return call_fail(c, RC_INTERNAL, NULL, "could not look the reference up");
  rc = refuse_reference(c);
  if (!visible) {
    char object[32];
    snprintf(object, sizeof object, "case:%lld", (long long)k.id);
    probes_record(c, "case_reference", object, "case add with this case's reference; not visible to the caller");
  }
  return rc;
}

rcode ops_case_add(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__CaseAddRequest *in = req->case_add;
  if (!in) return call_fail(c, RC_INVALID, "case_add", "missing case_add");
  rcode rc = call_check_text(c, "reference", in->reference, REFERENCE_MAX);
  if (!rc) rc = call_check_text(c, "name", in->name, CASE_NAME_MAX);
  if (!rc && *in->date_of_birth && !valid_dob(in->date_of_birth, c->now))
    rc = call_fail(c, RC_INVALID, "date_of_birth", "a date of birth is YYYY-MM-DD, and not in the future");
  if (!rc && (in->risk < REFLECT__V1__RISK_LEVEL__RISK_LOW || in->risk > REFLECT__V1__RISK_LEVEL__RISK_HIGH))
    rc = call_fail(c, RC_INVALID, "risk", "risk is low, medium or high");
  user_row u;
  if (!rc) rc = check_worker(c, "allocated", in->allocated, &u);
  if (!rc) rc = check_reference_free(c, in->reference);
  if (rc) return rc;
  case_add a = {in, u.id, 0};
  rc = call_write(c, "open the case", case_add_tx, &a);
  if (rc) return rc;
  Reflect__V1__CaseAddReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__case_add_reply__init(r);
  r->id = (uint64_t)a.id;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_CASE_ADD;
  c->rep->case_add = r;
  return RC_OK;
}

rcode ops_case_list(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__CaseListRequest *in = req->case_list;
  if (!in) return call_fail(c, RC_INVALID, "case_list", "missing case_list");
  int64_t allocated = 0;
  if (*in->allocated) {
    /* Unknown names match nothing rather than say who has an account. */
    user_row u;
    allocated =
        store_users_valid_username(in->allocated) && store_users_find(c->s->db, in->allocated, &u) == RC_OK ? u.id : -1;
  }
  Reflect__V1__CaseListReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__case_list_reply__init(r);
  int oversight = c->who->role == ROLE_MANAGER;
  case_item *v = NULL;
  size_t n = 0;
  rcode rc = store_cases_list(call_store(c), c->who->user_id, oversight, allocated, in->include_closed, &v, &n);
  if (!rc) rc = case_messages_list(c->a, v, n, &r->cases);
  if (rc) return call_fail(c, rc, NULL, "could not list cases");
  r->n_cases = n;
  /* Names of children are content: the listing is audited before it leaves. */
  char detail[32];
  snprintf(detail, sizeof detail, "cases=%zu", r->n_cases);
  rc = call_audit_read(c, "case.list", "user", c->who->user_id, detail);
  if (rc) return rc;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_CASE_LIST;
  c->rep->case_list = r;
  return RC_OK;
}

enum { CHANGE = 0, READ = 1 };

/* By id or by reference, and only if the caller may see it; to READ, a
 * manager overseeing the allocated worker through a team may too. */
static rcode load_case(call *c, uint64_t id, const char *reference, int purpose, case_row *k)
{
  int rc;
  if (id && *reference) return call_fail(c, RC_INVALID, "reference", "give an id or a reference, not both");
  if (id) {
    if (id > INT64_MAX) return refuse_case(c);
    rc = store_cases_get(c->s->db, (int64_t)id, k);
  } else if (*reference && strlen(reference) <= REFERENCE_MAX) {
    uint8_t idx[VAULT_INDEX_BYTES];
    store_cases_reference_index(c->s->vault, reference, idx);
    rc = store_cases_find(c->s->db, idx, k);
  } else {
    return call_fail(c, RC_INVALID, "id", "a case id or reference is required");
  }
  if (rc == RC_NOT_FOUND) return refuse_case(c);
  if (rc) return call_fail(c, RC_INTERNAL, NULL, "could not read the case");
  int visible = 0;
  if (store_cases_visible(c->s->db, c->who->user_id, k, &visible)) return RC_INTERNAL;
  if (!visible && purpose == READ && c->who->role == ROLE_MANAGER &&
      store_teams_oversees(c->s->db, c->who->user_id, k->allocated_id, &visible))
    return RC_INTERNAL;
  return visible ? RC_OK : refuse_case(c);
}

rcode ops_case_show(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__CaseShowRequest *in = req->case_show;
  if (!in) return call_fail(c, RC_INVALID, "case_show", "missing case_show");
  case_row k;
  rcode rc = load_case(c, in->id, in->reference, READ, &k);
  if (rc) return rc;
  Reflect__V1__CaseShowReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__case_show_reply__init(r);
  case_item item;
  rc = store_cases_item(call_store(c), &k, &item);
  if (!rc) rc = case_messages_make(c->a, &item, &r->case_);
  if (rc == RC_DATA_LOSS)
    return call_fail(c, rc, NULL, "integrity error: case %lld failed authentication", (long long)k.id);
  if (rc) return call_fail(c, rc, NULL, "could not read the case");
  rc = call_audit_read(c, "case.read", "case", k.id, "");
  if (rc) return rc;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_CASE_SHOW;
  c->rep->case_show = r;
  return RC_OK;
}

typedef struct {
  const Reflect__V1__CaseUpdateRequest *in;
  case_row k;
  int64_t allocated; /* 0: unchanged */
} case_update;

/* What was destroyed cannot be read, changed or brought back. */
static rcode refuse_shredded(call *c, const case_row *k)
{
  char on[11];
  retention_format_date(k->shredded_at, on);
  return call_fail(c, RC_PRECONDITION, "id", "this case's record was destroyed under retention on %s", on);
}

static rcode case_update_tx(call *c, void *arg)
{
  case_update *u = arg;
  /* Re-read and re-check inside the transaction, and change only what was
   * asked, so two supervisors' changes cannot undo each other. */
  int visible = 0;
  if (store_cases_get(c->s->db, u->k.id, &u->k) || store_cases_visible(c->s->db, c->who->user_id, &u->k, &visible))
    return RC_INTERNAL;
  if (!visible) return refuse_case(c);
  if (u->k.shredded_at) return refuse_shredded(c, &u->k);
  const Reflect__V1__CaseUpdateRequest *in = u->in;
  int risk = in->risk ? (int)in->risk : u->k.risk;
  int open = in->close ? 0 : in->reopen ? 1 : u->k.open;
  int looked_after = in->looked_after ? 1 : in->not_looked_after ? 0 : u->k.looked_after;
  int64_t allocated = u->allocated ? u->allocated : u->k.allocated_id;
  rcode rc = store_cases_update(call_store(c), &u->k, risk, allocated, open, looked_after);
  /* The retention facts are in the audit, so a shortened retention (a mark
   * cleared on a closed case) can be traced to who did it. */
  char detail[64] = "";
  if (!rc && (open != u->k.open || looked_after != u->k.looked_after))
    snprintf(detail, sizeof detail, "open=%d looked_after=%d", open, looked_after);
  if (!rc) rc = store_audit_append_id(call_store(c), "case.update", "case", u->k.id, detail);
  return rc;
}

rcode ops_case_update(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__CaseUpdateRequest *in = req->case_update;
  if (!in) return call_fail(c, RC_INVALID, "case_update", "missing case_update");
  if (in->close && in->reopen) return call_fail(c, RC_INVALID, "close", "close or reopen, not both");
  if (in->looked_after && in->not_looked_after)
    return call_fail(c, RC_INVALID, "looked_after", "looked_after or not_looked_after, not both");
  if (in->risk > REFLECT__V1__RISK_LEVEL__RISK_HIGH) return call_fail(c, RC_INVALID, "risk", "unknown risk level");
  case_update u;
  rcode rc = load_case(c, in->id, "", CHANGE, &u.k);
  if (rc) return rc;
  /* Changing a case is for its worker's supervisor, not the worker alone. */
  if (u.k.allocated_id == c->who->user_id && c->who->role == ROLE_PRACTITIONER)
    return call_fail(c, RC_DENIED, "id", "a case's risk and allocation are changed by a supervisor");
  u.in = in;
  u.allocated = 0;
  if (*in->allocated) {
    user_row w;
    rc = check_worker(c, "allocated", in->allocated, &w);
    if (rc) return rc;
    u.allocated = w.id;
  }
  rc = call_write(c, "change the case", case_update_tx, &u);
  if (rc) return rc;
  Reflect__V1__CaseUpdateReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__case_update_reply__init(r);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_CASE_UPDATE;
  c->rep->case_update = r;
  return RC_OK;
}

static rcode decision_messages(arena *a, const decision_item *v, size_t n, Reflect__V1__Decision ***out)
{
  Reflect__V1__Decision **list = arena_alloc(a, sizeof *list * (n ? n : 1));
  if (!list) return RC_EXHAUSTED;
  for (size_t i = 0; i < n; i++) {
    Reflect__V1__Decision *m = arena_alloc(a, sizeof *m);
    if (!m) return RC_EXHAUSTED;
    reflect__v1__decision__init(m);
    m->session_id = (uint64_t)v[i].session_id;
    m->revision = v[i].revision;
    m->at = v[i].at;
    m->decided_by = (char *)v[i].decided_by;
    m->superseded = v[i].superseded != 0;
    m->risk = (char *)v[i].risk;
    m->decision = (char *)v[i].decision;
    m->rationale = (char *)v[i].rationale;
    list[i] = m;
  }
  *out = list;
  return RC_OK;
}

rcode ops_case_decisions(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__CaseDecisionsRequest *in = req->case_decisions;
  if (!in) return call_fail(c, RC_INVALID, "case_decisions", "missing case_decisions");
  case_row k;
  rcode rc = load_case(c, in->id, in->reference, READ, &k);
  if (rc) return rc;
  if (k.shredded_at) return refuse_shredded(c, &k);
  Reflect__V1__CaseDecisionsReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__case_decisions_reply__init(r);
  case_item item;
  rc = store_cases_item(call_store(c), &k, &item);
  if (!rc) rc = case_messages_make(c->a, &item, &r->case_);
  if (in->after_session > INT64_MAX) return call_fail(c, RC_INVALID, "after_session", "no such session");
  decisions_page pg = {(int64_t)in->after_session, in->after_revision, DECISIONS_PAGE_BYTES};
  int more = 0;
  decision_item *d = NULL;
  size_t n = 0;
  if (!rc) rc = store_decisions_list(call_store(c), &k, &pg, &d, &n, &more);
  if (!rc) rc = decision_messages(c->a, d, n, &r->decisions);
  if (!rc) r->n_decisions = n;
  if (rc == RC_DATA_LOSS)
    return call_fail(c, rc, NULL, "integrity error: a decision about case %lld failed authentication", (long long)k.id);
  if (rc) return call_fail(c, rc, NULL, "could not read the case's decisions");
  if (more && r->n_decisions) {
    r->more = 1;
    r->next_session = r->decisions[r->n_decisions - 1]->session_id;
    r->next_revision = r->decisions[r->n_decisions - 1]->revision;
  }
  char detail[64];
  snprintf(detail, sizeof detail, "decisions=%zu;after=%llu.%u", r->n_decisions, (unsigned long long)in->after_session,
           in->after_revision);
  rc = call_audit_read(c, "case.decisions", "case", k.id, detail);
  if (rc) return rc;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_CASE_DECISIONS;
  c->rep->case_decisions = r;
  return RC_OK;
}
