/* Refusals that could answer what the caller may not know: whether a case
 * reference is in use in another team, whether an account exists and what
 * its role is. Each is worded the same whatever the answer, is audited
 * (with the answer, for an investigator), and after PROBE_LIMIT in an hour
 * the caller gets one answer for every such request (probes.h). */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static harness_server h;
static harness_run r;

/* r's exit code and stderr, with the first occurrence of name made NAME, so
 * refusals that echo the name given can be compared byte for byte. */
static void refusal_of(const harness_run *run, const char *name, char *out, size_t size)
{
  const char *at = *name ? strstr(run->err, name) : NULL;
  if (at) snprintf(out, size, "%d|%.*sNAME%s", run->status, (int)(at - run->err), run->err, at + strlen(name));
  else snprintf(out, size, "%d|%s", run->status, run->err);
}

static int64_t db_count(const char *sql)
{
  char path[400];
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

static void setup(void)
{
  harness_start(&h);
  const char *devs[] = {"admin", "sam", "pat", "sue", "quinn", "mona"};
  const char *roles[] = {NULL, "supervisor", "practitioner", "supervisor", "practitioner", "manager"};
  harness_cli_people(&h, &r, devs, roles, 6);
  CLI_OK("admin", NULL, "team", "add", "North");
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  CLI_OK("admin", NULL, "team", "member", "North", "sue");
  CLI_OK("admin", NULL, "team", "member", "North", "quinn");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "60");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sue", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "28", "--minutes", "60");
  CLI_OK("quinn", NULL, "agreement", "sign", "2");
  CLI_OK("sue", NULL, "case", "add", "--ref", "CH-NORTH-1", "--name", "North child", "--risk", "high", "--worker",
         "quinn");
}

/* A name that is nobody's, a manager's, and someone else's supervisee get
 * one refusal in each request that names a person. */
Test(probes, people_are_refused_alike_whoever_they_are, .timeout = 240)
{
  setup();
  char when[HARNESS_DAY_AT_SIZE];
  harness_day_at(when, 3, 10);
  const char *names[] = {"nobody", "mona", "quinn", "admin"};
  char first[4096], next[4096];

  /* agreement add: nobody, a manager, an administrator (someone else's
   * practitioner may be offered an agreement: they must sign it). */
  for (int i = 0; i < 4; i++) {
    if (i == 2) continue;
    CLI("sam", NULL, "agreement", "add", "--supervisee", names[i], "--every", "28", "--minutes", "60");
    refusal_of(&r, names[i], i ? next : first, sizeof first);
    cr_assert_eq(r.status, 1, "%s: %s", names[i], r.err);
    if (i) cr_assert_str_eq(next, first, "agreement add for '%s' differs from 'nobody'", names[i]);
  }
  cr_assert(strstr(first, "no active practitioner or supervisor called"), "%s", first);

  /* case add --worker and session add --with: also someone else's
   * supervisee (quinn, sue's). */
  for (int i = 0; i < 4; i++) {
    CLI("sam", NULL, "case", "add", "--ref", "CH-SAM-9", "--name", "A child", "--risk", "low", "--worker", names[i]);
    refusal_of(&r, names[i], i ? next : first, sizeof first);
    cr_assert_eq(r.status, 1, "%s: %s", names[i], r.err);
    if (i) cr_assert_str_eq(next, first, "case add for '%s' differs from 'nobody'", names[i]);
  }
  for (int i = 0; i < 4; i++) {
    CLI("sam", NULL, "session", "add", "--with", names[i], "--at", when, "--minutes", "60");
    refusal_of(&r, names[i], i ? next : first, sizeof first);
    cr_assert_eq(r.status, 1, "%s: %s", names[i], r.err);
    if (i) cr_assert_str_eq(next, first, "session add for '%s' differs from 'nobody'", names[i]);
  }
  /* Positive control: sam's own supervisee is found. */
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", when, "--minutes", "60");

  /* The audit says what the refusals did not, for an investigator. */
  cr_assert_eq(db_count("SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id WHERE u.username = 'sam'"
                        " AND a.action = 'probe.person'"),
               11);
  /* What was typed as a name is kept only as a keyed hash: the same guess
   * three times reads alike, and the name itself is nowhere. */
  cr_assert_eq(db_count("SELECT count(*) FROM audit WHERE action = 'probe.person' AND object = '-'"
                        " AND detail LIKE 'no account (name %)'"),
               3);
  cr_assert_eq(db_count("SELECT count(DISTINCT detail) FROM audit WHERE action = 'probe.person' AND object = '-'"), 1);
  cr_assert_eq(db_count("SELECT count(*) FROM audit WHERE detail LIKE '%nobody%'"), 0);
  cr_assert_eq(db_count("SELECT count(*) FROM audit WHERE action = 'probe.person' AND detail = 'role=manager'"
                        " AND object = (SELECT 'user:' || id FROM users WHERE username = 'mona')"),
               3);
  cr_assert_eq(db_count("SELECT count(*) FROM audit WHERE action = 'probe.person'"
                        " AND detail = 'no signed agreement with the caller'"
                        " AND object = (SELECT 'user:' || id FROM users WHERE username = 'quinn')"),
               2);
  cr_assert_eq(db_count("SELECT refusals FROM probes p JOIN users u ON u.id = p.user_id"
                        " WHERE u.username = 'sam' AND p.kind = 'person'"),
               11);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* Another team's reference and the caller's own give the same refusal; a
 * try at a case the caller cannot see is audited on that case, for its
 * manager; and repeated tries end in one answer for every reference, in
 * use or not, with the audit bounded however many come. */
Test(probes, case_references_say_nothing_of_other_teams, .timeout = 240)
{
  setup();
  char theirs[4096], mine[4096];
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-SAM-1", "--name", "Sam's child", "--risk", "low", "--worker", "pat");
  CLI("sam", NULL, "case", "add", "--ref", "ch-north-1", "--name", "X", "--risk", "low", "--worker", "pat");
  refusal_of(&r, "", theirs, sizeof theirs);
  CLI("sam", NULL, "case", "add", "--ref", "ch-sam-1", "--name", "X", "--risk", "low", "--worker", "pat");
  refusal_of(&r, "", mine, sizeof mine);
  cr_assert_str_eq(theirs, mine, "another team's reference reads differently from the caller's own");
  cr_assert(strstr(theirs, "already exists"), "%s", theirs);

  /* The manager of the probed case sees who tried its reference. */
  CLI_OK("mona", NULL, "audit", "show", "--case", "CH-NORTH-1");
  cr_assert(strstr(r.out, "probe.case_reference"), "%s", r.out);
  cr_assert(strstr(r.out, "sam"), "%s", r.out);
  /* Trying one's own case again is a mistake, not a probe. */
  cr_assert_eq(db_count("SELECT count(*) FROM audit WHERE action = 'probe.case_reference'"), 1);

  /* Up to the limit each try is audited; then every case add from sam is
   * refused alike, whether its reference is in use or not. */
  for (int i = 1; i < 20; i++) {
    CLI("sam", NULL, "case", "add", "--ref", "CH-NORTH-1", "--name", "X", "--risk", "low", "--worker", "pat");
    cr_assert(strstr(r.err, "already exists"), "try %d: %s", i, r.err);
  }
  char used[4096], fresh[4096];
  CLI("sam", NULL, "case", "add", "--ref", "CH-NORTH-1", "--name", "X", "--risk", "low", "--worker", "pat");
  refusal_of(&r, "", used, sizeof used);
  CLI("sam", NULL, "case", "add", "--ref", "CH-FRESH-77", "--name", "X", "--risk", "low", "--worker", "pat");
  refusal_of(&r, "", fresh, sizeof fresh);
  cr_assert_str_eq(used, fresh, "once throttled, a reference in use and a fresh one read alike");
  cr_assert(strstr(used, "RESOURCE_EXHAUSTED"), "%s", used);
  for (int i = 0; i < 10; i++)
    CLI("sam", NULL, "case", "add", "--ref", "CH-NORTH-1", "--name", "X", "--risk", "low", "--worker", "pat");
  cr_assert_eq(db_count("SELECT count(*) FROM audit WHERE action = 'probe.case_reference'"), 20,
               "the audit is bounded per person and hour");
  cr_assert_eq(db_count("SELECT count(*) FROM audit WHERE action = 'probe.throttled'"), 1);
  cr_assert_eq(db_count("SELECT refusals FROM probes WHERE kind = 'case_reference'"), 32, "every try is counted");
  cr_assert_eq(db_count("SELECT count(*) FROM cases"), 2, "nothing was opened meanwhile");
  /* Others are not slowed by sam's tries. */
  CLI_OK("sue", NULL, "case", "add", "--ref", "CH-NORTH-2", "--name", "Another", "--risk", "low", "--worker", "quinn");
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}
