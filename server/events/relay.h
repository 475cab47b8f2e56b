/*
 * relay — the threads that turn stored events into published ones, and run
 * the scheduler (docs/architecture.md#d1-shape, #d6-events).
 *
 * Contract:
 *  - relay_start starts cfg->event_threads threads. Each has its own SQLite
 *    connection and key cache, runs at a lower CPU priority than the
 *    request workers (a burst of a service's reminders must not slow the
 *    requests of people at work), and a PUSH socket connected to
 *    RELAY_ENDPOINT, which the main thread has bound as PULL and forwards to
 *    the PUB socket: only the main thread touches PUB.
 *  - relay_post_range queues the outbox rows first..last (split into chunks
 *    of RELAY_CHUNK so every thread shares a burst). A thread reads them,
 *    and for every live device of each recipient sends [topic][sealed],
 *    sealed = crypto_box_seal(Event) to the device's CURVE public key.
 *    It is thread-safe and never blocks; if the queue is full the range is
 *    dropped with a log line: the events stay in the outbox and every
 *    client catches up with EventsSince, as it must anyway (PUB drops).
 *  - relay_post_tick asks for one scheduler run (scheduler.h) at `now`; at
 *    most one is queued or running at a time, a second request meanwhile is
 *    folded into it. What a tick emits is posted as a range.
 *  - relay may be NULL everywhere (unit tests, fuzzing): posting is a no-op.
 *  - relay_stop, after zmq_ctx_shutdown, stops and joins the threads;
 *    queued work is dropped (it is all in the outbox).
 */
#ifndef REFLECT_RELAY_H
#define REFLECT_RELAY_H

#include <stdint.h>

#include "config.h"
#include "keystate.h"

#define RELAY_ENDPOINT "inproc://reflect.events"
#define RELAY_CHUNK 64
#define RELAY_QUEUE_MAX 65536

typedef struct relay relay;

/* Each job borrows the vault from ks (keystate.h); while sealed, ticks
 * and ranges are skipped (the outbox keeps them). */
int relay_start(void *zmq_ctx, const char *data_dir, const config *cfg, keystate *ks, relay **out);
void relay_post_range(relay *r, int64_t first, int64_t last);
void relay_post_tick(relay *r, int64_t now);
void relay_stop(relay *r);

#endif
