/*
 * kpi_cite — the KPI measurements a record's performance section cites.
 *
 * Contract:
 *  - kpi_cite_check runs in the record's write transaction: every id must
 *    be a measurement of someone in the session (a member, or a team one
 *    of the members is in). A missing measurement and someone else's get
 *    the same PERMISSION_DENIED naming `field`, so ids cannot be probed.
 *  - kpi_cite_fill gives a section read back from the record its
 *    citations (indicator name of the version recorded, period, value,
 *    unit, the target stored with the measurement), in the order cited.
 *    Whoever may read the record may read these; the caller decides that.
 *    Memory is c->a's. Both return 0 or a Reflect Code (check fails the
 *    call; fill fails only on database trouble).
 */
#ifndef REFLECT_KPI_CITE_H
#define REFLECT_KPI_CITE_H

#include <stddef.h>
#include <stdint.h>

#include "call.h"
#include "store_sessions.h"

#define KPI_CITE_MAX 16

rcode kpi_cite_check(call *c, const session_row *s, const uint64_t *ids, size_t n, const char *field) RC_MUST_CHECK;
rcode kpi_cite_fill(call *c, Reflect__V1__RecordSection *sec) RC_MUST_CHECK;

#endif
