/* Crash safety: a writer stores cases with distinctive names through the
 * real client library while the server is killed with SIGKILL at random
 * moments and restarted. Every write that was acknowledged must be there,
 * byte for byte, after every restart; then the database and the audit
 * chain verify. REFLECT_CRASH_ROUNDS raises the rounds (tests/faults). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "harness.h"
#include "wire.h"

#define DEFAULT_ROUNDS 50
#define MAX_ACKED 200000
/* Short, so the one call cut off by each kill costs little. */
#define CALL_TIMEOUT_MS 400

typedef struct {
  uint64_t id;
  char ref[32], name[96];
} acked;

typedef struct {
  harness_server *h;
  client *c;
  int round;
  atomic_int killed;
  acked *acks;
  int n_acks, round_first;
  long attempts;
} writer;

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes until the server is gone: an OK reply is an acknowledgement and
 * is remembered; anything else after the kill ends the round. */
static void *write_until_killed(void *arg)
{
  writer *w = arg;
  for (int k = 0; w->n_acks < MAX_ACKED; k++) {
    acked a = {0};
    snprintf(a.ref, sizeof a.ref, "CR-%d-%d", w->round, k);
    /* Distinctive, and different every time: a torn or stale page shows. */
    snprintf(a.name, sizeof a.name, "Crash child r%d w%d %08x%08x ü", w->round, k, (unsigned)random(),
             (unsigned)random());
    Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
    Reflect__V1__CaseAddRequest add = REFLECT__V1__CASE_ADD_REQUEST__INIT;
    add.reference = a.ref;
    add.name = a.name;
    add.risk = REFLECT__V1__RISK_LEVEL__RISK_LOW;
    add.allocated = "sam";
    req.op_case = REFLECT__V1__REQUEST__OP_CASE_ADD;
    req.case_add = &add;
    Reflect__V1__Reply *rep = NULL;
    w->attempts++;
    int rc = client_call(w->c, &req, &rep);
    if (rc == CLIENT_OK && rep->status->code == REFLECT__V1__CODE__OK) {
      a.id = rep->case_add->id;
      w->acks[w->n_acks++] = a;
    } else if (!atomic_load(&w->killed)) {
      cr_log_error("write refused before the kill: %s %s", client_strerror(rc),
                   rc == CLIENT_OK ? rep->status->message : "");
    }
    if (rep) wire_free_reply(rep);
    if (atomic_load(&w->killed) && rc != CLIENT_OK) break;
  }
  return NULL;
}

static void check_acked(client *c, const acked *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CaseShowRequest show = REFLECT__V1__CASE_SHOW_REQUEST__INIT;
  show.id = a->id;
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_SHOW;
  req.case_show = &show;
  Reflect__V1__Reply *rep = harness_call(c, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "acknowledged case %llu (%s) lost: %s",
               (unsigned long long)a->id, a->ref, rep->status->message);
  cr_assert_str_eq(rep->case_show->case_->reference, a->ref);
  cr_assert_str_eq(rep->case_show->case_->name, a->name, "case %llu changed", (unsigned long long)a->id);
  wire_free_reply(rep);
}

static void run_reflectd(const char *what, const char *sub, const char *data, const char *log)
{
  char cmd[1400];
  snprintf(cmd, sizeof cmd, "'%s' %s --data '%s' >>'%s' 2>&1", REFLECTD_PATH, sub, data, log);
  int st = system(cmd);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "reflectd %s failed (exit %d); see %s", what,
            WIFEXITED(st) ? WEXITSTATUS(st) : -1, log);
}

Test(crash, kill9_loses_no_acknowledged_write, .timeout = 900)
{
  int rounds = DEFAULT_ROUNDS;
  const char *env = getenv("REFLECT_CRASH_ROUNDS");
  if (env && atoi(env) > 0 && atoi(env) <= 100000) rounds = atoi(env);
  srandom((unsigned)time(NULL) ^ (unsigned)getpid());

  harness_server h;
  harness_start(&h);
  client *admin = harness_device(&h);
  harness_login(admin, "admin", HARNESS_ADMIN_PASSWORD);
  harness_add_user(admin, "sam", "Sam Supervisor", REFLECT__V1__ROLE__ROLE_SUPERVISOR);
  client_close(admin);
  char pub[41], sec[41];
  cr_assert_eq(zmq_curve_keypair(pub, sec), 0);
  writer w = {.h = &h};
  w.acks = calloc(MAX_ACKED, sizeof *w.acks);
  cr_assert_not_null(w.acks);
  /* The token is in the database: it outlives every restart. The login
   * (Argon2id, slow under sanitizers on a busy machine) gets a patient
   * connection of the same device; the writes, the short timeout. */
  client *patient = NULL;
  cr_assert_eq(client_open_keys(h.rpc, h.server_key, pub, sec, 20000, &patient), CLIENT_OK);
  Reflect__V1__Reply *rep = NULL;
  cr_assert_eq(client_login(patient, "sam", HARNESS_PASSWORD, &rep), CLIENT_OK);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "%s", rep->status->message);
  cr_assert_eq(client_open_keys(h.rpc, h.server_key, pub, sec, CALL_TIMEOUT_MS, &w.c), CLIENT_OK);
  client_set_token(w.c, rep->login->token.data, rep->login->token.len);
  wire_free_reply(rep);
  client_close(patient);

  double start_total = 0;
  long checked = 0;
  for (w.round = 0; w.round < rounds && w.n_acks < MAX_ACKED; w.round++) {
    atomic_store(&w.killed, 0);
    w.round_first = w.n_acks;
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, write_until_killed, &w), 0);
    long ms = 20 + random() % 281;
    struct timespec nap = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&nap, NULL);
    cr_assert_eq(kill(h.pid, SIGKILL), 0);
    int st;
    cr_assert_eq(waitpid(h.pid, &st, 0), h.pid);
    cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "reflectd died of something else: %d", st);
    h.pid = 0;
    atomic_store(&w.killed, 1);
    pthread_join(t, NULL);
    double t0 = now_s();
    harness_serve(&h);
    start_total += now_s() - t0;
    for (int i = w.round_first; i < w.n_acks; i++, checked++) check_acked(w.c, &w.acks[i]);
  }
  /* Each write was checked after the kill that followed it; after the last
   * restart, a spread of all of them again (every one under the long form),
   * so damage to older pages by later crashes would show too. */
  int stride = rounds > DEFAULT_ROUNDS ? 1 : 7;
  for (int i = 0; i < w.n_acks; i += stride, checked++) check_acked(w.c, &w.acks[i]);
  cr_log_info("crash: rounds=%d attempts=%ld acknowledged=%d checked=%ld mean_start_ms=%.0f", w.round, w.attempts,
              w.n_acks, checked, 1000.0 * start_total / w.round);
  fprintf(stderr, "crash: rounds=%d attempts=%ld acknowledged=%d checked=%ld mean_start_ms=%.0f\n", w.round, w.attempts,
          w.n_acks, checked, 1000.0 * start_total / w.round);
  cr_assert_geq(w.n_acks, rounds, "the writer should get some writes in every round");
  client_close(w.c);
  free(w.acks);
  cr_assert_eq(harness_stop(&h), 0);

  char log[400];
  snprintf(log, sizeof log, "%s/verify.log", h.dir);
  run_reflectd("verify", "verify", h.data, log);
  run_reflectd("audit verify", "audit verify", h.data, log);
  harness_cleanup(&h);
}
