/*
 * bench_loop — closed-loop load: groups of client threads, each with one
 * request in flight at a time, for a fixed measurement window.
 *
 * Contract:
 *  - A driver's open(arg, index) runs on the client thread before the start
 *    line and returns that thread's state (NULL = failure: the whole run is
 *    abandoned and bench_loop returns -1). op(state) does one request and
 *    blocks until its reply: 0 = success, anything else = an error (counted,
 *    and the thread carries on). close(state) runs on the same thread after
 *    the window, and may be NULL.
 *  - Timing: all threads start together (a barrier), run warmup_s
 *    unmeasured, then seconds measured. A request counts if it completes
 *    inside the measured window; throughput = completions / window length.
 *  - Latencies (send to reply, per request) go into a preallocated array per
 *    group of BENCH_MAX_RPS * seconds entries; past that they are counted but
 *    not sampled. p50/p99 are nearest-rank over the sorted samples.
 *  - Everything is bounded: at most BENCH_MAX_THREADS threads per run.
 */
#ifndef REFLECT_BENCH_LOOP_H
#define REFLECT_BENCH_LOOP_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_THREADS 128
#define BENCH_MAX_RPS 200000

typedef struct {
  void *(*open)(void *arg, int index);
  int (*op)(void *state);
  void (*close)(void *state);
  void *arg;
} bench_driver;

typedef struct {
  const bench_driver *driver;
  int threads;
} bench_group;

typedef struct {
  uint64_t count;  /* requests completed inside the window */
  uint64_t errors; /* failed requests, warm-up included */
  size_t samples;  /* latencies kept (== count unless the array filled) */
  double seconds;  /* measured window */
  double rps, p50_ms, p99_ms, max_ms;
} bench_result;

/* Monotonic clock in nanoseconds. */
int64_t bench_now_ns(void);
void bench_sleep_s(double seconds);

/* Runs the groups together; out[i] is group i's result. 0, or -1 if a
 * thread could not start or a driver's open failed. */
int bench_loop(const bench_group *groups, int n_groups, double warmup_s, double seconds, bench_result *out);

#endif
