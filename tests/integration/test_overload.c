/* Overload: one worker, a queue of 8, and 40 sockets of one logged-in
 * device firing case writes at once. Every request gets exactly one reply,
 * OK or UNAVAILABLE "busy"; a refused write was not stored; the server
 * serves normally afterwards and its stop line counts the refusals. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "harness.h"
#include "wire.h"

#define SOCKETS 40
#define MAX_SOCKETS 200
#define ROUNDS 3
#define MAX_ROUNDS 100
#define QUEUE 8
#define LISTED_MAX 500 /* CASE_LIST_MAX: a listing stops there */

/* tests/faults/run.sh raises these through the environment. */
static int sockets = SOCKETS, rounds = ROUNDS;

static int env_int(const char *name, int dflt, int max)
{
  const char *v = getenv(name);
  int n = v ? atoi(v) : 0;
  return n > 0 && n <= max ? n : dflt;
}

/* harness_serve always asks for 3 workers; this one needs exactly one. */
static void serve_one_worker(harness_server *h)
{
  pid_t parent = getpid();
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    char log[400];
    snprintf(log, sizeof log, "%s/reflectd.log", h->dir);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 2);
      close(fd);
    }
    execl(REFLECTD_PATH, REFLECTD_PATH, "serve", "--data", h->data, "--listen", h->rpc, "--publish", h->pub,
          "--workers", "1", (char *)NULL);
    _exit(127);
  }
  h->pid = pid;
  client *c = harness_device(h);
  for (int i = 0; i < 400; i++) {
    if (harness_whoami(c) == REFLECT__V1__CODE__UNAUTHENTICATED) break;
    cr_assert_lt(i, 399, "reflectd did not start");
  }
  client_close(c);
}

typedef struct {
  harness_server *h;
  const char *pub, *sec;
  const uint8_t *token;
  int index;
  pthread_barrier_t *go;
  atomic_int *ok, *busy, *other, *lost;
} shooter;

static void *shoot(void *arg)
{
  shooter *s = arg;
  client *c = NULL;
  if (client_open_keys(s->h->rpc, s->h->server_key, s->pub, s->sec, 20000, &c) != CLIENT_OK) {
    atomic_fetch_add(s->lost, rounds);
    for (int r = 0; r < rounds; r++) pthread_barrier_wait(s->go);
    return NULL;
  }
  client_set_token(c, s->token, 32);
  for (int round = 0; round < rounds; round++) {
    char ref[32], name[64];
    snprintf(ref, sizeof ref, "OV-%d-%d", round, s->index);
    snprintf(name, sizeof name, "Overload child %d of round %d", s->index, round);
    Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
    Reflect__V1__CaseAddRequest add = REFLECT__V1__CASE_ADD_REQUEST__INIT;
    add.reference = ref;
    add.name = name;
    add.risk = REFLECT__V1__RISK_LEVEL__RISK_MEDIUM;
    add.allocated = "sam";
    req.op_case = REFLECT__V1__REQUEST__OP_CASE_ADD;
    req.case_add = &add;
    pthread_barrier_wait(s->go);
    Reflect__V1__Reply *rep = NULL;
    if (client_call(c, &req, &rep) != CLIENT_OK || !rep || !rep->status) {
      atomic_fetch_add(s->lost, 1);
    } else if (rep->status->code == REFLECT__V1__CODE__OK) {
      atomic_fetch_add(s->ok, 1);
    } else if (rep->status->code == REFLECT__V1__CODE__UNAVAILABLE && strstr(rep->status->message, "busy")) {
      atomic_fetch_add(s->busy, 1);
    } else {
      fprintf(stderr, "unexpected reply: %s %s\n", wire_code_name(rep->status->code), rep->status->message);
      atomic_fetch_add(s->other, 1);
    }
    if (rep) wire_free_reply(rep);
  }
  client_close(c);
  return NULL;
}

static long long stopped_figure(const char *log, const char *key)
{
  FILE *f = fopen(log, "r");
  cr_assert_not_null(f);
  char line[1024];
  long long v = -1;
  while (fgets(line, sizeof line, f)) {
    char *at = strstr(line, "event=stopped");
    char *k = at ? strstr(at, key) : NULL;
    if (k) v = atoll(k + strlen(key));
  }
  fclose(f);
  return v;
}

Test(overload, bounded_queue_refuses_the_excess_and_loses_nothing, .timeout = 120)
{
  sockets = env_int("REFLECT_OVERLOAD_SOCKETS", SOCKETS, MAX_SOCKETS);
  rounds = env_int("REFLECT_OVERLOAD_ROUNDS", ROUNDS, MAX_ROUNDS);
  harness_server h;
  harness_init_only(&h);
  char cmd[800];
  snprintf(cmd, sizeof cmd, "sed -i 's/^queue = .*/queue = %d/' '%s/reflectd.conf'", QUEUE, h.data);
  cr_assert_eq(system(cmd), 0);
  serve_one_worker(&h);

  client *admin = harness_device(&h);
  harness_login(admin, "admin", HARNESS_ADMIN_PASSWORD);
  harness_add_user(admin, "sam", "Sam Supervisor", REFLECT__V1__ROLE__ROLE_SUPERVISOR);
  /* One device (one key pair, one token) behind many sockets: a token is
   * bound to the device's key, not to a connection. */
  char pub[41], sec[41];
  cr_assert_eq(zmq_curve_keypair(pub, sec), 0);
  client *sam = NULL;
  cr_assert_eq(client_open_keys(h.rpc, h.server_key, pub, sec, 10000, &sam), CLIENT_OK);
  Reflect__V1__Reply *rep = NULL;
  cr_assert_eq(client_login(sam, "sam", HARNESS_PASSWORD, &rep), CLIENT_OK);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK);
  uint8_t token[32];
  cr_assert_eq(rep->login->token.len, sizeof token);
  memcpy(token, rep->login->token.data, sizeof token);
  wire_free_reply(rep);

  atomic_int ok = 0, busy = 0, other = 0, lost = 0;
  pthread_barrier_t go;
  pthread_barrier_init(&go, NULL, (unsigned)sockets);
  shooter s[MAX_SOCKETS];
  pthread_t t[MAX_SOCKETS];
  for (int i = 0; i < sockets; i++) {
    s[i] = (shooter){&h, pub, sec, token, i, &go, &ok, &busy, &other, &lost};
    cr_assert_eq(pthread_create(&t[i], NULL, shoot, &s[i]), 0);
  }
  for (int i = 0; i < sockets; i++) pthread_join(t[i], NULL);
  pthread_barrier_destroy(&go);
  cr_log_info("overload: %d OK, %d busy, %d other, %d lost of %d", ok, busy, other, lost, sockets * rounds);
  cr_assert_eq(lost, 0, "every request gets a reply (%d lost)", lost);
  cr_assert_eq(other, 0);
  cr_assert_eq(ok + busy, sockets * rounds);
  cr_assert_geq(ok, 1);
  cr_assert_geq(busy, 1, "%d writes at once against 1 worker and a queue of 8 must overflow", sockets);

  /* Normal service again, and exactly the acknowledged writes are stored:
   * a refused request never reached a worker. */
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CaseListRequest list = REFLECT__V1__CASE_LIST_REQUEST__INIT;
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_LIST;
  req.case_list = &list;
  rep = harness_call(sam, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "%s", rep->status->message);
  cr_assert_eq((int)rep->case_list->n_cases, ok < LISTED_MAX ? ok : LISTED_MAX);
  wire_free_reply(rep);
  client_close(sam);
  client_close(admin);

  cr_assert_eq(harness_stop(&h), 0);
  char log[400];
  snprintf(log, sizeof log, "%s/reflectd.log", h.dir);
  cr_assert_eq(stopped_figure(log, "refused_busy="), busy, "the stop line counts every refusal");
  cr_assert_geq(stopped_figure(log, "queued_peak="), QUEUE);
  cr_assert(harness_file_contains(log, "event=busy"));
  harness_cleanup(&h);
}
