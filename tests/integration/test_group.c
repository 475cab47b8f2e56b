/* Group attendance through the CLI: the facilitator records who came once
 * the session has begun, each member confirms what was recorded for them,
 * and a confirmed entry is never changed; a correction before that is kept
 * in the audit log. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static harness_run r;

/* The attendance entry of member in `session show --json` output. */
static void expect_attendance(const char *member, const char *attendance, int confirmed)
{
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "not JSON: %s", r.out);
  cJSON *list = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "session"), "attendance"), *e;
  cr_assert_not_null(list, "no attendance: %s", r.out);
  int found = 0;
  cJSON_ArrayForEach(e, list)
  {
    if (strcmp(cJSON_GetObjectItem(e, "member")->valuestring, member) != 0) continue;
    found = 1;
    cr_assert_str_eq(cJSON_GetObjectItem(e, "attendance")->valuestring, attendance, "%s: %s", member, r.out);
    cr_assert_eq(cJSON_IsTrue(cJSON_GetObjectItem(e, "confirmed")), confirmed, "%s: %s", member, r.out);
  }
  cJSON_Delete(j);
  cr_assert(found, "%s is not listed: %s", member, r.out);
}

Test(group, attendance_recorded_and_confirmed, .timeout = 240)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "sam", "pat", "quinn", "ruth", "olga"};
  const char *roles[] = {NULL, "supervisor", "practitioner", "practitioner", "practitioner", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 6);
  const char *members[] = {"pat", "quinn", "ruth"};
  for (int i = 0; i < 3; i++) {
    char agreement[8];
    snprintf(agreement, sizeof agreement, "%d", i + 1);
    CLI_OK("sam", NULL, "agreement", "add", "--supervisee", members[i], "--every", "28", "--minutes", "90");
    CLI_OK(members[i], NULL, "agreement", "sign", agreement);
  }
  char when[64], group[24], later[24], single[24];
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--with", "quinn", "--with", "ruth", "--at",
         harness_day_at(when, -1, 10), "--minutes", "120", "--room", "Group room");
  snprintf(group, sizeof group, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--with", "quinn", "--with", "ruth", "--at",
         harness_day_at(when, 3, 10), "--minutes", "120");
  snprintf(later, sizeof later, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -1, 14), "--minutes", "90");
  snprintf(single, sizeof single, "%ld", harness_id(&r));

  /* Nothing to confirm yet; nothing to record for what has not begun or is
   * not a group. */
  CLI_REFUSED("pat", "no attendance has been recorded", "session", "confirm-attendance", group);
  CLI_REFUSED("sam", "has not started", "session", "attendance", later, "--present", "pat");
  CLI_REFUSED("sam", "individual session", "session", "attendance", single, "--present", "pat");
  CLI("sam", NULL, "session", "attendance", group);
  cr_assert_eq(r.status, 2, "naming nobody is a usage error: %s", r.err);

  /* Bad lists are refused whole. */
  CLI_REFUSED("sam", "both present and absent", "session", "attendance", group, "--present", "pat", "--absent", "pat");
  CLI_REFUSED("sam", "'olga' is not a member", "session", "attendance", group, "--present", "pat", "--present", "olga");
  CLI_REFUSED("sam", "'nobody' is not a member", "session", "attendance", group, "--absent", "nobody");
  CLI_REFUSED("quinn", "PERMISSION_DENIED", "session", "attendance", group, "--present", "quinn");
  CLI_OK("sam", NULL, "session", "show", group, "--json");
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "session"), "attendance")), 3);
  cJSON_Delete(j);
  expect_attendance("pat", "not recorded", 0);

  CLI_OK("sam", NULL, "session", "attendance", group, "--present", "pat", "--present", "quinn", "--absent", "ruth");
  CLI_OK("quinn", NULL, "session", "show", group, "--json");
  expect_attendance("pat", "present", 0);
  expect_attendance("quinn", "present", 0);
  expect_attendance("ruth", "absent", 0);

  /* Confirmation: members only, once, and then the entry is fixed. */
  CLI_REFUSED("olga", "not a party", "session", "confirm-attendance", group);
  CLI_REFUSED("sam", "members confirm", "session", "confirm-attendance", group);
  CLI_OK("pat", NULL, "session", "confirm-attendance", group);
  CLI_REFUSED("pat", "already confirmed", "session", "confirm-attendance", group);
  CLI_REFUSED("sam", "'pat' has confirmed", "session", "attendance", group, "--absent", "pat");
  CLI_REFUSED("sam", "'pat' has confirmed", "session", "attendance", group, "--present", "ruth", "--absent", "pat");

  /* Before confirmation a mistake can be put right. */
  CLI_OK("sam", NULL, "session", "attendance", group, "--present", "ruth");
  CLI_OK("ruth", NULL, "session", "confirm-attendance", group);
  CLI_OK("pat", NULL, "session", "show", group, "--json");
  expect_attendance("pat", "present", 1);
  expect_attendance("quinn", "present", 0);
  expect_attendance("ruth", "present", 1);
  CLI_OK("pat", NULL, "session", "show", group);
  cr_assert(strstr(r.out, "attendance:") && strstr(r.out, "confirmed ") && strstr(r.out, "not confirmed yet"), "%s",
            r.out);

  /* A cancelled session takes no attendance. */
  CLI_OK("sam", NULL, "session", "cancel", later, "--reason", "room flooded");
  CLI_REFUSED("sam", "was cancelled", "session", "attendance", later, "--present", "pat");

  cr_assert_eq(harness_stop(&h), 0);
  char path[512];
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db,
                                  "SELECT (SELECT count(*) FROM audit WHERE action = 'session.attendance'),"
                                  " (SELECT count(*) FROM audit WHERE action = 'session.attendance'"
                                  "   AND detail LIKE '%attendance=present;was=absent'),"
                                  " (SELECT count(*) FROM audit WHERE action = 'session.attendance_sign')",
                                  -1, &st, NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(st, 0), 4, "three recorded, one corrected");
  cr_assert_eq(sqlite3_column_int(st, 1), 1, "the correction says what it replaced");
  cr_assert_eq(sqlite3_column_int(st, 2), 2);
  sqlite3_finalize(st);
  sqlite3_close(db);
  harness_cleanup(&h);
}
