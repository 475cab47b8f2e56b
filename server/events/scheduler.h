/*
 * scheduler — the events nobody's request causes: session reminders at the
 * configured lead times, actions due within a day and overdue, and
 * supervision overdue under an agreement (docs/architecture.md#d6-events).
 *
 * Contract:
 *  - scheduler_tick runs in one write transaction (call_write) on a relay
 *    thread. It emits (events.h) every event that has come due at c->now
 *    and is not yet in event_emits, and marks each in event_emits in the
 *    same transaction: a crash either keeps both or neither, so a restart
 *    (even kill -9) neither repeats nor misses one.
 *  - An event emitted more than two scheduler periods (cfg->scheduler_s)
 *    and SCHEDULER_LATE_SLACK_S after its fire time was
 *    late (the server was not running): it is sent, with late set.
 *  - Reminders follow the session: a reschedule gives new fire times (the
 *    old ones no longer match), a cancelled session is no longer scheduled.
 *    A reminder is skipped (marked superseded) when a shorter lead's
 *    reminder is also due, when the session was booked or moved after the
 *    reminder's fire time (the booking itself told people), or once the
 *    session has started.
 *  - It also prunes outbox rows older than cfg->event_keep_days.
 *  - The range of outbox rows it added is left in c->events_first/last.
 * Returns 0 or a Reflect Code.
 */
#ifndef REFLECT_SCHEDULER_H
#define REFLECT_SCHEDULER_H

#include "call.h"

#define SCHEDULER_LATE_SLACK_S 10
#define SCHEDULER_DUE_SOON_S (24 * 3600)

rcode scheduler_tick(call *c) RC_MUST_CHECK;

#endif
