/* PLACEHOLDER (issue 5, in progress): replaced by the real module before commit. */
#include "ops.h"
#include "reports.h"

rcode ops_report_survey(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  return call_fail(c, RC_UNIMPLEMENTED, NULL, "not yet");
}

rcode ops_survey_answer(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  return call_fail(c, RC_UNIMPLEMENTED, NULL, "not yet");
}

rcode reports_survey(call *c, const report_scope *sc, int64_t supervisor_id, Reflect__V1__SurveyReport *out)
{
  (void)sc; (void)out; (void)supervisor_id;
  return call_fail(c, RC_UNIMPLEMENTED, NULL, "not yet");
}
