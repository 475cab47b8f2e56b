/* Inspectors: a time-limited account, granted a team by an administrator,
 * reads the fully signed records of that team's practitioners (never
 * wellbeing, never an unsigned revision, nothing of another team), writes
 * nothing, and every read is audited; revoking the grant or reaching the
 * account's expiry ends it. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "harness_ops.h"

static harness_run r;
static harness_server h;

#define WELLBEING "Marker-Wellbeing-Sparrow: I have not slept since the visit"
#define NOTES "Caseload reviewed; supervision plan agreed."
#define EXPIRES_IN 25

static cJSON *field(cJSON *o, const char *k)
{
  return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* sup books and holds a session with `who` yesterday at `hour`, writes its
 * record; if sign, both sign revision 1. Returns the id in buf. */
static const char *held_with_record(const char *sup, const char *who, int hour, int sign, char *buf, size_t size)
{
  char when[64];
  CLI_OK(sup, NULL, "session", "add", "--with", who, "--at", harness_day_at(when, -1, hour), "--minutes", "90");
  snprintf(buf, size, "%ld", harness_id(&r));
  CLI_OK(sup, NULL, "session", "held", buf);
  CLI_OK(sup, "[wellbeing]\n" WELLBEING "\n\n[notes]\n" NOTES "\n", "record", "write", buf);
  if (sign) {
    CLI_OK(who, NULL, "record", "sign", buf, "--revision", "1");
    CLI_OK(sup, NULL, "record", "sign", buf, "--revision", "1");
  }
  return buf;
}

static int count_rows(const char *sql)
{
  char db[512];
  snprintf(db, sizeof db, "%s/reflect.db", h.data);
  sqlite3 *sq;
  cr_assert_eq(sqlite3_open(db, &sq), SQLITE_OK);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(sq, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(sq));
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  int n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(sq);
  return n;
}

/* The server's own rule, whatever the CLI checks first. */
static void expect_add_refused(client *admin, const char *username, int64_t expires_at)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__UserAddRequest add = REFLECT__V1__USER_ADD_REQUEST__INIT;
  add.username = (char *)username;
  add.name = "Inspector Without Limit";
  add.role = REFLECT__V1__ROLE__ROLE_INSPECTOR;
  add.password = HARNESS_PASSWORD;
  add.expires_at = expires_at;
  req.op_case = REFLECT__V1__REQUEST__OP_USER_ADD;
  req.user_add = &add;
  Reflect__V1__Reply *rep = harness_call(admin, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__INVALID_ARGUMENT, "%s", rep->status->message);
  cr_assert_str_eq(rep->status->field, "expires_at");
  wire_free_reply(rep);
}

Test(inspectors, time_limited_read_only_evidence, .timeout = 300)
{
  harness_start(&h);
  const char *devs[] = {"admin", "mona", "sam", "pat", "sid", "quin"};
  const char *roles[] = {NULL, "manager", "supervisor", "practitioner", "supervisor", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 6);
  CLI_OK("admin", NULL, "team", "add", "North");
  CLI_OK("admin", NULL, "team", "add", "South");
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  CLI_OK("admin", NULL, "team", "member", "North", "pat");
  CLI_OK("admin", NULL, "team", "member", "South", "sid");
  CLI_OK("admin", NULL, "team", "member", "South", "quin");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sid", NULL, "agreement", "add", "--supervisee", "quin", "--every", "28", "--minutes", "90");
  CLI_OK("quin", NULL, "agreement", "sign", "2");
  char signed_s[24], unsigned_s[24], south[24];
  held_with_record("sam", "pat", 9, 1, signed_s, sizeof signed_s);
  held_with_record("sam", "pat", 14, 0, unsigned_s, sizeof unsigned_s);
  held_with_record("sid", "quin", 10, 1, south, sizeof south);
  /* An amendment of the signed record: revision 2, not yet signed. */
  CLI_OK("sam", "[wellbeing]\n" WELLBEING "\n\n[notes]\n" NOTES " Amended.\n", "record", "write", signed_s, "--reason",
         "typo");

  /* No inspector without an expiry, nor one more than a year ahead. */
  CLI("admin", HARNESS_PASSWORD "\n", "user", "add", "ian", "--name", "Ian", "--role", "inspector", "--password-stdin");
  cr_assert_eq(r.status, 2, "%s", r.err);
  cr_assert(strstr(r.err, "--expires"), "%s", r.err);
  client *admin = harness_user(&h, "admin");
  expect_add_refused(admin, "ian", 0);
  expect_add_refused(admin, "ian", (int64_t)time(NULL) + 400 * 86400);
  expect_add_refused(admin, "ian", (int64_t)time(NULL) - 60);
  client_close(admin);

  char expires[16];
  snprintf(expires, sizeof expires, "%ds", EXPIRES_IN);
  time_t created = time(NULL);
  CLI_OK("admin", HARNESS_FIRST_PASSWORD "\n", "user", "add", "ivy", "--name", "Ivy Inspector", "--role", "inspector",
         "--expires", expires, "--password-stdin");
  CLI_OK("ivy", NULL, "setup", "--server", h.rpc, "--events", h.pub, "--server-key", h.server_key);
  harness_cli_first_login(&h, &r, "ivy", "ivy");
  /* Granted nothing yet: nothing to read. */
  CLI_REFUSED("ivy", "does not exist or you are not a party", "record", "show", signed_s);
  CLI_OK("admin", NULL, "inspector", "grant", "ivy", "--team", "North");
  CLI_OK("admin", NULL, "inspector", "grant", "ivy", "--team", "North");
  cr_assert(strstr(r.err, "already had team 'North'"), "%s", r.err);
  CLI_REFUSED("admin", "is not an inspector", "inspector", "grant", "pat", "--team", "North");
  CLI_REFUSED("admin", "no team called", "inspector", "grant", "ivy", "--team", "Nowhere");
  CLI_REFUSED("mona", "PERMISSION_DENIED", "inspector", "grant", "ivy", "--team", "North");

  /* The latest fully signed revision (1, not the amendment), wellbeing withheld. */
  CLI_OK("ivy", NULL, "record", "show", signed_s, "--json");
  cr_assert_not(strstr(r.out, "Sparrow"), "no wellbeing for an inspector: %s", r.out);
  cJSON *rec = cJSON_Parse(r.out);
  cr_assert_not_null(rec, "%s", r.out);
  cr_assert(cJSON_IsTrue(field(rec, "frozen")), "%s", r.out);
  cr_assert(strstr(r.out, NOTES) && !strstr(r.out, "Amended"), "revision 1: %s", r.out);
  cJSON_Delete(rec);
  CLI_OK("ivy", NULL, "record", "show", signed_s, "--revision", "1");
  cr_assert(strstr(r.out, "withheld"), "%s", r.out);
  CLI_REFUSED("ivy", "not signed by everyone", "record", "show", signed_s, "--revision", "2");
  CLI_REFUSED("ivy", "no fully signed record", "record", "show", unsigned_s);
  CLI_REFUSED("ivy", "does not exist or you are not a party", "record", "show", south);
  CLI_REFUSED("ivy", "does not exist or you are not a party", "record", "show", "999");
  /* Read-only, and no oversight reports. */
  CLI("ivy", "[notes]\nInspector's words\n", "record", "write", signed_s, "--reason", "inspection");
  cr_assert(r.status == 1 && strstr(r.err, "PERMISSION_DENIED"), "%s", r.err);
  char when[64];
  CLI_REFUSED("ivy", "PERMISSION_DENIED", "session", "add", "--with", "pat", "--at", harness_day_at(when, 3, 10),
              "--minutes", "90");
  CLI_REFUSED("ivy", "PERMISSION_DENIED", "record", "history", signed_s);
  CLI_REFUSED("ivy", "PERMISSION_DENIED", "report", "survey", "--team", "North");
  CLI_REFUSED("ivy", "PERMISSION_DENIED", "report", "compliance", "--team", "North");

  /* The administrator sees the expiry and the grant. */
  CLI_OK("admin", NULL, "user", "list", "--json");
  cJSON *users = cJSON_Parse(r.out), *u, *ivy = NULL;
  cJSON_ArrayForEach(u, users) if (!strcmp(field(u, "username")->valuestring, "ivy")) ivy = u;
  cr_assert_not_null(ivy, "%s", r.out);
  int64_t at = (int64_t)field(ivy, "expires_at_unix")->valuedouble;
  cr_assert(at >= (int64_t)created + EXPIRES_IN && at <= (int64_t)time(NULL) + EXPIRES_IN, "%s", r.out);
  cr_assert_str_eq(cJSON_GetArrayItem(field(ivy, "teams"), 0)->valuestring, "North");
  cJSON_Delete(users);

  /* Revoked: out of sight at once; granted again: back. */
  CLI_OK("admin", NULL, "inspector", "revoke", "ivy", "--team", "North");
  CLI_REFUSED("ivy", "does not exist or you are not a party", "record", "show", signed_s);
  CLI_OK("admin", NULL, "inspector", "grant", "ivy", "--team", "North");
  CLI_OK("ivy", NULL, "record", "show", signed_s);

  /* Expiry: the login ends with the account, and no new one starts. */
  time_t now = time(NULL);
  cr_assert_lt(now, created + EXPIRES_IN, "the test ran too slowly to check expiry; raise EXPIRES_IN");
  sleep((unsigned)(created + EXPIRES_IN - now + 2));
  CLI("ivy", NULL, "record", "show", signed_s);
  cr_assert(r.status != 0 && strstr(r.err, "UNAUTHENTICATED"), "%s", r.err);
  CLI("ivy", HARNESS_PASSWORD "\n", "login", "ivy", "--password-stdin");
  cr_assert(r.status != 0 && strstr(r.err, "this account expired on"), "%s", r.err);
  /* The expiry is no one's business without the password. */
  CLI("ivy", "not-the-password-at-all\n", "login", "ivy", "--password-stdin");
  cr_assert(r.status != 0 && !strstr(r.err, "expired"), "%s", r.err);

  cr_assert_eq(harness_stop(&h), 0);
  /* Three successful reads, each audited as an inspector's, wellbeing withheld. */
  cr_assert_eq(count_rows("SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id WHERE u.username = 'ivy'"
                          " AND a.action = 'record.read' AND a.detail = 'revision=1;inspector;wellbeing=withheld'"),
               3);
  cr_assert_eq(count_rows("SELECT count(*) FROM audit WHERE action = 'inspector.grant'"), 2);
  cr_assert_eq(count_rows("SELECT count(*) FROM audit WHERE action = 'inspector.revoke'"), 1);
  cr_assert_eq(count_rows("SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id WHERE u.username = 'ivy'"
                          " AND a.action = 'record.denied'"),
               3, "refused reads of sessions out of sight are audited too");
  harness_cleanup(&h);
}
