/* Logging in and out: throttling with growing delays, logout ends a token,
 * an unknown user and a wrong password look the same. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
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
