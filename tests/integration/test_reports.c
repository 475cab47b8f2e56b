/* The oversight reports (compliance, coverage, balance, actions) of team
 * North over the default period (the four weeks ending today), against a
 * real server through the CLI, every figure worked out by hand below.
 *
 * People: mona manages North; sam supervises pat, quinn and rae (all four
 * are North's people: sam, as a non-manager member, counts too). otto
 * manages South, with uma. "d-20 10:00" is 10:00 local time 20 days ago;
 * the period runs from local midnight of d-27 to the end of today, and
 * figures "as of" are taken now. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define DAY 86400

static harness_server h;
static harness_run r;

/* The session starts the seed made, in Unix seconds, for expected values
 * that depend on the time of day the test runs at. */
static struct {
  long pat20, pat12, pat6, quinn35, quinn18, group8;
  int64_t at_pat20, at_pat6, at_quinn35, at_quinn18;
} s;

static const char *num(char *buf, long n)
{
  snprintf(buf, 24, "%ld", n);
  return buf;
}

/* When session id starts, as the server has it: the CLI read "d-N 10:00"
 * in the organisation's zone, which need not be this process's. */
static int64_t starts_of(long id)
{
  char buf[24];
  CLI_OK("mona", NULL, "session", "show", num(buf, id), "--json");
  cJSON *j = cJSON_Parse(r.out);
  cJSON *t = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "session"), "starts_at_unix");
  cr_assert(cJSON_IsNumber(t), "%s", r.out);
  int64_t at = (int64_t)t->valuedouble;
  cJSON_Delete(j);
  return at;
}

static long held(const char *with, int days)
{
  char when[HARNESS_DAY_AT_SIZE], id[24];
  CLI_OK("sam", NULL, "session", "add", "--with", with, "--at", harness_day_at(when, days, 10), "--minutes", "60");
  long session = harness_id(&r);
  CLI_OK("sam", NULL, "session", "held", num(id, session));
  return session;
}

static void record(long session, const char *text)
{
  char path[512], id[24];
  snprintf(path, sizeof path, "%s/record-%ld.txt", h.dir, session);
  harness_write_file(path, text);
  CLI_OK("sam", NULL, "record", "write", num(id, session), "--file", path);
}

static void action(long session, const char *owner, int due_days, const char *what)
{
  char id[24], due[HARNESS_DATE_SIZE];
  CLI_OK("sam", NULL, "action", "add", num(id, session), "--owner", owner, "--due", harness_date_in(due, due_days),
         "--description", what);
}

/* The whole month, shared by every test in this file. */
static void seed(void)
{
  harness_start(&h);
  const char *devs[] = {"admin", "mona", "sam", "pat", "quinn", "rae", "otto", "uma"};
  const char *roles[] = {NULL,           "manager",      "supervisor", "practitioner",
                         "practitioner", "practitioner", "manager",    "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 8);
  CLI_OK("admin", NULL, "team", "add", "North");
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  const char *north[] = {"sam", "pat", "quinn", "rae"};
  for (int i = 0; i < 4; i++) CLI_OK("admin", NULL, "team", "member", "North", north[i]);
  CLI_OK("admin", NULL, "team", "add", "South");
  CLI_OK("admin", NULL, "team", "member", "South", "otto", "--manager");
  CLI_OK("admin", NULL, "team", "member", "South", "uma");

  /* Agreements 1 pat weekly from d-30; 2 quinn fortnightly from d-40;
   * 3 rae every 28 days from d-10. */
  char d[HARNESS_DATE_SIZE];
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "7", "--minutes", "60", "--starts",
         harness_date_in(d, -30));
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "14", "--minutes", "60", "--starts",
         harness_date_in(d, -40));
  CLI_OK("quinn", NULL, "agreement", "sign", "2");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "rae", "--every", "28", "--minutes", "60", "--starts",
         harness_date_in(d, -10));
  CLI_OK("rae", NULL, "agreement", "sign", "3");

  /* Cases 1 CH-1 high (pat), 2 CH-2 medium (quinn), 3 CH-3 low (pat),
   * 4 CH-4 high (rae), 5 CH-5 high (quinn, closed). */
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-1", "--name", "Ada Test", "--risk", "high", "--worker", "pat");
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-2", "--name", "Ben Test", "--risk", "medium", "--worker", "quinn");
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-3", "--name", "Cy Test", "--risk", "low", "--worker", "pat");
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-4", "--name", "Di Test", "--risk", "high", "--worker", "rae");
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-5", "--name", "Ed Test", "--risk", "high", "--worker", "quinn");
  CLI_OK("sam", NULL, "case", "update", "5", "--close");

  /* Held individual sessions, all at 10:00: pat d-20, d-12, d-6; quinn
   * d-35 (before the period), d-18. A group on d-8 (rae absent), and
   * rae's session on d-3, cancelled. */
  s.pat20 = held("pat", -20);
  s.pat12 = held("pat", -12);
  s.pat6 = held("pat", -6);
  s.quinn35 = held("quinn", -35);
  s.quinn18 = held("quinn", -18);
  s.at_pat20 = starts_of(s.pat20);
  s.at_pat6 = starts_of(s.pat6);
  s.at_quinn35 = starts_of(s.quinn35);
  s.at_quinn18 = starts_of(s.quinn18);
  char when[HARNESS_DAY_AT_SIZE], id[24];
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--with", "quinn", "--with", "rae", "--at",
         harness_day_at(when, -8, 10), "--minutes", "120");
  s.group8 = harness_id(&r);
  CLI_OK("sam", NULL, "session", "held", num(id, s.group8));
  CLI_OK("sam", NULL, "session", "attendance", id, "--present", "pat", "--present", "quinn", "--absent", "rae");
  CLI_OK("sam", NULL, "session", "add", "--with", "rae", "--at", harness_day_at(when, -3, 10), "--minutes", "60");
  CLI_OK("sam", NULL, "session", "cancel", num(id, harness_id(&r)), "--reason", "rae on leave");

  /* Records; the characters each function gets are in brackets. */
  record(s.pat20, "[wellbeing]\nTired\n"                                                     /* support 5 */
                  "[case CH-1]\nsituation: Bruise\ndecision: Visit\nrationale: Seen twice\n" /* management 6+5+10 */
                  "[development]\nCourt course\n");                                          /* development 12 */
  record(s.pat12, "[notes]\nShort chat\n"                                                    /* other 10 */
                  "[performance]\nVisits on target\n");                                      /* management 16 */
  record(s.pat6, "[case CH-3]\nsituation: Settled\n"                                         /* management 7 */
                 "[mediation]\nAsked for a car\n");                                          /* mediation 15 */
  record(s.quinn35, "[case CH-2]\nsituation: Settled in foster care\n");                     /* before the period */
  record(s.quinn18, "[wellbeing]\nQuinn is well\n"                                           /* support 13 */
                    "[development]\nReading on attachment\n");                               /* development 21 */
  record(s.group8, "[notes]\nFamilies who do not engage\n"                                   /* other 26 */
                   "[contribution quinn]\nFoster approach\n");                               /* other 15 */

  /* Actions, made now: pat's from d-6, quinn's from d-18. */
  action(s.pat6, "pat", -5, "Visit CH-1");    /* 1: open, overdue */
  action(s.pat6, "pat", 7, "Read policy");    /* 2: open */
  action(s.pat6, "pat", 3, "Book course");    /* 3: done now, by its due day: on time */
  action(s.pat6, "pat", -2, "Call school");   /* 4: done now, after d-2 23:59: late */
  action(s.quinn18, "quinn", 10, "Review");   /* 5: cancelled now */
  action(s.quinn18, "quinn", -1, "Write up"); /* 6: open, overdue */
  CLI_OK("pat", NULL, "action", "done", "3", "--evidence", "booked");
  CLI_OK("pat", NULL, "action", "done", "4", "--evidence", "called");
  CLI_OK("sam", NULL, "action", "cancel", "5", "--reason", "no longer needed");
}

static void finish(void)
{
  cr_assert_eq(harness_stop(&h), 0, "reflectd did not exit cleanly");
  harness_cleanup(&h);
}

static cJSON *json_report(const char *kind)
{
  CLI_OK("mona", NULL, "report", kind, "--team", "North", "--json");
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "not JSON: %s", r.out);
  return j;
}

static double num_of(const cJSON *o, const char *key)
{
  const cJSON *v = cJSON_GetObjectItem(o, key);
  cr_assert(cJSON_IsNumber(v), "no number %s", key);
  return v->valuedouble;
}

static const char *str_of(const cJSON *o, const char *key)
{
  const cJSON *v = cJSON_GetObjectItem(o, key);
  cr_assert(cJSON_IsString(v), "no string %s", key);
  return v->valuestring;
}

/* The element of array whose `key` is `value`. */
static cJSON *line_with(cJSON *array, const char *key, const char *value)
{
  cJSON *e;
  cJSON_ArrayForEach(e, array) if (!strcmp(str_of(e, key), value)) return e;
  cr_assert_fail("no line with %s = %s", key, value);
  return NULL;
}

#define EQ(o, key, want) cr_assert_eq((long long)num_of(o, key), (long long)(want), "%s: %s", key, r.out)

Test(reports, figures_of_a_month, .timeout = 300)
{
  seed();

  /* Compliance.
   * pat, weekly from d-30, none held before the period: from d-30 00:00Z,
   *   due d-23 (held d-20: late); from d-20 10:00 due d-13 (held d-12:
   *   late); from d-12 due d-5 (held d-6: on time); from d-6 due d+1,
   *   after now. 3 occasions, 1 on time; next due d-6 10:00 + 7 days.
   * quinn, fortnightly, held d-35 before the period: due d-21 (held d-18:
   *   late); from d-18 due d-4, nothing held since: 2 occasions, 0 on
   *   time, overdue by whole days from d-4 10:00 to now (3 or 4).
   * rae, from d-10 every 28 days: first due d+18. 0 occasions.
   * Team: 5 occasions, 1 on time, 20%. quinn (overdue) first, then pat,
   * rae by username. */
  cJSON *j = json_report("compliance");
  cJSON *lines = cJSON_GetObjectItem(j, "lines");
  cr_assert_eq(cJSON_GetArraySize(lines), 3, "%s", r.out);
  EQ(j, "due_occasions", 5);
  EQ(j, "on_time", 1);
  cr_assert_float_eq(num_of(j, "on_time_percent"), 20.0, 1e-9, "%s", r.out);
  int64_t as_of = (int64_t)num_of(j, "as_of_unix");
  cr_assert(as_of <= time(NULL) && as_of > time(NULL) - 120, "%s", r.out);
  cJSON *q = cJSON_GetArrayItem(lines, 0), *p = cJSON_GetArrayItem(lines, 1), *ra = cJSON_GetArrayItem(lines, 2);
  cr_assert_str_eq(str_of(q, "supervisee"), "quinn");
  cr_assert_str_eq(str_of(p, "supervisee"), "pat");
  cr_assert_str_eq(str_of(ra, "supervisee"), "rae");
  cr_assert_str_eq(str_of(q, "supervisor"), "sam");
  EQ(q, "due_occasions", 2);
  EQ(q, "on_time", 0);
  EQ(q, "last_held_unix", s.at_quinn18);
  EQ(q, "next_due_unix", s.at_quinn18 + 14 * DAY);
  EQ(q, "overdue_days", (as_of - (s.at_quinn18 + 14 * DAY)) / DAY);
  cr_assert((long)num_of(q, "overdue_days") >= 3);
  EQ(p, "due_occasions", 3);
  EQ(p, "on_time", 1);
  EQ(p, "last_held_unix", s.at_pat6);
  EQ(p, "next_due_unix", s.at_pat6 + 7 * DAY);
  EQ(p, "overdue_days", 0);
  EQ(ra, "due_occasions", 0);
  EQ(ra, "on_time", 0);
  EQ(ra, "overdue_days", 0);
  cr_assert(cJSON_IsNull(cJSON_GetObjectItem(ra, "last_held")), "%s", r.out);
  cJSON_Delete(j);
  CLI_OK("mona", NULL, "report", "compliance", "--team", "North");
  cr_assert(strstr(r.out, "1 of 5 supervisions on time (20%)"), "%s", r.out);

  /* Coverage: 4 open cases (CH-5 is closed). CH-1 high, last discussed
   * d-20 10:00: 19 or 20 days (by the time of day), window 14, over 5 or
   * 6. CH-2 medium, d-35: 34 or 35 days, window 28, over 6 or 7 — always
   * one more than CH-1, so first. CH-3 low, d-6: within 56. CH-4 high,
   * never discussed, opened just now: 0 days, within. */
  j = json_report("coverage");
  lines = cJSON_GetObjectItem(j, "lines");
  as_of = (int64_t)num_of(j, "as_of_unix");
  EQ(j, "open_cases", 4);
  EQ(j, "within_window", 2);
  cr_assert_eq(cJSON_GetArraySize(lines), 2, "%s", r.out);
  cJSON *c2 = cJSON_GetArrayItem(lines, 0), *c1 = cJSON_GetArrayItem(lines, 1);
  cr_assert_str_eq(str_of(c2, "reference"), "CH-2");
  cr_assert_str_eq(str_of(c2, "risk"), "medium");
  cr_assert_str_eq(str_of(c2, "worker"), "quinn");
  EQ(c2, "last_discussed_unix", s.at_quinn35);
  EQ(c2, "days_since", (as_of - s.at_quinn35) / DAY);
  EQ(c2, "window_days", 28);
  EQ(c2, "days_over", (as_of - s.at_quinn35) / DAY - 28);
  cr_assert_str_eq(str_of(c1, "reference"), "CH-1");
  cr_assert_str_eq(str_of(c1, "worker"), "pat");
  EQ(c1, "last_discussed_unix", s.at_pat20);
  EQ(c1, "days_since", (as_of - s.at_pat20) / DAY);
  EQ(c1, "window_days", 14);
  EQ(c1, "days_over", (as_of - s.at_pat20) / DAY - 14);
  cr_assert(!strstr(r.out, "Test"), "a child's name is in the report: %s", r.out);
  cJSON_Delete(j);
  CLI_OK("mona", NULL, "report", "coverage", "--team", "North");
  cr_assert(strstr(r.out, "2 of 4 open cases discussed within their window") && strstr(r.out, "CH-2"), "%s", r.out);

  /* Balance over the period (d-35 is outside it).
   * pat: individual 3, group 1; management 21+16+7 = 44, development 12,
   *   support 5, mediation 15, other 10 + 26+15 = 51. Classified 76:
   *   support 5/76 = 6.6% < 15% (crowded out), development 12/76 = 15.8%.
   * quinn: individual 1, group 1; development 21, support 13, other 41;
   *   classified 34: support 38%, development 62%.
   * rae: absent from the group, her own session cancelled: nothing.
   * sam: supervises, is supervised in nothing here: nothing.
   * Team: individual 4, group 1 (counted once); management 44,
   *   development 33, support 18, mediation 15, other 51; classified 110:
   *   support 16.4%, development 30%: no flags. */
  j = json_report("balance");
  cJSON *people = cJSON_GetObjectItem(j, "people");
  cr_assert_eq(cJSON_GetArraySize(people), 4, "%s", r.out);
  EQ(j, "min_support_percent", 15);
  EQ(j, "min_development_percent", 15);
  struct {
    const char *who;
    long ind, grp, man, dev, sup, med, oth;
    int sup_out, dev_out;
  } want[] = {
      {"pat", 3, 1, 44, 12, 5, 15, 51, 1, 0},    {"quinn", 1, 1, 0, 21, 13, 0, 41, 0, 0},
      {"rae", 0, 0, 0, 0, 0, 0, 0, 0, 0},        {"sam", 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {"North", 4, 1, 44, 33, 18, 15, 51, 0, 0},
  };
  for (size_t i = 0; i < 5; i++) {
    cJSON *l = i < 4 ? line_with(people, "person", want[i].who) : cJSON_GetObjectItem(j, "team");
    cr_assert_str_eq(str_of(l, "person"), want[i].who);
    cJSON *sh = cJSON_GetObjectItem(l, "shares");
    EQ(l, "individual", want[i].ind);
    EQ(l, "group", want[i].grp);
    EQ(sh, "management", want[i].man);
    EQ(sh, "development", want[i].dev);
    EQ(sh, "support", want[i].sup);
    EQ(sh, "mediation", want[i].med);
    EQ(sh, "other", want[i].oth);
    cr_assert_eq(cJSON_IsTrue(cJSON_GetObjectItem(l, "support_crowded_out")), want[i].sup_out, "%s: %s", want[i].who,
                 r.out);
    cr_assert_eq(cJSON_IsTrue(cJSON_GetObjectItem(l, "development_crowded_out")), want[i].dev_out, "%s: %s",
                 want[i].who, r.out);
  }
  cr_assert(!strstr(r.out, "Tired") && !strstr(r.out, "Quinn is well"), "content in the report: %s", r.out);
  cJSON_Delete(j);
  CLI_OK("mona", NULL, "report", "balance", "--team", "North");
  cr_assert(strstr(r.out, "4 individual and 1 group sessions held") && strstr(r.out, "support crowded out"), "%s",
            r.out);

  /* Actions: pat open 2 (1, 2), overdue 1 (1), done on time 1 (3), late
   * 1 (4); quinn open 1 (6), overdue 1, cancelled 1 (5); rae, sam none.
   * Team: open 3, overdue 2, on time 1, late 1, cancelled 1. */
  j = json_report("actions");
  people = cJSON_GetObjectItem(j, "people");
  cr_assert_eq(cJSON_GetArraySize(people), 4, "%s", r.out);
  long aw[][5] = {{2, 1, 1, 1, 0}, {1, 1, 0, 0, 1}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {3, 2, 1, 1, 1}};
  const char *aw_who[] = {"pat", "quinn", "rae", "sam", "North"};
  for (size_t i = 0; i < 5; i++) {
    cJSON *l = i < 4 ? line_with(people, "person", aw_who[i]) : cJSON_GetObjectItem(j, "team");
    EQ(l, "open", aw[i][0]);
    EQ(l, "overdue", aw[i][1]);
    EQ(l, "done_on_time", aw[i][2]);
    EQ(l, "done_late", aw[i][3]);
    EQ(l, "cancelled", aw[i][4]);
  }
  cJSON_Delete(j);

  CLI_OK("mona", NULL, "report", "actions", "--team", "North");
  cr_assert(strstr(r.out, "3 actions open, 2 of them overdue; 1 done on time, 1 late"), "%s", r.out);

  /* The same as CSV: a header, one row per person (by username), the team. */
  CLI_OK("mona", NULL, "report", "actions", "--team", "North", "--csv");
  cr_assert_str_eq(r.out,
                   "person,name,open,overdue,done_on_time,done_late,cancelled\r\n"
                   "pat,pat,2,1,1,1,0\r\n"
                   "quinn,quinn,1,1,0,0,1\r\n"
                   "rae,rae,0,0,0,0,0\r\n"
                   "sam,sam,0,0,0,0,0\r\n"
                   "North,North,3,2,1,1,1\r\n",
                   "%s", r.out);
  CLI_OK("mona", NULL, "report", "coverage", "--team", "North", "--csv");
  cr_assert(strstr(r.out, "case_id,reference,risk,worker,") == r.out && strstr(r.out, "\r\n2,CH-2,medium,quinn,") &&
                strstr(r.out, ",North,(team),,,,,,4,2\r\n"),
            "%s", r.out);
  finish();
}

Test(reports, who_may_ask_and_bad_periods, .timeout = 300)
{
  seed();
  char from[HARNESS_DATE_SIZE], to[HARNESS_DATE_SIZE];
  const char *kinds[] = {"compliance", "coverage", "balance", "actions"};
  for (size_t i = 0; i < 4; i++) {
    /* Another team's manager, and a team that does not exist: the same. */
    CLI_REFUSED("otto", "PERMISSION_DENIED", "report", kinds[i], "--team", "North");
    CLI_REFUSED("otto", "PERMISSION_DENIED", "report", kinds[i], "--team", "Nowhere");
    cr_assert(strstr(r.err, "Nowhere"), "%s", r.err);
    /* A supervisor, even of the team's people; a practitioner. */
    CLI_REFUSED("sam", "PERMISSION_DENIED", "report", kinds[i], "--team", "North");
    CLI_REFUSED("pat", "PERMISSION_DENIED", "report", kinds[i], "--team", "North");
    CLI_REFUSED("mona", "'from'", "report", kinds[i], "--team", "North", "--from", harness_date_in(from, 0), "--to",
                harness_date_in(to, -1));
    CLI_REFUSED("mona", "'to'", "report", kinds[i], "--team", "North", "--from", "2026-01-01", "--to", "2026-02-30");
    CLI_REFUSED("mona", "'from'", "report", kinds[i], "--team", "North", "--from", "yesterday", "--to", "2026-02-01");
    CLI_REFUSED("mona", "'to'", "report", kinds[i], "--team", "North", "--from", "2025-01-01", "--to", "2026-06-01");
  }
  /* A past period sees only its own sessions: the four weeks d-42 to d-15
   * hold quinn's d-35, pat's d-20 and quinn's d-18; not the d-8 group. */
  CLI_OK("mona", NULL, "report", "balance", "--team", "North", "--to", harness_date_in(to, -15), "--json");
  cJSON *j = cJSON_Parse(r.out), *team = cJSON_GetObjectItem(j, "team");
  cr_assert_not_null(team, "%s", r.out);
  EQ(team, "individual", 3);
  EQ(team, "group", 0);
  cJSON_Delete(j);
  /* Compliance as of the end of d-15: pat last held d-20, due d-13, not
   * yet overdue; quinn last held d-18. */
  CLI_OK("mona", NULL, "report", "compliance", "--team", "North", "--to", to, "--json");
  j = cJSON_Parse(r.out);
  cJSON *pat = line_with(cJSON_GetObjectItem(j, "lines"), "supervisee", "pat");
  EQ(pat, "last_held_unix", s.at_pat20);
  EQ(pat, "overdue_days", 0);
  cJSON_Delete(j);
  finish();
}

/* Missed occasions are each counted: uma, weekly from d-40 under otto,
 * never supervised. From d-40 00:00Z the dates fall due d-33 (before the
 * period: not counted), then d-26, d-19, d-12 and d-5, each missed and each
 * an occasion of the four weeks from d-27; d+2 is after now. So South has
 * 4 occasions, none on time: someone already overdue when a period starts
 * is not left out of it. */
Test(reports, missed_occasions_each_count, .timeout = 300)
{
  seed();
  char d[HARNESS_DATE_SIZE];
  CLI_OK("otto", NULL, "agreement", "add", "--supervisee", "uma", "--every", "7", "--minutes", "60", "--starts",
         harness_date_in(d, -40));
  CLI_OK("uma", NULL, "agreement", "sign", "4");
  CLI_OK("otto", NULL, "report", "compliance", "--team", "South", "--json");
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "%s", r.out);
  EQ(j, "due_occasions", 4);
  EQ(j, "on_time", 0);
  cJSON *lines = cJSON_GetObjectItem(j, "lines");
  cr_assert_eq(cJSON_GetArraySize(lines), 1, "%s", r.out);
  cr_assert((long)num_of(cJSON_GetArrayItem(lines, 0), "overdue_days") >= 32, "%s", r.out);
  cJSON_Delete(j);
  finish();
}
