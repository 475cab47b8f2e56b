/*
 * store_events — the event outbox, the per-device topics events are
 * published under, and what the scheduler has already emitted (docs/architecture.md#d6-events).
 *
 * Contract:
 *  - The outbox holds one row per recipient. The store does not read an
 *    event: events.c encodes it (its seq left 0, the row's seq says it)
 *    and decodes it (events_decode). store_events_add (inside the
 *    caller's write transaction) stores the body sealed under the
 *    recipient's data key ("user:N"), bound to table "events", that row
 *    and column "body", and kind (the wire's EventKind number) in the
 *    clear; *seq is the new row's sequence number: one increasing sequence
 *    per server, never reused.
 *  - store_events_since returns the user's own rows after `after`, oldest
 *    first, at most `limit` (1..EVENTS_SINCE_MAX); *more says whether any
 *    are left. Rows and their opened bodies come from c->a.
 *  - store_events_range is the relay's read: every row with first <= seq <=
 *    last (at most max), opened into arena a.
 *  - A row whose body does not open (logged as an integrity error) is
 *    left out, so one bad row cannot stop anyone catching up for ever.
 *  - A topic (topic.h) is made afresh at every login of a user on a device
 *    (store_events_topic_renew, write transaction), so two logins cannot
 *    be linked by their topic; a watcher follows the new one (EventsSince
 *    and WhoAmI carry it). store_events_devices lists the user's devices
 *    with a live login (neither expired nor idle), each with its topic:
 *    those are the keys an event is sealed to; none while the user's
 *    password is one an administrator set.
 *  - event_emits rows say the scheduler emitted (or skipped, superseded)
 *    the event of kind for object at fire_at for lead; mark runs in the
 *    scheduler's write transaction, with the events it emitted.
 * Functions return 0 or a Reflect Code (RC_NOT_FOUND when there is none).
 */
#ifndef REFLECT_STORE_EVENTS_H
#define REFLECT_STORE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "store_ctx.h"
#include "topic.h"

#define EVENT_TOPIC_BYTES TOPIC_BYTES
#define EVENTS_SINCE_DEFAULT 200
#define EVENTS_SINCE_MAX 1000
#define EVENT_DEVICES_MAX 16

typedef struct {
  int64_t seq, user_id;
  const uint8_t *body; /* the encoded event, opened */
  size_t len;
} event_row;

typedef struct {
  char device[DEVICE_Z85_LEN + 1];
  uint8_t topic[EVENT_TOPIC_BYTES];
} event_device;

rcode store_events_add(store_ctx *c, int64_t user_id, int kind, const uint8_t *body, size_t len,
                       int64_t *seq) RC_MUST_CHECK;
rcode store_events_since(store_ctx *c, int64_t user_id, uint64_t after, uint32_t limit, event_row **out, size_t *n,
                         int *more) RC_MUST_CHECK;
/* The user's newest event's seq, or 0 when they have none. */
rcode store_events_latest(db *d, int64_t user_id, uint64_t *seq) RC_MUST_CHECK;
rcode store_events_range(db *d, const vault *v, keyring *r, arena *a, int64_t first, int64_t last, event_row *rows,
                         size_t max, size_t *n) RC_MUST_CHECK;

rcode store_events_topic_renew(db *d, const topic_key *k, int64_t user_id, const char *device, int64_t now,
                               uint8_t topic[EVENT_TOPIC_BYTES]) RC_MUST_CHECK;
rcode store_events_topic_get(db *d, int64_t user_id, const char *device,
                             uint8_t topic[EVENT_TOPIC_BYTES]) RC_MUST_CHECK;
rcode store_events_devices(db *d, int64_t user_id, int64_t now, int64_t idle_s, event_device *out, size_t max,
                           size_t *n) RC_MUST_CHECK;

rcode store_events_emitted(db *d, int kind, int64_t object_id, int64_t fire_at, int64_t lead, int *yes) RC_MUST_CHECK;
rcode store_events_mark(db *d, int kind, int64_t object_id, int64_t fire_at, int64_t lead, int64_t now, int late,
                        int superseded) RC_MUST_CHECK;
/* Deletes outbox rows created before `before` (*deleted counts them), and
 * the topics of devices where their user no longer has a login. */
rcode store_events_prune(db *d, int64_t before, int64_t *deleted) RC_MUST_CHECK;

#endif
