/*
 * store_inspectors — which teams' evidence each inspector is granted, and
 * what that lets them read.
 *
 * Contract:
 *  - A grant is a row (inspector, team); granting twice or revoking what
 *    was never granted changes nothing and says so through *changed. The
 *    audit log, not this table, keeps the history.
 *  - An inspector sees a session when one of its members (a person being
 *    supervised) is a non-manager member of a granted team: whose
 *    supervision it is decides, not who supervised, since a supervisor in a
 *    granted team may also supervise people of a team that is not; and
 *    managers are overseers, not the people whose supervision is inspected.
 *  - Only fully signed (frozen) revisions are evidence:
 *    store_inspectors_latest_signed gives the latest revision every signer
 *    (supervisor and members) signed, or 0 if there is none.
 *  - Writers run in the caller's write transaction. Names are arena copies
 *    (c->a). Functions return 0 or a Reflect Code.
 */
#ifndef REFLECT_STORE_INSPECTORS_H
#define REFLECT_STORE_INSPECTORS_H

#include <stddef.h>
#include <stdint.h>

#include "store_ctx.h"
#include "store_sessions.h"

rcode store_inspectors_grant(store_ctx *c, int64_t inspector, int64_t team, int *changed) RC_MUST_CHECK;
rcode store_inspectors_revoke(store_ctx *c, int64_t inspector, int64_t team, int *changed) RC_MUST_CHECK;
/* The names of the teams granted to inspector, by name. */
rcode store_inspectors_teams(store_ctx *c, int64_t inspector, char ***names, size_t *n) RC_MUST_CHECK;
rcode store_inspectors_sees_session(db *d, int64_t inspector, const session_row *s, int *yes) RC_MUST_CHECK;
rcode store_inspectors_latest_signed(db *d, const session_row *s, uint32_t *revision) RC_MUST_CHECK;

#endif
