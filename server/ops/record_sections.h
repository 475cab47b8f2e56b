/*
 * record_sections — a structured record as it comes off the wire, checked
 * before anything is stored.
 *
 * Rules: 1..RECORD_SECTIONS_MAX sections of known kinds; every section has
 * content beyond white space; each text at most RECORD_SECTION_MAX bytes
 * and all of them together at most RECORD_BODY_MAX; at most one wellbeing,
 * development, performance, actions and notes section; a case section
 * names its case and carries situation .. rationale (a decision needs its
 * rationale, and a rationale its decision), one per case; a contribution
 * is a group member's, one per member, in group sessions only, and not
 * from a member recorded absent (FAILED_PRECONDITION). Fields a
 * kind does not have must be empty, and the reply-only fields (withheld,
 * case_id, destroyed, citations) unset. Only a performance section cites KPI
 * measurements: at most KPI_CITE_MAX, each nonzero and cited once. A legacy `body` becomes one notes section, bounded by
 * RECORD_BODY_MAX rather than RECORD_SECTION_MAX (it was the whole record).
 *
 * Contract: record_sections_check needs no database and fails the call
 * naming the field ("sections[2].rationale"). record_sections_resolve runs
 * in the write transaction: it looks each case up by its reference's blind
 * index and refuses (PERMISSION_DENIED, the same for a missing case and one
 * not on the caseload of a member of the session) before it sets case_id,
 * and resolves contribution members, and checks (kpi_cite_check) that each
 * cited measurement is of someone in the session (PERMISSION_DENIED). The sections are arena copies of the
 * request's (whose strings they borrow), so the request stays untouched;
 * blank case fields are made "" so that nothing blank is stored.
 *
 * The store speaks record_section (store_records.h): record_sections_to_store
 * gives it the checked and resolved sections, record_sections_to_wire turns
 * what it read back into RecordSection messages (kind, texts, case_id,
 * measurement ids, withheld, destroyed; citations are kpi_cite_fill's).
 * Both allocate from c->a and borrow the strings; they return 0 or
 * RC_EXHAUSTED.
 */
#ifndef REFLECT_RECORD_SECTIONS_H
#define REFLECT_RECORD_SECTIONS_H

#include <stddef.h>

#include "call.h"
#include "store_cases.h"
#include "store_records.h"
#include "store_sessions.h"

#define RECORD_SECTION_MAX (64 * 1024)

typedef struct {
  Reflect__V1__RecordSection **sections;
  size_t n;
  case_row *cases; /* after resolve: one per section (id 0 unless a case section) */
} record_sections;

rcode record_sections_check(call *c, const Reflect__V1__RecordWriteRequest *in, record_sections *out) RC_MUST_CHECK;
rcode record_sections_resolve(call *c, const session_row *s, record_sections *rs) RC_MUST_CHECK;
/* *ok = 1 if case k is allocated to a member of session s: the rule for a
 * case being discussed in (or an action being about it from) a session.
 * Returns 0 or RC_INTERNAL. */
rcode record_sections_case_in_session(db *d, const session_row *s, const case_row *k, int *ok) RC_MUST_CHECK;
rcode record_sections_to_store(call *c, const record_sections *rs, record_section **out) RC_MUST_CHECK;
rcode record_sections_to_wire(call *c, const record_section *in, size_t n,
                              Reflect__V1__RecordSection ***out) RC_MUST_CHECK;

#endif
