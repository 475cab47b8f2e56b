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
 *  - bench_attack_run: `rounds` interleaved rounds of an idle window then
 *    an attack window, window_s each. Throughout, `readers` threads run
 *    the read driver and a victim logs in as pat again and again from the
 *    device pat always uses (familiar: it logged in before the first
 *    round). In attack windows, `devices` guessers make wrong-password
 *    logins from one device each (closed loop, over real and unknown
 *    accounts) and `rotating` guessers take a fresh CURVE key for every
 *    guess, alternating pat's account and names that are no account. Each
 *    ratio (attack p99 / idle p99 of the same round) is given as the
 *    median of the rounds with their minimum and maximum; the
 *    percentiles pool every round. Returns 0, or -1 on set-up failure.
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
  int rounds;
  uint64_t attempts, checked, throttled, unavailable, other, rotated;
  double seconds, checked_per_s, checked_per_account_per_s; /* seconds: under attack, all rounds */
  double idle_p50_ms, idle_p99_ms, attack_p50_ms, attack_p99_ms;
  uint64_t idle_reads, attack_reads, read_errors;
  double victim_idle_p99_ms, victim_attack_p99_ms;
  uint64_t victim_logins, victim_failures;
  double read_p99_ratio[3], victim_p99_ratio[3]; /* median, min, max over rounds */
} bench_attack_result;

int bench_overload_run(const bench_server *s, const char *password, int sockets, int window, double seconds,
                       bench_overload_result *out);
int bench_attack_run(const bench_server *s, const bench_driver *reader, int readers, int devices, int rotating,
                     int rounds, double window_s, bench_attack_result *out);

#endif
