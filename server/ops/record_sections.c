#include "record_sections.h"

#include <sodium.h>
#include <string.h>

#include "kpi_cite.h"
#include "store_attendance.h"
#include "store_records.h"
#include "store_users.h"

typedef Reflect__V1__RecordSection section;

/* Stored bodies hold the wire's SectionKind numbers; the store names them. */
_Static_assert((int)SECTION_WELLBEING == (int)REFLECT__V1__SECTION_KIND__SECTION_WELLBEING &&
                   (int)SECTION_CASE == (int)REFLECT__V1__SECTION_KIND__SECTION_CASE &&
                   (int)SECTION_DEVELOPMENT == (int)REFLECT__V1__SECTION_KIND__SECTION_DEVELOPMENT &&
                   (int)SECTION_PERFORMANCE == (int)REFLECT__V1__SECTION_KIND__SECTION_PERFORMANCE &&
                   (int)SECTION_ACTIONS == (int)REFLECT__V1__SECTION_KIND__SECTION_ACTIONS &&
                   (int)SECTION_NOTES == (int)REFLECT__V1__SECTION_KIND__SECTION_NOTES &&
                   (int)SECTION_CONTRIBUTION == (int)REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION &&
                   (int)SECTION_MEDIATION == (int)REFLECT__V1__SECTION_KIND__SECTION_MEDIATION,
               "section_kind and the wire's SectionKind differ");

static const char *kind_name(int kind)
{
  static const char *const names[] = {"unknown", "wellbeing", "case",         "development", "performance",
                                      "actions", "notes",     "contribution", "mediation"};
  return kind >= 0 && kind < (int)(sizeof names / sizeof names[0]) ? names[kind] : names[0];
}

/* "sections[3].rationale": the Status names the exact field at fault. */
static const char *field(call *c, size_t i, const char *name)
{
  const char *f = arena_printf(c->a, "sections[%zu].%s", i, name);
  return f ? f : "sections";
}

static int blank(const char *s)
{
  return s[strspn(s, " \t\r\n")] == '\0';
}

/* The case fields, in the order a discussion runs. */
enum { N_CASE_FIELDS = 5 };

static char **case_field(section *s, int f)
{
  char **fields[N_CASE_FIELDS] = {&s->situation, &s->analysis, &s->risk, &s->decision, &s->rationale};
  return fields[f];
}

static rcode check_case(call *c, size_t i, section *s)
{
  if (*s->text)
    return call_fail(c, RC_INVALID, field(c, i, "text"),
                     "a case section has a situation, analysis, risk, decision and rationale, not text");
  rcode rc = call_check_text(c, field(c, i, "case_reference"), s->case_reference, CASE_REFERENCE_MAX);
  if (rc) return rc;
  int any = 0;
  for (int f = 0; f < N_CASE_FIELDS; f++) {
    if (blank(*case_field(s, f))) *case_field(s, f) = (char *)"";
    else any = 1;
  }
  if (!any)
    return call_fail(c, RC_INVALID, field(c, i, "situation"), "the discussion of case '%.64s' is empty",
                     s->case_reference);
  if (*s->decision && !*s->rationale)
    return call_fail(c, RC_INVALID, field(c, i, "rationale"), "the decision about case '%.64s' needs its rationale",
                     s->case_reference);
  if (*s->rationale && !*s->decision)
    return call_fail(c, RC_INVALID, field(c, i, "decision"),
                     "case '%.64s' has a rationale but no decision for it to explain", s->case_reference);
  return RC_OK;
}

/* A performance section may cite up to KPI_CITE_MAX measurements, each
 * once; what they are is filled in only in replies. */
static rcode check_citations(call *c, size_t i, const section *s)
{
  if (s->n_citations)
    return call_fail(c, RC_INVALID, field(c, i, "citations"), "citations are set by the server, not by the writer");
  if (!s->n_kpi_measurements) return RC_OK;
  const char *f = field(c, i, "kpi_measurements");
  if (s->kind != REFLECT__V1__SECTION_KIND__SECTION_PERFORMANCE)
    return call_fail(c, RC_INVALID, f, "only a performance section cites measurements");
  if (s->n_kpi_measurements > KPI_CITE_MAX)
    return call_fail(c, RC_INVALID, f, "a performance section cites at most %d measurements", KPI_CITE_MAX);
  for (size_t k = 0; k < s->n_kpi_measurements; k++) {
    if (!s->kpi_measurements[k]) return call_fail(c, RC_INVALID, f, "a measurement id is required");
    for (size_t j = 0; j < k; j++)
      if (s->kpi_measurements[j] == s->kpi_measurements[k])
        return call_fail(c, RC_INVALID, f, "measurement %llu is cited twice",
                         (unsigned long long)s->kpi_measurements[k]);
  }
  return RC_OK;
}

/* One section's shape; adds its size to *total. text_max bounds its text:
 * RECORD_SECTION_MAX, or RECORD_BODY_MAX for a legacy body made into notes
 * (the body was whole record before sections, and is bounded as that). */
static rcode check_one(call *c, size_t i, section *s, size_t text_max, size_t *total)
{
  if (s->kind <= REFLECT__V1__SECTION_KIND__SECTION_KIND_UNSPECIFIED ||
      s->kind > REFLECT__V1__SECTION_KIND__SECTION_MEDIATION)
    return call_fail(c, RC_INVALID, field(c, i, "kind"), "unknown section kind %d", (int)s->kind);
  if (s->withheld || s->case_id || s->destroyed)
    return call_fail(c, RC_INVALID,
                     field(c, i,
                           s->withheld  ? "withheld"
                           : s->case_id ? "case_id"
                                        : "destroyed"),
                     "withheld, case_id and destroyed are set by the server, not by the writer");
  int is_case = s->kind == REFLECT__V1__SECTION_KIND__SECTION_CASE;
  const char *texts[] = {s->text, s->case_reference, s->situation, s->analysis,
                         s->risk, s->decision,       s->rationale, s->member};
  const char *names[] = {"text", "case_reference", "situation", "analysis", "risk", "decision", "rationale", "member"};
  for (size_t f = 0; f < sizeof texts / sizeof texts[0]; f++) {
    size_t len = strlen(texts[f]);
    if (len > (f == 0 ? text_max : RECORD_SECTION_MAX))
      return call_fail(c, RC_INVALID, field(c, i, names[f]), "a section's %s may have at most %zu KiB", names[f],
                       (f == 0 ? text_max : RECORD_SECTION_MAX) / 1024);
    *total += len;
    if (!len || f == 0 || f == 7) continue;
    if (!is_case) return call_fail(c, RC_INVALID, field(c, i, names[f]), "only a case section has a %s", names[f]);
  }
  rcode rc = check_citations(c, i, s);
  if (rc) return rc;
  if (*s->member && s->kind != REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION)
    return call_fail(c, RC_INVALID, field(c, i, "member"), "only a contribution names a member");
  if (is_case) return check_case(c, i, s);
  if (blank(s->text))
    return call_fail(c, RC_INVALID, field(c, i, "text"), "the %s section is empty", kind_name(s->kind));
  if (s->kind == REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION && !*s->member)
    return call_fail(c, RC_INVALID, field(c, i, "member"), "a contribution names the member it is from");
  return RC_OK;
}

/* Kinds a record has at most one of; cases and contributions are one per
 * case or member, which resolve checks once it knows who and what. */
static int single_kind(int kind)
{
  return kind != REFLECT__V1__SECTION_KIND__SECTION_CASE && kind != REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION;
}

rcode record_sections_check(call *c, const Reflect__V1__RecordWriteRequest *in, record_sections *out)
{
  if (*in->body && in->n_sections)
    return call_fail(c, RC_INVALID, "body", "give the record as body or as sections, not both");
  size_t n = *in->body ? 1 : in->n_sections;
  if (n == 0) return call_fail(c, RC_INVALID, "sections", "a record needs at least one section");
  if (n > RECORD_SECTIONS_MAX)
    return call_fail(c, RC_INVALID, "sections", "a record has at most %d sections", RECORD_SECTIONS_MAX);
  if (*in->body) {
    rcode rc = call_check_text(c, "body", in->body, RECORD_BODY_MAX);
    if (rc) return rc;
  }
  out->sections = arena_alloc(c->a, sizeof *out->sections * n);
  section *cells = arena_alloc(c->a, sizeof *cells * n);
  if (!out->sections || !cells) return RC_EXHAUSTED;
  out->n = n;
  out->cases = NULL;
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    if (*in->body) {
      reflect__v1__record_section__init(&cells[i]);
      cells[i].kind = REFLECT__V1__SECTION_KIND__SECTION_NOTES;
      cells[i].text = in->body;
    } else {
      cells[i] = *in->sections[i];
    }
    out->sections[i] = &cells[i];
    rcode rc = check_one(c, i, &cells[i], *in->body ? RECORD_BODY_MAX : RECORD_SECTION_MAX, &total);
    if (rc) return rc;
    for (size_t j = 0; j < i && single_kind(cells[i].kind); j++)
      if (cells[j].kind == cells[i].kind)
        return call_fail(c, RC_INVALID, field(c, i, "kind"), "a record has one %s section (sections[%zu] is one)",
                         kind_name(cells[i].kind), j);
  }
  if (total > RECORD_BODY_MAX)
    return call_fail(c, RC_INVALID, "sections", "a record may have at most %d KiB of text", RECORD_BODY_MAX / 1024);
  return RC_OK;
}

static int is_member(const int64_t *members, size_t n, int64_t user)
{
  for (size_t i = 0; i < n; i++)
    if (members[i] == user) return 1;
  return 0;
}

rcode record_sections_case_in_session(db *d, const session_row *s, const case_row *k, int *ok)
{
  int64_t members[SESSION_MAX_MEMBERS];
  size_t n_members = 0;
  *ok = 0;
  if (store_sessions_members(d, s->id, members, SESSION_MAX_MEMBERS, &n_members)) return RC_INTERNAL;
  *ok = is_member(members, n_members, k->allocated_id);
  return RC_OK;
}

static rcode resolve_case(call *c, const session_row *s, record_sections *rs, size_t i)
{
  section *sec = rs->sections[i];
  uint8_t idx[VAULT_INDEX_BYTES];
  store_cases_reference_index(c->s->vault, sec->case_reference, idx);
  int rc = store_cases_find(c->s->db, idx, &rs->cases[i]);
  if (rc && rc != RC_NOT_FOUND) return RC_INTERNAL;
  int ok = 0;
  if (!rc && record_sections_case_in_session(c->s->db, s, &rs->cases[i], &ok)) return RC_INTERNAL;
  /* Unknown, or someone else's: one answer, so references cannot be probed. */
  if (rc == RC_NOT_FOUND || !ok)
    return call_fail(c, RC_DENIED, field(c, i, "case_reference"),
                     "case '%.64s' does not exist or is not on the caseload of anyone in session %lld",
                     sec->case_reference, (long long)s->id);
  for (size_t j = 0; j < i; j++)
    if (rs->cases[j].id == rs->cases[i].id)
      return call_fail(c, RC_INVALID, field(c, i, "case_reference"),
                       "case '%.64s' is discussed twice (sections[%zu] too): one section per case", sec->case_reference,
                       j);
  sec->case_id = (uint64_t)rs->cases[i].id;
  return RC_OK;
}

static rcode resolve_member(call *c, const session_row *s, record_sections *rs, size_t i, const int64_t *members,
                            size_t n_members, int64_t *contributor)
{
  section *sec = rs->sections[i];
  if (s->kind != REFLECT__V1__SESSION_KIND__SESSION_GROUP)
    return call_fail(c, RC_INVALID, field(c, i, "kind"), "only a group session's record has contributions");
  user_row u;
  int rc = store_users_valid_username(sec->member) ? store_users_find(c->s->db, sec->member, &u) : RC_NOT_FOUND;
  sodium_memzero(u.pwhash, sizeof u.pwhash);
  if (rc && rc != RC_NOT_FOUND) return RC_INTERNAL;
  if (rc == RC_NOT_FOUND || !is_member(members, n_members, u.id))
    return call_fail(c, RC_INVALID, field(c, i, "member"), "'%.64s' is not a member of session %lld", sec->member,
                     (long long)s->id);
  /* Someone recorded absent said nothing in the session: a contribution
   * from them would be a record of words never spoken. */
  attendance_row att;
  if (store_attendance_get(c->s->db, s->id, u.id, &att)) return RC_INTERNAL;
  if (att.attendance == REFLECT__V1__ATTENDANCE__ATTENDANCE_ABSENT)
    return call_fail(c, RC_PRECONDITION, field(c, i, "member"), "'%.64s' was recorded absent from session %lld",
                     sec->member, (long long)s->id);
  contributor[i] = u.id;
  for (size_t j = 0; j < i; j++)
    if (contributor[j] == u.id)
      return call_fail(c, RC_INVALID, field(c, i, "member"), "'%.64s' already has a contribution (sections[%zu])",
                       sec->member, j);
  return RC_OK;
}

rcode record_sections_resolve(call *c, const session_row *s, record_sections *rs)
{
  int64_t members[SESSION_MAX_MEMBERS];
  size_t n_members = 0;
  if (store_sessions_members(c->s->db, s->id, members, SESSION_MAX_MEMBERS, &n_members)) return RC_INTERNAL;
  rs->cases = arena_alloc(c->a, sizeof *rs->cases * rs->n);
  int64_t *contributor = arena_alloc(c->a, sizeof *contributor * rs->n);
  if (!rs->cases || !contributor) return RC_EXHAUSTED;
  for (size_t i = 0; i < rs->n; i++) {
    rcode rc = RC_OK;
    if (rs->sections[i]->kind == REFLECT__V1__SECTION_KIND__SECTION_CASE) rc = resolve_case(c, s, rs, i);
    else if (rs->sections[i]->kind == REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION)
      rc = resolve_member(c, s, rs, i, members, n_members, contributor);
    else if (rs->sections[i]->n_kpi_measurements)
      rc = kpi_cite_check(c, s, rs->sections[i]->kpi_measurements, rs->sections[i]->n_kpi_measurements,
                          field(c, i, "kpi_measurements"));
    if (rc) return rc;
  }
  return RC_OK;
}

rcode record_sections_to_store(call *c, const record_sections *rs, record_section **out)
{
  record_section *v = arena_alloc(c->a, sizeof *v * (rs->n ? rs->n : 1));
  if (!v) return RC_EXHAUSTED;
  for (size_t i = 0; i < rs->n; i++) {
    const section *in = rs->sections[i];
    v[i] = (record_section){.kind = (int)in->kind,
                            .text = in->text,
                            .case_reference = in->case_reference,
                            .situation = in->situation,
                            .analysis = in->analysis,
                            .risk = in->risk,
                            .decision = in->decision,
                            .rationale = in->rationale,
                            .member = in->member,
                            .case_id = in->case_id,
                            .kpi_measurements = in->kpi_measurements,
                            .n_kpi_measurements = in->n_kpi_measurements,
                            .withheld = in->withheld,
                            .destroyed = in->destroyed};
  }
  *out = v;
  return RC_OK;
}

rcode record_sections_to_wire(call *c, const record_section *in, size_t n, Reflect__V1__RecordSection ***out)
{
  section **v = arena_alloc(c->a, sizeof *v * (n ? n : 1));
  section *cells = arena_alloc(c->a, sizeof *cells * (n ? n : 1));
  if (!v || !cells) return RC_EXHAUSTED;
  for (size_t i = 0; i < n; i++) {
    section *m = &cells[i];
    reflect__v1__record_section__init(m);
    m->kind = (Reflect__V1__SectionKind)in[i].kind;
    m->text = (char *)in[i].text;
    m->case_reference = (char *)in[i].case_reference;
    m->situation = (char *)in[i].situation;
    m->analysis = (char *)in[i].analysis;
    m->risk = (char *)in[i].risk;
    m->decision = (char *)in[i].decision;
    m->rationale = (char *)in[i].rationale;
    m->member = (char *)in[i].member;
    m->withheld = in[i].withheld != 0;
    m->case_id = in[i].case_id;
    m->kpi_measurements = (uint64_t *)in[i].kpi_measurements;
    m->n_kpi_measurements = in[i].n_kpi_measurements;
    m->destroyed = in[i].destroyed != 0;
    v[i] = m;
  }
  *out = v;
  return RC_OK;
}
