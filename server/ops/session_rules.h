/*
 * session_rules — what every session request checks: who may see or
 * change a session, whom the caller may supervise, sane times and lengths,
 * clashes; and booking itself, shared by `session add` and planning.
 *
 * Contract: each function fails the call (call_fail) and returns its code,
 * or returns RC_OK; session rows are filled in the caller's memory. The
 * refusals for a missing session and for someone else's are the same
 * PERMISSION_DENIED, so ids cannot be probed.
 */
#ifndef REFLECT_SESSION_RULES_H
#define REFLECT_SESSION_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "call.h"
#include "store_sessions.h"
#include "store_users.h"

/* The usual refusal for session id. */
rcode session_rules_refuse(call *c, uint64_t id) RC_MUST_CHECK;
/* The session by id (INVALID for 0, the refusal for none). */
rcode session_rules_load(call *c, uint64_t id, session_row *s) RC_MUST_CHECK;
/* *party = 1 for a party; else *visible = 1 for a manager overseeing one
 * of its parties through a team. */
rcode session_rules_check_visible(call *c, const session_row *s, int *party, int *visible) RC_MUST_CHECK;
/* The session, if the caller is a party to it; a missing session and
 * someone else's get the same PERMISSION_DENIED, so ids cannot be probed. */
rcode session_rules_load_party(call *c, uint64_t id, session_row *s) RC_MUST_CHECK;
/* Only practitioners and supervisors are supervised, and not by themselves. */
rcode session_rules_check_supervisee(call *c, const char *field, const user_row *u) RC_MUST_CHECK;
/* username as someone the caller supervises under a signed, running
 * agreement (*agreement, if not NULL): an active practitioner or
 * supervisor. Anything else (no such account, inactive, another role, no
 * agreement) is refused FAILED_PRECONDITION with the same `refusal`, and
 * audited as a probe (probes.h); the caller naming themselves is told so. */
rcode session_rules_find_supervisee(call *c, const char *field, const char *username, const char *refusal, user_row *u,
                                    int64_t *agreement) RC_MUST_CHECK;
/* A session length is REFLECT_SESSION_MINUTES_MIN..MAX, limits.h, else INVALID_ARGUMENT. */
rcode session_rules_check_minutes(call *c, uint32_t minutes) RC_MUST_CHECK;
/* The session, if the caller is a party to it (*party = 1) or a manager
 * overseeing one of its parties through a team (*party = 0: read-only, and
 * never wellbeing content); otherwise the same refusal as above. */
rcode session_rules_load_visible(call *c, uint64_t id, session_row *s, int *party) RC_MUST_CHECK;
/* A time is sane (2000-2100), else INVALID_ARGUMENT naming field. */
rcode session_rules_check_time(call *c, const char *field, int64_t t) RC_MUST_CHECK;
/* A session's start and length are sane (2000-2100; REFLECT_SESSION_MINUTES_MIN..MAX, limits.h). */
rcode session_rules_check_start(call *c, int64_t starts_at, uint32_t minutes) RC_MUST_CHECK;
/* Refuses (FAILED_PRECONDITION, naming the clash) if any of the people, or
 * the room (by blind index, may be NULL), is busy in [start, end) with a
 * session other than except_session. Runs inside the write transaction. */
rcode session_rules_check_clashes(call *c, const int64_t *people, size_t n_people, int64_t start, int64_t end,
                                  const uint8_t *room_index, int64_t except_session) RC_MUST_CHECK;

/* Books one individual or group session exactly as `session add` does,
 * inside the caller's write transaction: refuses a clash (naming it), then
 * stores the session, its first history entry and the audit row. The
 * caller is the supervisor; room_index is NULL for no room. */
rcode session_rules_book(call *c, const int64_t *members, size_t n_members, int64_t agreement_id, int64_t start,
                         uint32_t minutes, const char *room, const uint8_t *room_index, int64_t *id) RC_MUST_CHECK;

#endif
