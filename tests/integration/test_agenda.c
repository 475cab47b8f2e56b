/* A session's proposed agenda through the CLI: the open actions carried
 * over from earlier sessions of the same supervision (overdue first, closed
 * ones not at all), then the members' cases by risk and time since last
 * discussed, each with why; a case discussed recently drops down. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static harness_server h;
static harness_run r;

/* The ids of `key` ("carried_over" or "cases") in `agenda --json` output,
 * in order, as "3,1,2". */
static void agenda_ids(const char *key, char *buf, size_t size)
{
  cJSON *j = cJSON_Parse(r.out), *e;
  cr_assert_not_null(j, "not JSON: %s", r.out);
  buf[0] = '\0';
  cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, key))
  {
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%s%ld", n ? "," : "", (long)cJSON_GetObjectItem(e, "id")->valuedouble);
  }
  cJSON_Delete(j);
}

/* The why of case `id` in `agenda --json` output. */
static void agenda_why(long id, char *buf, size_t size)
{
  cJSON *j = cJSON_Parse(r.out), *e;
  buf[0] = '\0';
  cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "cases"))
  {
    if ((long)cJSON_GetObjectItem(e, "id")->valuedouble == id)
      snprintf(buf, size, "%s", cJSON_GetObjectItem(e, "why")->valuestring);
  }
  cJSON_Delete(j);
}

static long add_case(const char *ref, const char *risk, const char *worker)
{
  CLI_OK("sam", NULL, "case", "add", "--ref", ref, "--name", "A Child", "--risk", risk, "--worker", worker);
  return harness_id(&r);
}

static long add_action(long session, const char *owner, int due_days, const char *what)
{
  char sid[24], due[16];
  snprintf(sid, sizeof sid, "%ld", session);
  CLI_OK("sam", NULL, "action", "add", sid, "--owner", owner, "--due", harness_date_in(due, due_days), "--description",
         what);
  return harness_id(&r);
}

Test(agenda, actions_then_cases_by_risk_and_time, .timeout = 300)
{
  harness_start(&h);
  const char *devs[] = {"admin", "sam", "sue", "pat", "quinn", "mona"};
  const char *roles[] = {NULL, "supervisor", "supervisor", "practitioner", "practitioner", "manager"};
  harness_cli_people(&h, &r, devs, roles, 6);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "28", "--minutes", "90");
  CLI_OK("quinn", NULL, "agreement", "sign", "2");
  CLI_OK("sue", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "3");

  char when[64];
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -10, 10), "--minutes", "90");
  long earlier = harness_id(&r);
  CLI_OK("sam", NULL, "session", "add", "--with", "quinn", "--at", harness_day_at(when, -8, 10), "--minutes", "90");
  long quinns = harness_id(&r);
  CLI_OK("sue", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -9, 10), "--minutes", "90");
  long sues = harness_id(&r);
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, 2, 10), "--minutes", "90");
  long next = harness_id(&r);
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, 9, 10), "--minutes", "90");
  long after = harness_id(&r);
  char sid[24];
  snprintf(sid, sizeof sid, "%ld", next);

  /* Carried over: pat's overdue action and sam's open one from the earlier
   * session. Not: a closed one, quinn's, one from Sue's supervision of pat,
   * one from a later session, one from this session. */
  long overdue = add_action(earlier, "pat", -5, "Visit the family");
  long open = add_action(earlier, "sam", 10, "Find a training course");
  long closed = add_action(earlier, "pat", 5, "Read the policy");
  char closed_id[24];
  snprintf(closed_id, sizeof closed_id, "%ld", closed);
  CLI_OK("pat", NULL, "action", "done", closed_id, "--evidence", "read it");
  add_action(quinns, "quinn", -3, "Quinn's own action");
  char sues_id[24], due[16];
  snprintf(sues_id, sizeof sues_id, "%ld", sues);
  CLI_OK("sue", NULL, "action", "add", sues_id, "--owner", "pat", "--due", harness_date_in(due, 3), "--description",
         "Sue's");
  add_action(after, "pat", 20, "Later");
  add_action(next, "pat", 20, "This session's own");

  /* Cases: pat's four open ones, one closed, and one of quinn's. */
  long a = add_case("AG-A", "high", "pat");
  long b = add_case("AG-B", "low", "pat");
  long c = add_case("AG-C", "medium", "pat");
  long d = add_case("AG-D", "high", "pat");
  long e = add_case("AG-E", "high", "pat");
  add_case("AG-F", "high", "quinn");
  char e_id[24];
  snprintf(e_id, sizeof e_id, "%ld", e);
  CLI_OK("sam", NULL, "case", "update", e_id, "--close");

  /* Time passes: the cases were opened weeks ago. */
  cr_assert_eq(harness_stop(&h), 0);
  char path[512];
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  char sql[512];
  long now = (long)time(NULL);
  snprintf(sql, sizeof sql,
           "UPDATE cases SET created_at = CASE id WHEN %ld THEN %ld WHEN %ld THEN %ld WHEN %ld THEN %ld"
           " ELSE %ld END;",
           a, now - 30 * 86400L, b, now - 60 * 86400L, c, now - 40 * 86400L, now - 50 * 86400L);
  cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  harness_serve(&h);

  CLI_OK("sam", NULL, "agenda", sid, "--json");
  char ids[256], want[256], why[256];
  agenda_ids("carried_over", ids, sizeof ids);
  snprintf(want, sizeof want, "%ld,%ld", overdue, open);
  cr_assert_str_eq(ids, want, "overdue first, then by due date, nothing closed or unrelated: %s", r.out);
  /* Scores: d 50 days x 3 = 150, a 30 x 3 = 90, c 40 x 2 = 80, b 60 x 1 = 60. */
  agenda_ids("cases", ids, sizeof ids);
  snprintf(want, sizeof want, "%ld,%ld,%ld,%ld", d, a, c, b);
  cr_assert_str_eq(ids, want, "by risk and time: %s", r.out);
  agenda_why(d, why, sizeof why);
  cr_assert_str_eq(why, "high risk, never discussed (opened 50 days ago)");
  agenda_why(b, why, sizeof why);
  cr_assert_str_eq(why, "low risk, never discussed (opened 60 days ago)");
  CLI_OK("sam", NULL, "agenda", sid);
  cr_assert(strstr(r.out, "Visit the family") && strstr(r.out, "AG-D") && strstr(r.out, "overdue"), "%s", r.out);

  /* The member sees the same; someone outside the session nothing. */
  CLI_OK("pat", NULL, "agenda", sid, "--json");
  agenda_ids("cases", ids, sizeof ids);
  cr_assert_str_eq(ids, want, "%s", r.out);
  CLI_REFUSED("quinn", "not a party", "agenda", sid);
  CLI_REFUSED("mona", "not a party", "agenda", sid);
  /* A manager overseeing pat sees it, read-only. */
  CLI_OK("admin", NULL, "team", "add", "North");
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  CLI_OK("admin", NULL, "team", "member", "North", "pat");
  CLI_OK("mona", NULL, "agenda", sid, "--json");
  agenda_ids("cases", ids, sizeof ids);
  cr_assert_str_eq(ids, want, "%s", r.out);

  /* Discussed in the earlier session's record: d drops to the bottom. */
  char earlier_id[24];
  snprintf(earlier_id, sizeof earlier_id, "%ld", earlier);
  CLI_OK("sam",
         "[case AG-D]\nsituation: settled at home\nanalysis: safe for now\nrisk: high\n"
         "decision: keep the plan\nrationale: the plan is working\n",
         "record", "write", earlier_id, "--file", "-");
  CLI_OK("sam", NULL, "agenda", sid, "--json");
  agenda_ids("cases", ids, sizeof ids);
  snprintf(want, sizeof want, "%ld,%ld,%ld,%ld", a, c, b, d);
  cr_assert_str_eq(ids, want, "a case discussed ten days ago comes last: %s", r.out);
  agenda_why(d, why, sizeof why);
  cr_assert(strstr(why, "high risk, last discussed ") && strstr(why, " days)"), "%s", why);

  cr_assert_eq(harness_stop(&h), 0);
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM audit WHERE action = 'agenda.read'", -1, &st, NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(st, 0), 5, "every agenda read is audited");
  sqlite3_finalize(st);
  sqlite3_close(db);
  harness_cleanup(&h);
}
