/* Closed-loop load generator; see bench_loop.h for the contract. */
#include "bench_loop.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { PHASE_WARMUP = 0, PHASE_MEASURE = 1, PHASE_STOP = 2 };

typedef struct {
  uint32_t *lat_us; /* preallocated samples */
  size_t cap;
  atomic_size_t n; /* samples claimed (may exceed cap) */
  atomic_uint_fast64_t count, errors;
} group_state;

typedef struct {
  const bench_driver *d;
  group_state *g;
  int index;
  pthread_barrier_t *start;
  atomic_int *phase, *failed;
} thread_arg;

int64_t bench_now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void bench_sleep_s(double seconds)
{
  struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static void *run_thread(void *p)
{
  thread_arg *a = p;
  void *state = a->d->open(a->d->arg, a->index);
  if (!state) atomic_store(a->failed, 1);
  pthread_barrier_wait(a->start); /* all opened (or failed) */
  pthread_barrier_wait(a->start); /* main has decided: go or abandon */
  if (state && !atomic_load(a->failed)) {
    while (atomic_load_explicit(a->phase, memory_order_relaxed) != PHASE_STOP) {
      int64_t t0 = bench_now_ns();
      int rc = a->d->op(state);
      int64_t t1 = bench_now_ns();
      if (rc) {
        atomic_fetch_add(&a->g->errors, 1);
        continue;
      }
      if (atomic_load_explicit(a->phase, memory_order_relaxed) != PHASE_MEASURE) continue;
      atomic_fetch_add_explicit(&a->g->count, 1, memory_order_relaxed);
      size_t i = atomic_fetch_add_explicit(&a->g->n, 1, memory_order_relaxed);
      int64_t us = (t1 - t0) / 1000;
      if (i < a->g->cap) a->g->lat_us[i] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
    }
  }
  if (state && a->d->close) a->d->close(state);
  return NULL;
}

static int cmp_u32(const void *x, const void *y)
{
  uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  return (a > b) - (a < b);
}

static double rank_ms(const uint32_t *v, size_t n, double q)
{
  if (n == 0) return 0;
  size_t k = (size_t)(q * (double)n + 0.999999);
  if (k < 1) k = 1;
  if (k > n) k = n;
  return v[k - 1] / 1000.0;
}

int bench_loop(const bench_group *groups, int n_groups, double warmup_s, double seconds, bench_result *out)
{
  int total = 0;
  for (int i = 0; i < n_groups; i++) total += groups[i].threads;
  if (total <= 0 || total > BENCH_MAX_THREADS || seconds <= 0) return -1;

  group_state *gs = calloc((size_t)n_groups, sizeof *gs);
  thread_arg *ta = calloc((size_t)total, sizeof *ta);
  pthread_t *th = calloc((size_t)total, sizeof *th);
  int rc = -1, started = 0;
  atomic_int phase = PHASE_WARMUP, failed = 0;
  pthread_barrier_t start;
  if (!gs || !ta || !th) goto out;
  for (int i = 0; i < n_groups; i++) {
    gs[i].cap = (size_t)(BENCH_MAX_RPS * seconds) + 1;
    gs[i].lat_us = malloc(gs[i].cap * sizeof *gs[i].lat_us);
    if (!gs[i].lat_us) goto out;
  }
  if (pthread_barrier_init(&start, NULL, (unsigned)total + 1)) goto out;
  for (int i = 0, k = 0; i < n_groups; i++) {
    for (int j = 0; j < groups[i].threads; j++, k++) {
      ta[k] = (thread_arg){groups[i].driver, &gs[i], j, &start, &phase, &failed};
      if (pthread_create(&th[k], NULL, run_thread, &ta[k])) {
        /* The barrier counts every thread: a missing one would hang the
         * others, so this is fatal for the benchmark process. */
        fprintf(stderr, "bench: cannot create thread %d\n", k);
        exit(1);
      }
      started++;
    }
  }
  pthread_barrier_wait(&start);
  int abandon = atomic_load(&failed);
  if (abandon) atomic_store(&phase, PHASE_STOP);
  pthread_barrier_wait(&start);
  double window = 0;
  if (!abandon) {
    bench_sleep_s(warmup_s);
    atomic_store(&phase, PHASE_MEASURE);
    int64_t t0 = bench_now_ns();
    bench_sleep_s(seconds);
    atomic_store(&phase, PHASE_STOP);
    window = (double)(bench_now_ns() - t0) / 1e9;
  }
  for (int k = 0; k < started; k++) pthread_join(th[k], NULL);
  pthread_barrier_destroy(&start);
  if (abandon) goto out;

  for (int i = 0; i < n_groups; i++) {
    bench_result *r = &out[i];
    memset(r, 0, sizeof *r);
    r->count = atomic_load(&gs[i].count);
    r->errors = atomic_load(&gs[i].errors);
    size_t n = atomic_load(&gs[i].n);
    r->samples = n < gs[i].cap ? n : gs[i].cap;
    r->seconds = window;
    r->rps = (double)r->count / window;
    qsort(gs[i].lat_us, r->samples, sizeof *gs[i].lat_us, cmp_u32);
    r->p50_ms = rank_ms(gs[i].lat_us, r->samples, 0.50);
    r->p99_ms = rank_ms(gs[i].lat_us, r->samples, 0.99);
    r->max_ms = r->samples ? gs[i].lat_us[r->samples - 1] / 1000.0 : 0;
  }
  rc = 0;
out:
  for (int i = 0; gs && i < n_groups; i++) free(gs[i].lat_us);
  free(gs);
  free(ta);
  free(th);
  return rc;
}
