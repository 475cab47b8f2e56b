/*
 * bench_faults — the benchmark's fault phases against a running reflectd
 * with the bench fixture (bench_reflect.h) in place.
 *
 * Contract:
 *  - bench_overload_run: `sockets` CURVE DEALER sockets of one logged-in
 *    device (pat; one Argon2id login) fire SessionList requests without
 *    waiting, keeping `window` in flight each, for `seconds`; then up to
 *    BENCH_DRAIN_S to collect what is still owed. Every reply is
 *    classified: OK, UNAVAILABLE with the broker's busy message (refused),
 *    or other; a request never answered is lost. Latency percentiles are
 *    of OK replies only. Returns 0, or -1 if it could not set up.
 *  - bench_attack_run: `devices` fresh devices make `attempts` wrong-
 *    password logins in all (closed loop each, as fast as the server
 *    answers), over real and unknown accounts, while `readers` threads run
 *    the read driver; the same readers first run alone for idle_s, which
 *    gives the "without it" latencies. Returns 0, or -1 on set-up failure.
 * Nothing here allocates memory the caller must free.
 */
#ifndef REFLECT_BENCH_FAULTS_H
#define REFLECT_BENCH_FAULTS_H

#include <stdint.h>

#include "bench_loop.h"
#include "bench_server.h"

#define BENCH_DRAIN_S 5.0
#define BENCH_ATTACK_ACCOUNTS 6

typedef struct {
  uint64_t sent, ok, refused, other, lost;
  double seconds, replies_per_s, refused_pct, ok_p50_ms, ok_p99_ms;
} bench_overload_result;

typedef struct {
  uint64_t attempts, checked, throttled, unavailable, other;
  double seconds, checked_per_s, checked_per_account_per_s;
  double idle_p50_ms, idle_p99_ms, attack_p50_ms, attack_p99_ms;
  uint64_t idle_reads, attack_reads, read_errors;
} bench_attack_result;

int bench_overload_run(const bench_server *s, const char *password, int sockets, int window, double seconds,
                       bench_overload_result *out);
int bench_attack_run(const bench_server *s, const bench_driver *reader, int readers, int devices, int attempts,
                     double idle_s, bench_attack_result *out);

#endif
