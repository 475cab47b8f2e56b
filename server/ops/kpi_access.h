/*
 * kpi_access — whose indicators a caller may act on or see, shared by the
 * KPI handlers (ops_kpis.c, ops_kpi_figures.c) so the rules live once.
 *
 * Contract:
 *  - A subject is a practitioner (an active account with the practitioner
 *    or supervisor role) or a team. kpi_access_find resolves a request's
 *    pair of names; *exists = 0 for one that does not exist, which callers
 *    refuse exactly as a forbidden one.
 *  - Acting (targets, measurements): a supervisee under an active
 *    agreement, or for a manager someone in a team they manage, or such a
 *    team; never oneself. Seeing: oneself, anyone one may act for.
 *  - Functions that take a field fail the call naming it (PERMISSION_DENIED
 *    for subjects, NOT_FOUND for indicators, INVALID_ARGUMENT for values);
 *    the rest return 0 or RC_INTERNAL. Strings are c->a's.
 */
#ifndef REFLECT_KPI_ACCESS_H
#define REFLECT_KPI_ACCESS_H

#include <stddef.h>

#include "call.h"
#include "store_kpis.h"

/* Today in the organisation's zone (serve sets TZ to it). */
void kpi_access_today(call *c, char out[KPI_DAY_SIZE]);
rcode kpi_access_find(call *c, const char *practitioner, const char *team, kpi_subject *who, int *exists) RC_MUST_CHECK;
rcode kpi_access_may_act(call *c, const kpi_subject *who, int *ok) RC_MUST_CHECK;
rcode kpi_access_may_see(call *c, const kpi_subject *who, int *ok) RC_MUST_CHECK;
/* The subject a request names, if the caller may act for it. */
rcode kpi_access_acting(call *c, const char *practitioner, const char *team, kpi_subject *who) RC_MUST_CHECK;
/* The subject a report names ("" and "": the caller), if they may see it. */
rcode kpi_access_seeing(call *c, const char *practitioner, const char *team, kpi_subject *who) RC_MUST_CHECK;
/* The latest version of indicator id. */
rcode kpi_access_indicator(call *c, uint64_t id, const char *field, kpi_indicator *out) RC_MUST_CHECK;
/* v is finite and on the indicator's scale. */
rcode kpi_access_on_scale(call *c, const char *field, double v, const kpi_indicator *ind) RC_MUST_CHECK;
/* "PREFIX;user=N" or "PREFIX;team=N", for audit details. */
void kpi_access_detail(char *buf, size_t size, const char *prefix, const kpi_subject *who);

#endif
