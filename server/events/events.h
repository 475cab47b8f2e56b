/*
 * events — what each change tells whom (docs/architecture.md#d6-events). The one place that
 * decides an event's recipients and words.
 *
 * Contract:
 *  - Every function runs inside the caller's write transaction, after the
 *    change it reports, and appends one outbox row per recipient
 *    (store_events_add, which keeps the event as this file encodes it:
 *    the outbox's readers decode it with events_decode). events_emit widens c->events_first/last, which
 *    dispatch hands to the relay once the transaction has committed (and
 *    call_write forgets on rollback), so nothing is published that was not
 *    stored, and nothing stored is lost if publishing fails.
 *  - The person who made a change (c->who, when authenticated) is not told
 *    of it; scheduler events (c->who not authenticated) go to everyone
 *    concerned.
 *  - Events carry what a notification needs (what, when, who, where) and
 *    never the content of a record: not an action's description, not a
 *    case's name, not a word of a revision.
 *  - Group sessions: booking tells every member (GROUP_INVITATION); moving
 *    or cancelling tells every member (GROUP_CHANGED) and the facilitator
 *    if someone else did it. Individual sessions use the SESSION_* kinds.
 * Functions return 0 or a Reflect Code.
 */
#ifndef REFLECT_EVENTS_H
#define REFLECT_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "call.h"
#include "store_actions.h"
#include "store_events.h"
#include "store_sessions.h"

/* A batch of events (the scheduler's tick): between begin and end, on this
 * thread, builders called with c look each display name up once (names
 * live in c->a, so end comes before the arena is reset), and events_emit
 * only queues the outbox rows; events_batch_flush stores them, one
 * recipient after another (each row is sealed under its recipient's key),
 * and must run inside the same transaction. end without a flush drops
 * what was queued. Without a batch every event is stored at once. */
void events_batch_begin(call *c);
rcode events_batch_flush(call *c) RC_MUST_CHECK;
void events_batch_end(void);

/* The low-level entry: ev (seq, created_at and actor are filled in here)
 * to each of users[0..n), skipping the actor; duplicates are sent once. */
rcode events_emit(call *c, const int64_t *users, size_t n, Reflect__V1__Event *ev) RC_MUST_CHECK;

/* An outbox row's event, decoded into a with the row's seq; NULL when its
 * body does not decode (or a is full): readers then leave the row out, as
 * the store leaves out one that does not open. */
Reflect__V1__Event *events_decode(arena *a, const event_row *r);

rcode events_session_booked(call *c, const session_row *s) RC_MUST_CHECK;
rcode events_session_moved(call *c, const session_row *s, int64_t previous_at) RC_MUST_CHECK;
rcode events_session_cancelled(call *c, const session_row *s) RC_MUST_CHECK;
/* revision 1 asks for sign-off; later ones are amendments. */
rcode events_record_written(call *c, const session_row *s, uint32_t revision) RC_MUST_CHECK;
rcode events_record_signed(call *c, const session_row *s, uint32_t revision, int complete) RC_MUST_CHECK;
rcode events_action_assigned(call *c, const action_row *a) RC_MUST_CHECK;
rcode events_action_closed(call *c, const action_row *a) RC_MUST_CHECK;

/* A performance indicator (its latest name) has drifted for a subject:
 * user_id (told, with their supervisors under active agreements) or
 * team_id (its managers are told); the other is 0. The words name the
 * indicator and whose it is, never a value or evidence. */
rcode events_kpi_drifting(call *c, int64_t indicator_id, const char *indicator, int64_t user_id,
                          int64_t team_id) RC_MUST_CHECK;

/* An administrator changed something that lets someone act as user_id or
 * oversee them: reset their password, added them to team_id or made them
 * its manager, or granted them (an inspector) team_id's evidence. The
 * person and the managers of every team they are in, and of team_id, are
 * told, so that an administrator acting through an account they control
 * is seen by the people whose records it reaches. */
typedef enum {
  EVENTS_ACCOUNT_PASSWORD_RESET,
  EVENTS_ACCOUNT_TEAM_JOINED,
  EVENTS_ACCOUNT_TEAM_MANAGER,
  EVENTS_ACCOUNT_INSPECTOR_GRANTED,
} events_account;
rcode events_account_changed(call *c, events_account what, int64_t user_id, int64_t team_id) RC_MUST_CHECK;

/* Scheduler events (late: emitted after their time). */
rcode events_session_reminder(call *c, const session_row *s, int64_t lead, int late) RC_MUST_CHECK;
rcode events_action_due(call *c, const action_row *a, int overdue, int late) RC_MUST_CHECK;
rcode events_supervision_overdue(call *c, int64_t agreement_id, int64_t supervisor, int64_t supervisee, int64_t due_at,
                                 int late) RC_MUST_CHECK;

#endif
