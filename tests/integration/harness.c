#define _GNU_SOURCE /* memmem */
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "wire.h"

static int run_with_stdin(const char *const argv[], const char *stdin_text, const char *config_env, harness_run *r)
{
  int in[2], out[2], err[2];
  if (pipe(in) || pipe(out) || pipe(err)) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    close(in[1]);
    close(out[0]);
    close(err[0]);
    if (config_env) setenv("REFLECT_CONFIG", config_env, 1);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (stdin_text) {
    ssize_t w = write(in[1], stdin_text, strlen(stdin_text));
    (void)w;
  }
  close(in[1]);
  size_t no = 0, ne = 0;
  int open_fds = 2;
  while (open_fds) {
    fd_set fds;
    FD_ZERO(&fds);
    if (out[0] >= 0) FD_SET(out[0], &fds);
    if (err[0] >= 0) FD_SET(err[0], &fds);
    int maxfd = out[0] > err[0] ? out[0] : err[0];
    if (select(maxfd + 1, &fds, NULL, NULL, NULL) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    int *fdp[2] = {&out[0], &err[0]};
    char *bufs[2] = {r->out, r->err};
    size_t caps[2] = {sizeof r->out - 1, sizeof r->err - 1};
    size_t *lens[2] = {&no, &ne};
    for (int i = 0; i < 2; i++) {
      if (*fdp[i] < 0 || !FD_ISSET(*fdp[i], &fds)) continue;
      char tmp[4096];
      ssize_t n = read(*fdp[i], tmp, sizeof tmp);
      if (n <= 0) {
        close(*fdp[i]);
        *fdp[i] = -1;
        open_fds--;
        continue;
      }
      size_t room = caps[i] - *lens[i];
      size_t take = (size_t)n < room ? (size_t)n : room;
      memcpy(bufs[i] + *lens[i], tmp, take);
      *lens[i] += take;
    }
  }
  r->out[no] = '\0';
  r->err[ne] = '\0';
  int st;
  waitpid(pid, &st, 0);
  r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return 0;
}

/* The server this process set up or connected to last: harness_add_user's
 * person logs in there on a device of its own (a test runs one server). */
static harness_server *serving;

void harness_init_only(harness_server *h)
{
  serving = h;
  memset(h, 0, sizeof *h);
  snprintf(h->dir, sizeof h->dir, "/tmp/reflect-test-XXXXXX");
  cr_assert_not_null(mkdtemp(h->dir));
  snprintf(h->data, sizeof h->data, "%s/data", h->dir);
  snprintf(h->rpc, sizeof h->rpc, "ipc://%s/rpc.sock", h->dir);
  snprintf(h->pub, sizeof h->pub, "ipc://%s/pub.sock", h->dir);
  const char *argv[] = {REFLECTD_PATH, "init", "--data", h->data, "--admin-password-stdin", NULL};
  harness_run *r = calloc(1, sizeof *r);
  run_with_stdin(argv, HARNESS_ADMIN_PASSWORD "\n", NULL, r);
  cr_assert_eq(r->status, 0, "reflectd init failed: %s", r->err);
  free(r);
  char path[400];
  snprintf(path, sizeof path, "%s/server.pub", h->data);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f);
  cr_assert_not_null(fgets(h->server_key, sizeof h->server_key, f));
  fclose(f);
}

void harness_serve(harness_server *h)
{
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    /* A test that dies (timeout, crash) must not leave its server running. */
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
          "--workers", "4", (char *)NULL);
    _exit(127);
  }
  h->pid = pid;
  /* Ready when a ping comes back. */
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
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    cr_assert_lt(ms, HARNESS_START_MS, "reflectd did not answer within %d ms", HARNESS_START_MS);
    int st;
    cr_assert_eq(waitpid(pid, &st, WNOHANG), 0, "reflectd exited during start-up");
  }
  client_close(c);
}

void harness_start(harness_server *h)
{
  harness_init_only(h);
  harness_serve(h);
}

/* The server's warnings and errors, so a test that failed because the
 * server stopped (a strict build aborts on a leftover statement) says why. */
static void print_server_errors(const harness_server *h)
{
  char path[400], line[1024];
  snprintf(path, sizeof path, "%s/reflectd.log", h->dir);
  FILE *f = fopen(path, "r");
  if (!f) return;
  while (fgets(line, sizeof line, f))
    if (strstr(line, "level=error") || strstr(line, "ERROR: AddressSanitizer") || strstr(line, "runtime error") ||
        strstr(line, "ThreadSanitizer"))
      fprintf(stderr, "reflectd: %s", line);
  fclose(f);
}

int harness_stop(harness_server *h)
{
  if (h->pid <= 0) return 0;
  kill(h->pid, SIGTERM);
  int st;
  waitpid(h->pid, &st, 0);
  h->pid = 0;
  int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  if (status) print_server_errors(h);
  return status;
}

void harness_cleanup(harness_server *h)
{
  if (h->pid > 0) harness_stop(h);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", h->dir);
  if (h->dir[0] && system(cmd) != 0) cr_log_warn("could not remove %s", h->dir);
}

client *harness_device(harness_server *h)
{
  serving = h;
  char pub[41], sec[41];
  cr_assert_eq(zmq_curve_keypair(pub, sec), 0);
  client *c = NULL;
  cr_assert_eq(client_open_keys(h->rpc, h->server_key, pub, sec, 5000, &c), CLIENT_OK);
  return c;
}

Reflect__V1__Reply *harness_call(client *c, Reflect__V1__Request *req)
{
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call(c, req, &rep);
  cr_assert_eq(rc, CLIENT_OK, "call failed: %s", client_strerror(rc));
  cr_assert_not_null(rep);
  cr_assert_not_null(rep->status);
  return rep;
}

Reflect__V1__Code harness_whoami(client *c)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__WhoAmIRequest who = REFLECT__V1__WHO_AM_IREQUEST__INIT;
  req.op_case = REFLECT__V1__REQUEST__OP_WHOAMI;
  req.whoami = &who;
  Reflect__V1__Reply *rep = harness_call(c, &req);
  Reflect__V1__Code code = rep->status->code;
  wire_free_reply(rep);
  return code;
}

void harness_login(client *c, const char *user, const char *password)
{
  Reflect__V1__Reply *rep = NULL;
  int rc = client_login(c, user, password, &rep);
  cr_assert_eq(rc, CLIENT_OK, "login transport failed: %s", client_strerror(rc));
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "login as %s: %s", user, rep->status->message);
  wire_free_reply(rep);
}

uint64_t harness_add_user(client *admin, const char *username, const char *name, Reflect__V1__Role role)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__UserAddRequest add = REFLECT__V1__USER_ADD_REQUEST__INIT;
  add.username = (char *)username;
  add.name = (char *)name;
  add.role = role;
  add.password = HARNESS_FIRST_PASSWORD;
  /* An inspector's account must expire; a day outlasts any test. */
  if (role == REFLECT__V1__ROLE__ROLE_INSPECTOR) add.expires_at = (int64_t)time(NULL) + 86400;
  req.op_case = REFLECT__V1__REQUEST__OP_USER_ADD;
  req.user_add = &add;
  Reflect__V1__Reply *rep = harness_call(admin, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "user add %s: %s", username, rep->status->message);
  cr_assert_eq(rep->result_case, REFLECT__V1__REPLY__RESULT_USER_ADD);
  uint64_t id = rep->user_add->id;
  wire_free_reply(rep);
  /* The person replaces the administrator's password before anything. */
  Reflect__V1__Request change_req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__PasswordChangeRequest change = REFLECT__V1__PASSWORD_CHANGE_REQUEST__INIT;
  change.current_password = HARNESS_FIRST_PASSWORD;
  change.new_password = HARNESS_PASSWORD;
  change_req.op_case = REFLECT__V1__REQUEST__OP_PASSWORD_CHANGE;
  change_req.password_change = &change;
  cr_assert_not_null(serving, "harness_add_user needs a started server");
  client *own = harness_device(serving);
  harness_login(own, username, HARNESS_FIRST_PASSWORD);
  rep = harness_call(own, &change_req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "password change %s: %s", username, rep->status->message);
  wire_free_reply(rep);
  client_close(own);
  return id;
}

client *harness_user(harness_server *h, const char *username)
{
  client *c = harness_device(h);
  harness_login(c, username, strcmp(username, "admin") ? HARNESS_PASSWORD : HARNESS_ADMIN_PASSWORD);
  return c;
}

void harness_cli(harness_server *h, const char *device, const char *stdin_text, harness_run *r, ...)
{
  const char *argv[64];
  int n = 0;
  argv[n++] = REFLECT_PATH;
  va_list ap;
  va_start(ap, r);
  const char *a;
  while ((a = va_arg(ap, const char *)) && n < 63) argv[n++] = a;
  va_end(ap);
  argv[n] = NULL;
  char config[400];
  snprintf(config, sizeof config, "%s/devices/%s/config", h->dir, device);
  memset(r, 0, sizeof *r);
  cr_assert_eq(run_with_stdin(argv, stdin_text, config, r), 0);
  int st;
  if (r->status == 3 && h->pid > 0 && waitpid(h->pid, &st, WNOHANG) == h->pid) {
    h->pid = 0;
    print_server_errors(h);
    cr_assert_fail("reflectd stopped (status %d) during `reflect %s`",
                   WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), argv[1]);
  }
}

int harness_file_contains(const char *path, const char *needle)
{
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t n = strlen(needle), cap = 1 << 20, len = 0;
  char *buf = malloc(cap);
  int found = 0;
  for (;;) {
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (len >= n && memmem(buf, len, needle, n)) {
      found = 1;
      break;
    }
    if (got == 0) break;
    /* keep the tail so a match across the boundary is still seen */
    if (len > n) {
      memmove(buf, buf + len - n, n);
      len = n;
    }
  }
  free(buf);
  fclose(f);
  return found;
}

void harness_cli_people(harness_server *h, harness_run *r, const char *const *names, const char *const *roles, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    harness_cli(h, names[i], NULL, r, "setup", "--server", h->rpc, "--events", h->pub, "--server-key", h->server_key,
                (const char *)NULL);
    cr_assert_eq(r->status, 0, "setup %s: %s", names[i], r->err);
  }
  harness_cli(h, "admin", HARNESS_ADMIN_PASSWORD "\n", r, "login", "admin", "--password-stdin", (const char *)NULL);
  cr_assert_eq(r->status, 0, "admin login: %s", r->err);
  for (size_t i = 1; i < n; i++) {
    /* An inspector's account must expire; a day outlasts any test. */
    int inspector = !strcmp(roles[i], "inspector");
    harness_cli(h, "admin", HARNESS_FIRST_PASSWORD "\n", r, "user", "add", names[i], "--name", names[i], "--role",
                roles[i], "--password-stdin", inspector ? "--expires" : (const char *)NULL, "1d", (const char *)NULL);
    cr_assert_eq(r->status, 0, "user add %s: %s", names[i], r->err);
    harness_cli_first_login(h, r, names[i], names[i]);
  }
}

void harness_cli_first_login(harness_server *h, harness_run *r, const char *device, const char *username)
{
  harness_cli(h, device, HARNESS_FIRST_PASSWORD "\n", r, "login", username, "--password-stdin", (const char *)NULL);
  cr_assert_eq(r->status, 0, "login %s: %s", username, r->err);
  harness_cli(h, device, HARNESS_FIRST_PASSWORD "\n" HARNESS_PASSWORD "\n", r, "password", "--password-stdin",
              (const char *)NULL);
  cr_assert_eq(r->status, 0, "%s choosing a password: %s", username, r->err);
}

void harness_write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f, "%s", path);
  cr_assert_eq(fputs(text, f) >= 0, 1, "%s", path);
  fclose(f);
}

/* The local date `days` from now. */
static struct tm local_day(int days)
{
  time_t t = time(NULL) + (time_t)days * 86400;
  struct tm tm;
  localtime_r(&t, &tm);
  return tm;
}

const char *harness_day_at(char *buf, int days, int hour)
{
  struct tm tm = local_day(days);
  tm.tm_hour = hour;
  strftime(buf, HARNESS_DAY_AT_SIZE, "%Y-%m-%d %H:00", &tm);
  return buf;
}

const char *harness_date_in(char *buf, int days)
{
  struct tm tm = local_day(days);
  strftime(buf, HARNESS_DATE_SIZE, "%Y-%m-%d", &tm);
  return buf;
}

long harness_id(const harness_run *r)
{
  long id = strtol(r->out, NULL, 10);
  cr_assert_gt(id, 0, "expected an id: %s %s", r->out, r->err);
  return id;
}
