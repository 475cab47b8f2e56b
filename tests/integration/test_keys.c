/* The running server's keys: a sealed start and `reflectd unseal`, a
 * passphrase file, master-key rotation under load (and its crash
 * recovery), blind indexes across rotations, and the control socket's
 * peer check. Timings are printed for the issue note. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "harness_ops.h"
#include "wire.h"

#define PASSPHRASE "correct horse battery staple"

static long ms_since(const struct timespec *t0)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Runs `reflectd ARGS...` to completion with stdin_text on stdin. */
static void reflectd(harness_run *r, const char *stdin_text, ...)
{
  const char *argv[24] = {REFLECTD_PATH};
  va_list ap;
  va_start(ap, stdin_text);
  size_t n = 1;
  for (const char *a; (a = va_arg(ap, const char *)) && n < 23;) argv[n++] = a;
  va_end(ap);
  argv[n] = NULL;
  int in[2], out[2], err[2];
  cr_assert_eq(pipe(in) | pipe(out) | pipe(err), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    close(in[1]);
    close(out[0]);
    close(err[0]);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (stdin_text) cr_assert_eq(write(in[1], stdin_text, strlen(stdin_text)), (ssize_t)strlen(stdin_text));
  close(in[1]);
  /* Replies are short: read stdout, then stderr, without deadlock risk. */
  ssize_t k, no = 0, ne = 0;
  while ((k = read(out[0], r->out + no, sizeof r->out - 1 - (size_t)no)) > 0) no += k;
  while ((k = read(err[0], r->err + ne, sizeof r->err - 1 - (size_t)ne)) > 0) ne += k;
  r->out[no] = r->err[ne] = '\0';
  close(out[0]);
  close(err[0]);
  int st;
  waitpid(pid, &st, 0);
  r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* harness_init_only with a passphrase-sealed master key. */
static void init_sealed(harness_server *h)
{
  memset(h, 0, sizeof *h);
  snprintf(h->dir, sizeof h->dir, "/tmp/reflect-test-XXXXXX");
  cr_assert_not_null(mkdtemp(h->dir));
  snprintf(h->data, sizeof h->data, "%s/data", h->dir);
  snprintf(h->rpc, sizeof h->rpc, "ipc://%s/rpc.sock", h->dir);
  snprintf(h->pub, sizeof h->pub, "ipc://%s/pub.sock", h->dir);
  harness_run r;
  reflectd(&r, PASSPHRASE "\n" HARNESS_ADMIN_PASSWORD "\n", "init", "--data", h->data, "--passphrase-stdin",
           "--admin-password-stdin", NULL);
  cr_assert_eq(r.status, 0, "init: %s", r.err);
  char path[400];
  snprintf(path, sizeof path, "%s/server.pub", h->data);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f);
  cr_assert_not_null(fgets(h->server_key, sizeof h->server_key, f));
  fclose(f);
}

/* harness_serve with extra arguments (NULL-terminated) and stdin text. */
static void serve_with(harness_server *h, const char *stdin_text, const char *const *extra)
{
  const char *argv[24] = {REFLECTD_PATH, "serve",     "--data", h->data,     "--listen",
                          h->rpc,        "--publish", h->pub,   "--workers", "3"};
  size_t n = 10;
  for (size_t i = 0; extra && extra[i] && n < 23; i++) argv[n++] = extra[i];
  argv[n] = NULL;
  int in[2];
  cr_assert_eq(pipe(in), 0);
  pid_t parent = getpid(), pid = fork();
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
    dup2(in[0], 0);
    close(in[1]);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  close(in[0]);
  if (stdin_text) cr_assert_eq(write(in[1], stdin_text, strlen(stdin_text)), (ssize_t)strlen(stdin_text));
  close(in[1]);
  h->pid = pid;
  client *c = harness_device(h);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
    Reflect__V1__PingRequest ping = REFLECT__V1__PING_REQUEST__INIT;
    req.op_case = REFLECT__V1__REQUEST__OP_PING;
    req.ping = &ping;
    Reflect__V1__Reply *rep = NULL;
    if (client_call(c, &req, &rep) == CLIENT_OK) {
      wire_free_reply(rep);
      break;
    }
    cr_assert_lt(ms_since(&t0), HARNESS_START_MS, "reflectd did not answer");
    int st;
    cr_assert_eq(waitpid(pid, &st, WNOHANG), 0, "reflectd exited during start-up (see %s/reflectd.log)", h->dir);
  }
  client_close(c);
}

static int log_has(const harness_server *h, const char *needle)
{
  char path[400];
  snprintf(path, sizeof path, "%s/reflectd.log", h->dir);
  return harness_file_contains(path, needle);
}

static Reflect__V1__Reply *whoami(client *c)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__WhoAmIRequest who = REFLECT__V1__WHO_AM_IREQUEST__INIT;
  req.op_case = REFLECT__V1__REQUEST__OP_WHOAMI;
  req.whoami = &who;
  return harness_call(c, &req);
}

Test(keys, sealed_start_then_unseal, .timeout = 120)
{
  harness_server h;
  harness_run r;
  init_sealed(&h);
  const char *sealed[] = {"--sealed", NULL};
  serve_with(&h, NULL, sealed);

  client *c = harness_device(&h);
  Reflect__V1__Reply *rep = whoami(c);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__UNAVAILABLE);
  cr_assert(strstr(rep->status->message, "sealed"), "message: %s", rep->status->message);
  wire_free_reply(rep);

  reflectd(&r, NULL, "status", "--data", h.data, NULL);
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert(strstr(r.out, "sealed:      yes"), "%s", r.out);
  reflectd(&r, NULL, "status", "--data", h.data, "--json", NULL);
  cr_assert(strstr(r.out, "\"sealed\":\"yes\""), "%s", r.out);

  reflectd(&r, "not the passphrase\n", "unseal", "--data", h.data, "--passphrase-stdin", NULL);
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "wrong passphrase"), "%s", r.err);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  reflectd(&r, PASSPHRASE "\n", "unseal", "--data", h.data, "--passphrase-stdin", NULL);
  long unseal_ms = ms_since(&t0);
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_log_info("figure: unseal took %ld ms: %s", unseal_ms, r.out);

  harness_login(c, "admin", HARNESS_ADMIN_PASSWORD);
  rep = whoami(c);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "%s", rep->status->message);
  wire_free_reply(rep);
  client_close(c);
  reflectd(&r, PASSPHRASE "\n", "unseal", "--data", h.data, "--passphrase-stdin", NULL);
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "already unsealed"), "%s", r.err);
  reflectd(&r, NULL, "status", "--data", h.data, NULL);
  cr_assert(strstr(r.out, "sealed:      no"), "%s", r.out);
  cr_assert(log_has(&h, "event=audit_chained"));
  cr_assert_eq(harness_stop(&h), 0);

  reflectd(&r, NULL, "status", "--data", h.data, NULL);
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "no server is running"), "%s", r.err);
  harness_cleanup(&h);

  /* A key-file directory has nothing to unseal. */
  harness_init_only(&h);
  reflectd(&r, NULL, "serve", "--data", h.data, "--listen", h.rpc, "--publish", h.pub, "--sealed", NULL);
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "key file"), "%s", r.err);
  harness_cleanup(&h);
}

Test(keys, passphrase_file, .timeout = 120)
{
  harness_server h;
  harness_run r;
  init_sealed(&h);
  char file[600], creds[400];
  snprintf(file, sizeof file, "%s/passphrase", h.dir);
  harness_write_file(file, PASSPHRASE "\n");
  cr_assert_eq(chmod(file, 0600), 0);
  const char *with_file[] = {"--passphrase-file", file, NULL};
  serve_with(&h, NULL, with_file);
  client *c = harness_device(&h);
  harness_login(c, "admin", HARNESS_ADMIN_PASSWORD);
  client_close(c);
  cr_assert_eq(harness_stop(&h), 0);

  cr_assert_eq(chmod(file, 0644), 0);
  reflectd(&r, NULL, "serve", "--data", h.data, "--listen", h.rpc, "--publish", h.pub, "--passphrase-file", file, NULL);
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "readable by group or others"), "%s", r.err);

  /* systemd's LoadCredential directory is private whatever the mode. */
  snprintf(creds, sizeof creds, "%s/creds", h.dir);
  cr_assert_eq(mkdir(creds, 0700), 0);
  snprintf(file, sizeof file, "%s/passphrase", creds);
  harness_write_file(file, PASSPHRASE "\n");
  cr_assert_eq(chmod(file, 0644), 0);
  setenv("CREDENTIALS_DIRECTORY", creds, 1);
  serve_with(&h, NULL, with_file);
  unsetenv("CREDENTIALS_DIRECTORY");
  c = harness_device(&h);
  harness_login(c, "admin", HARNESS_ADMIN_PASSWORD);
  client_close(c);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* ---- rotation ---- */

static uint64_t add_case(client *c, const char *ref, const char *name, Reflect__V1__Code *code)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CaseAddRequest in = REFLECT__V1__CASE_ADD_REQUEST__INIT;
  in.reference = (char *)ref;
  in.name = (char *)name;
  in.risk = REFLECT__V1__RISK_LEVEL__RISK_MEDIUM;
  in.allocated = "pat";
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_ADD;
  req.case_add = &in;
  Reflect__V1__Reply *rep = NULL;
  if (client_call(c, &req, &rep) != CLIENT_OK) {
    *code = REFLECT__V1__CODE__UNKNOWN;
    return 0;
  }
  *code = rep->status->code;
  if (*code != REFLECT__V1__CODE__OK) cr_log_warn("case add %s: %d %s", ref, *code, rep->status->message);
  uint64_t id = *code == REFLECT__V1__CODE__OK && rep->case_add ? rep->case_add->id : 0;
  wire_free_reply(rep);
  return id;
}

/* Looks a case up by reference (the blind index) and checks its name. */
static void expect_case(client *c, const char *ref, const char *name, uint64_t id)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CaseShowRequest in = REFLECT__V1__CASE_SHOW_REQUEST__INIT;
  in.reference = (char *)ref;
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_SHOW;
  req.case_show = &in;
  Reflect__V1__Reply *rep = harness_call(c, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "case %s: %s", ref, rep->status->message);
  cr_assert_eq(rep->case_show->case_->id, id);
  cr_assert_str_eq(rep->case_show->case_->name, name);
  cr_assert_str_eq(rep->case_show->case_->reference, ref);
  wire_free_reply(rep);
}

#define MAX_WRITES 4000
typedef struct {
  client *c;
  atomic_int stop;
  int n, failures;
  long max_ms;
  uint64_t id[MAX_WRITES];
} writer;

static void *write_loop(void *arg)
{
  writer *w = arg;
  while (!atomic_load(&w->stop) && w->n < MAX_WRITES) {
    char ref[32], name[64];
    snprintf(ref, sizeof ref, "LOAD-%05d", w->n);
    snprintf(name, sizeof name, "Load Child %d Rotation", w->n);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    Reflect__V1__Code code;
    uint64_t id = add_case(w->c, ref, name, &code);
    long ms = ms_since(&t0);
    if (ms > w->max_ms) w->max_ms = ms;
    if (code != REFLECT__V1__CODE__OK) {
      w->failures++;
      continue;
    }
    w->id[w->n++] = id;
  }
  return NULL;
}

static void setup_people(harness_server *h, client **admin, client **pat)
{
  *admin = harness_device(h);
  harness_login(*admin, "admin", HARNESS_ADMIN_PASSWORD);
  harness_add_user(*admin, "pat", "Pat Supervisor", REFLECT__V1__ROLE__ROLE_SUPERVISOR);
  *pat = harness_user(h, "pat");
}

static void read_key(const char *path, uint8_t out[32])
{
  int fd = open(path, O_RDONLY);
  cr_assert_geq(fd, 0, "%s", path);
  cr_assert_eq(read(fd, out, 32), 32);
  close(fd);
}

static void write_key(const char *path, const uint8_t key[32])
{
  unlink(path);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  cr_assert_geq(fd, 0);
  cr_assert_eq(write(fd, key, 32), 32);
  close(fd);
}

Test(keys, rotation_under_load, .timeout = 300)
{
  harness_server h;
  harness_run r;
  harness_start(&h);
  client *admin, *pat;
  setup_people(&h, &admin, &pat);
  char key[400], retired[400];
  uint8_t original[32], now[32];
  snprintf(key, sizeof key, "%s/master.key", h.data);
  snprintf(retired, sizeof retired, "%s/retired-keys", h.data);
  read_key(key, original);
  Reflect__V1__Code code;
  uint64_t first = add_case(pat, "REF-FIRST", "First Child Name", &code);
  cr_assert_eq(code, REFLECT__V1__CODE__OK);

  writer *w = calloc(1, sizeof *w);
  w->c = pat;
  pthread_t t;
  pthread_create(&t, NULL, write_loop, w);
  long rotate_ms[3];
  for (int i = 0; i < 3; i++) {
    usleep(400 * 1000);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    reflectd(&r, NULL, "rotate-master-key", "--data", h.data, NULL);
    rotate_ms[i] = ms_since(&t0);
    cr_assert_eq(r.status, 0, "rotate %d: %s", i, r.err);
    cr_assert(strstr(r.out, "offline with the backups made before now"), "%s", r.out);
    cr_log_info("figure: rotation %d: %ld ms wall: %s", i, rotate_ms[i], r.out);
  }
  usleep(300 * 1000);
  atomic_store(&w->stop, 1);
  pthread_join(t, NULL);
  cr_log_info("figure: %d writes acknowledged during 3 rotations, %d failed, longest request %ld ms", w->n, w->failures,
              w->max_ms);
  cr_assert_eq(w->failures, 0, "no request may fail during a rotation");
  cr_assert_gt(w->n, 10, "the load must have run");
  for (int i = 0; i < w->n; i++) {
    char ref[32], name[64];
    snprintf(ref, sizeof ref, "LOAD-%05d", i);
    snprintf(name, sizeof name, "Load Child %d Rotation", i);
    expect_case(pat, ref, name, w->id[i]);
  }
  expect_case(pat, "REF-FIRST", "First Child Name", first);
  reflectd(&r, NULL, "status", "--data", h.data, NULL);
  cr_assert(strstr(r.out, "sealed:      no"), "%s", r.out);
  client_close(admin);
  client_close(pat);
  cr_assert_eq(harness_stop(&h), 0);

  read_key(key, now);
  cr_assert_neq(memcmp(original, now, 32), 0, "master.key must have changed");
  int retired_keys = 0, holds_original = 0;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "ls %s", retired);
  FILE *ls = popen(cmd, "r");
  char name[256];
  while (fgets(name, sizeof name, ls)) {
    name[strcspn(name, "\n")] = '\0';
    char p[700];
    snprintf(p, sizeof p, "%s/%s", retired, name);
    struct stat st;
    cr_assert_eq(stat(p, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "%s is %o", p, st.st_mode & 0777);
    uint8_t k[32];
    read_key(p, k);
    holds_original |= memcmp(k, original, 32) == 0;
    retired_keys++;
  }
  pclose(ls);
  cr_assert_eq(retired_keys, 3);
  cr_assert(holds_original, "the original key must be among the retired ones");

  /* The new key opens it after a restart, blind indexes included. */
  harness_serve(&h);
  pat = harness_user(&h, "pat");
  expect_case(pat, "REF-FIRST", "First Child Name", first);
  expect_case(pat, "LOAD-00000", "Load Child 0 Rotation", w->id[0]);
  client_close(pat);
  cr_assert_eq(harness_stop(&h), 0);

  /* The original key no longer opens the database. */
  write_key(key, original);
  reflectd(&r, NULL, "serve", "--data", h.data, "--listen", h.rpc, "--publish", h.pub, NULL);
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "wrong master key"), "%s", r.err);
  write_key(key, now);
  free(w);
  harness_cleanup(&h);
}

Test(keys, interrupted_rotation_recovers, .timeout = 120)
{
  harness_server h;
  harness_run r;
  harness_start(&h);
  client *admin, *pat;
  setup_people(&h, &admin, &pat);
  Reflect__V1__Code code;
  uint64_t id = add_case(pat, "REF-CRASH", "Crash Child Name", &code);
  cr_assert_eq(code, REFLECT__V1__CODE__OK);
  client_close(admin);
  client_close(pat);
  cr_assert_eq(harness_stop(&h), 0);
  char key[400], fresh[400];
  uint8_t original[32], k[32];
  snprintf(key, sizeof key, "%s/master.key", h.data);
  snprintf(fresh, sizeof fresh, "%s/master.key.new", h.data);
  read_key(key, original);

  /* A crash after the commit, before the files moved. */
  setenv("REFLECT_ROTATE_CRASH_AFTER_COMMIT", "1", 1);
  reflectd(&r, NULL, "rotate-master-key", "--data", h.data, NULL);
  unsetenv("REFLECT_ROTATE_CRASH_AFTER_COMMIT");
  cr_assert_eq(r.status, 1);
  read_key(key, k);
  cr_assert_eq(memcmp(k, original, 32), 0, "the crash left master.key as it was");
  cr_assert_eq(access(fresh, F_OK), 0, "and the new key beside it");
  harness_serve(&h);
  cr_assert(log_has(&h, "event=rotation_completed"));
  cr_assert_neq(access(fresh, F_OK), 0);
  read_key(key, k);
  cr_assert_neq(memcmp(k, original, 32), 0);
  pat = harness_user(&h, "pat");
  expect_case(pat, "REF-CRASH", "Crash Child Name", id);
  client_close(pat);
  cr_assert_eq(harness_stop(&h), 0);

  /* A new key the database never adopted (a crash before the commit). */
  uint8_t current[32], junk[32];
  read_key(key, current);
  for (int i = 0; i < 32; i++) junk[i] = (uint8_t)(i * 7 + 1);
  write_key(fresh, junk);
  harness_serve(&h);
  cr_assert(log_has(&h, "event=rotation_abandoned"));
  cr_assert_neq(access(fresh, F_OK), 0);
  read_key(key, k);
  cr_assert_eq(memcmp(k, current, 32), 0, "the working key stays");
  pat = harness_user(&h, "pat");
  expect_case(pat, "REF-CRASH", "Crash Child Name", id);
  client_close(pat);
  cr_assert_eq(harness_stop(&h), 0);

  /* An offline rotation of the stopped directory, then a restart. */
  reflectd(&r, NULL, "rotate-master-key", "--data", h.data, NULL);
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert(strstr(r.out, "retired-keys/master-"), "%s", r.out);
  harness_serve(&h);
  pat = harness_user(&h, "pat");
  expect_case(pat, "REF-CRASH", "Crash Child Name", id);
  client_close(pat);
  /* While it serves, an offline rotation is refused, not run under it. */
  reflectd(&r, NULL, "rotate-master-key", "--data", h.data, "--control", "/nonexistent/reflectd.sock", NULL);
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "a server is running"), "%s", r.err);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

Test(keys, passphrase_rotation_online_and_offline, .timeout = 180)
{
  harness_server h;
  harness_run r;
  init_sealed(&h);
  const char *pass[] = {"--passphrase-stdin", NULL};
  serve_with(&h, PASSPHRASE "\n", pass);
  client *admin, *pat;
  setup_people(&h, &admin, &pat);
  Reflect__V1__Code code;
  uint64_t id = add_case(pat, "REF-PASS", "Passphrase Child", &code);
  cr_assert_eq(code, REFLECT__V1__CODE__OK);
  client_close(admin);
  client_close(pat);
  reflectd(&r, "short\n", "rotate-master-key", "--data", h.data, "--new-passphrase-stdin", NULL);
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "too short"), "%s", r.err);
  reflectd(&r, "a second long passphrase\n", "rotate-master-key", "--data", h.data, "--new-passphrase-stdin", NULL);
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_eq(harness_stop(&h), 0);

  reflectd(&r, PASSPHRASE "\n", "serve", "--data", h.data, "--listen", h.rpc, "--publish", h.pub, "--passphrase-stdin",
           NULL);
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "wrong master key"), "%s", r.err);
  /* Offline: the current passphrase, then the new one. */
  reflectd(&r, "a second long passphrase\na third long passphrase\n", "rotate-master-key", "--data", h.data,
           "--passphrase-stdin", "--new-passphrase-stdin", NULL);
  cr_assert_eq(r.status, 0, "%s", r.err);
  serve_with(&h, "a third long passphrase\n", pass);
  pat = harness_user(&h, "pat");
  expect_case(pat, "REF-PASS", "Passphrase Child", id);
  client_close(pat);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* ---- the control socket ---- */

static void raw_request(const char *path, const char *text, char *reply, size_t size, int *connect_errno)
{
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  reply[0] = '\0';
  *connect_errno = 0;
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    *connect_errno = errno;
    close(fd);
    return;
  }
  if (text) {
    /* The server may answer and close before reading (a refused peer). */
    ssize_t wr = send(fd, text, strlen(text), MSG_NOSIGNAL);
    (void)wr;
    shutdown(fd, SHUT_WR);
  }
  size_t got = 0;
  ssize_t n;
  while (got + 1 < size && (n = read(fd, reply + got, size - 1 - got)) > 0) got += (size_t)n;
  reply[got] = '\0';
  close(fd);
}

Test(keys, control_socket_refuses_others_and_bad_input, .timeout = 120)
{
  harness_server h;
  harness_start(&h);
  char sock[400], reply[4096];
  int e;
  snprintf(sock, sizeof sock, "%s/data/reflectd.sock", h.dir);
  struct stat st;
  cr_assert_eq(stat(sock, &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0600);

  raw_request(sock, "status\n", reply, sizeof reply, &e);
  cr_assert(strstr(reply, "ok\n") == reply && strstr(reply, "sealed=no"), "%s", reply);
  raw_request(sock, "launch-missiles\n", reply, sizeof reply, &e);
  cr_assert(strstr(reply, "error: unknown command"), "%s", reply);
  raw_request(sock, "status", reply, sizeof reply, &e);
  cr_assert(strstr(reply, "error:"), "no newline: %s", reply);
  raw_request(sock, "rotate\nextra\n", reply, sizeof reply, &e);
  cr_assert(strstr(reply, "error: this directory uses a key file"), "%s", reply);
  raw_request(sock, "backup\nrelative/path\n\n", reply, sizeof reply, &e);
  cr_assert(strstr(reply, "absolute"), "%s", reply);
  char *big = malloc(20000);
  memset(big, 'x', 19999);
  big[19999] = '\0';
  raw_request(sock, big, reply, sizeof reply, &e);
  cr_assert(strstr(reply, "error:"), "oversize: %s", reply);
  free(big);

  /* A client that sends nothing is dropped and does not wedge the thread. */
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  raw_request(sock, NULL, reply, sizeof reply, &e);
  cr_assert_lt(ms_since(&t0), 8000);
  raw_request(sock, "status\n", reply, sizeof reply, &e);
  cr_assert(strstr(reply, "ok\n") == reply, "%s", reply);

  if (geteuid() != 0) {
    cr_log_warn("not root: cannot switch to another uid to test the peer check; skipped that part");
  } else {
    struct passwd *nobody = getpwnam("nobody");
    cr_assert_not_null(nobody);
    /* The socket's mode keeps others out; open it up to reach the
     * second line of defence, the SO_PEERCRED check. */
    cr_assert_eq(chmod(h.dir, 0711), 0);
    cr_assert_eq(chmod(h.data, 0711), 0);
    for (int open_mode = 0; open_mode < 2; open_mode++) {
      if (open_mode) cr_assert_eq(chmod(sock, 0666), 0);
      int p[2];
      cr_assert_eq(pipe(p), 0);
      pid_t pid = fork();
      if (pid == 0) {
        close(p[0]);
        if (setgid(nobody->pw_gid) || setuid(nobody->pw_uid)) _exit(3);
        char out[512];
        int ce;
        raw_request(sock, "status\n", out, sizeof out, &ce);
        char line[600];
        int n = snprintf(line, sizeof line, "%d|%s", ce, out);
        ssize_t wr = write(p[1], line, (size_t)n);
        (void)wr;
        _exit(0);
      }
      close(p[1]);
      char got[600] = "";
      ssize_t n = read(p[0], got, sizeof got - 1);
      got[n > 0 ? n : 0] = '\0';
      close(p[0]);
      int ws;
      waitpid(pid, &ws, 0);
      cr_assert_eq(WEXITSTATUS(ws), 0);
      if (!open_mode) cr_assert(strncmp(got, "13|", 3) == 0, "0600 socket must refuse others (EACCES): %s", got);
      else cr_assert(strstr(got, "0|error: only root or the server's own user"), "peer check: %s", got);
    }
    cr_assert(log_has(&h, "event=control_refused uid="));
    chmod(h.data, 0700);
  }
  cr_assert_eq(harness_stop(&h), 0);
  cr_assert_neq(access(sock, F_OK), 0, "the socket file is removed at stop");
  harness_cleanup(&h);
}
