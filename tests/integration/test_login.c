/* Logging in and out: throttling with growing delays, logout ends a token,
 * an unknown user and a wrong password look the same. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "harness.h"
#include "harness_ops.h"
#include "wire.h"

static Reflect__V1__Code try_login(client *c, const char *user, const char *pw, char *msg, size_t size)
{
  Reflect__V1__Reply *rep;
  cr_assert_eq(client_login(c, user, pw, &rep), CLIENT_OK);
  Reflect__V1__Code code = rep->status->code;
  snprintf(msg, size, "%s", rep->status->message);
  wire_free_reply(rep);
  return code;
}

Test(login, failures_are_throttled_then_locked, .timeout = 120)
{
  harness_server h;
  harness_start(&h);
  client *c = harness_device(&h), *e = harness_device(&h);
  char msg[256], unknown_msg[256];
  cr_assert_eq(try_login(e, "nobody", "whatever-password", unknown_msg, sizeof unknown_msg),
               REFLECT__V1__CODE__UNAUTHENTICATED);
  for (int i = 0; i < 5; i++) {
    cr_assert_eq(try_login(c, "admin", "wrong-password-here", msg, sizeof msg), REFLECT__V1__CODE__UNAUTHENTICATED);
    cr_assert_str_eq(msg, unknown_msg, "an unknown user must look like a wrong password");
  }
  /* Account and device have now failed 5 times: even the right password waits. */
  Reflect__V1__Code code = try_login(c, "admin", HARNESS_ADMIN_PASSWORD, msg, sizeof msg);
  cr_assert_eq(code, REFLECT__V1__CODE__RESOURCE_EXHAUSTED, "got %s: %s", wire_code_name(code), msg);
  cr_assert(strstr(msg, "try again"), "%s", msg);
  /* Another device for the same account is locked too (per account). */
  client *d = harness_device(&h);
  cr_assert_eq(try_login(d, "admin", HARNESS_ADMIN_PASSWORD, msg, sizeof msg), REFLECT__V1__CODE__RESOURCE_EXHAUSTED);
  /* After the first (2 s) lock-out the right password works and clears it. */
  sleep(3);
  cr_assert_eq(try_login(d, "admin", HARNESS_ADMIN_PASSWORD, msg, sizeof msg), REFLECT__V1__CODE__OK, "%s", msg);
  client_close(c);
  client_close(d);
  client_close(e);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

Test(login, logout_ends_the_token_on_the_server, .timeout = 60)
{
  harness_server h;
  harness_start(&h);
  client *c = harness_device(&h);
  Reflect__V1__Reply *rep;
  cr_assert_eq(client_login(c, "admin", HARNESS_ADMIN_PASSWORD, &rep), CLIENT_OK);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK);
  uint8_t token[32];
  memcpy(token, rep->login->token.data, sizeof token);
  wire_free_reply(rep);
  /* Every worker checks (and remembers) the token first. */
  for (int i = 0; i < 12; i++) cr_assert_eq(harness_whoami(c), REFLECT__V1__CODE__OK);
  cr_assert_eq(client_logout(c, &rep), CLIENT_OK);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK);
  wire_free_reply(rep);
  /* The library forgets the token; present it again, as a copy would be. */
  client_set_token(c, token, sizeof token);
  for (int i = 0; i < 6; i++)
    cr_assert_eq(harness_whoami(c), REFLECT__V1__CODE__UNAUTHENTICATED, "a logged-out token still worked");
  client_close(c);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

Test(login, a_mistyped_username_is_never_stored_or_logged, .timeout = 60)
{
  /* People type their password into the username box. Whatever was typed
   * as an unknown username must not land in the audit log, the throttle
   * table or the server log. */
  harness_server h;
  harness_start(&h);
  client *c = harness_device(&h);
  char msg[256];
  cr_assert_eq(try_login(c, "mysecretpassw0rd2024", "whatever-password", msg, sizeof msg),
               REFLECT__V1__CODE__UNAUTHENTICATED);
  client_close(c);
  cr_assert_eq(harness_stop(&h), 0);
  const char *files[] = {"data/reflect.db", "data/reflect.db-wal", "reflectd.log"};
  for (int i = 0; i < 3; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", h.dir, files[i]);
    cr_assert_not(harness_file_contains(path, "mysecretpassw0rd2024"), "the typed name reached %s", files[i]);
  }
  char log[512];
  snprintf(log, sizeof log, "%s/reflectd.log", h.dir);
  cr_assert(harness_file_contains(log, "event=login_failed"), "the failure itself is logged");
  harness_cleanup(&h);
}

static Reflect__V1__Code change(client *c, const char *current, const char *fresh)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__PasswordChangeRequest ch = REFLECT__V1__PASSWORD_CHANGE_REQUEST__INIT;
  ch.current_password = (char *)current;
  ch.new_password = (char *)fresh;
  req.op_case = REFLECT__V1__REQUEST__OP_PASSWORD_CHANGE;
  req.password_change = &ch;
  Reflect__V1__Reply *rep = harness_call(c, &req);
  Reflect__V1__Code code = rep->status->code;
  wire_free_reply(rep);
  return code;
}

Test(login, changing_and_resetting_passwords, .timeout = 120)
{
  harness_server h;
  harness_start(&h);
  client *admin = harness_user(&h, "admin");
  harness_add_user(admin, "pat", "Pat Practitioner", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  client *laptop = harness_user(&h, "pat"), *phone = harness_user(&h, "pat");
  char msg[256];
  /* Every worker has now checked the phone's token and remembers it: the
   * change below must still end that login everywhere. */
  for (int i = 0; i < 12; i++) cr_assert_eq(harness_whoami(phone), REFLECT__V1__CODE__OK);

  cr_assert_eq(change(laptop, "not-the-password", "a-brand-new-password"), REFLECT__V1__CODE__INVALID_ARGUMENT);
  cr_assert_eq(harness_whoami(laptop), REFLECT__V1__CODE__OK, "a mistyped current password does not end the login");
  cr_assert_eq(change(laptop, HARNESS_PASSWORD, "short"), REFLECT__V1__CODE__INVALID_ARGUMENT);
  cr_assert_eq(change(laptop, HARNESS_PASSWORD, "a-brand-new-password"), REFLECT__V1__CODE__OK);
  cr_assert_eq(harness_whoami(laptop), REFLECT__V1__CODE__OK, "the device that changed it stays logged in");
  cr_assert_eq(harness_whoami(phone), REFLECT__V1__CODE__UNAUTHENTICATED, "other devices are logged out");
  client *fresh = harness_device(&h);
  cr_assert_eq(try_login(fresh, "pat", HARNESS_PASSWORD, msg, sizeof msg), REFLECT__V1__CODE__UNAUTHENTICATED);
  cr_assert_eq(try_login(fresh, "pat", "a-brand-new-password", msg, sizeof msg), REFLECT__V1__CODE__OK, "%s", msg);

  /* Pat forgets it; the administrator resets it; every login of Pat's ends. */
  for (int i = 0; i < 12; i++) {
    cr_assert_eq(harness_whoami(laptop), REFLECT__V1__CODE__OK);
    cr_assert_eq(harness_whoami(fresh), REFLECT__V1__CODE__OK);
  }
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__PasswordResetRequest reset = REFLECT__V1__PASSWORD_RESET_REQUEST__INIT;
  reset.username = "pat";
  reset.new_password = "handed-over-in-person";
  req.op_case = REFLECT__V1__REQUEST__OP_PASSWORD_RESET;
  req.password_reset = &reset;
  Reflect__V1__Reply *rep = harness_call(admin, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "%s", rep->status->message);
  wire_free_reply(rep);
  cr_assert_eq(harness_whoami(laptop), REFLECT__V1__CODE__UNAUTHENTICATED);
  cr_assert_eq(harness_whoami(fresh), REFLECT__V1__CODE__UNAUTHENTICATED);
  cr_assert_eq(try_login(fresh, "pat", "handed-over-in-person", msg, sizeof msg), REFLECT__V1__CODE__OK, "%s", msg);
  /* A practitioner cannot reset anyone's password. */
  reset.username = "admin";
  rep = harness_call(fresh, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__PERMISSION_DENIED);
  wire_free_reply(rep);

  client_close(admin);
  client_close(laptop);
  client_close(phone);
  client_close(fresh);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

static void team_member(client *admin, const char *team, const char *username, int manager)
{
  Reflect__V1__TeamMemberRequest m = REFLECT__V1__TEAM_MEMBER_REQUEST__INIT;
  m.team = (char *)team;
  m.username = (char *)username;
  m.manager = manager;
  HARNESS_CALL(admin, TEAM_MEMBER, team_member, m);
}

static Reflect__V1__Code op_code(client *c, Reflect__V1__Request__OpCase op, void *msg, char *why, size_t size)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  req.op_case = op;
  req.session_list = msg; /* every op's message sits in the same union */
  Reflect__V1__Reply *rep = harness_call(c, &req);
  Reflect__V1__Code code = rep->status->code;
  snprintf(why, size, "%s", rep->status->message);
  wire_free_reply(rep);
  return code;
}

/* Whether c's events hold one of kind `kind` whose summary has `words`. */
static int has_event(client *c, Reflect__V1__EventKind kind, const char *words)
{
  Reflect__V1__Reply *rep = harness_events_since(c, 0, 0);
  int found = 0;
  for (size_t i = 0; i < rep->events_since->n_events; i++) {
    const Reflect__V1__Event *ev = rep->events_since->events[i];
    if (ev->kind == kind && strstr(ev->summary, words)) found = 1;
  }
  wire_free_reply(rep);
  return found;
}

static int audit_has(client *manager, const char *action, const char *object)
{
  Reflect__V1__AuditListRequest q = REFLECT__V1__AUDIT_LIST_REQUEST__INIT;
  q.administrative = 1;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  req.op_case = REFLECT__V1__REQUEST__OP_AUDIT_LIST;
  req.audit_list = &q;
  Reflect__V1__Reply *rep = harness_ok(manager, &req);
  int found = 0;
  for (size_t i = 0; i < rep->audit_list->n_entries; i++) {
    const Reflect__V1__AuditEntry *e = rep->audit_list->entries[i];
    if (!strcmp(e->action, action) && !strcmp(e->object, object)) found = 1;
  }
  wire_free_reply(rep);
  return found;
}

/* An administrator reset a practitioner's password, logged in as
 * them from a new device and read their wellbeing text; or made an account
 * of their own a team's manager. A password an administrator set now
 * allows nothing but choosing one's own, and the person and the team's
 * managers are told, and can list it. */
Test(login, an_administrators_password_allows_nothing_until_changed, .timeout = 120)
{
  harness_server h;
  harness_start(&h);
  client *admin = harness_user(&h, "admin");
  uint64_t pat_id = harness_add_user(admin, "pat", "Pat Lewis", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  harness_add_user(admin, "mona", "Mona Reid", REFLECT__V1__ROLE__ROLE_MANAGER);
  harness_add_user(admin, "otto", "Otto South", REFLECT__V1__ROLE__ROLE_MANAGER);
  Reflect__V1__TeamAddRequest north = REFLECT__V1__TEAM_ADD_REQUEST__INIT, south = REFLECT__V1__TEAM_ADD_REQUEST__INIT;
  north.name = "North";
  south.name = "South";
  HARNESS_CALL(admin, TEAM_ADD, team_add, north);
  HARNESS_CALL(admin, TEAM_ADD, team_add, south);
  team_member(admin, "North", "mona", 1);
  team_member(admin, "North", "pat", 0);
  team_member(admin, "South", "otto", 1);
  client *pat = harness_user(&h, "pat"), *mona = harness_user(&h, "mona"), *otto = harness_user(&h, "otto");

  /* The reset, then the administrator's own login as Pat. */
  Reflect__V1__PasswordResetRequest reset = REFLECT__V1__PASSWORD_RESET_REQUEST__INIT;
  reset.username = "pat";
  reset.new_password = "the-admin-knows-this-one";
  HARNESS_CALL(admin, PASSWORD_RESET, password_reset, reset);
  client *as_pat = harness_device(&h);
  Reflect__V1__Reply *rep;
  cr_assert_eq(client_login(as_pat, "pat", "the-admin-knows-this-one", &rep), CLIENT_OK);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "%s", rep->status->message);
  cr_assert(rep->login->must_change_password);
  cr_assert(strstr(rep->login->notice, "an administrator set this password"), "%s", rep->login->notice);
  cr_assert_eq(rep->login->topic.len, 0, "no event topic: whoever set the password must not follow Pat's events");
  wire_free_reply(rep);
  char why[256];
  Reflect__V1__SessionListRequest sl = REFLECT__V1__SESSION_LIST_REQUEST__INIT;
  Reflect__V1__CaseListRequest cl = REFLECT__V1__CASE_LIST_REQUEST__INIT;
  Reflect__V1__RecordShowRequest rs = REFLECT__V1__RECORD_SHOW_REQUEST__INIT;
  Reflect__V1__EventsSinceRequest es = REFLECT__V1__EVENTS_SINCE_REQUEST__INIT;
  Reflect__V1__AgreementListRequest al = REFLECT__V1__AGREEMENT_LIST_REQUEST__INIT;
  rs.session_id = 1;
  struct {
    Reflect__V1__Request__OpCase op;
    void *msg;
  } refused[] = {{REFLECT__V1__REQUEST__OP_SESSION_LIST, &sl},
                 {REFLECT__V1__REQUEST__OP_CASE_LIST, &cl},
                 {REFLECT__V1__REQUEST__OP_RECORD_SHOW, &rs},
                 {REFLECT__V1__REQUEST__OP_EVENTS_SINCE, &es},
                 {REFLECT__V1__REQUEST__OP_AGREEMENT_LIST, &al}};
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    Reflect__V1__Code code = op_code(as_pat, refused[i].op, refused[i].msg, why, sizeof why);
    cr_assert_eq(code, REFLECT__V1__CODE__FAILED_PRECONDITION, "op %d: %s %s", refused[i].op, wire_code_name(code),
                 why);
    cr_assert(strstr(why, "change it first"), "%s", why);
  }
  Reflect__V1__WhoAmIRequest wr = REFLECT__V1__WHO_AM_IREQUEST__INIT;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  req.op_case = REFLECT__V1__REQUEST__OP_WHOAMI;
  req.whoami = &wr;
  rep = harness_ok(as_pat, &req);
  cr_assert(rep->whoami->must_change_password);
  cr_assert_eq(rep->whoami->topic.len, 0);
  wire_free_reply(rep);

  /* The real Pat, once back in, is told; so is Mona; Otto is not. */
  cr_assert_eq(harness_whoami(pat), REFLECT__V1__CODE__UNAUTHENTICATED, "the reset ended Pat's logins");
  harness_login(pat, "pat", "the-admin-knows-this-one");
  cr_assert_eq(change(pat, "the-admin-knows-this-one", "pats-own-new-password"), REFLECT__V1__CODE__OK);
  cr_assert(has_event(pat, REFLECT__V1__EVENT_KIND__EVENT_ACCOUNT_CHANGED, "reset your password"));
  cr_assert(has_event(mona, REFLECT__V1__EVENT_KIND__EVENT_ACCOUNT_CHANGED, "reset Pat Lewis"));
  cr_assert_not(has_event(otto, REFLECT__V1__EVENT_KIND__EVENT_ACCOUNT_CHANGED, "Pat"));

  /* An account the administrator made and made a manager of North. */
  harness_add_user(admin, "mal", "Mal Lory", REFLECT__V1__ROLE__ROLE_MANAGER);
  team_member(admin, "North", "mal", 1);
  cr_assert(has_event(mona, REFLECT__V1__EVENT_KIND__EVENT_ACCOUNT_CHANGED, "made Mal Lory a manager of North"));
  cr_assert_not(has_event(otto, REFLECT__V1__EVENT_KIND__EVENT_ACCOUNT_CHANGED, "Mal"));

  /* The quiet route: a new team of which that account is the only
   * manager, and Pat added to it. Pat and Pat's manager are told. */
  Reflect__V1__TeamAddRequest shadow = REFLECT__V1__TEAM_ADD_REQUEST__INIT;
  shadow.name = "Shadow";
  HARNESS_CALL(admin, TEAM_ADD, team_add, shadow);
  team_member(admin, "Shadow", "mal", 1);
  team_member(admin, "Shadow", "pat", 0);
  cr_assert(has_event(pat, REFLECT__V1__EVENT_KIND__EVENT_ACCOUNT_CHANGED, "added you to Shadow"));
  cr_assert(has_event(mona, REFLECT__V1__EVENT_KIND__EVENT_ACCOUNT_CHANGED, "added Pat Lewis to Shadow"));
  cr_assert_not(has_event(otto, REFLECT__V1__EVENT_KIND__EVENT_ACCOUNT_CHANGED, "Shadow"));
  /* An inspector granted North: its managers are told. */
  uint64_t ines = harness_add_user(admin, "ines", "Ines Inspector", REFLECT__V1__ROLE__ROLE_INSPECTOR);
  Reflect__V1__InspectorGrantRequest grant = REFLECT__V1__INSPECTOR_GRANT_REQUEST__INIT;
  grant.inspector = "ines";
  grant.team = "North";
  HARNESS_CALL(admin, INSPECTOR_GRANT, inspector_grant, grant);
  cr_assert(has_event(mona, REFLECT__V1__EVENT_KIND__EVENT_ACCOUNT_CHANGED,
                      "gave inspector Ines Inspector the evidence of North"));

  /* Mona can list all of it as administrative actions; Otto sees none. */
  char object[32], inspector[32];
  snprintf(object, sizeof object, "user:%llu", (unsigned long long)pat_id);
  snprintf(inspector, sizeof inspector, "user:%llu", (unsigned long long)ines);
  cr_assert(audit_has(mona, "password.reset", object));
  cr_assert(audit_has(mona, "team.join", "team:1"));
  cr_assert(audit_has(mona, "team.join", object), "Pat joining Shadow, a team Mona does not manage");
  cr_assert(audit_has(mona, "inspector.grant", inspector));
  cr_assert_not(audit_has(otto, "password.reset", object));
  cr_assert_not(audit_has(otto, "team.join", "team:1"));
  cr_assert_not(audit_has(otto, "team.join", object));

  client_close(admin);
  client_close(pat);
  client_close(mona);
  client_close(otto);
  client_close(as_pat);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

static int count_rows(harness_server *h, const char *sql)
{
  char path[512];
  snprintf(path, sizeof path, "%s/reflect.db", h->data);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  int n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

/* One wrong guess from a fresh CURVE key each time the lock
 * lapsed kept anyone out indefinitely, the administrator included. Now a
 * stranger's failures lock only strangers out; the device a person has
 * logged in on still gets in. And a flood of guesses from fresh devices
 * adds a bounded number of audit rows, not one per guess. */
Test(login, strangers_cannot_lock_a_person_out_of_their_own_device, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  client *admin = harness_user(&h, "admin");
  harness_add_user(admin, "pat", "Pat Lewis", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  client *laptop = harness_user(&h, "pat");
  Reflect__V1__Reply *rep;
  cr_assert_eq(client_logout(laptop, &rep), CLIENT_OK);
  wire_free_reply(rep);
  char msg[256];
  for (int i = 0; i < 8; i++) {
    client *stranger = harness_device(&h);
    Reflect__V1__Code code = try_login(stranger, "pat", "a-guess-Summer2026!", msg, sizeof msg);
    cr_assert_eq(code, i < 5 ? REFLECT__V1__CODE__UNAUTHENTICATED : REFLECT__V1__CODE__RESOURCE_EXHAUSTED,
                 "guess %d: %s %s", i, wire_code_name(code), msg);
    client_close(stranger);
  }
  client *new_device = harness_device(&h);
  cr_assert_eq(try_login(new_device, "pat", HARNESS_PASSWORD, msg, sizeof msg), REFLECT__V1__CODE__RESOURCE_EXHAUSTED,
               "an unfamiliar device waits out the lock, even with the password: %s", msg);
  cr_assert_eq(try_login(laptop, "pat", HARNESS_PASSWORD, msg, sizeof msg), REFLECT__V1__CODE__OK,
               "Pat's own laptop gets in: %s", msg);
  /* The same holds for the administrator. */
  for (int i = 0; i < 6; i++) {
    client *stranger = harness_device(&h);
    try_login(stranger, "admin", "a-guess-Summer2026!", msg, sizeof msg);
    client_close(stranger);
  }
  cr_assert_eq(harness_whoami(admin), REFLECT__V1__CODE__OK);
  client *admin_again = harness_device(&h);
  cr_assert_eq(try_login(admin_again, "admin", HARNESS_ADMIN_PASSWORD, msg, sizeof msg),
               REFLECT__V1__CODE__RESOURCE_EXHAUSTED, "%s", msg);
  /* Unknown names from fresh devices: each is a failure, audited once per
   * device an hour up to FAILURE_DEVICES_MAX (16), then counted together. */
  int before = count_rows(&h, "SELECT count(*) FROM audit WHERE action = 'login.failed'");
  for (int i = 0; i < 24; i++) {
    client *stranger = harness_device(&h);
    char name[32];
    snprintf(name, sizeof name, "nobody%d", i);
    cr_assert_eq(try_login(stranger, name, "a-guess-Summer2026!", msg, sizeof msg), REFLECT__V1__CODE__UNAUTHENTICATED,
                 "%s", msg);
    client_close(stranger);
  }
  int rows = count_rows(&h, "SELECT count(*) FROM audit WHERE action = 'login.failed'") - before;
  cr_assert_eq(rows, 17, "24 failures from 24 devices gave %d audit rows", rows);
  cr_assert_eq(count_rows(&h, "SELECT sum(failures) FROM login_failures WHERE account = 'unknown'"), 24,
               "every failure is counted");
  client_close(admin_again);
  client_close(new_device);
  client_close(laptop);
  client_close(admin);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* A person logged in could fill the familiar lane of the
 * password workers (password changes are checked with Argon2id twice,
 * and the right current password is never throttled), delaying everyone
 * else's logins. Now each person has at most two such requests waiting
 * or running; the rest are refused at once. */
Test(login, one_person_cannot_fill_the_password_workers, .timeout = 120)
{
  harness_server h;
  harness_start(&h);
  client *admin = harness_user(&h, "admin");
  harness_add_user(admin, "pat", "Pat Lewis", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  char pub[41], sec[41];
  cr_assert_eq(zmq_curve_keypair(pub, sec), 0);
  client *pat = NULL;
  cr_assert_eq(client_open_keys(h.rpc, h.server_key, pub, sec, 20000, &pat), CLIENT_OK);
  Reflect__V1__Reply *rep = NULL;
  cr_assert_eq(client_login(pat, "pat", HARNESS_PASSWORD, &rep), CLIENT_OK);
  uint8_t token[32];
  memcpy(token, rep->login->token.data, sizeof token);
  wire_free_reply(rep);

  void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
  int zero = 0;
  zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
  zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, h.server_key, 40);
  zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, pub, 40);
  zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, 40);
  cr_assert_eq(zmq_connect(s, h.rpc), 0);
  enum { N = 20 };
  for (int i = 0; i < N; i++) {
    Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
    Reflect__V1__PasswordChangeRequest ch = REFLECT__V1__PASSWORD_CHANGE_REQUEST__INIT;
    ch.current_password = HARNESS_PASSWORD;
    ch.new_password = HARNESS_PASSWORD; /* refused, after two Argon2id checks */
    req.protocol = WIRE_PROTOCOL;
    req.id = (uint64_t)i + 1;
    req.token.data = token;
    req.token.len = sizeof token;
    req.op_case = REFLECT__V1__REQUEST__OP_PASSWORD_CHANGE;
    req.password_change = &ch;
    uint8_t *buf;
    size_t len;
    cr_assert_eq(wire_encode(&req.base, &buf, &len), WIRE_OK);
    cr_assert_eq(zmq_send(s, buf, len, 0), (int)len);
    free(buf);
  }
  int checked = 0, share = 0;
  for (int i = 0; i < N; i++) {
    zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
    cr_assert_gt(zmq_poll(&it, 1, 30000), 0, "reply %d of %d never came", i + 1, N);
    zmq_msg_t m;
    zmq_msg_init(&m);
    cr_assert_geq(zmq_msg_recv(&m, s, 0), 0);
    Reflect__V1__Reply *r = NULL;
    cr_assert_eq(wire_decode_reply(zmq_msg_data(&m), zmq_msg_size(&m), &r), WIRE_OK);
    if (r->status->code == REFLECT__V1__CODE__INVALID_ARGUMENT && strstr(r->status->message, "must differ")) checked++;
    else if (r->status->code == REFLECT__V1__CODE__UNAVAILABLE && strstr(r->status->message, "already have")) share++;
    else cr_assert_fail("unexpected reply: %s %s", wire_code_name(r->status->code), r->status->message);
    wire_free_reply(r);
    zmq_msg_close(&m);
  }
  cr_assert_eq(checked + share, N);
  cr_assert_geq(share, N / 2, "only %d of %d were refused for their share: the lane took %d", share, N, checked);
  zmq_close(s);
  zmq_ctx_term(ctx);
  client_close(pat);
  client_close(admin);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}
