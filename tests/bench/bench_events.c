/* The events phase: setup, the timed burst and the request path beside it;
 * see bench_events.h. Opening and checking the frames: bench_events_check.c. */
#include "bench_events.h"

#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_baseline.h"
#include "bench_events_check.h"
#include "bench_events_seed.h"
#include "bench_events_subs.h"
#include "bench_loop.h"
#include "bench_reflect.h"
#include "bench_server.h"
#include "wire.h"

#define LEAD_S 3600
#define REQ_SAMPLES_MAX 2000000
#define HANDSHAKE_TIMEOUT_MS 30000

/* ---- the request path: one practitioner listing upcoming sessions ------- */

typedef struct {
  client *c;
  atomic_int stop;
  pthread_t thread;
  int64_t *start_us; /* CLOCK_REALTIME, to compare with T */
  uint32_t *lat_us;
  size_t n;
  uint64_t errors;
} req_loop;

static int list_upcoming(client *c)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionListRequest list = REFLECT__V1__SESSION_LIST_REQUEST__INIT;
  list.upcoming = 1;
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_LIST;
  req.session_list = &list;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call(c, &req, &rep);
  int ok = rc == CLIENT_OK && rep && rep->status && rep->status->code == REFLECT__V1__CODE__OK &&
           rep->result_case == REFLECT__V1__REPLY__RESULT_SESSION_LIST &&
           rep->session_list->n_sessions == BENCH_EV_PER_USER;
  if (!ok && rep && rep->status)
    fprintf(stderr, "bench: session list during events: %s %s\n", wire_code_name(rep->status->code),
            rep->status->message);
  else if (!ok) fprintf(stderr, "bench: session list during events: %s\n", client_strerror(rc));
  if (rep) wire_free_reply(rep);
  return ok ? 0 : -1;
}

static void *req_run(void *p)
{
  req_loop *l = p;
  while (!atomic_load_explicit(&l->stop, memory_order_relaxed)) {
    int64_t t0 = bench_realtime_us(), m0 = bench_now_ns();
    int bad = list_upcoming(l->c);
    int64_t us = (bench_now_ns() - m0) / 1000;
    if (bad) {
      /* After a failure the figures mean nothing; stop asking. */
      l->errors++;
      break;
    }
    if (l->n < REQ_SAMPLES_MAX) {
      l->start_us[l->n] = t0;
      l->lat_us[l->n++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
    }
  }
  return NULL;
}

static int cmp_u32(const void *x, const void *y)
{
  uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  return (a > b) - (a < b);
}

/* p99 (nearest rank) of the requests sent in [from, to). */
static double window_p99(const req_loop *l, int64_t from, int64_t to, uint64_t *n_out)
{
  uint32_t *v = malloc((l->n ? l->n : 1) * sizeof *v);
  size_t n = 0;
  if (!v) return -1;
  for (size_t i = 0; i < l->n; i++)
    if (l->start_us[i] >= from && l->start_us[i] < to) v[n++] = l->lat_us[i];
  qsort(v, n, sizeof *v, cmp_u32);
  size_t k = (size_t)(0.99 * (double)n + 0.999999);
  double p = n ? v[(k < 1 ? 1 : k > n ? n : k) - 1] / 1000.0 : 0;
  free(v);
  *n_out = n;
  return p;
}

/* ---- reflectd's CPU time, by thread: main (tid = pid), relay (the only
 * threads reflectd runs niced, relay.h) and everything else ------------ */

typedef struct {
  double main_ms, relay_ms, all_ms;
} server_cpu;

/* utime + stime in ms and the nice value of one /proc stat file. */
static int task_cpu(const char *path, double *ms, long *nice)
{
  char buf[1024];
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  /* The command name is in parentheses and may hold anything: fields
   * count from the last ')'. state is field 3, utime 14, stime 15,
   * nice 19. */
  char *p = strrchr(buf, ')');
  unsigned long long ut = 0, st = 0;
  if (!p ||
      sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %ld", &ut, &st, nice) != 3)
    return -1;
  *ms = (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
  return 0;
}

static server_cpu sample_cpu(pid_t pid)
{
  server_cpu c = {0, 0, 0};
  char path[128];
  snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
  DIR *d = opendir(path);
  if (!d) return (server_cpu){-1, -1, -1};
  for (struct dirent *e; (e = readdir(d));) {
    int tid = atoi(e->d_name);
    if (tid <= 0) continue;
    double ms;
    long nice;
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, tid);
    if (task_cpu(path, &ms, &nice)) continue;
    c.all_ms += ms;
    if (tid == (int)pid) c.main_ms += ms;
    else if (nice > 0) c.relay_ms += ms;
  }
  closedir(d);
  return c;
}

/* ---- the phase ------------------------------------------------------------- */

/* A subscriber, its TCP connection and reflectd's end of it each need a
 * descriptor; reflectd inherits the limit. */
static void raise_nofile(void)
{
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4 * BENCH_EV_USERS + 256)
    fprintf(stderr, "bench: RLIMIT_NOFILE is %llu; %d subscribers may not fit\n", (unsigned long long)rl.rlim_cur,
            BENCH_EV_USERS);
}

/* reflectd's own account of the burst: its scheduler ticks that emitted
 * something and any range it could not publish, echoed to stderr. */
static void echo_log(const char *log)
{
  char line[512];
  FILE *f = fopen(log, "r");
  while (f && fgets(line, sizeof line, f))
    if ((strstr(line, "event=scheduler_tick") && !strstr(line, "emitted=0 ")) ||
        strstr(line, "event=events_not_published"))
      fprintf(stderr, "bench: events: reflectd: %s", line);
  if (f) fclose(f);
}

static void sleep_until_us(int64_t t)
{
  int64_t now = bench_realtime_us();
  if (t > now) bench_sleep_s((double)(t - now) / 1e6);
}

/* Waits for the burst to end: every reminder arrived, or a quiet spell
 * after the first, or the deadline. Returns the last arrival (or now). */
static int64_t await_burst(bench_subs *subs, int64_t fire_us)
{
  for (;;) {
    bench_sleep_s(0.01);
    uint64_t got = bench_subs_received(subs);
    int64_t last = bench_subs_last_us(subs), now = bench_realtime_us();
    if (got >= BENCH_EV_REMINDERS) return last;
    if (got > 0 && last >= fire_us && now - last > (int64_t)BENCH_EV_QUIET_S * 1000000) {
      fprintf(stderr, "bench: events: %llu frames, then nothing for %d s\n", (unsigned long long)got, BENCH_EV_QUIET_S);
      return last;
    }
    if (now > fire_us + (int64_t)BENCH_EV_DEADLINE_S * 1000000) {
      fprintf(stderr, "bench: events: %llu frames %d s after the reminders fell due\n", (unsigned long long)got,
              BENCH_EV_DEADLINE_S);
      return last > fire_us ? last : now;
    }
  }
}

int bench_events_run(const char *reflectd, const char *dir, int workers, int tcp, double warmup, double seconds,
                     bench_events_result *r)
{
  memset(r, 0, sizeof *r);
  r->exit_code = -1;
  int rc = -1, serving = 0;
  bench_server s;
  bench_subs *subs = NULL;
  req_loop l = {0};
  int looping = 0;
  bench_ev_user *users = calloc(BENCH_EV_USERS, sizeof *users);
  l.start_us = malloc(REQ_SAMPLES_MAX * sizeof *l.start_us);
  l.lat_us = malloc(REQ_SAMPLES_MAX * sizeof *l.lat_us);
  if (!users || !l.start_us || !l.lat_us) goto out;

  /* The best of five slices: another process taking the CPU for a moment
   * would otherwise lower the baseline and flatter the ratio. */
  fprintf(stderr, "bench: crypto_box_seal baseline, 1 thread (best of 5 x 0.2 s)\n");
  for (int i = 0; i < 5; i++) {
    double rate = bench_seal_rate(0.2);
    if (rate <= 0) goto out;
    if (rate > r->seal_rps) r->seal_rps = rate;
  }
  raise_nofile();

  char srv_dir[400];
  snprintf(srv_dir, sizeof srv_dir, "%s/events", dir);
  if (mkdir(srv_dir, 0700) || bench_server_init(&s, reflectd, srv_dir, tcp) || bench_events_configure(s.data, 1, "1h"))
    goto out;
  /* T: when every reminder falls due. Seeding, start-up and handshakes
   * take a few seconds; the idle request window fills the rest. */
  int64_t fire = (int64_t)time(NULL) + BENCH_EV_SETUP_S + (int64_t)ceil(warmup + seconds);
  int64_t starts_at = fire + LEAD_S, fire_us = fire * 1000000;
  fprintf(stderr, "bench: events: seeding %d users, %d sessions; %d reminders fall due in %lld s\n", BENCH_EV_USERS,
          BENCH_EV_SESSIONS, BENCH_EV_REMINDERS, (long long)(fire - (int64_t)time(NULL)));
  if (bench_events_seed(s.data, starts_at, users) || bench_server_serve(&s, reflectd, workers)) goto out;
  serving = 1;
  if (bench_subs_open(s.pub, s.server_key, users, BENCH_EV_USERS, HANDSHAKE_TIMEOUT_MS, &subs) ||
      bench_subs_start(subs))
    goto out;
  const bench_ev_user *prac = &users[BENCH_EV_SUPERVISORS];
  if (client_open_keys(s.rpc, s.server_key, prac->pub, prac->sec, BENCH_CALL_TIMEOUT_MS, &l.c) != CLIENT_OK) goto out;
  client_set_token(l.c, prac->token, sizeof prac->token);
  int64_t began = bench_realtime_us();
  if (pthread_create(&l.thread, NULL, req_run, &l)) goto out;
  looping = 1;
  double idle_s = (double)(fire_us - began) / 1e6 - warmup;
  fprintf(stderr, "bench: events: %d subscribers ready; session list idle for %.1f s, then the burst\n", BENCH_EV_USERS,
          idle_s);
  if (idle_s < 1.0) {
    fprintf(stderr, "bench: events: setup took too long for an idle window (raise BENCH_EV_SETUP_S)\n");
    goto out;
  }

  sleep_until_us(fire_us - 50000);
  server_cpu c0 = sample_cpu(s.pid);
  int64_t end_us = await_burst(subs, fire_us);
  server_cpu c1 = sample_cpu(s.pid);
  int cpu_ok = c0.all_ms >= 0 && c1.all_ms >= 0;
  r->main_cpu_ms = cpu_ok ? c1.main_ms - c0.main_ms : -1;
  r->relay_cpu_ms = cpu_ok ? c1.relay_ms - c0.relay_ms : -1;
  r->server_cpu_ms = cpu_ok ? c1.all_ms - c0.all_ms : -1;
  r->fire_us = fire_us;
  bench_sleep_s(0.2);
  atomic_store(&l.stop, 1);
  pthread_join(l.thread, NULL);
  looping = 0;
  bench_subs_stop(subs);
  echo_log(s.log);

  r->req_errors = l.errors;
  r->req_idle_p99_ms = window_p99(&l, began + (int64_t)(warmup * 1e6), fire_us, &r->req_idle_n);
  r->req_burst_p99_ms = window_p99(&l, fire_us, end_us, &r->req_burst_n);
  size_t n_frames;
  const bench_frame *frames = bench_subs_frames(subs, &n_frames, &r->dropped);
  fprintf(stderr, "bench: events: %zu frames received; opening them\n", n_frames);
  if (bench_events_check(&s, users, frames, n_frames, starts_at, LEAD_S, r)) goto out;
  r->ran = 1;
  rc = r->req_errors ? -1 : 0;
out:
  if (looping) {
    atomic_store(&l.stop, 1);
    pthread_join(l.thread, NULL);
  }
  if (l.c) client_close(l.c);
  bench_subs_close(subs);
  if (serving) {
    r->peak_rss_kib = bench_server_peak_rss_kib(&s);
    r->exit_code = bench_server_stop(&s);
    if (r->exit_code != 0) {
      fprintf(stderr, "bench: events: reflectd exited with %d (see %s)\n", r->exit_code, s.log);
      rc = -1;
    }
  }
  free(users);
  free(l.start_us);
  free(l.lat_us);
  return rc;
}
