/*
 * bench_events — the events phase (docs/architecture.md#d6-events): with
 * BENCH_EV_USERS subscribed users, a burst of BENCH_EV_REMINDERS session
 * reminders is published, and every one must arrive exactly once once
 * everybody has caught up.
 *
 * One run, in this order:
 *  1. the raw baseline: crypto_box_seal on one thread (bench_seal_rate,
 *     the best of five 0.2 s slices);
 *  2. its own reflectd on DIR: `reflectd init`, [events] scheduler_seconds
 *     = 1 and reminders = 1h, then the users, their logins and their
 *     sessions seeded with the server's own code (bench_events_seed.h says
 *     what and why), every session starting 1 h plus a setup margin from
 *     now, so all reminders fall due together at a known moment T;
 *  3. `reflectd serve`; one CURVE SUB per user, all handshaken before T;
 *  4. from then until the burst is over, one logged-in practitioner device
 *     lists its upcoming sessions in a closed loop: its latencies before T
 *     (after the warm-up) are the idle figure, those of requests sent from
 *     T to the last reminder's arrival the burst figure;
 *  5. the burst: frames are stamped and kept as they arrive, opened only
 *     afterwards; it is over when every reminder has arrived, or nothing
 *     came for BENCH_EV_QUIET_S, or BENCH_EV_DEADLINE_S after T;
 *  6. catch-up: every user asks EventsSince from 0 with its own device
 *     and token; each user's reminders, live and caught up, are matched by
 *     seq and session against the sessions it is a party to.
 * Figures (r): seal_rps; burst_eps = reminders received live / (last
 * arrival - first arrival); p50/p99/max of arrival - Event.sent_us (both
 * CLOCK_REALTIME, the server stamps just before sealing) over the live
 * reminders; live, caught_up (reminders only seen through EventsSince),
 * missing (a session/person with no reminder), duplicates (a seq received
 * twice live or listed twice by EventsSince, or a second reminder for the
 * same session and person), unmatched (an event live but not in
 * EventsSince, or a reminder for a session the person is not in or with
 * the wrong time or lead), undecodable (did not open with the device's
 * keys or decode), other (live events of other kinds); first_sent_ms (T
 * to the first reminder's sent_us: the wait for the tick and the tick's
 * own transaction) and seal_span_ms (first to last sent_us: the relay's
 * sealing); request p99 idle and during the burst; reflectd's CPU from
 * just before T to the end of the burst, of its main thread (which must
 * not seal), of its relay threads (the niced ones) and of the whole
 * process; its peak RSS and exit code.
 *
 * Contract: bench_events_run returns 0 if the phase ran and every request
 * succeeded (targets and the exactly-once checks are the caller's to
 * judge from r), -1 if something broke (messages on stderr; r->ran says
 * whether the burst figures are valid). reflectd is stopped on return.
 */
#ifndef REFLECT_BENCH_EVENTS_H
#define REFLECT_BENCH_EVENTS_H

#include <stdint.h>

#define BENCH_EV_QUIET_S 3
#define BENCH_EV_DEADLINE_S 60
/* From seeding to T: reflectd's start, 1,000 handshakes and the margin;
 * the warm-up and the idle window come on top. */
#define BENCH_EV_SETUP_S 12

typedef struct {
  double seal_rps;
  int ran;
  double burst_eps, burst_ms;
  double p50_ms, p99_ms, max_ms;
  uint64_t live, caught_up, missing, duplicates, unmatched, undecodable, other, dropped;
  double req_idle_p99_ms, req_burst_p99_ms;
  uint64_t req_idle_n, req_burst_n, req_errors;
  double main_cpu_ms, relay_cpu_ms, server_cpu_ms;
  int64_t fire_us; /* T, CLOCK_REALTIME µs */
  double first_sent_ms, seal_span_ms;
  long peak_rss_kib;
  int exit_code;
} bench_events_result;

int bench_events_run(const char *reflectd, const char *dir, int workers, int tcp, double warmup, double seconds,
                     bench_events_result *r);

#endif
