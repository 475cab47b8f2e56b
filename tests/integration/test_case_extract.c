/* A child's record extract (subject access) through the CLI against a real
 * server. Pat holds three cases: Amira Hassan (the subject), her brother
 * Yusuf Hassan, and an unrelated child; Amira's mother is named as a third
 * party of her case, a neighbour of the unrelated child's. The records
 * about Amira name all of them; her extract must show every decision about
 * her, in order and including one later changed, and none of the others. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

static harness_server h;
static harness_run r;

#define SUBJECT "Amira Hassan"
#define SUBJECT_REF "SA-1001"
#define SIBLING "Yusuf Hassan"
#define SIBLING_REF "SA-1002"
#define OTHER "Bartholomew Quist"
#define OTHER_REF "CH-7788"
#define MOTHER "Leila Morrow"
#define NEIGHBOUR "Gideon Frane"

/* Names and references that must appear nowhere in Amira's extract. */
static const char *const hidden[] = {"Yusuf", "yusuf", "Bartholomew", "Quist", OTHER_REF, SIBLING_REF,
                                     "Leila", "Morrow", "Gideon", "Frane"};

#define RISK_1 "Yusuf Hassan shouts at Amira"
#define DECISION_1 "Amira to stay with Leila Morrow"
#define RATIONALE_1 "Yusuf and Amira argue; CH-7788 is similar; Gideon Frane is worried"
#define DECISION_1B "Amira to stay with her mother; Yusuf   Hassan to move to his aunt"
#define DECISION_2 "Amira stays at home with support"
#define RATIONALE_2 "Leila has engaged; Bartholomew Quist moved away"

static const char *file_with(const char *name, const char *text)
{
  static char path[4][512];
  static int next;
  char *p = path[next++ % 4];
  snprintf(p, 512, "%s/%s", h.dir, name);
  harness_write_file(p, text);
  return p;
}

static long held_session(int days)
{
  char when[HARNESS_DAY_AT_SIZE], id[24];
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, days, 10), "--minutes", "90");
  long s = harness_id(&r);
  snprintf(id, sizeof id, "%ld", s);
  CLI_OK("sam", NULL, "session", "held", id);
  return s;
}

static void set_up(void)
{
  const char *devs[] = {"admin", "mona", "otto", "sam", "pat"};
  const char *roles[] = {NULL, "manager", "manager", "supervisor", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 5);
  CLI_OK("admin", NULL, "team", "add", "North");
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  CLI_OK("admin", NULL, "team", "member", "North", "sam");
  CLI_OK("admin", NULL, "team", "member", "North", "pat");
  CLI_OK("admin", NULL, "team", "add", "South");
  CLI_OK("admin", NULL, "team", "member", "South", "otto", "--manager");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "case", "add", "--ref", SUBJECT_REF, "--name", SUBJECT, "--dob", "2014-05-02", "--risk", "high",
         "--worker", "pat");
  CLI_OK("sam", NULL, "case", "add", "--ref", SIBLING_REF, "--name", SIBLING, "--risk", "high", "--worker", "pat");
  CLI_OK("sam", NULL, "case", "add", "--ref", OTHER_REF, "--name", OTHER, "--risk", "low", "--worker", "pat");
  CLI_OK("sam", NULL, "case", "person", "add", SUBJECT_REF, "--name", MOTHER, "--relationship", "mother");
  CLI_OK("sam", NULL, "case", "person", "add", "3", "--name", NEIGHBOUR, "--relationship", "neighbour");
  CLI_REFUSED("pat", "PERMISSION_DENIED", "case", "person", "add", "1", "--name", "Someone Else", "--relationship",
              "uncle");
  CLI_REFUSED("sam", "INVALID_ARGUMENT", "case", "person", "add", "1", "--name", " ", "--relationship", "aunt");
  CLI_OK("sam", NULL, "case", "people", SUBJECT_REF, "--json");
  cr_assert(strstr(r.out, MOTHER) && strstr(r.out, "mother") && !strstr(r.out, NEIGHBOUR), "%s", r.out);
  CLI_REFUSED("otto", "PERMISSION_DENIED", "case", "people", "1");
}

/* Two sessions: the first's record is signed, then amended to change the
 * decision (revision 2); the second's is written once. */
static void write_records(void)
{
  char s1[24], s2[24];
  snprintf(s1, sizeof s1, "%ld", held_session(-30));
  CLI_OK("sam", NULL, "record", "write", s1, "--file",
         file_with("r1.txt", "[case " SUBJECT_REF "]\nrisk: " RISK_1 "\ndecision: " DECISION_1 "\nrationale: " RATIONALE_1
                             "\n"));
  CLI_OK("pat", NULL, "record", "sign", s1, "--revision", "1");
  CLI_OK("sam", NULL, "record", "sign", s1, "--revision", "1");
  CLI_OK("sam", NULL, "record", "write", s1, "--reason", "the plan changed", "--file",
         file_with("r1b.txt", "[case " SUBJECT_REF "]\nrisk: " RISK_1 "\ndecision: " DECISION_1B
                              "\nrationale: " RATIONALE_1 "\n"));
  snprintf(s2, sizeof s2, "%ld", held_session(-10));
  CLI_OK("sam", NULL, "record", "write", s2, "--file",
         file_with("r2.txt", "[case " SUBJECT_REF "]\nrisk: low\ndecision: " DECISION_2 "\nrationale: " RATIONALE_2 "\n"));
}

static void assert_nothing_hidden(const char *out)
{
  for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
    cr_assert_not(strstr(out, hidden[i]), "'%s' is in the extract:\n%s", hidden[i], out);
}

static size_t count(const char *hay, const char *needle)
{
  size_t n = 0;
  for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
  return n;
}

static void check_text(void)
{
  CLI_OK("mona", NULL, "export", "case", SUBJECT_REF);
  const char *o = r.out;
  assert_nothing_hidden(o);
  cr_assert(strstr(o, SUBJECT) && strstr(o, SUBJECT_REF) && strstr(o, "2 May 2014"), "%s", o);
  cr_assert(strstr(o, "for a subject access request"), "%s", o);
  cr_assert(strstr(o, "Supervisor: ") && strstr(o, ", Worker: "), "%s", o);
  /* In date order, the superseded decision first and marked as changed. */
  const char *d1 = strstr(o, "Amira to stay with [redacted: third party (mother)]");
  const char *d1b = strstr(o, "Amira to stay with her mother; [redacted: another child] to move to his aunt");
  const char *d2 = strstr(o, DECISION_2);
  cr_assert(d1 && d1b && d2 && d1 < d1b && d1b < d2, "decisions out of order or missing:\n%s", o);
  cr_assert(strstr(o, "Decision (later changed — see below): Amira to stay with [redacted"), "%s", o);
  cr_assert(strstr(o, "record revision 1)") && strstr(o, "record revision 2)"), "%s", o);
  cr_assert(strstr(o, "[redacted: another child] and Amira argue; [redacted: another child] is similar;"
                      " [redacted: third party] is worried"), "%s", o);
  cr_assert(strstr(o, "[redacted: third party (mother)] has engaged; [redacted: another child] moved away"), "%s", o);
  /* Hand count: rev 1 risk 1, decision 1, rationale 3; rev 2 risk 1,
   * decision 1, rationale 3; session 2 rationale 2: 12 in the text, and
   * each listed under Redactions with its reason. */
  const char *list = strstr(o, "\nRedactions\n");
  cr_assert_not_null(list, "%s", o);
  cr_assert_eq(count(o, "[redacted: ") - count(list, "[redacted: "), 12, "%s", o);
  cr_assert_eq(count(list, "\n- "), 12, "%s", list);
  cr_assert_eq(count(list, ": another child\n") + count(list, ": third party\n") +
                   count(list, ": third party (mother)\n"), 12, "%s", list);
}

static void check_json(void)
{
  CLI_OK("mona", NULL, "export", "case", "1", "--json");
  assert_nothing_hidden(r.out);
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "%s", r.out);
  cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "case"), "name")->valuestring, SUBJECT);
  cJSON *entries = cJSON_GetObjectItem(j, "entries");
  cr_assert_eq(cJSON_GetArraySize(entries), 3, "%s", r.out);
  const int superseded[] = {1, 0, 0};
  const int revisions[] = {1, 2, 1};
  for (int i = 0; i < 3; i++) {
    cJSON *e = cJSON_GetArrayItem(entries, i);
    cr_assert_eq(cJSON_IsTrue(cJSON_GetObjectItem(e, "superseded")), superseded[i], "entry %d", i);
    cr_assert_eq(cJSON_GetObjectItem(e, "revision")->valueint, revisions[i], "entry %d", i);
    cr_assert_str_eq(cJSON_GetObjectItem(e, "supervisor")->valuestring, "sam", "entry %d: %s", i, r.out);
  }
  cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(entries, 2), "decision")->valuestring, DECISION_2);
  cJSON *red = cJSON_GetObjectItem(j, "redactions"), *x;
  cr_assert_eq(cJSON_GetArraySize(red), 12, "%s", r.out);
  int per_entry[3] = {0};
  cJSON_ArrayForEach(x, red)
  {
    int entry = cJSON_GetObjectItem(x, "entry")->valueint;
    const char *reason = cJSON_GetObjectItem(x, "reason")->valuestring;
    cr_assert(entry >= 0 && entry < 3);
    per_entry[entry]++;
    cr_assert(!strcmp(reason, "another child") || !strcmp(reason, "third party") ||
              !strcmp(reason, "third party (mother)"), "reason '%s'", reason);
  }
  cr_assert(per_entry[0] == 5 && per_entry[1] == 5 && per_entry[2] == 2, "%d %d %d", per_entry[0], per_entry[1],
            per_entry[2]);
  cJSON_Delete(j);
}

Test(case_extract, subject_access_redacts_everyone_else, .timeout = 120)
{
  harness_start(&h);
  set_up();
  write_records();
  check_text();
  check_json();

  /* Written to a private file, never over one unless asked. */
  char path[512];
  snprintf(path, sizeof path, "%s/extract.txt", h.dir);
  CLI_OK("mona", NULL, "export", "case", SUBJECT_REF, "--output", path);
  struct stat st;
  cr_assert_eq(stat(path, &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0600);
  cr_assert(harness_file_contains(path, DECISION_2) && !harness_file_contains(path, "Morrow"));
  CLI_REFUSED("mona", "already exists", "export", "case", SUBJECT_REF, "--output", path);
  CLI_OK("mona", NULL, "export", "case", SUBJECT_REF, "--output", path, "--force");

  /* Managers only, and only one overseeing the worker; a missing case gets
   * the same answer as a forbidden one. */
  CLI_REFUSED("sam", "PERMISSION_DENIED", "export", "case", SUBJECT_REF);
  CLI_REFUSED("pat", "PERMISSION_DENIED", "export", "case", SUBJECT_REF);
  CLI_REFUSED("otto", "cannot see it", "export", "case", SUBJECT_REF);
  CLI_REFUSED("mona", "cannot see it", "export", "case", "9999");

  cr_assert_eq(harness_stop(&h), 0);
  char dbpath[512];
  snprintf(dbpath, sizeof dbpath, "%s/reflect.db", h.data);
  cr_assert_not(harness_file_contains(dbpath, MOTHER), "a third party's name is on disk in clear");
  cr_assert_not(harness_file_contains(dbpath, "neighbour"), "a relationship is on disk in clear");
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
  sqlite3_stmt *q;
  cr_assert_eq(sqlite3_prepare_v2(db,
                                  "SELECT count(*), min(a.detail) FROM audit a JOIN users u ON u.id = a.user_id"
                                  " WHERE a.action = 'case.export' AND a.object = 'case:1' AND u.username = 'mona'",
                                  -1, &q, NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(q, 0), 4, "text, JSON and two files: four exports audited");
  cr_assert_str_eq((const char *)sqlite3_column_text(q, 1), "entries=3;redactions=12");
  sqlite3_finalize(q);
  cr_assert_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM audit WHERE action = 'case.person.add'", -1, &q, NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(q, 0), 2);
  sqlite3_finalize(q);
  sqlite3_close(db);
  harness_cleanup(&h);
}
