/* A child's record extract for a subject access request: every decision
 * ever recorded about them, oldest first, each revision included (a
 * decision later changed shows what was decided then). Everything that
 * names someone else (another child, a third party) is redacted here, on
 * the server, before any of it leaves; the child's own identity and the
 * staff who decided are not. The extract is audited before it is sent. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_messages.h"
#include "ops.h"
#include "redact.h"
#include "retention.h"
#include "store_audit.h"
#include "store_case_people.h"
#include "store_cases.h"
#include "store_decisions.h"
#include "store_teams.h"

/* Per field, then per extract: beyond these the reply could not be sent
 * (frames are 1 MiB), so a field naming more is withheld whole. */
#define FIELD_REDACTIONS_MAX 64
#define EXPORT_REDACTIONS_MAX 10000
#define REASON_WHOLE "too many names to show the text"

/* By id or reference, for a manager overseeing the allocated worker
 * through a team (or supervising them): missing and forbidden alike. */
static rcode load_overseen_case(call *c, uint64_t id, const char *reference, case_row *k)
{
  rcode rc = ops_case_people_find_case(c, id, reference, k);
  if (rc) return rc;
  int visible = 0;
  if (store_cases_visible(c->s->db, c->who->user_id, k, &visible)) return RC_INTERNAL;
  if (!visible && store_teams_oversees(c->s->db, c->who->user_id, k->allocated_id, &visible)) return RC_INTERNAL;
  return visible ? RC_OK : call_fail(c, RC_DENIED, "case_id", "that case does not exist or you cannot see it");
}

static rcode redact_error(call *c, int rc)
{
  if (rc == REDACT_E_NOMEM) return call_fail(c, RC_EXHAUSTED, NULL, "out of memory while redacting");
  if (rc == REDACT_E_TOO_MANY)
    return call_fail(c, RC_EXHAUSTED, NULL, "more than %u names to redact", REDACT_TERMS_MAX);
  return call_fail(c, RC_INTERNAL, NULL, "could not redact the extract");
}

/* redact codes overlap Reflect codes: every failure to add a name is a
 * lack of room. */
static rcode from_redact(int rc)
{
  return rc ? RC_EXHAUSTED : RC_OK;
}

typedef struct {
  redact_terms *terms;
  arena scratch; /* other children's plaintext: wiped after each case */
} gather;

/* Another child's name and reference, and their third parties. Decrypted
 * into a scratch arena (the terms keep their own copies), so thousands of
 * cases do not fill the call's arena. */
static int gather_case(store_ctx *c, const case_row *k, void *arg)
{
  gather *g = arg;
  /* Nothing of a shredded case can be read, so nothing of it can leak. */
  if (k->shredded_at) return RC_OK;
  store_ctx scratch = *c;
  scratch.a = &g->scratch;
  case_item m;
  int rc = store_cases_item(&scratch, k, &m);
  if (!rc) rc = from_redact(redact_terms_add_name(g->terms, m.name, "another child"));
  if (!rc) rc = from_redact(redact_terms_add(g->terms, m.reference, "another child"));
  case_person *people = NULL;
  size_t n = 0;
  if (!rc) rc = store_case_people_list(c, &g->scratch, k, &people, &n);
  for (size_t i = 0; !rc && i < n; i++)
    rc = from_redact(redact_terms_add_name(g->terms, people[i].name, "third party"));
  arena_reset(&g->scratch);
  return rc;
}

/* A third party's reason names the relationship ("third party (mother)"),
 * unless the relationship itself names someone ("mother of Leo"). */
static int person_reason(const redact_terms *others, const char *relationship, char *reason, size_t size)
{
  char *out = NULL;
  const char *why[1];
  size_t n = 0;
  int rc = redact_apply(others, relationship, &out, why, 1, &n);
  if (out) {
    sodium_memzero(out, strlen(out));
    free(out);
  }
  if (rc == REDACT_OK && n == 0) snprintf(reason, size, "third party (%s)", relationship);
  else snprintf(reason, size, "third party");
  return rc == REDACT_E_NOMEM ? rc : REDACT_OK;
}

/* Every name the subject's extract must not show: this child's third
 * parties first (so theirs is the reason given for a name on both files),
 * then every other child and their third parties. Every case is read (a
 * record may name any child), but only names that occur in the extract's
 * own text (the corpus) are kept, each once: however many names other
 * teams record, the terms are bounded by this extract. */
static rcode build_terms(call *c, const case_row *k, const char *subject, const case_person *people, size_t n,
                         const redact_corpus *corpus, redact_terms *t)
{
  int rc = RC_OK;
  redact_terms others;
  redact_terms_init(&others);
  redact_terms_restrict(&others, corpus);
  redact_terms_restrict(t, corpus);
  gather g = {&others, {0}};
  rc = store_case_people_each_case(call_store(c), k->id, gather_case, &g);
  arena_reset(&g.scratch);
  for (size_t i = 0; !rc && i < n; i++) rc = from_redact(redact_terms_add_name(&others, people[i].name, "third party"));
  if (!rc) rc = from_redact(redact_terms_prepare(&others, subject));
  for (size_t i = 0; !rc && i < n; i++) {
    char reason[REDACT_REASON_MAX];
    rc = from_redact(person_reason(&others, people[i].relationship, reason, sizeof reason));
    if (!rc) rc = from_redact(redact_terms_add_name(t, people[i].name, reason));
  }
  if (!rc) rc = from_redact(redact_terms_add_all(t, &others));
  redact_terms_free(&others);
  if (rc == RC_DATA_LOSS) return call_fail(c, rc, NULL, "integrity error: another case failed authentication");
  if (rc) return call_fail(c, rc, NULL, "could not gather the names to redact");
  rc = redact_terms_prepare(t, subject);
  return rc ? redact_error(c, rc) : RC_OK;
}

typedef struct {
  Reflect__V1__ExportCaseReply *r;
  const char *reasons[64 + 256]; /* arena copies of each distinct reason */
  size_t n_reasons;
} extract;

static const char *reason_copy(call *c, extract *x, const char *reason)
{
  for (size_t i = 0; i < x->n_reasons; i++)
    if (!strcmp(x->reasons[i], reason)) return x->reasons[i];
  char *copy = arena_strdup(c->a, reason);
  if (copy && x->n_reasons < sizeof x->reasons / sizeof x->reasons[0]) x->reasons[x->n_reasons++] = copy;
  return copy;
}

static rcode add_redaction(call *c, extract *x, uint32_t entry, const char *field, const char *reason)
{
  Reflect__V1__ExportCaseReply *r = x->r;
  if (r->n_redactions >= EXPORT_REDACTIONS_MAX)
    return call_fail(c, RC_EXHAUSTED, NULL, "this record names others more than %d times: too many to list",
                     EXPORT_REDACTIONS_MAX);
  Reflect__V1__Redaction *m = arena_alloc(c->a, sizeof *m);
  if (!m || !(reason = reason_copy(c, x, reason))) return RC_EXHAUSTED;
  reflect__v1__redaction__init(m);
  m->entry = entry;
  m->field = (char *)field;
  m->reason = (char *)reason;
  r->redactions[r->n_redactions++] = m;
  return RC_OK;
}

/* Redacts *text in place (into the arena), recording each replacement. */
static rcode redact_field(call *c, extract *x, const redact_terms *t, uint32_t entry, const char *field, char **text)
{
  if (!*text || !**text) return RC_OK;
  const char *why[FIELD_REDACTIONS_MAX];
  size_t n = 0;
  char *out = NULL;
  int rc = redact_apply(t, *text, &out, why, FIELD_REDACTIONS_MAX, &n);
  if (rc == REDACT_E_REASONS || rc == REDACT_E_TOO_LONG) {
    *text = "[redacted: " REASON_WHOLE "]";
    return add_redaction(c, x, entry, field, REASON_WHOLE);
  }
  if (rc) return redact_error(c, rc);
  char *copy = arena_strdup(c->a, out);
  sodium_memzero(out, strlen(out));
  free(out);
  if (!copy) return RC_EXHAUSTED;
  *text = copy;
  for (size_t i = 0; i < n; i++) {
    rcode e = add_redaction(c, x, entry, field, why[i]);
    if (e) return e;
  }
  return RC_OK;
}

/* Who supervised and who held the case at that session: an individual
 * session's supervisee; for a group, the case's worker now. */
static rcode fill_people(call *c, const case_row *k, Reflect__V1__CaseExtractEntry *e)
{
  session_row s;
  int64_t members[SESSION_MAX_MEMBERS];
  size_t n = 0;
  int rc = store_sessions_get(c->s->db, (int64_t)e->session_id, &s);
  if (!rc) rc = store_sessions_members(c->s->db, s.id, members, SESSION_MAX_MEMBERS, &n);
  if (rc) return call_fail(c, RC_INTERNAL, NULL, "could not read session %llu", (unsigned long long)e->session_id);
  e->kind = (Reflect__V1__SessionKind)s.kind;
  rc = store_users_name(call_store(c), s.supervisor_id, &e->supervisor);
  if (!rc) rc = store_users_name(call_store(c), n == 1 ? members[0] : k->allocated_id, &e->practitioner);
  return rc ? call_fail(c, rc, NULL, "could not read a staff member's name") : RC_OK;
}

typedef struct {
  int64_t case_id;
  size_t entries, redactions;
} export_audit;

static rcode export_audit_tx(call *c, void *arg)
{
  export_audit *a = arg;
  char detail[64];
  snprintf(detail, sizeof detail, "entries=%zu;redactions=%zu", a->entries, a->redactions);
  rcode rc = store_audit_append_id(call_store(c), "case.export", "case", a->case_id, detail);
  snprintf(detail, sizeof detail, "decisions=%zu", a->entries);
  if (!rc) rc = store_audit_append_id(call_store(c), "case.decisions", "case", a->case_id, detail);
  return rc;
}

/* One page of the decisions about the child, as recorded (redacted later). */
static rcode fill_entries(call *c, extract *x, const case_row *k, const decisions_page *pg)
{
  decision_item *d = NULL;
  size_t n = 0;
  int more = 0;
  rcode rc = store_decisions_list(call_store(c), k, pg, &d, &n, &more);
  if (rc == RC_DATA_LOSS)
    return call_fail(c, rc, NULL, "integrity error: a decision about case %lld failed authentication",
                     (long long)k->id);
  if (rc) return call_fail(c, rc, NULL, "could not read the case's decisions");
  Reflect__V1__ExportCaseReply *r = x->r;
  r->entries = arena_alloc(c->a, sizeof *r->entries * (n ? n : 1));
  r->redactions = arena_alloc(c->a, sizeof *r->redactions * EXPORT_REDACTIONS_MAX);
  if (!r->entries || !r->redactions) return RC_EXHAUSTED;
  for (size_t i = 0; i < n; i++) {
    Reflect__V1__CaseExtractEntry *e = arena_alloc(c->a, sizeof *e);
    if (!e) return RC_EXHAUSTED;
    reflect__v1__case_extract_entry__init(e);
    e->session_id = (uint64_t)d[i].session_id;
    e->revision = d[i].revision;
    e->at = d[i].at;
    e->superseded = d[i].superseded != 0;
    e->risk = (char *)d[i].risk;
    e->decision = (char *)d[i].decision;
    e->rationale = (char *)d[i].rationale;
    rc = fill_people(c, k, e);
    if (rc) return rc;
    r->entries[r->n_entries++] = e;
  }
  if (more && n) {
    r->more = 1;
    r->next_session = (uint64_t)d[n - 1].session_id;
    r->next_revision = d[n - 1].revision;
  }
  return RC_OK;
}

/* The texts redaction applies to: what the entries say, and the
 * relationships of the child's third parties (a reason may show one). */
static rcode fill_corpus(call *c, const extract *x, const case_person *people, size_t n, redact_corpus *corpus)
{
  int rc = REDACT_OK;
  for (size_t i = 0; !rc && i < x->r->n_entries; i++) {
    const Reflect__V1__CaseExtractEntry *e = x->r->entries[i];
    rc = redact_corpus_add(corpus, e->risk);
    if (!rc) rc = redact_corpus_add(corpus, e->decision);
    if (!rc) rc = redact_corpus_add(corpus, e->rationale);
  }
  for (size_t i = 0; !rc && i < n; i++) rc = redact_corpus_add(corpus, people[i].relationship);
  return rc ? call_fail(c, RC_EXHAUSTED, NULL, "out of memory while redacting") : RC_OK;
}

static rcode redact_entries(call *c, extract *x, const redact_terms *t)
{
  rcode rc = RC_OK;
  for (size_t i = 0; !rc && i < x->r->n_entries; i++) {
    Reflect__V1__CaseExtractEntry *e = x->r->entries[i];
    rc = redact_field(c, x, t, (uint32_t)i, "risk", &e->risk);
    if (!rc) rc = redact_field(c, x, t, (uint32_t)i, "decision", &e->decision);
    if (!rc) rc = redact_field(c, x, t, (uint32_t)i, "rationale", &e->rationale);
  }
  return rc;
}

/* Decisions, then the names in them, then the redaction. */
static rcode build_extract(call *c, extract *x, const case_row *k, const decisions_page *pg)
{
  rcode rc = fill_entries(c, x, k, pg);
  if (rc) return rc;
  case_person *people = NULL;
  size_t n = 0;
  rc = store_case_people_list(call_store(c), c->a, k, &people, &n);
  if (rc) return call_fail(c, rc, NULL, "could not read the case's third parties");
  redact_corpus corpus;
  redact_corpus_init(&corpus);
  redact_terms t;
  redact_terms_init(&t);
  rc = fill_corpus(c, x, people, n, &corpus);
  if (!rc) rc = build_terms(c, k, x->r->case_->name, people, n, &corpus, &t);
  if (!rc) rc = redact_entries(c, x, &t);
  redact_terms_free(&t);
  redact_corpus_free(&corpus);
  return rc;
}

rcode ops_export_case(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__ExportCaseRequest *in = req->export_case;
  if (!in) return call_fail(c, RC_INVALID, "export_case", "missing export_case");
  case_row k;
  rcode rc = load_overseen_case(c, in->case_id, in->reference, &k);
  if (rc) return rc;
  if (k.shredded_at) {
    char on[11];
    retention_format_date(k.shredded_at, on);
    return call_fail(c, RC_PRECONDITION, "case_id", "this case's record was destroyed under retention on %s", on);
  }
  extract x = {0};
  x.r = arena_alloc(c->a, sizeof *x.r);
  if (!x.r) return RC_EXHAUSTED;
  reflect__v1__export_case_reply__init(x.r);
  case_item item;
  rc = store_cases_item(call_store(c), &k, &item);
  if (!rc) rc = case_messages_make(c->a, &item, &x.r->case_);
  if (rc == RC_DATA_LOSS)
    return call_fail(c, rc, NULL, "integrity error: case %lld failed authentication", (long long)k.id);
  if (rc) return call_fail(c, rc, NULL, "could not read the case");
  x.r->generated_at = c->now;
  rc = store_users_name(call_store(c), c->who->user_id, &x.r->generated_by);
  if (rc) return call_fail(c, rc, NULL, "could not read your name");
  if (in->after_session > INT64_MAX) return call_fail(c, RC_INVALID, "after_session", "no such session");
  decisions_page pg = {(int64_t)in->after_session, in->after_revision, DECISIONS_PAGE_BYTES};
  rc = build_extract(c, &x, &k, &pg);
  if (rc) return rc;
  export_audit a = {k.id, x.r->n_entries, x.r->n_redactions};
  rc = call_write(c, "audit the extract", export_audit_tx, &a);
  if (rc) return rc;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_EXPORT_CASE;
  c->rep->export_case = x.r;
  return RC_OK;
}
