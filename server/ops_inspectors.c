/* PLACEHOLDER (issue 5, in progress): replaced by the real module before commit. */
#include "ops.h"
#include "reports.h"

rcode ops_inspector_grant(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  return call_fail(c, RC_UNIMPLEMENTED, NULL, "not yet");
}

