/* The oversight reports: compliance, coverage, balance and actions for one
 * team over a period. Each resolves the scope, lets only a manager of the
 * team through (the same refusal for a team that does not exist), and
 * builds the report inside the read transaction dispatch opened for it.
 * No record content, wellbeing or child's name is in any of them (cases by
 * reference only), so there is no read of sealed content to audit. */
#include "ops.h"
#include "reports.h"

static rcode prepare(call *c, const Reflect__V1__ReportRequest *in, const char *field, report_scope *sc)
{
  if (!in) return call_fail(c, RC_INVALID, field, "missing %s", field);
  if (in->supervisor && *in->supervisor)
    return call_fail(c, RC_INVALID, "supervisor", "only the survey report is for one supervisor");
  rcode rc = report_scope_resolve(c, in->scope, sc);
  return rc ? rc : report_scope_check_access(c, sc);
}

rcode ops_report_compliance(call *c, const Reflect__V1__Request *req)
{
  report_scope sc;
  rcode rc = prepare(c, req->report_compliance, "report_compliance", &sc);
  if (rc) return rc;
  Reflect__V1__ComplianceReport *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__compliance_report__init(r);
  if ((rc = report_compliance(c, &sc, r))) return rc;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_REPORT_COMPLIANCE;
  c->rep->report_compliance = r;
  return RC_OK;
}

rcode ops_report_coverage(call *c, const Reflect__V1__Request *req)
{
  report_scope sc;
  rcode rc = prepare(c, req->report_coverage, "report_coverage", &sc);
  if (rc) return rc;
  Reflect__V1__CoverageReport *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__coverage_report__init(r);
  if ((rc = report_coverage(c, &sc, r))) return rc;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_REPORT_COVERAGE;
  c->rep->report_coverage = r;
  return RC_OK;
}

rcode ops_report_balance(call *c, const Reflect__V1__Request *req)
{
  report_scope sc;
  rcode rc = prepare(c, req->report_balance, "report_balance", &sc);
  if (rc) return rc;
  Reflect__V1__BalanceReport *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__balance_report__init(r);
  if ((rc = report_balance(c, &sc, r))) return rc;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_REPORT_BALANCE;
  c->rep->report_balance = r;
  return RC_OK;
}

rcode ops_report_actions(call *c, const Reflect__V1__Request *req)
{
  report_scope sc;
  rcode rc = prepare(c, req->report_actions, "report_actions", &sc);
  if (rc) return rc;
  Reflect__V1__ActionsReport *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__actions_report__init(r);
  if ((rc = report_actions(c, &sc, r))) return rc;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_REPORT_ACTIONS;
  c->rep->report_actions = r;
  return RC_OK;
}
