/* Oversight through teams: a manager reads the records and cases of the
 * people their teams hold, read-only, learning that wellbeing was
 * discussed but never what was said; a manager of another team, or one
 * whose people have left, gets the usual refusals. Every read is audited. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static harness_run r;

#define WELLBEING "Marker-Wellbeing-Kestrel: the court hearing left me shaken"
#define SITUATION "Marker-Situation-Otter: school absence rising since the move"
#define DECISION "Marker-Decision-Heron: weekly home visits"
#define RATIONALE "Marker-Rationale-Plover: absence was the first sign last time"
#define NEW_DECISION "Marker-Decision-Wren: fortnightly visits and a school meeting"

static cJSON *field(cJSON *o, const char *k)
{
  return cJSON_GetObjectItemCaseSensitive(o, k);
}
static const char *text_of(cJSON *o, const char *k)
{
  return field(o, k)->valuestring;
}

Test(oversight, managers_read_records_without_wellbeing, .timeout = 240)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "mona", "max", "sam", "pat"};
  const char *roles[] = {NULL, "manager", "manager", "supervisor", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 5);
  CLI_OK("admin", NULL, "team", "add", "North");
  CLI_OK("admin", NULL, "team", "add", "South");
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  CLI_OK("admin", NULL, "team", "member", "North", "sam");
  CLI_OK("admin", NULL, "team", "member", "North", "pat");
  CLI_OK("admin", NULL, "team", "member", "South", "max", "--manager");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-OV-1", "--name", "Overseen Child", "--risk", "high", "--worker",
         "pat");
  char child[24], when[64], sid[24];
  snprintf(child, sizeof child, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -1, 10), "--minutes", "90");
  snprintf(sid, sizeof sid, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "held", sid);
  CLI_OK("sam",
         "[wellbeing]\n" WELLBEING "\n\n[case CH-OV-1]\nsituation: " SITUATION "\ndecision: " DECISION
         "\nrationale: " RATIONALE "\n\n[notes]\nCaseload reviewed.\n",
         "record", "write", sid);
  CLI_OK("sam",
         "[wellbeing]\n" WELLBEING "\n\n[case CH-OV-1]\nsituation: " SITUATION "\ndecision: " NEW_DECISION
         "\nrationale: " RATIONALE "\n\n[notes]\nCaseload reviewed.\n",
         "record", "write", sid, "--reason", "changed the plan");

  /* Mona oversees North: she reads the record, and learns only that
   * wellbeing was discussed. */
  CLI_OK("mona", NULL, "record", "show", sid, "--json");
  cr_assert_not(strstr(r.out, "Kestrel"), "no wellbeing content for a manager: %s", r.out);
  cJSON *rec = cJSON_Parse(r.out), *w = cJSON_GetArrayItem(field(rec, "sections"), 0);
  cr_assert_str_eq(text_of(w, "kind"), "wellbeing");
  cr_assert(cJSON_IsTrue(field(w, "withheld")), "%s", r.out);
  cr_assert_str_eq(text_of(w, "text"), "");
  cr_assert_str_eq(text_of(cJSON_GetArrayItem(field(rec, "sections"), 1), "decision"), NEW_DECISION);
  cJSON_Delete(rec);
  CLI_OK("mona", NULL, "record", "show", sid, "--revision", "1");
  cr_assert(strstr(r.out, "[wellbeing] (discussed; content withheld from you)\n"), "%s", r.out);
  cr_assert(strstr(r.out, DECISION) && !strstr(r.out, "Kestrel"), "%s", r.out);
  CLI_OK("mona", NULL, "record", "history", sid, "--json");
  cr_assert(strstr(r.out, "changed the plan"), "%s", r.out);
  CLI_OK("mona", NULL, "record", "diff", sid, "1", "2");
  cr_assert(strstr(r.out, "+decision: " NEW_DECISION) && !strstr(r.out, "Kestrel"), "%s", r.out);
  /* The parties still read it all. */
  CLI_OK("pat", NULL, "record", "show", sid);
  cr_assert(strstr(r.out, WELLBEING), "%s", r.out);

  /* Her team's cases and their decisions, read-only. */
  CLI_OK("mona", NULL, "case", "list", "--json");
  cr_assert(strstr(r.out, "Overseen Child"), "%s", r.out);
  CLI_OK("mona", NULL, "case", "show", "--ref", "CH-OV-1");
  cr_assert(strstr(r.out, "Overseen Child"), "%s", r.out);
  CLI_OK("mona", NULL, "case", "decisions", "CH-OV-1", "--json");
  cJSON *log = cJSON_Parse(r.out);
  cr_assert_eq(cJSON_GetArraySize(field(log, "decisions")), 2, "%s", r.out);
  cJSON_Delete(log);
  CLI_REFUSED("mona", "PERMISSION_DENIED", "case", "update", child, "--risk", "low");
  CLI_REFUSED("mona", "not a party", "record", "sign", sid, "--revision", "2");
  CLI_REFUSED("mona", "not a party", "record", "comment", sid, "--text", "from above");
  CLI("mona", "[notes]\nMona's words\n", "record", "write", sid, "--reason", "oversight");
  cr_assert(r.status == 1 && strstr(r.err, "PERMISSION_DENIED"), "%s", r.err);

  /* Max manages another team: the usual refusals, nothing listed. */
  CLI_REFUSED("max", "does not exist or you are not a party", "record", "show", sid);
  CLI_REFUSED("max", "does not exist or you are not a party", "record", "history", sid);
  CLI_REFUSED("max", "cannot see it", "case", "decisions", "CH-OV-1");
  CLI_REFUSED("max", "cannot see it", "case", "show", child);
  CLI_OK("max", NULL, "case", "list", "--json");
  cr_assert_str_eq(r.out, "[]\n", "%s", r.out);

  /* Out of the team, out of sight. */
  CLI_OK("admin", NULL, "team", "member", "North", "pat", "--remove");
  CLI_OK("admin", NULL, "team", "member", "North", "sam", "--remove");
  CLI_REFUSED("mona", "does not exist or you are not a party", "record", "show", sid);
  CLI_REFUSED("mona", "cannot see it", "case", "decisions", child);

  cr_assert_eq(harness_stop(&h), 0);
  char db[512];
  snprintf(db, sizeof db, "%s/reflect.db", h.data);
  sqlite3 *sq;
  cr_assert_eq(sqlite3_open(db, &sq), SQLITE_OK);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(sq,
                                  "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id WHERE u.username ="
                                  " 'mona' AND a.action = 'record.read' AND a.detail LIKE "
                                  "'%oversight;wellbeing=withheld'",
                                  -1, &st, NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(st, 0), 4, "each of her reads is audited as withheld");
  sqlite3_finalize(st);
  sqlite3_close(sq);
  harness_cleanup(&h);
}
