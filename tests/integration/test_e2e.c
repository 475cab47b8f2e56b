/* The first end-to-end slice, entirely through the `reflect` CLI against a
 * real reflectd: accounts, an agreement, a session both parties see, a
 * record written by the supervisor, read by the practitioner, refused to
 * anyone else. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static harness_run r;


static void setup_device(harness_server *hs, const char *dev)
{
  harness_server h = *hs;
  CLI_OK(dev, NULL, "setup", "--server", h.rpc, "--events", h.pub, "--server-key", h.server_key);
}

static long parse_id(void)
{
  char *end;
  long id = strtol(r.out, &end, 10);
  cr_assert(id > 0 && (*end == '\n' || *end == '\0'), "expected an id alone on stdout, got '%s'", r.out);
  return id;
}

static int list_has_session(long id)
{
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "session list --json is not JSON: %s", r.out);
  cr_assert(cJSON_IsArray(j), "session list --json is not an array: %s", r.out);
  int found = 0;
  cJSON *e;
  cJSON_ArrayForEach(e, j)
  {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "id");
    if (cJSON_IsNumber(v) && (long)v->valuedouble == id) found = 1;
  }
  cJSON_Delete(j);
  return found;
}

Test(e2e, first_slice_through_the_cli, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "sup", "prac", "prac2"};
  for (int i = 0; i < 4; i++) setup_device(&h, devs[i]);

  CLI_OK("admin", HARNESS_ADMIN_PASSWORD "\n", "login", "admin", "--password-stdin");
  CLI_OK("admin", HARNESS_FIRST_PASSWORD "\n", "user", "add", "sam", "--name", "Sam Supervisor", "--role", "supervisor",
         "--password-stdin");
  parse_id();
  CLI_OK("admin", HARNESS_FIRST_PASSWORD "\n", "user", "add", "pat", "--name", "Pat Practitioner", "--role",
         "practitioner", "--password-stdin");
  CLI_OK("admin", HARNESS_FIRST_PASSWORD "\n", "user", "add", "quinn", "--name", "Quinn Practitioner", "--role",
         "practitioner", "--password-stdin");
  /* Without --password-stdin a password is generated and shown once, on stderr. */
  CLI_OK("admin", NULL, "user", "add", "robin", "--name", "Robin Manager", "--role", "manager");
  parse_id();
  cr_assert(strstr(r.err, "robin"), "the generated password should be shown: %s", r.err);

  /* The administrator's password lets Sam do nothing but choose one. */
  CLI_OK("sup", HARNESS_FIRST_PASSWORD "\n", "login", "sam", "--password-stdin");
  cr_assert(strstr(r.err, "an administrator set this password"), "the login says so: %s", r.err);
  CLI_OK("sup", NULL, "whoami");
  cr_assert(strstr(r.out, "set by an administrator"), "%s", r.out);
  CLI_REFUSED("sup", "change it first", "session", "list");
  CLI_REFUSED("sup", "FAILED_PRECONDITION", "agreement", "list");
  CLI("sup", HARNESS_FIRST_PASSWORD "\n" HARNESS_FIRST_PASSWORD "\n", "password", "--password-stdin");
  cr_assert(r.status == 1 && strstr(r.err, "must differ"), "keeping the administrator's password: %s", r.err);
  CLI_OK("sup", HARNESS_FIRST_PASSWORD "\n" HARNESS_PASSWORD "\n", "password", "--password-stdin");
  CLI_OK("sup", NULL, "session", "list");
  harness_cli_first_login(&h, &r, "prac", "pat");
  harness_cli_first_login(&h, &r, "prac2", "quinn");
  CLI_OK("sup", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  char agreement[32];
  snprintf(agreement, sizeof agreement, "%ld", parse_id());
  /* Until Pat signs it, the agreement gives Sam nothing. */
  CLI_REFUSED("sup", "no signed supervision agreement", "session", "add", "--with", "pat", "--at", "2030-01-01 10:00",
              "--minutes", "90");
  CLI_REFUSED("prac2", "not yours to sign", "agreement", "sign", agreement);
  CLI_OK("prac", NULL, "agreement", "sign", agreement);
  CLI_OK("prac", NULL, "agreement", "list", "--json");
  cr_assert(strstr(r.out, "\"active\":true"), "%s", r.out);
  CLI("sup", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  cr_assert_eq(r.status, 1, "a second agreement with the same person is refused: %s", r.err);
  cr_assert(strstr(r.err, "ALREADY_EXISTS"), "%s", r.err);
  /* No agreement with quinn yet: booking a session with them is refused. */
  CLI("sup", NULL, "session", "add", "--with", "quinn", "--at", "2030-01-01 10:00", "--minutes", "90");
  cr_assert_eq(r.status, 1, "%s", r.err);
  cr_assert(strstr(r.err, "no signed supervision agreement"), "%s", r.err);
  CLI_OK("sup", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "14", "--minutes", "60", "--json");
  cr_assert(strstr(r.out, "\"id\""), "--json should print {\"id\": N}: %s", r.out);
  cJSON *made = cJSON_Parse(r.out);
  char quinn_agreement[32];
  snprintf(quinn_agreement, sizeof quinn_agreement, "%.0f", cJSON_GetObjectItem(made, "id")->valuedouble);
  cJSON_Delete(made);
  CLI_OK("prac2", NULL, "agreement", "sign", quinn_agreement);

  /* A session tomorrow at 10:00 in the organisation's zone. */
  time_t t = time(NULL) + 86400;
  struct tm tm;
  localtime_r(&t, &tm);
  char at[64];
  snprintf(at, sizeof at, "%04d-%02d-%02d 10:00", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  CLI_OK("sup", NULL, "session", "add", "--with", "pat", "--at", at, "--minutes", "90", "--room", "Room 4");
  long session = parse_id();
  char sid[32];
  snprintf(sid, sizeof sid, "%ld", session);

  CLI_OK("sup", NULL, "session", "list", "--upcoming", "--json");
  cr_assert(list_has_session(session), "the supervisor should see session %ld: %s", session, r.out);
  CLI_OK("prac", NULL, "session", "list", "--upcoming", "--json");
  cr_assert(list_has_session(session), "the practitioner should see session %ld: %s", session, r.out);
  CLI_OK("prac", NULL, "session", "list", "--upcoming");
  cr_assert(strstr(r.out, "Room 4") && strstr(r.out, "sam"), "table output: %s", r.out);
  CLI_OK("prac2", NULL, "session", "list", "--upcoming", "--json");
  cr_assert_not(list_has_session(session), "another practitioner must not see it: %s", r.out);

  /* The same hour again clashes for the supervisor and for pat. */
  CLI("sup", NULL, "session", "add", "--with", "pat", "--with", "quinn", "--at", at, "--minutes", "120", "--room",
      "Group room");
  cr_assert_eq(r.status, 1, "a clash is refused: %s", r.err);
  cr_assert(strstr(r.err, "already have session"), "the clash is named: %s", r.err);
  /* A group session lists all its members, for each of them. */
  char afternoon[64];
  snprintf(afternoon, sizeof afternoon, "%04d-%02d-%02d 14:00", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  CLI_OK("sup", NULL, "session", "add", "--with", "pat", "--with", "quinn", "--at", afternoon, "--minutes", "120",
         "--room", "Group room");
  long group = parse_id();
  CLI_OK("prac2", NULL, "session", "list", "--upcoming", "--json");
  cr_assert(list_has_session(group), "a group member sees the group session: %s", r.out);
  cr_assert(strstr(r.out, "\"pat\"") && strstr(r.out, "\"quinn\""), "both members listed: %s", r.out);

  const char *record = "[wellbeing]\nManageable caseload.\n\n[notes]\nCase discussion: agreed a visit plan.\n";
  /* Tomorrow's session has nothing to record yet; yesterday's, held, has. */
  CLI("sup", record, "record", "write", sid, "--file", "-");
  cr_assert_eq(r.status, 1, "%s", r.err);
  cr_assert(strstr(r.err, "has not started yet"), "%s", r.err);
  time_t y = time(NULL) - 86400;
  localtime_r(&y, &tm);
  char yesterday[64];
  snprintf(yesterday, sizeof yesterday, "%04d-%02d-%02d 10:00", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  CLI_OK("sup", NULL, "session", "add", "--with", "pat", "--at", yesterday, "--minutes", "90", "--room", "Room 4");
  session = parse_id();
  snprintf(sid, sizeof sid, "%ld", session);
  CLI_OK("sup", NULL, "session", "held", sid);
  CLI_OK("sup", record, "record", "write", sid, "--file", "-");
  cr_assert_eq(atoi(r.out), 1, "first revision is 1: %s", r.out);

  CLI_OK("prac", NULL, "record", "show", sid);
  cr_assert(strstr(r.out, "agreed a visit plan"), "the practitioner reads the record: %s", r.out);
  CLI_OK("prac", NULL, "record", "show", sid, "--json");
  cr_assert(strstr(r.out, "agreed a visit plan"), "json: %s", r.out);

  CLI("prac2", NULL, "record", "show", sid);
  cr_assert_eq(r.status, 1, "a second practitioner is refused with exit 1, got %d: %s", r.status, r.err);
  cr_assert(strstr(r.err, "PERMISSION_DENIED"), "stderr names the refusal: %s", r.err);
  cr_assert_not(strstr(r.out, "visit plan"), "no content leaks to stdout");

  /* A session that does not exist looks the same as someone else's. */
  static char refused[sizeof r.err];
  memcpy(refused, r.err, sizeof refused);
  CLI("prac2", NULL, "record", "show", "9999");
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "does not exist or you are not a party"), "%s", r.err);
  cr_assert(strstr(refused, "does not exist or you are not a party"), "%s", refused);

  /* The practitioner cannot write the record either. */
  CLI("prac", "[notes]\ntampering\n", "record", "write", sid, "--file", "-");
  cr_assert_eq(r.status, 1, "%s", r.err);

  /* Usage errors exit 2; a dead server exits 3. */
  CLI("sup", NULL, "session", "add", "--with", "pat", "--at", "2026-02-30 10:00", "--minutes", "90");
  cr_assert_eq(r.status, 2, "an impossible date is a usage error: %s", r.err);
  cr_assert_eq(harness_stop(&h), 0, "reflectd did not exit cleanly");
  CLI("sup", NULL, "whoami");
  cr_assert_eq(r.status, 3, "no server: exit 3, got %d (%s)", r.status, r.err);
  harness_cleanup(&h);
}
