/*
 * reflect_bench — Reflect's load generator (docs/architecture.md#d8-tests-and-measurement).
 *
 * One run measures, in this order and on the same machine and filesystem:
 *   1. the raw ZeroMQ CURVE ROUTER/DEALER echo of a 200-byte message, with 1
 *      and N clients (bench_baseline.h);
 *   2. the raw SQLite WAL synchronous=FULL insert of a 2 KiB blob, one row
 *      per transaction, one thread;
 *   3. a real reflectd (child process, on the same transport as the echo:
 *      tcp://127.0.0.1 by default, as offices connect, or ipc:// with --transport ipc):
 *      ping with 1 and N clients (transport + broker + worker hand-offs,
 *      no work: the ceiling of the design), authenticated
 *      `session list --upcoming` with 1 and N clients, durable record
 *      writes with 1 and N clients, and 1 reader while --login-clients
 *      clients log in continuously (Argon2id); then the server's peak RSS
 *      (VmHWM) and its exit status after SIGTERM;
 *   4. events (bench_events.h): the crypto_box_seal baseline, then a second
 *      reflectd whose 1,000 users, logins and sessions are seeded into its
 *      data directory with the server's own store code before it serves
 *      (logging 1,000 devices in through Argon2id would take minutes and
 *      measure nothing); 1,000 CURVE subscribers, a burst of 10,000
 *      reminders in one scheduler tick (throughput as a ratio to sealing,
 *      publish-to-receive latency), the request path's p99 idle and during
 *      the burst, and every reminder checked to arrive exactly once after
 *      EventsSince catch-up;
 *   5. faults (bench_faults.h), on the reflectd of 3 after its phases:
 *      overload (64 sockets firing SessionList without waiting, 64 in
 *      flight each, against the default queue: replies/s, refused share,
 *      p50/p99 of OK replies, and peak RSS against the RSS after the steady
 *      phases), then login_attack (5 interleaved rounds of an idle window
 *      and an attack window: 8 guessing devices over 6 accounts and 2
 *      guessers with a fresh CURVE key per guess, while 4 readers run and
 *      pat logs in again and again from a familiar device: what reached
 *      password verification, per second and per account, and the
 *      readers' and pat's p99 under attack against idle, as the median
 *      ratio of the rounds with min and max).
 * --only picks some of echo,sqlite,ping,read,write,login,events,overload,login_attack (ratios
 * and targets need their baseline in the same run).
 * Every figure is one stdout line `name value unit`; target lines say
 * `target_NAME met|missed VALUE OP LIMIT`; other_cpu_pct is the share of the
 * machine's CPU that other processes took during the run (a noisy run shows
 * as a high value). Progress goes to stderr.
 * Exit status: 0 if everything ran (targets may be missed), 1 if anything
 * broke (a request failed, reflectd did not start or did not exit 0, an
 * event was missing, duplicated, unmatched or undecodable), 2 on bad usage. All temporary files live in one directory under --tmp, removed
 * on success and kept (its path printed) on failure.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_baseline.h"
#include "bench_events.h"
#include "bench_faults.h"
#include "bench_loop.h"
#include "bench_reflect.h"
#include "bench_server.h"
#include "bench_web.h"

#ifndef BENCH_REFLECTD_DEFAULT
#define BENCH_REFLECTD_DEFAULT "reflectd"
#endif
#ifndef BENCH_REFLECT_WEB_DEFAULT
#define BENCH_REFLECT_WEB_DEFAULT "reflect-web"
#endif

enum {
  PH_ECHO = 1,
  PH_SQLITE = 2,
  PH_PING = 4,
  PH_READ = 8,
  PH_WRITE = 16,
  PH_LOGIN = 32,
  PH_EVENTS = 64,
  PH_OVERLOAD = 128,
  PH_ATTACK = 256,
  PH_WEB = 512,
  PH_ALL = 1023
};

typedef struct {
  const char *reflectd, *tmp, *reflect_web;
  double seconds, warmup;
  int clients, login_clients, workers;
  unsigned phases; /* PH_* selected by --only */
  int tcp;         /* 1: tcp://127.0.0.1 (how offices connect); 0: ipc:// */
} options;

static int broken = 0;
static uint64_t total_errors = 0;

static void on_signal(int sig)
{
  bench_server_kill();
  signal(sig, SIG_DFL);
  raise(sig);
}

static void figure(const char *name, double value, const char *unit)
{
  printf("%s %.*f %s\n", name, value >= 100 ? 0 : value >= 1 ? 2 : 3, value, unit);
  fflush(stdout);
}

static void figure_n(const char *prefix, int n, const char *suffix, double value, const char *unit)
{
  char name[64];
  snprintf(name, sizeof name, "%s_%d_%s", prefix, n, suffix);
  figure(name, value, unit);
}

/* Runs one measurement unless its phase was left out or the run is already
 * broken (then -1); a setup failure or any failed request marks it broken. */
static int measure(unsigned phase, const char *what, const bench_group *g, int n, const options *o, bench_result *r)
{
  /* After a failure the server may be gone: every further call would only
   * wait out its timeout, so the remaining figures are skipped. */
  if (!(o->phases & phase) || broken) return -1;
  fprintf(stderr, "bench: %s (%.1f s + %.1f s warm-up)\n", what, o->seconds, o->warmup);
  if (bench_loop(g, n, o->warmup, o->seconds, r)) {
    fprintf(stderr, "bench: %s could not start\n", what);
    broken = 1;
    return -1;
  }
  for (int i = 0; i < n; i++) {
    if (r[i].errors) {
      fprintf(stderr, "bench: %s: %llu failed requests\n", what, (unsigned long long)r[i].errors);
      total_errors += r[i].errors;
      broken = 1;
    }
  }
  return 0;
}

static void count(const char *name, uint64_t n, const char *unit);
static void run_web(const options *o, bench_fixture *fx, const char *dir);

static void target(const char *name, double value, int at_least, double limit)
{
  int met = at_least ? value >= limit : value <= limit;
  printf("target_%s %s %.3f %s %.3f\n", name, met ? "met" : "missed", value, at_least ? ">=" : "<=", limit);
}

/* Busy CPU ticks of the whole machine (steal included) from /proc/stat. */
static double machine_busy_s(void)
{
  unsigned long long v[8] = {0};
  FILE *f = fopen("/proc/stat", "r");
  if (!f) return -1;
  int n =
      fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
  fclose(f);
  if (n != 8) return -1;
  /* user nice system idle iowait irq softirq steal: all but idle and iowait */
  return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double)sysconf(_SC_CLK_TCK);
}

/* CPU seconds used by this process and its waited-for children (reflectd). */
static double own_cpu_s(void)
{
  struct rusage self, kids;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &kids);
  const struct timeval t[4] = {self.ru_utime, self.ru_stime, kids.ru_utime, kids.ru_stime};
  double s = 0;
  for (int i = 0; i < 4; i++) s += (double)t[i].tv_sec + (double)t[i].tv_usec / 1e6;
  return s;
}

static void remove_tree(const char *dir)
{
  pid_t pid = fork();
  if (pid == 0) {
    execlp("rm", "rm", "-rf", "--", dir, (char *)NULL);
    _exit(127);
  }
  if (pid > 0) waitpid(pid, NULL, 0);
}

static int parse(int argc, char **argv, options *o)
{
  static const struct option opts[] = {{"reflectd", required_argument, NULL, 'r'},
                                       {"tmp", required_argument, NULL, 't'},
                                       {"seconds", required_argument, NULL, 's'},
                                       {"warmup", required_argument, NULL, 'u'},
                                       {"clients", required_argument, NULL, 'c'},
                                       {"login-clients", required_argument, NULL, 'l'},
                                       {"workers", required_argument, NULL, 'w'},
                                       {"only", required_argument, NULL, 'o'},
                                       {"transport", required_argument, NULL, 'x'},
                                       {"reflect-web", required_argument, NULL, 'W'},
                                       {NULL, 0, NULL, 0}};
  *o = (options){BENCH_REFLECTD_DEFAULT,
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
                 BENCH_REFLECT_WEB_DEFAULT,
                 5.0,
                 0.5,
                 32,
                 4,
                 0,
                 PH_ALL,
                 1};
  int ch;
  while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (ch) {
    case 'r': o->reflectd = optarg; break;
    case 'W': o->reflect_web = optarg; break;
    case 't': o->tmp = optarg; break;
    case 's': o->seconds = atof(optarg); break;
    case 'u': o->warmup = atof(optarg); break;
    case 'c': o->clients = atoi(optarg); break;
    case 'l': o->login_clients = atoi(optarg); break;
    case 'w': o->workers = atoi(optarg); break;
    case 'x':
      if (!strcmp(optarg, "tcp")) o->tcp = 1;
      else if (!strcmp(optarg, "ipc")) o->tcp = 0;
      else return -1;
      break;
    case 'o':
      o->phases = 0;
      for (char *save = NULL, *t = strtok_r(optarg, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        static const char *const names[] = {"echo",  "sqlite", "ping",     "read",         "write",
                                            "login", "events", "overload", "login_attack", "web"};
        unsigned bit = 0;
        for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
          if (!strcmp(t, names[i])) bit = 1u << i;
        if (!bit) return -1;
        o->phases |= bit;
      }
      break;
    default: return -1;
    }
  }
  if (optind != argc || o->seconds <= 0 || o->seconds > 60 || o->warmup < 0 || o->warmup > 10 || o->clients < 1 ||
      o->clients > BENCH_MAX_CLIENTS || o->login_clients < 1 || o->login_clients > 16 || o->workers < 0 ||
      o->workers > 64 || !o->phases)
    return -1;
  return 0;
}

static void run_baselines(const options *o, const char *dir, double *echo_n, double *sqlite_rps)
{
  char endpoint[400], db[400];
  if (bench_endpoint(o->tcp, dir, "echo", endpoint, sizeof endpoint)) {
    broken = 1;
    return;
  }
  snprintf(db, sizeof db, "%s/sqlite-baseline.db", dir);
  bench_echo *e = NULL;
  bench_result r[1];
  if ((o->phases & PH_ECHO) && bench_echo_start(endpoint, &e)) {
    broken = 1;
    return;
  }
  bench_driver ed = bench_echo_driver(e);
  bench_group g = {&ed, 1};
  if (!measure(PH_ECHO, "echo, 1 client", &g, 1, o, r)) {
    figure_n("echo", 1, "rps", r->rps, "req/s");
    figure_n("echo", 1, "p99_ms", r->p99_ms, "ms");
  }
  g.threads = o->clients;
  if (!measure(PH_ECHO, "echo, N clients", &g, 1, o, r)) {
    *echo_n = r->rps;
    figure_n("echo", o->clients, "rps", r->rps, "req/s");
    figure_n("echo", o->clients, "p99_ms", r->p99_ms, "ms");
  }
  bench_echo_stop(e);

  bench_driver sd = bench_sqlite_driver(db);
  bench_group sg = {&sd, 1};
  if (!measure(PH_SQLITE, "sqlite WAL synchronous=FULL inserts", &sg, 1, o, r)) {
    *sqlite_rps = r->rps;
    figure("sqlite_full_rps", r->rps, "rows/s");
    figure("sqlite_full_p99_ms", r->p99_ms, "ms");
  }
}

#define ATTACK_READERS 4
#define ATTACK_ROTATING 2
#define ATTACK_ROUNDS 5

/* Overload and login attack on the same server, after the steady phases
 * (whose peak RSS is the yardstick for the overload's). */
static void run_faults(const options *o, const bench_server *s, const bench_driver *rd, double echo_n)
{
  if (broken) return;
  long steady_kib = bench_server_peak_rss_kib(s);
  if (o->phases & PH_OVERLOAD) {
    bench_overload_result r;
    fprintf(stderr, "bench: overload, 64 sockets x 64 in flight (%.1f s)\n", o->seconds);
    if (bench_overload_run(s, BENCH_USER_PASSWORD, 64, 64, o->seconds, &r)) {
      fprintf(stderr, "bench: overload could not start\n");
      broken = 1;
      return;
    }
    long peak_kib = bench_server_peak_rss_kib(s);
    figure("overload_replies_per_s", r.replies_per_s, "replies/s");
    figure("overload_ok_per_s", (double)r.ok / r.seconds, "req/s");
    figure("overload_refused_pct", r.refused_pct, "%");
    figure("overload_ok_p50_ms", r.ok_p50_ms, "ms");
    figure("overload_ok_p99_ms", r.ok_p99_ms, "ms");
    count("overload_sent", r.sent, "requests");
    count("overload_lost", r.lost, "requests");
    count("overload_other", r.other, "replies");
    if (echo_n > 0) figure("overload_ratio", r.replies_per_s / echo_n, "x");
    figure("overload_steady_rss_mib", (double)steady_kib / 1024.0, "MiB");
    figure("overload_peak_rss_mib", (double)peak_kib / 1024.0, "MiB");
    if (steady_kib > 0) {
      figure("overload_rss_ratio", (double)peak_kib / (double)steady_kib, "x");
      target("overload_rss_ratio", (double)peak_kib / (double)steady_kib, 0, 2.0);
    }
    /* Not targets: an unanswered request or a stray reply is a bug. */
    if (r.lost || r.other) {
      fprintf(stderr, "bench: overload: %llu requests unanswered, %llu unexpected replies\n",
              (unsigned long long)r.lost, (unsigned long long)r.other);
      total_errors += r.lost + r.other;
      broken = 1;
    }
  }
  if (o->phases & PH_ATTACK) {
    bench_attack_result a;
    double window = o->seconds / 2 < 1 ? 1 : o->seconds / 2;
    fprintf(stderr,
            "bench: login attack, %d rounds of %.1f s idle then %.1f s of 8 guessing devices and %d "
            "rotating-key guessers; %d readers and pat logging in from a familiar device\n",
            ATTACK_ROUNDS, window, window, ATTACK_ROTATING, ATTACK_READERS);
    if (bench_attack_run(s, rd, ATTACK_READERS, 8, ATTACK_ROTATING, ATTACK_ROUNDS, window, &a)) {
      fprintf(stderr, "bench: login attack could not start\n");
      broken = 1;
      return;
    }
    count("attack_rounds", (uint64_t)a.rounds, "rounds");
    count("attack_attempts", a.attempts, "logins");
    count("attack_checked", a.checked, "logins");
    count("attack_throttled", a.throttled, "logins");
    count("attack_unavailable", a.unavailable, "logins");
    count("attack_other", a.other, "logins");
    count("attack_fresh_keys", a.rotated, "devices");
    figure("attack_seconds", a.seconds, "s");
    figure("attack_checked_per_s", a.checked_per_s, "guesses/s");
    figure("attack_checked_per_account_per_s", a.checked_per_account_per_s, "guesses/s");
    figure("attack_read_idle_p50_ms", a.idle_p50_ms, "ms");
    figure("attack_read_idle_p99_ms", a.idle_p99_ms, "ms");
    figure("attack_read_p50_ms", a.attack_p50_ms, "ms");
    figure("attack_read_p99_ms", a.attack_p99_ms, "ms");
    figure("attack_read_p99_ratio", a.read_p99_ratio[0], "x");
    figure("attack_read_p99_ratio_min", a.read_p99_ratio[1], "x");
    figure("attack_read_p99_ratio_max", a.read_p99_ratio[2], "x");
    target("attack_read_p99_ratio", a.read_p99_ratio[0], 0, 2.0);
    count("attack_victim_logins", a.victim_logins, "logins");
    figure("attack_victim_idle_p99_ms", a.victim_idle_p99_ms, "ms");
    figure("attack_victim_p99_ms", a.victim_attack_p99_ms, "ms");
    figure("attack_victim_p99_ratio", a.victim_p99_ratio[0], "x");
    figure("attack_victim_p99_ratio_min", a.victim_p99_ratio[1], "x");
    figure("attack_victim_p99_ratio_max", a.victim_p99_ratio[2], "x");
    target("attack_victim_p99_ratio", a.victim_p99_ratio[0], 0, 2.0);
    /* The victim is never locked out: one refused login is a failure. */
    if (a.other || a.read_errors || a.victim_failures) {
      fprintf(stderr, "bench: login attack: %llu odd replies, %llu failed reads, %llu refused victim logins\n",
              (unsigned long long)a.other, (unsigned long long)a.read_errors, (unsigned long long)a.victim_failures);
      total_errors += a.other + a.read_errors + a.victim_failures;
      broken = 1;
    }
  }
}

static void run_reflectd(const options *o, const char *dir, double echo_n, double sqlite_rps)
{
  char srv_dir[400];
  snprintf(srv_dir, sizeof srv_dir, "%s/reflectd", dir);
  bench_server s;
  bench_fixture fx;
  bench_result r[2];
  if (mkdir(srv_dir, 0700) || bench_server_start(&s, o->reflectd, srv_dir, o->workers, o->tcp)) {
    broken = 1;
    return;
  }
  int readers = o->phases & (PH_PING | PH_READ) ? o->clients : o->phases & PH_ATTACK ? ATTACK_READERS : 1;
  int writers = o->phases & PH_WRITE ? o->clients : 1;
  if (readers < ATTACK_READERS && (o->phases & PH_ATTACK)) readers = ATTACK_READERS;
  fprintf(stderr, "bench: reflectd up (pid %d); setting up users, sessions and %d + %d logins\n", (int)s.pid, readers,
          writers);
  if (bench_fixture_setup(&fx, &s, readers, writers, o->phases & PH_LOGIN ? o->login_clients : 0)) {
    fprintf(stderr, "bench: fixture setup failed (see %s)\n", s.log);
    broken = 1;
  } else {
    bench_driver rd = bench_read_driver(&fx), wd = bench_write_driver(&fx), ld = bench_login_driver(&fx);
    bench_driver pd = bench_ping_driver(&fx);
    bench_group g = {&pd, 1};
    if (!measure(PH_PING, "reflectd ping, 1 client", &g, 1, o, r)) {
      figure_n("ping", 1, "rps", r->rps, "req/s");
      figure_n("ping", 1, "p99_ms", r->p99_ms, "ms");
    }
    g.threads = o->clients;
    if (!measure(PH_PING, "reflectd ping, N clients", &g, 1, o, r)) {
      figure_n("ping", o->clients, "rps", r->rps, "req/s");
      figure_n("ping", o->clients, "p99_ms", r->p99_ms, "ms");
      if (echo_n > 0) figure_n("ping", o->clients, "ratio", r->rps / echo_n, "x");
    }
    g = (bench_group){&rd, 1};
    if (!measure(PH_READ, "reflectd session list, 1 client", &g, 1, o, r)) {
      figure_n("read", 1, "rps", r->rps, "req/s");
      figure_n("read", 1, "p50_ms", r->p50_ms, "ms");
      figure_n("read", 1, "p99_ms", r->p99_ms, "ms");
    }
    g.threads = o->clients;
    if (!measure(PH_READ, "reflectd session list, N clients", &g, 1, o, r)) {
      figure_n("read", o->clients, "rps", r->rps, "req/s");
      figure_n("read", o->clients, "p50_ms", r->p50_ms, "ms");
      figure_n("read", o->clients, "p99_ms", r->p99_ms, "ms");
      if (echo_n > 0) figure_n("read", o->clients, "ratio", r->rps / echo_n, "x");
      if (o->clients == 32 && echo_n > 0) target("read_32_ratio", r->rps / echo_n, 1, 0.35);
      if (o->clients == 32) target("read_32_p99_ms", r->p99_ms, 0, 5.0);
    }
    g = (bench_group){&wd, 1};
    if (!measure(PH_WRITE, "reflectd record write, 1 client", &g, 1, o, r)) {
      figure_n("write", 1, "rps", r->rps, "req/s");
      figure_n("write", 1, "p99_ms", r->p99_ms, "ms");
    }
    g.threads = o->clients;
    if (!measure(PH_WRITE, "reflectd record write, N clients", &g, 1, o, r)) {
      figure_n("write", o->clients, "rps", r->rps, "req/s");
      figure_n("write", o->clients, "p50_ms", r->p50_ms, "ms");
      figure_n("write", o->clients, "p99_ms", r->p99_ms, "ms");
      if (sqlite_rps > 0) figure_n("write", o->clients, "ratio", r->rps / sqlite_rps, "x");
      if (o->clients == 32 && sqlite_rps > 0) target("write_32_ratio", r->rps / sqlite_rps, 1, 0.40);
    }
    bench_group lg[2] = {{&rd, 1}, {&ld, o->login_clients}};
    if (!measure(PH_LOGIN, "reflectd session list, 1 client, during logins", lg, 2, o, r)) {
      figure("login_read_rps", r[0].rps, "req/s");
      figure("login_read_p50_ms", r[0].p50_ms, "ms");
      figure("login_read_p99_ms", r[0].p99_ms, "ms");
      figure("login_rps", r[1].rps, "logins/s");
      figure("login_p50_ms", r[1].p50_ms, "ms");
      target("login_read_p99_ms", r[0].p99_ms, 0, 10.0);
    }
    if (o->phases & PH_WEB) run_web(o, &fx, srv_dir);
    run_faults(o, &s, &rd, echo_n);
  }
  bench_fixture_close(&fx);
  long kib = bench_server_peak_rss_kib(&s);
  if (kib > 0) figure("peak_rss_mib", (double)kib / 1024.0, "MiB");
  else broken = 1;
  int st = bench_server_stop(&s);
  printf("reflectd_exit %d code\n", st);
  if (st != 0) {
    fprintf(stderr, "bench: reflectd exited with %d (see %s)\n", st, s.log);
    broken = 1;
  }
}

/* The web phase (bench_web.h): BENCH_WEB_CLIENTS browsers through
 * reflect-web, against the same requests made directly, in 3 interleaved
 * rounds. The goal: a page's p99 within 50 ms on this machine. */
static void run_web(const options *o, bench_fixture *fx, const char *dir)
{
  bench_web_figures f;
  if (bench_web_run(fx, o->reflect_web, dir, 3, o->warmup, o->seconds, &f)) {
    broken = 1;
    return;
  }
  static const char *const page[2] = {"home", "record"};
  for (int k = 0; k < 2; k++) {
    char name[64];
    snprintf(name, sizeof name, "web_%s_p50_ms", page[k]);
    figure(name, f.web_p50[k], "ms");
    snprintf(name, sizeof name, "web_%s_p50_min_ms", page[k]);
    figure(name, f.min_web_p50[k], "ms");
    snprintf(name, sizeof name, "web_%s_p50_max_ms", page[k]);
    figure(name, f.max_web_p50[k], "ms");
    snprintf(name, sizeof name, "web_%s_p99_ms", page[k]);
    figure(name, f.web_p99[k], "ms");
    snprintf(name, sizeof name, "web_%s_p99_min_ms", page[k]);
    figure(name, f.min_web_p99[k], "ms");
    snprintf(name, sizeof name, "web_%s_p99_max_ms", page[k]);
    figure(name, f.max_web_p99[k], "ms");
    snprintf(name, sizeof name, "web_%s_direct_p50_ms", page[k]);
    figure(name, f.direct_p50[k], "ms");
    snprintf(name, sizeof name, "web_%s_direct_p99_ms", page[k]);
    figure(name, f.direct_p99[k], "ms");
    snprintf(name, sizeof name, "web_%s_ratio", page[k]);
    figure(name, f.ratio[k], "x");
    snprintf(name, sizeof name, "web_%s_ratio_min", page[k]);
    figure(name, f.min_ratio[k], "x");
    snprintf(name, sizeof name, "web_%s_ratio_max", page[k]);
    figure(name, f.max_ratio[k], "x");
    snprintf(name, sizeof name, "web_%s_p99_ms", page[k]);
    target(name, f.web_p99[k], 0, 50.0);
  }
  total_errors += f.errors;
}

static void count(const char *name, uint64_t n, const char *unit)
{
  printf("%s %llu %s\n", name, (unsigned long long)n, unit);
  fflush(stdout);
}

static void run_events(const options *o, const char *dir)
{
  bench_events_result r;
  fprintf(stderr, "bench: events\n");
  if (bench_events_run(o->reflectd, dir, o->workers, o->tcp, o->warmup, o->seconds, &r)) broken = 1;
  total_errors += r.req_errors;
  if (r.seal_rps > 0) figure("seal_baseline_rps", r.seal_rps, "seals/s");
  if (r.ran) {
    figure("events_burst_eps", r.burst_eps, "events/s");
    figure("events_burst_ms", r.burst_ms, "ms");
    figure("events_burst_ratio", r.burst_eps / r.seal_rps, "x");
    figure("events_p50_ms", r.p50_ms, "ms");
    figure("events_p99_ms", r.p99_ms, "ms");
    figure("events_max_ms", r.max_ms, "ms");
    count("events_live", r.live, "events");
    count("events_caught_up", r.caught_up, "events");
    count("events_missing", r.missing, "events");
    count("events_duplicates", r.duplicates, "events");
    count("events_unmatched", r.unmatched, "events");
    count("events_undecodable", r.undecodable + r.dropped, "frames");
    count("events_other", r.other, "events");
    figure("events_read_idle_p99_ms", r.req_idle_p99_ms, "ms");
    figure("events_read_burst_p99_ms", r.req_burst_p99_ms, "ms");
    count("events_read_burst_requests", r.req_burst_n, "requests");
    if (r.req_idle_p99_ms > 0) figure("events_read_ratio", r.req_burst_p99_ms / r.req_idle_p99_ms, "x");
    figure("events_first_sent_ms", r.first_sent_ms, "ms");
    figure("events_seal_span_ms", r.seal_span_ms, "ms");
    if (r.server_cpu_ms >= 0) {
      figure("events_main_thread_cpu_ms", r.main_cpu_ms, "ms");
      figure("events_relay_cpu_ms", r.relay_cpu_ms, "ms");
      figure("events_server_cpu_ms", r.server_cpu_ms, "ms");
    }
    target("events_burst_ratio", r.burst_eps / r.seal_rps, 1, 0.5);
    target("events_p99_ms", r.p99_ms, 0, 5.0);
    if (r.req_idle_p99_ms > 0) target("events_read_ratio", r.req_burst_p99_ms / r.req_idle_p99_ms, 0, 2.0);
    /* Not targets: a lost, repeated or stray event is a bug. */
    if (r.missing || r.duplicates || r.unmatched || r.undecodable || r.dropped) {
      fprintf(stderr, "bench: events: %llu missing, %llu duplicated, %llu unmatched, %llu undecodable\n",
              (unsigned long long)r.missing, (unsigned long long)r.duplicates, (unsigned long long)r.unmatched,
              (unsigned long long)(r.undecodable + r.dropped));
      broken = 1;
    }
  }
  if (r.peak_rss_kib > 0) figure("events_peak_rss_mib", (double)r.peak_rss_kib / 1024.0, "MiB");
  if (r.exit_code != -1 || r.peak_rss_kib > 0) printf("events_reflectd_exit %d code\n", r.exit_code);
}

int main(int argc, char **argv)
{
  options o;
  if (parse(argc, argv, &o)) {
    fprintf(stderr, "usage: reflect_bench [--reflectd PATH] [--tmp DIR] [--seconds S] [--warmup S]\n"
                    "                     [--clients N] [--login-clients N] [--workers N]\n"
                    "                     [--only echo,sqlite,ping,read,write,login,events,overload,login_attack,web]\n"
                    "                     [--transport tcp|ipc] [--reflect-web PATH]\n");
    return 2;
  }
  atexit(bench_server_kill);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGHUP, on_signal);
  signal(SIGPIPE, SIG_IGN);

  /* ipc:// paths must fit a sockaddr_un (108 bytes) with room for the
   * names below, so the temporary directory's parent must be short. */
  char dir[128];
  if (strlen(o.tmp) > 64) {
    fprintf(stderr, "bench: --tmp %s is too long for ipc:// socket paths\n", o.tmp);
    return 2;
  }
  snprintf(dir, sizeof dir, "%s/reflect-bench-XXXXXX", o.tmp);
  if (!mkdtemp(dir)) {
    perror("bench: mkdtemp");
    return 1;
  }
  fprintf(stderr, "bench: transport %s, %.1f s per figure after %.1f s warm-up, %d clients, dir %s\n",
          o.tcp ? "tcp://127.0.0.1" : "ipc://", o.seconds, o.warmup, o.clients, dir);
  double echo_n = 0, sqlite_rps = 0;
  double busy0 = machine_busy_s(), own0 = own_cpu_s();
  int64_t t0 = bench_now_ns();
  run_baselines(&o, dir, &echo_n, &sqlite_rps);
  if (!broken && (o.phases & (PH_PING | PH_READ | PH_WRITE | PH_LOGIN | PH_OVERLOAD | PH_ATTACK | PH_WEB)))
    run_reflectd(&o, dir, echo_n, sqlite_rps);
  if (!broken && (o.phases & PH_EVENTS)) run_events(&o, dir);
  /* Everything here shares the machine's cores with whatever else runs:
   * say how much of the CPU others took, so a noisy run shows as one.
   * /proc/stat is tick-sampled and rusage is not, so this is good to a few
   * points only (a quiet machine reads 0, clamped). */
  double wall = (double)(bench_now_ns() - t0) / 1e9, busy1 = machine_busy_s();
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (busy0 >= 0 && busy1 >= 0 && cpus > 0 && wall > 0) {
    double other = (busy1 - busy0) - (own_cpu_s() - own0);
    figure("other_cpu_pct", other < 0 ? 0 : 100.0 * other / (wall * (double)cpus), "%");
  }
  printf("bench_errors %llu requests\n", (unsigned long long)total_errors);
  fflush(stdout);
  if (broken) {
    fprintf(stderr, "bench: something broke; files kept in %s\n", dir);
    return 1;
  }
  remove_tree(dir);
  return 0;
}
