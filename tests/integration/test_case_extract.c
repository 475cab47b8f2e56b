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
#include "harness_ops.h"

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
static const char *const hidden[] = {"Yusuf",     "yusuf", "Bartholomew", "Quist",  OTHER_REF,
                                     SIBLING_REF, "Leila", "Morrow",      "Gideon", "Frane"};

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

/* With `south`, team South also has a supervisor (sid) and a practitioner
 * (quin) under an agreement. */
static void set_up_teams(int south)
{
  const char *devs[] = {"admin", "mona", "otto", "sam", "pat", "sid", "quin"};
  const char *roles[] = {NULL, "manager", "manager", "supervisor", "practitioner", "supervisor", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, south ? 7 : 5);
  CLI_OK("admin", NULL, "team", "add", "North");
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  CLI_OK("admin", NULL, "team", "member", "North", "sam");
  CLI_OK("admin", NULL, "team", "member", "North", "pat");
  CLI_OK("admin", NULL, "team", "add", "South");
  CLI_OK("admin", NULL, "team", "member", "South", "otto", "--manager");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  if (south) {
    CLI_OK("admin", NULL, "team", "member", "South", "sid");
    CLI_OK("admin", NULL, "team", "member", "South", "quin");
    CLI_OK("sid", NULL, "agreement", "add", "--supervisee", "quin", "--every", "28", "--minutes", "90");
    CLI_OK("quin", NULL, "agreement", "sign", "2");
  }
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

static void set_up(void)
{
  set_up_teams(0);
}

/* Two sessions: the first's record is signed, then amended to change the
 * decision (revision 2); the second's is written once. */
static void write_records(void)
{
  char s1[24], s2[24];
  snprintf(s1, sizeof s1, "%ld", held_session(-30));
  CLI_OK("sam", NULL, "record", "write", s1, "--file",
         file_with("r1.txt",
                   "[case " SUBJECT_REF "]\nrisk: " RISK_1 "\ndecision: " DECISION_1 "\nrationale: " RATIONALE_1 "\n"));
  CLI_OK("pat", NULL, "record", "sign", s1, "--revision", "1");
  CLI_OK("sam", NULL, "record", "sign", s1, "--revision", "1");
  CLI_OK("sam", NULL, "record", "write", s1, "--reason", "the plan changed", "--file",
         file_with("r1b.txt", "[case " SUBJECT_REF "]\nrisk: " RISK_1 "\ndecision: " DECISION_1B
                              "\nrationale: " RATIONALE_1 "\n"));
  snprintf(s2, sizeof s2, "%ld", held_session(-10));
  CLI_OK("sam", NULL, "record", "write", s2, "--file",
         file_with("r2.txt",
                   "[case " SUBJECT_REF "]\nrisk: low\ndecision: " DECISION_2 "\nrationale: " RATIONALE_2 "\n"));
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
                      " [redacted: third party] is worried"),
            "%s", o);
  cr_assert(strstr(o, "[redacted: third party (mother)] has engaged; [redacted: another child] moved away"), "%s", o);
  /* Hand count: rev 1 risk 1, decision 1, rationale 3; rev 2 risk 1,
   * decision 1, rationale 3; session 2 rationale 2: 12 in the text, and
   * each listed under Redactions with its reason. */
  const char *list = strstr(o, "\nRedactions\n");
  cr_assert_not_null(list, "%s", o);
  cr_assert_eq(count(o, "[redacted: ") - count(list, "[redacted: "), 12, "%s", o);
  cr_assert_eq(count(list, "\n- "), 12, "%s", list);
  cr_assert_eq(count(list, ": another child\n") + count(list, ": third party\n") +
                   count(list, ": third party (mother)\n"),
               12, "%s", list);
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
                  !strcmp(reason, "third party (mother)"),
              "reason '%s'", reason);
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

/* sid (team South) adds a case for quin; returns its id. */
static uint64_t south_case(client *sid, const char *reference, const char *name)
{
  Reflect__V1__CaseAddRequest add = REFLECT__V1__CASE_ADD_REQUEST__INIT;
  add.reference = (char *)reference;
  add.name = (char *)name;
  add.risk = REFLECT__V1__RISK_LEVEL__RISK_LOW;
  add.allocated = "quin";
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_ADD;
  req.case_add = &add;
  Reflect__V1__Reply *rep = harness_ok(sid, &req);
  uint64_t id = rep->case_add->id;
  wire_free_reply(rep);
  return id;
}

static Reflect__V1__Code south_person(client *sid, uint64_t case_id, const char *name, const char *relationship)
{
  Reflect__V1__CasePersonAddRequest add = REFLECT__V1__CASE_PERSON_ADD_REQUEST__INIT;
  add.case_id = case_id;
  add.name = (char *)name;
  add.relationship = (char *)relationship;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_PERSON_ADD;
  req.case_person_add = &add;
  Reflect__V1__Reply *rep = harness_call(sid, &req);
  Reflect__V1__Code code = rep->status->code;
  wire_free_reply(rep);
  return code;
}

#define SOUTH_CHILD "Tobias Wrenfield"
#define SOUTH_CARER "Marguerite Oakhollow"
#define FLOOD_CASES 10

/* A supervisor in another team names 10 cases x 200 third
 * parties with long names (50 words each). Before, every extract in the
 * organisation then failed (RESOURCE_EXHAUSTED: terms gathered from the
 * whole database, every word again, a cliff at 100,000). After, only the
 * names that occur in the extract's own text are kept, so another team's
 * data cannot break it, and a South child or carer Amira's record does name
 * is still redacted. */
Test(case_extract, another_teams_names_cannot_break_an_extract, .timeout = 600)
{
  harness_start(&h);
  set_up_teams(1);
  write_records();
  client *sid = harness_user(&h, "sid");
  uint64_t tobias = south_case(sid, "SO-2001", SOUTH_CHILD);
  cr_assert_eq(south_person(sid, tobias, SOUTH_CARER, "foster carer"), REFLECT__V1__CODE__OK);
  long s3 = held_session(-5);
  char sid3[24];
  snprintf(sid3, sizeof sid3, "%ld", s3);
  CLI_OK("sam", NULL, "record", "write", sid3, "--file",
         file_with("r3.txt", "[case " SUBJECT_REF "]\nrisk: low\ndecision: Amira may visit " SOUTH_CHILD
                             "\nrationale: Oakhollow supervises the visits\n"));

  /* The flood: 2,000 names of 199 bytes, 50 three-letter words each, of
   * letters that spell no word of Amira's record (a third party's words are
   * redacted wherever they appear, by design). */
  static const char letters[] = "qxzjvkw";
  char name[256];
  for (int k = 0; k < FLOOD_CASES; k++) {
    char ref[16], child[32];
    snprintf(ref, sizeof ref, "SO-3%03d", k);
    snprintf(child, sizeof child, "Flood Child %d", k);
    uint64_t id = south_case(sid, ref, child);
    for (int p = 0; p < 200; p++) {
      size_t o = 0;
      for (int w = 0; w < 50; w++) {
        unsigned v = (unsigned)((k * 200 + p) * 50 + w) * 2654435761u;
        name[o++] = letters[v % 7];
        name[o++] = letters[v / 7 % 7];
        name[o++] = letters[v / 49 % 7];
        name[o++] = w < 49 ? ' ' : '\0';
      }
      cr_assert_eq(south_person(sid, id, name, "neighbour"), REFLECT__V1__CODE__OK, "person %d of case %d", p, k);
    }
    /* Third parties per case are bounded. */
    if (k == 0) cr_assert_eq(south_person(sid, id, "One Too Many", "aunt"), REFLECT__V1__CODE__FAILED_PRECONDITION);
  }
  client_close(sid);

  CLI_OK("mona", NULL, "export", "case", SUBJECT_REF);
  const char *o = r.out;
  assert_nothing_hidden(o);
  cr_assert_not(strstr(o, "Tobias") || strstr(o, "Wrenfield") || strstr(o, "Oakhollow"), "%s", o);
  cr_assert(strstr(o, "Amira may visit [redacted: another child]"), "%s", o);
  cr_assert(strstr(o, "[redacted: third party] supervises the visits"), "%s", o);
  cr_assert(strstr(o, "Amira to stay with [redacted: third party (mother)]"), "%s", o);
  CLI_OK("mona", NULL, "export", "case", SUBJECT_REF, "--json");
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "%s", r.out);
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "entries")), 4, "%s", r.out);
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "redactions")), 14, "%s", r.out);
  cJSON_Delete(j);
  /* South's own extract works too. */
  CLI_OK("otto", NULL, "export", "case", "SO-2001");
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* Every amendment adds each case section's decision to
 * the child's log, and the log (and the extract) came in one reply: ten
 * revisions with long decisions made both fail for everyone ("the reply
 * would be larger than the server may send"), and past 500 decisions the
 * newest were left out. Now they come in pages, put together by the CLI;
 * and a record stops at RECORD_REVISIONS_MAX revisions. */
Test(case_extract, a_long_decision_log_comes_in_pages, .timeout = 600)
{
  harness_start(&h);
  set_up_teams(0);
  long s = held_session(-3);
  char id[24];
  snprintf(id, sizeof id, "%ld", s);
  /* 60 KiB of decision and 60 KiB of rationale, each revision marked. */
  size_t big = 60 * 1024;
  char *text = malloc(2 * big + 512);
  char *filler = malloc(big + 1);
  memset(filler, 'x', big);
  filler[big] = '\0';
  for (int rev = 1; rev <= 10; rev++) {
    snprintf(text, 2 * big + 512,
             "[case " SUBJECT_REF "]\nsituation: revision %d\nrisk: high\ndecision: Marker-Rev-%02d %s\n"
             "rationale: because %s\n",
             rev, rev, filler, filler);
    if (rev == 1) CLI_OK("sam", NULL, "record", "write", id, "--file", file_with("big.txt", text));
    else CLI_OK("sam", NULL, "record", "write", id, "--file", file_with("big.txt", text), "--reason", "again");
  }
  free(filler);
  free(text);
  /* (stdout is captured up to 64 KiB: the whole extract goes to a file) */
  CLI_OK("mona", NULL, "case", "decisions", SUBJECT_REF);
  cr_assert(strstr(r.out, "Marker-Rev-01"), "the log starts with the first decision");
  char path[600];
  snprintf(path, sizeof path, "%s/extract.json", h.dir);
  CLI_OK("mona", NULL, "export", "case", SUBJECT_REF, "--json", "--output", path);
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f);
  char *json = malloc(4 << 20);
  size_t len = fread(json, 1, (4 << 20) - 1, f);
  json[len] = '\0';
  fclose(f);
  cr_assert_gt(len, 10 * 120 * 1024, "the extract is %zu bytes: more than one reply may carry", len);
  cJSON *j = cJSON_Parse(json);
  cr_assert_not_null(j);
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "entries")), 10, "the extract holds every entry");
  cJSON_Delete(j);
  for (int rev = 1; rev <= 10; rev++) {
    char marker[32];
    snprintf(marker, sizeof marker, "Marker-Rev-%02d", rev);
    cr_assert(strstr(json, marker), "%s missing from the extract", marker);
  }
  free(json);
  /* A record's history is bounded: up to 100 revisions, then a clear no. */
  for (int rev = 11; rev <= 100; rev++)
    CLI_OK("sam", NULL, "record", "write", id, "--file", file_with("small.txt", "[notes]\nanother look\n"), "--reason",
           "again");
  CLI_REFUSED("sam", "100 revisions", "record", "write", id, "--file", file_with("small.txt", "[notes]\nmore\n"),
              "--reason", "again");
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}
