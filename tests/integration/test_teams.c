/* Teams through the CLI: an administrator makes them and names their
 * managers; a manager then sees the sessions and actions of their own
 * team's members, read-only, and nothing of another team's. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static harness_run r;

/* 1 if the JSON array on stdout has an element whose "id" is id. */
static int out_has_id(const char *id)
{
  cJSON *j = cJSON_Parse(r.out), *e;
  cr_assert_not_null(j, "not JSON: %s", r.out);
  int found = 0;
  cJSON_ArrayForEach(e, j) found |= (long)cJSON_GetObjectItem(e, "id")->valuedouble == strtol(id, NULL, 10);
  cJSON_Delete(j);
  return found;
}

static int out_count(void)
{
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "not JSON: %s", r.out);
  int n = cJSON_GetArraySize(j);
  cJSON_Delete(j);
  return n;
}

Test(teams, managers_oversee_their_own_team, .timeout = 240)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "mona", "max", "sam", "pat", "sue", "quinn"};
  const char *roles[] = {NULL, "manager", "manager", "supervisor", "practitioner", "supervisor", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 7);

  CLI_OK("admin", NULL, "team", "add", "North");
  char north[24];
  snprintf(north, sizeof north, "%ld", harness_id(&r));
  CLI_REFUSED("admin", "already exists", "team", "add", "north");
  CLI_OK("admin", NULL, "team", "add", "South");
  CLI("admin", NULL, "team", "add", "");
  cr_assert_eq(r.status, 2, "an empty name is a usage error: %s", r.err);
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  CLI_OK("admin", NULL, "team", "member", "North", "sam");
  CLI_OK("admin", NULL, "team", "member", "north", "pat");
  CLI_OK("admin", NULL, "team", "member", "South", "max", "--manager");
  CLI_OK("admin", NULL, "team", "member", "South", "sue");
  CLI_OK("admin", NULL, "team", "member", "South", "quinn");
  CLI_REFUSED("admin", "only managers can manage a team", "team", "member", "North", "sam", "--manager");
  CLI_REFUSED("admin", "already a member", "team", "member", "North", "pat");
  CLI_REFUSED("admin", "is not in team", "team", "member", "North", "quinn", "--remove");
  cr_assert(strstr(r.err, "NOT_FOUND"), "%s", r.err);
  CLI_REFUSED("admin", "no team named", "team", "member", "East", "pat");
  CLI_REFUSED("sam", "PERMISSION_DENIED", "team", "add", "Sam's own team");
  CLI_REFUSED("mona", "PERMISSION_DENIED", "team", "member", "North", "quinn");

  CLI_OK("admin", NULL, "team", "list", "--json");
  cr_assert_eq(out_count(), 2, "%s", r.out);
  cJSON *teams = cJSON_Parse(r.out), *first = cJSON_GetArrayItem(teams, 0);
  cr_assert_str_eq(cJSON_GetObjectItem(first, "name")->valuestring, "North");
  cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(first, "managers"), 0)->valuestring, "mona");
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(first, "members")), 2, "sam and pat: %s", r.out);
  cJSON_Delete(teams);
  CLI_OK("mona", NULL, "team", "list", "--json");
  cr_assert(out_count() == 1 && out_has_id(north), "a manager sees the teams they manage: %s", r.out);
  CLI_REFUSED("pat", "PERMISSION_DENIED", "team", "list");

  /* Supervision inside each team. */
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sue", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "28", "--minutes", "90");
  CLI_OK("quinn", NULL, "agreement", "sign", "2");
  char when[64], north_session[24], south_session[24], due[16];
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -1, 10), "--minutes", "90");
  snprintf(north_session, sizeof north_session, "%ld", harness_id(&r));
  CLI_OK("sue", NULL, "session", "add", "--with", "quinn", "--at", harness_day_at(when, -1, 10), "--minutes", "90");
  snprintf(south_session, sizeof south_session, "%ld", harness_id(&r));
  harness_date_in(due, 14);
  CLI_OK("sam", NULL, "action", "add", north_session, "--owner", "pat", "--due", due, "--description", "North action");
  char north_action[24];
  snprintf(north_action, sizeof north_action, "%ld", harness_id(&r));
  CLI_OK("sue", NULL, "action", "add", south_session, "--owner", "quinn", "--due", due, "--description",
         "South action");
  char south_action[24];
  snprintf(south_action, sizeof south_action, "%ld", harness_id(&r));

  /* Each manager sees their own team's sessions and actions, not the other's. */
  CLI_OK("mona", NULL, "session", "list", "--json");
  cr_assert(out_has_id(north_session) && !out_has_id(south_session), "mona's list: %s", r.out);
  CLI_OK("max", NULL, "session", "list", "--json");
  cr_assert(out_has_id(south_session) && !out_has_id(north_session), "max's list: %s", r.out);
  CLI_OK("mona", NULL, "session", "show", north_session);
  cr_assert(strstr(r.out, "pat"), "%s", r.out);
  CLI_REFUSED("mona", "not a party", "session", "show", south_session);
  CLI_OK("mona", NULL, "action", "list", "--json");
  cr_assert(out_has_id(north_action) && !out_has_id(south_action), "mona's actions: %s", r.out);
  cr_assert(strstr(r.out, "North action"), "the text is readable to the overseeing manager: %s", r.out);
  CLI_OK("max", NULL, "action", "list", "--json");
  cr_assert(out_has_id(south_action) && !out_has_id(north_action), "max's actions: %s", r.out);
  CLI_OK("pat", NULL, "session", "list", "--json");
  cr_assert(out_has_id(north_session) && !out_has_id(south_session), "members see only their own: %s", r.out);

  /* Oversight is read-only: no record, no changes, no actions, no closing. */
  CLI("mona", "[notes]\nMona's words in Sam's record\n", "record", "write", north_session, "--file", "-");
  cr_assert_eq(r.status, 1, "a manager does not write a record they are not party to: %s", r.err);
  cr_assert(strstr(r.err, "PERMISSION_DENIED"), "%s", r.err);
  CLI_REFUSED("mona", "PERMISSION_DENIED", "session", "cancel", north_session, "--reason", "oversight");
  CLI_REFUSED("mona", "PERMISSION_DENIED", "session", "move", north_session, "--at", harness_day_at(when, 3, 10));
  CLI_REFUSED("mona", "PERMISSION_DENIED", "session", "held", north_session);
  CLI_REFUSED("mona", "PERMISSION_DENIED", "action", "add", north_session, "--owner", "pat", "--due", due,
              "--description", "from above");
  CLI_REFUSED("mona", "PERMISSION_DENIED", "action", "done", north_action, "--evidence", "I say so");

  /* Out of the team, out of sight. */
  CLI_OK("admin", NULL, "team", "member", "North", "sam", "--remove");
  CLI_OK("admin", NULL, "team", "member", "North", "pat", "--remove");
  CLI_OK("mona", NULL, "session", "list", "--json");
  cr_assert_not(out_has_id(north_session), "%s", r.out);
  CLI_REFUSED("mona", "not a party", "session", "show", north_session);
  CLI_OK("mona", NULL, "action", "list", "--json");
  cr_assert_eq(out_count(), 0, "%s", r.out);

  cr_assert_eq(harness_stop(&h), 0);
  char path[512];
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db,
                                  "SELECT (SELECT count(*) FROM audit WHERE action = 'team.add'),"
                                  " (SELECT count(*) FROM audit WHERE action = 'team.join' AND object LIKE 'team:%'),"
                                  " (SELECT count(*) FROM audit WHERE action = 'team.remove'),"
                                  " (SELECT count(*) FROM audit WHERE action = 'session.read' AND detail = "
                                  "'oversight'),"
                                  " (SELECT count(*) FROM audit WHERE action = 'team.join' AND object LIKE 'user:%')",
                                  -1, &st, NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(st, 0), 2, "each team made is audited");
  cr_assert_eq(sqlite3_column_int(st, 1), 6, "each member added is audited");
  cr_assert_eq(sqlite3_column_int(st, 2), 2, "each removal is audited");
  cr_assert_eq(sqlite3_column_int(st, 3), 1, "a manager's read of a session says it was oversight");
  cr_assert_eq(sqlite3_column_int(st, 4), 6, "and under the person, for their other teams' managers");
  sqlite3_finalize(st);
  sqlite3_close(db);
  harness_cleanup(&h);
}
