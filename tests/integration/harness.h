/*
 * harness — a real reflectd for a test: `reflectd init` on a fresh
 * temporary directory, `reflectd serve` on ipc:// endpoints inside it, and
 * helpers to drive it through libreflect (in-memory devices) or through the
 * `reflect` CLI (one config path per device).
 *
 * Contract: harness_start fails the test (Criterion assertion) if the
 * server does not answer a ping within HARNESS_START_MS. harness_stop sends
 * SIGTERM and returns the server's exit status, which tests assert is 0:
 * under ASan a leak makes it non-zero. harness_cleanup removes the
 * directory. Replies returned by harness_call are freed with
 * wire_free_reply by the caller.
 */
#ifndef REFLECT_HARNESS_H
#define REFLECT_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

#include "reflect/client.h"
#include "reflect.pb-c.h"

#define HARNESS_START_MS 20000
#define HARNESS_ADMIN_PASSWORD "admin-password-for-tests"
#define HARNESS_PASSWORD "a-long-enough-password"
/* What the administrator sets for a new account: it allows nothing but
 * choosing one's own, which the helpers below do at once, so
 * people end up with HARNESS_PASSWORD. */
#define HARNESS_FIRST_PASSWORD "first-password-from-the-admin"

typedef struct {
  char dir[256];
  char data[320];
  char rpc[340], pub[340];
  char server_key[41];
  pid_t pid;
} harness_server;

typedef struct {
  int status; /* exit code, or 128+signal */
  char out[65536];
  char err[16384];
} harness_run;

void harness_init_only(harness_server *h);
void harness_serve(harness_server *h);
void harness_start(harness_server *h);
int harness_stop(harness_server *h);
void harness_cleanup(harness_server *h);

/* A new device (fresh CURVE key pair, in memory) connected to h. */
client *harness_device(harness_server *h);
/* Sends req and returns the reply; asserts the transport worked. */
Reflect__V1__Reply *harness_call(client *c, Reflect__V1__Request *req);
/* Sends a WhoAmI request and returns the reply's status code. */
Reflect__V1__Code harness_whoami(client *c);
/* Logs in and asserts OK. */
void harness_login(client *c, const char *user, const char *password);
/* Logged-in admin adds a user (with HARNESS_FIRST_PASSWORD, which the
 * user then replaces with HARNESS_PASSWORD on a device of its own, on the
 * server this process last set up or connected to); returns its id. */
uint64_t harness_add_user(client *admin, const char *username, const char *name, Reflect__V1__Role role);
/* A fresh device logged in as username (password HARNESS_PASSWORD unless admin). */
client *harness_user(harness_server *h, const char *username);

/* Runs the reflect CLI as device `device` (a config dir under h->dir),
 * feeding stdin_text if non-NULL. Arguments end with NULL. */
void harness_cli(harness_server *h, const char *device, const char *stdin_text, harness_run *r, ...);

/* As device `device`, username logs in with HARNESS_FIRST_PASSWORD (the
 * one an administrator set) and chooses HARNESS_PASSWORD. */
void harness_cli_first_login(harness_server *h, harness_run *r, const char *device, const char *username);

/* CLI tests: with a harness_server `h` and a harness_run `r` in scope,
 * CLI runs `reflect` as device `dev`; CLI_OK also asserts exit 0; and
 * CLI_REFUSED asserts exit 1 with `needle` in stderr. */
#define CLI(dev, in, ...) harness_cli(&h, dev, in, &r, __VA_ARGS__, (const char *)NULL)
#define CLI_OK(dev, in, ...)                                                                                         \
  do {                                                                                                               \
    CLI(dev, in, __VA_ARGS__);                                                                                       \
    cr_assert_eq(r.status, 0, "reflect %s exited %d\nstdout: %s\nstderr: %s", #__VA_ARGS__, r.status, r.out, r.err); \
  } while (0)
#define CLI_REFUSED(dev, needle, ...)                                                                   \
  do {                                                                                                  \
    CLI(dev, NULL, __VA_ARGS__);                                                                        \
    cr_assert_eq(r.status, 1, "expected a refusal from %s, got %d: %s", #__VA_ARGS__, r.status, r.err); \
    cr_assert(strstr(r.err, needle), "expected '%s' in: %s", needle, r.err);                            \
  } while (0)

/* For each of n people: a CLI device named after them, an account with
 * role roles[i] (added by the administrator, who is logged in on device
 * "admin" first), and a login on their device. names[0] must be "admin"
 * (roles[0] is ignored). An inspector's account expires in a day. */
void harness_cli_people(harness_server *h, harness_run *r, const char *const *names, const char *const *roles,
                        size_t n);

/* 1 if needle occurs in the file (binary-safe). */
int harness_file_contains(const char *path, const char *needle);

/* Writes text to path (created or truncated); asserts it was written. */
void harness_write_file(const char *path, const char *text);

/* Small helpers shared by the CLI tests. Dates are local time (the test's
 * TZ, which the tests leave as the organisation's zone), counted in whole
 * days of 86400 s from now. Each returns buf. */
#define HARNESS_DAY_AT_SIZE 17 /* "YYYY-MM-DD HH:00" and its NUL */
#define HARNESS_DATE_SIZE 11   /* "YYYY-MM-DD" and its NUL */
/* "YYYY-MM-DD HH:00": `hour` o'clock, `days` from today. buf holds at
 * least HARNESS_DAY_AT_SIZE bytes. */
const char *harness_day_at(char *buf, int days, int hour);
/* "YYYY-MM-DD", `days` from today. buf holds at least HARNESS_DATE_SIZE bytes. */
const char *harness_date_in(char *buf, int days);

/* The id a CLI command printed at the start of r->out; asserts it is > 0. */
long harness_id(const harness_run *r);

#endif
