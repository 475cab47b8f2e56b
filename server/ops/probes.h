/*
 * probes — requests that name something the caller may not see (a case
 * by its reference, a person by username) are refused in the same words
 * whether it exists or not; this module audits those refusals, and bounds
 * how many one person may have, so repeated guessing is both visible to
 * an investigator and slow.
 *
 * Contract:
 *  - probes_check(c, kind) runs before the lookup: RC_OK, or (call_fail'd)
 *    RESOURCE_EXHAUSTED once the caller has had PROBE_LIMIT refusals of
 *    that kind in the current window of PROBE_WINDOW_S. Until the window
 *    ends every request of the kind is then refused before anything is
 *    looked up, so the answer says nothing about what it names; each such
 *    refusal is counted too.
 *  - probes_record(c, kind, object, detail) runs after the refusal has been
 *    set (call_fail), in its own write transaction (the request's own, if
 *    any, has rolled back). It counts the refusal in `probes` (one row per
 *    person, kind and window) and, for each of the first PROBE_LIMIT in a
 *    window, appends an audit row "probe.<kind>" on object ("case:7",
 *    "user:12", or "-" when nothing by that name exists) whose detail is
 *    what the refusal did not tell the caller ("exists; not visible",
 *    "no such account", "role=manager"). The refusal that reaches the
 *    limit also appends "probe.throttled". So however fast anyone probes,
 *    the audit gains at most PROBE_LIMIT + 1 rows per person, kind and
 *    window, and probes.refusals keeps the exact number. The reply is never
 *    changed: a storage failure is logged.
 *  - kind is a short literal ("person", "case_reference").
 */
#ifndef REFLECT_PROBES_H
#define REFLECT_PROBES_H

#include "call.h"

#define PROBE_WINDOW_S 3600
#define PROBE_LIMIT 20

rcode probes_check(call *c, const char *kind) RC_MUST_CHECK;
void probes_record(call *c, const char *kind, const char *object, const char *detail);

#endif
