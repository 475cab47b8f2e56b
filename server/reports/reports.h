/*
 * reports — the oversight figures for one team over a period: compliance,
 * case coverage, balance, actions (report_*.c) and the feedback survey
 * (survey.c). Shared by `reflect report …` and the inspection evidence pack,
 * so both always give the same figures.
 *
 * Contract:
 *  - report_scope_resolve checks the wire's ReportScope (team exists, dates
 *    "YYYY-MM-DD", from <= to, at most REPORTS_DAYS_MAX days) and fills a
 *    report_scope: the period is the organisation's local days `from` to
 *    `to` inclusive (serve sets TZ to the organisation's zone), as the
 *    instants [start, end); as_of is min(end, c->now), the moment "open" and
 *    "overdue" are taken at.
 *  - report_scope_check_access fails PERMISSION_DENIED (the same whether
 *    the team exists or not) unless the caller is a manager of the team, or
 *    an inspector granted it. Builders do not check who asks.
 *  - Builders run inside the caller's transaction (read or write), fill the
 *    already-initialised *out with memory from c->a, and fail the call
 *    describing the problem. They never put record content, wellbeing or a
 *    child's name in a report: cases appear by reference only.
 */
#ifndef REFLECT_REPORTS_H
#define REFLECT_REPORTS_H

#include <stdint.h>

#include "call.h"

#define REPORTS_DAYS_MAX 366
/* Survey results are never shown for fewer respondents than this
 * (docs/domain.md#how-supervision-feels). */
#define REPORTS_SURVEY_MIN 5

typedef struct {
  int64_t team_id;
  const char *team_name; /* arena copy */
  char from[11], to[11];
  int64_t start, end, as_of;
} report_scope;

rcode report_scope_resolve(call *c, const Reflect__V1__ReportScope *in, report_scope *out) RC_MUST_CHECK;
rcode report_scope_check_access(call *c, const report_scope *sc) RC_MUST_CHECK;
/* The wire's ReportScope for a reply, an arena copy of sc. */
Reflect__V1__ReportScope *report_scope_wire(call *c, const report_scope *sc);

rcode report_compliance(call *c, const report_scope *sc, Reflect__V1__ComplianceReport *out) RC_MUST_CHECK;
rcode report_coverage(call *c, const report_scope *sc, Reflect__V1__CoverageReport *out) RC_MUST_CHECK;
rcode report_balance(call *c, const report_scope *sc, Reflect__V1__BalanceReport *out) RC_MUST_CHECK;
rcode report_actions(call *c, const report_scope *sc, Reflect__V1__ActionsReport *out) RC_MUST_CHECK;
/* supervisor_id 0: every supervisor's sessions. */
rcode report_survey(call *c, const report_scope *sc, int64_t supervisor_id,
                    Reflect__V1__SurveyReport *out) RC_MUST_CHECK;

#endif
