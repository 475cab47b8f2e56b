/* PLACEHOLDER (issue 5, in progress): replaced by the real module before commit. */
#include "ops.h"
#include "reports.h"

rcode ops_goal_add(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  return call_fail(c, RC_UNIMPLEMENTED, NULL, "not yet");
}

rcode ops_goal_list(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  return call_fail(c, RC_UNIMPLEMENTED, NULL, "not yet");
}

rcode ops_kpi_define(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  return call_fail(c, RC_UNIMPLEMENTED, NULL, "not yet");
}

rcode ops_kpi_list(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  return call_fail(c, RC_UNIMPLEMENTED, NULL, "not yet");
}

rcode ops_kpi_assign(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  return call_fail(c, RC_UNIMPLEMENTED, NULL, "not yet");
}

rcode ops_kpi_agree(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  return call_fail(c, RC_UNIMPLEMENTED, NULL, "not yet");
}

rcode ops_kpi_record(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  return call_fail(c, RC_UNIMPLEMENTED, NULL, "not yet");
}

rcode ops_kpi_report(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  return call_fail(c, RC_UNIMPLEMENTED, NULL, "not yet");
}

