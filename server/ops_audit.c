/* PLACEHOLDER: AuditList (ops.h). */
#include "ops.h"

rcode ops_audit_list(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  return call_fail(c, RC_UNIMPLEMENTED, NULL, "not built yet");
}
