/* PLACEHOLDER (issue 5, in progress): replaced by the real module before commit. */
#include "ops.h"
#include "reports.h"

rcode reports_scope_resolve(call *c, const Reflect__V1__ReportScope *in, report_scope *out)
{ (void)in; (void)out; return call_fail(c, RC_UNIMPLEMENTED, NULL, "not yet"); }
rcode reports_scope_check_access(call *c, const report_scope *sc)
{ (void)sc; return call_fail(c, RC_UNIMPLEMENTED, NULL, "not yet"); }
Reflect__V1__ReportScope *reports_scope_wire(call *c, const report_scope *sc)
{ (void)c; (void)sc; return NULL; }
