/* `reflectd verify` on a stopped server's directory holding every kind of
 * sealed value: everything opens; then one flipped byte in one sealed
 * value of each table (or in a wrapped key) makes it fail naming that
 * table; a destroyed key counts its values as shredded, not failed. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "harness.h"

static harness_run r;

static int run_verify(const char *data, char *out, size_t size, double *secs)
{
  char cmd[700];
  snprintf(cmd, sizeof cmd, "'%s' verify --data '%s' 2>&1", REFLECTD_PATH, data);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  FILE *p = popen(cmd, "r");
  cr_assert_not_null(p);
  size_t n = fread(out, 1, size - 1, p);
  out[n] = '\0';
  int st = pclose(p);
  clock_gettime(CLOCK_MONOTONIC, &b);
  if (secs) *secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static sqlite3 *open_db(const char *path)
{
  sqlite3 *sq;
  cr_assert_eq(sqlite3_open(path, &sq), SQLITE_OK);
  return sq;
}

static long long count(sqlite3 *sq, const char *q)
{
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(sq, q, -1, &st, NULL), SQLITE_OK, "%s: %s", q, sqlite3_errmsg(sq));
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static void exec(sqlite3 *sq, const char *q)
{
  char *err = NULL;
  cr_assert_eq(sqlite3_exec(sq, q, NULL, NULL, &err), SQLITE_OK, "%s: %s", q, err ? err : "");
}

/* What an attacker with the file does: drop the append-only triggers, then
 * flip one byte in the middle of one stored value of table.column. */
static void flip_one(const char *path, const char *table, const char *column)
{
  sqlite3 *sq = open_db(path);
  sqlite3_stmt *st;
  char q[300];
  exec(sq, "CREATE TEMP TABLE t AS SELECT name FROM sqlite_schema WHERE type = 'trigger'");
  cr_assert_eq(sqlite3_prepare_v2(sq, "SELECT name FROM temp.t", -1, &st, NULL), SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) {
    snprintf(q, sizeof q, "DROP TRIGGER \"%s\"", (const char *)sqlite3_column_text(st, 0));
    exec(sq, q);
  }
  sqlite3_finalize(st);
  snprintf(q, sizeof q, "SELECT %s FROM %s WHERE %s IS NOT NULL LIMIT 1", column, table, column);
  cr_assert_eq(sqlite3_prepare_v2(sq, q, -1, &st, NULL), SQLITE_OK, "%s", q);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "no %s.%s to flip", table, column);
  int n = sqlite3_column_bytes(st, 0);
  unsigned char *old = malloc((size_t)n), *new = malloc((size_t)n);
  memcpy(old, sqlite3_column_blob(st, 0), (size_t)n);
  sqlite3_finalize(st);
  memcpy(new, old, (size_t)n);
  new[n / 2] ^= 0x01;
  snprintf(q, sizeof q, "UPDATE %s SET %s = ?1 WHERE %s = ?2", table, column, column);
  cr_assert_eq(sqlite3_prepare_v2(sq, q, -1, &st, NULL), SQLITE_OK, "%s", q);
  sqlite3_bind_blob(st, 1, new, n, SQLITE_STATIC);
  sqlite3_bind_blob(st, 2, old, n, SQLITE_STATIC);
  cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
  cr_assert_eq(sqlite3_changes(sq), 1, "%s.%s", table, column);
  sqlite3_finalize(st);
  free(old);
  free(new);
  sqlite3_close(sq);
}

static void copy_file(const char *from, const char *to)
{
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
  cr_assert_eq(system(cmd), 0);
}

static const char *month_start(char *buf, int back)
{
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  int m = tm.tm_year * 12 + tm.tm_mon - back;
  snprintf(buf, HARNESS_DATE_SIZE, "%04u-%02u-01", (unsigned)(m / 12 + 1900) % 10000u, (unsigned)(m % 12 + 1) % 100u);
  return buf;
}

/* Every sealed column the store modules write, with the table verify names. */
static const char *const sealed[][2] = {
    {"users", "name"},
    {"agreements", "booking"},
    {"agreements", "end_reason"},
    {"sessions", "room"},
    {"record_revisions", "body"},
    {"record_revisions", "reason"},
    {"record_revisions", "wellbeing"},
    {"session_changes", "reason"},
    {"cases", "reference"},
    {"cases", "name"},
    {"cases", "date_of_birth"},
    {"record_comments", "body"},
    {"actions", "description"},
    {"actions", "evidence_needed"},
    {"actions", "evidence"},
    {"case_discussions", "decision"},
    {"events", "body"},
    {"case_people", "name"},
    {"case_people", "relationship"},
    {"kpi_measurements", "evidence"},
    {"survey_responses", "comment"},
};

static void populate(harness_server *hp)
{
#define h (*hp)
  const char *devs[] = {"admin", "mona", "sam", "pat", "quinn"};
  const char *roles[] = {NULL, "manager", "supervisor", "practitioner", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 5);
  CLI_OK("admin", NULL, "team", "add", "North");
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  CLI_OK("admin", NULL, "team", "member", "North", "sam");
  CLI_OK("admin", NULL, "team", "member", "North", "pat");
  CLI_OK("admin", NULL, "team", "member", "North", "quinn");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90", "--booking",
         "Tuesdays", "--confidentiality", "Kept between us");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "28", "--minutes", "90");
  CLI_OK("sam", NULL, "agreement", "end", "2", "--reason", "Quinn moves team");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "28", "--minutes", "90");
  CLI_OK("quinn", NULL, "agreement", "sign", "3");
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-V-1", "--name", "Verified Child", "--dob", "2014-03-09", "--risk",
         "high", "--worker", "pat");
  CLI_OK("sam", NULL, "case", "person", "add", "CH-V-1", "--name", "A Mother", "--relationship", "mother");

  char m1[HARNESS_DATE_SIZE], m2[HARNESS_DATE_SIZE];
  month_start(m2, 2), month_start(m1, 1);
  CLI_OK("mona", NULL, "kpi", "goal", "add", "Timely planning", "--description", "Plans in place quickly");
  CLI_OK("mona", NULL, "kpi", "define", "--name", "Plans in 28 days", "--definition", "Share of plans", "--measured",
         "Monthly extract", "--unit", "%", "--min", "0", "--max", "100", "--direction", "higher", "--period", "month",
         "--goal", "1");
  CLI_OK("sam", NULL, "kpi", "assign", "1", "--practitioner", "pat", "--baseline", "70", "--target", "90", "--from",
         m2);
  CLI_OK("pat", NULL, "kpi", "agree", "1");
  CLI_OK("sam", NULL, "kpi", "record", "1", "--practitioner", "pat", "--period", m1, "--value", "85", "--evidence",
         "Audit of 20 plans");

  char when[64], s1[24], s2[24], s3[24];
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -1, 10), "--minutes", "90",
         "--room", "Room 4");
  snprintf(s1, sizeof s1, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "held", s1);
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--with", "quinn", "--at", harness_day_at(when, -2, 10),
         "--minutes", "90");
  snprintf(s2, sizeof s2, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "held", s2);
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, 3, 10), "--minutes", "90");
  snprintf(s3, sizeof s3, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "move", s3, "--at", harness_day_at(when, 4, 11), "--reason", "pat on a visit");

  CLI_OK("sam",
         "[wellbeing]\nTired.\n\n[case CH-V-1]\nsituation: s\nanalysis: a\nrisk: high\ndecision: d\n"
         "rationale: r\n\n[development]\nCourse.\n\n[performance]\ncites: 1\nOn track.\n\n[notes]\nN.\n",
         "record", "write", s1);
  CLI_OK("sam", "[wellbeing]\nBetter.\n\n[notes]\nN2.\n", "record", "write", s1, "--reason", "corrected");
  CLI_OK("sam", "[notes]\nGroup.\n\n[contribution pat]\nA case study.\n\n[contribution quinn]\nQuestions.\n", "record",
         "write", s2);
  CLI_OK("pat", NULL, "record", "comment", s1, "--disagree", "--text", "Not what I said");
  CLI_OK("sam", NULL, "record", "comment", s1, "--resolves", "1", "--text", "Agreed wording");
  CLI_OK("sam", NULL, "action", "add", s1, "--owner", "pat", "--due", harness_date_in(when, 7), "--description",
         "Visit the family", "--evidence-needed", "a visit note", "--case", "CH-V-1");
  CLI_OK("pat", NULL, "action", "done", "1", "--evidence", "Visited on Tuesday");
  CLI_OK("pat", NULL, "survey", "answer", s1, "--answers", "4,5,3,4,5", "--comment", "Helpful");
#undef h
}

Test(verify, every_sealed_value_opens_and_any_flipped_byte_is_named, .timeout = 300)
{
  harness_server h;
  harness_start(&h);
  populate(&h);
  cr_assert_eq(harness_stop(&h), 0);

  char db[512], saved[560], out[8192];
  snprintf(db, sizeof db, "%s/reflect.db", h.data);
  snprintf(saved, sizeof saved, "%s/saved.db", h.dir);
  sqlite3 *sq = open_db(db);
  for (size_t i = 0; i < sizeof sealed / sizeof sealed[0]; i++) {
    char q[200];
    snprintf(q, sizeof q, "SELECT count(*) FROM %s WHERE %s IS NOT NULL", sealed[i][0], sealed[i][1]);
    cr_assert_gt(count(sq, q), 0, "the test made no %s.%s", sealed[i][0], sealed[i][1]);
  }
  sqlite3_close(sq);

  double secs;
  cr_assert_eq(run_verify(h.data, out, sizeof out, &secs), 0, "%s", out);
  long long opened = -1, shredded = -1, failed = -1;
  const char *v = strstr(out, "values: ");
  cr_assert_not_null(v, "%s", out);
  cr_assert_eq(sscanf(v, "values: %lld opened, %lld shredded, %lld failed", &opened, &shredded, &failed), 3);
  cr_assert_gt(opened, 30, "%s", out);
  cr_assert_eq(shredded, 0);
  cr_assert_eq(failed, 0);
  cr_assert(strstr(out, "integrity: ok") && strstr(out, "foreign keys: ok") && strstr(out, "verify: OK"), "%s", out);
  cr_log_info("verify: %lld values in %.3f s (ASan build)", opened, secs);
  copy_file(db, saved);

  for (size_t i = 0; i < sizeof sealed / sizeof sealed[0]; i++) {
    copy_file(saved, db);
    flip_one(db, sealed[i][0], sealed[i][1]);
    cr_assert_eq(run_verify(h.data, out, sizeof out, NULL), 1, "%s.%s: %s", sealed[i][0], sealed[i][1], out);
    char needle[96];
    snprintf(needle, sizeof needle, "verify: FAILED: %s row ", sealed[i][0]);
    cr_assert(strstr(out, needle), "%s.%s: %s", sealed[i][0], sealed[i][1], out);
    cr_assert(strstr(out, "values: ") && !strstr(out, " 0 failed\nintegrity"), "%s", out);
  }

  /* A wrapped key that no longer unwraps. */
  copy_file(saved, db);
  flip_one(db, "data_keys", "wrapped");
  cr_assert_eq(run_verify(h.data, out, sizeof out, NULL), 1, "%s", out);
  cr_assert(strstr(out, "verify: FAILED: data_keys row "), "%s", out);

  /* A destroyed key (crypto-shredding): its values are shredded, not
   * failed, and the rest still verifies. */
  copy_file(saved, db);
  sq = open_db(db);
  exec(sq, "UPDATE data_keys SET wrapped = NULL, destroyed_at = 1 WHERE subject = 'case:1'");
  sqlite3_close(sq);
  cr_assert_eq(run_verify(h.data, out, sizeof out, NULL), 0, "%s", out);
  v = strstr(out, "values: ");
  cr_assert_eq(sscanf(v, "values: %lld opened, %lld shredded, %lld failed", &opened, &shredded, &failed), 3);
  cr_assert_geq(shredded, 5, "reference, name, date of birth, person, decisions: %s", out);
  cr_assert_eq(failed, 0, "%s", out);
  cr_assert(strstr(out, "1 destroyed"), "%s", out);

  /* A reference that points nowhere. */
  copy_file(saved, db);
  sq = open_db(db);
  exec(sq, "PRAGMA foreign_keys = OFF; DELETE FROM case_people");
  exec(sq, "INSERT INTO case_people(id, case_id, key_id, name, relationship, added_at, added_by)"
           " VALUES (9, 77, 1, x'00', x'00', 1, 1)");
  sqlite3_close(sq);
  cr_assert_eq(run_verify(h.data, out, sizeof out, NULL), 1, "%s", out);
  cr_assert(strstr(out, "foreign keys: FAILED"), "%s", out);

  /* Usage and help. */
  char cmd[600];
  snprintf(cmd, sizeof cmd, "'%s' verify >/dev/null 2>&1", REFLECTD_PATH);
  int st = system(cmd);
  cr_assert_eq(WEXITSTATUS(st), 2);
  snprintf(cmd, sizeof cmd, "'%s' verify --help >/dev/null 2>&1", REFLECTD_PATH);
  st = system(cmd);
  cr_assert_eq(WEXITSTATUS(st), 0);
  harness_cleanup(&h);
}
