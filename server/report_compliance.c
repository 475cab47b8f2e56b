/* PLACEHOLDER (issue 5, in progress): replaced by the real module before commit. */
#include "ops.h"
#include "reports.h"

rcode reports_compliance(call *c, const report_scope *sc, Reflect__V1__ComplianceReport *out)
{
  (void)sc; (void)out;
  return call_fail(c, RC_UNIMPLEMENTED, NULL, "not yet");
}

