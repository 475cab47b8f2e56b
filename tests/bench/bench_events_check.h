/*
 * bench_events_check — after the burst: open the frames kept by the
 * subscribers, catch every user up through EventsSince, and match live and
 * caught-up reminders to the sessions each user is a party to.
 *
 * Contract: bench_events_check fills r's latency, throughput and
 * exactly-once fields (bench_events.h says what each counts) and adds
 * failed EventsSince requests to r->req_errors. Every user is caught up
 * with its own device (keys and token, as seeded) over s->rpc, from seq 0,
 * BENCH_EV_CATCHUP_THREADS users at a time. starts_at and lead_s are what
 * every reminder must carry. 0, or -1 if memory ran out.
 */
#ifndef REFLECT_BENCH_EVENTS_CHECK_H
#define REFLECT_BENCH_EVENTS_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "bench_events.h"
#include "bench_events_seed.h"
#include "bench_events_subs.h"
#include "bench_server.h"

#define BENCH_EV_CATCHUP_THREADS 4

int bench_events_check(const bench_server *s, const bench_ev_user *users, const bench_frame *frames, size_t n,
                       int64_t starts_at, int64_t lead_s, bench_events_result *r);

#endif
