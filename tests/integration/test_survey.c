/* The feedback survey through the CLI: practitioners answer once per held
 * session they were supervised in; a manager sees nothing until five
 * different people have answered, then the means, the counts and the
 * comments (sorted, never attributed); a supervisor sees only what is
 * about their own sessions; no comment is stored in plaintext. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static harness_run r;
static harness_server h;

#define COMMENT_A "Marker-Survey-Zephyr: more time to reflect on the hard cases"
#define COMMENT_B "Also helpful: the actions are clear"

static cJSON *field(cJSON *o, const char *k)
{
  return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* Question q's (1-based) mean and counts in a --json report. */
static void expect_question(cJSON *rep, int q, double mean, const int counts[5])
{
  cJSON *qq = cJSON_GetArrayItem(field(rep, "questions"), q - 1);
  cr_assert_not_null(qq, "no question %d", q);
  cr_assert_eq((int)field(qq, "number")->valuedouble, q);
  double off = field(qq, "mean")->valuedouble - mean;
  cr_assert(off < 1e-9 && off > -1e-9, "question %d: mean %f, expected %f", q, field(qq, "mean")->valuedouble, mean);
  for (int k = 0; k < 5; k++)
    cr_assert_eq((int)cJSON_GetArrayItem(field(qq, "counts"), k)->valuedouble, counts[k], "question %d, score %d", q,
                 k + 1);
}

/* The report's period: from the first of the month before last (where
 * answers are moved once "the month has ended") to today. */
static char period_from[16];

static cJSON *report_json(const char *dev, const char *supervisor)
{
  if (supervisor)
    CLI_OK(dev, NULL, "report", "survey", "--team", "North", "--from", period_from, "--supervisor", supervisor,
           "--json");
  else CLI_OK(dev, NULL, "report", "survey", "--team", "North", "--from", period_from, "--json");
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "not JSON: %s", r.out);
  return j;
}

/* YYYY-MM-DD of day `mday` of the month `back` months before this one. */
static void month_day(char *buf, size_t size, int back, int mday)
{
  time_t t = time(NULL);
  struct tm tm;
  localtime_r(&t, &tm);
  tm.tm_mday = mday;
  tm.tm_mon -= back;
  tm.tm_hour = 12;
  tm.tm_isdst = -1;
  mktime(&tm);
  strftime(buf, size, "%Y-%m-%d", &tm);
}

/* As if the month had ended: every answer so far was given on `day`. */
static void answers_given_on(const char *day)
{
  char sql[600];
  snprintf(sql, sizeof sql, "sqlite3 '%s/reflect.db' \"UPDATE survey_responses SET answered_on = '%s'\"", h.data, day);
  cr_assert_eq(system(sql), 0, "%s", sql);
}

Test(survey, answered_in_aggregate_only, .timeout = 300)
{
  harness_start(&h);
  const char *devs[] = {"admin", "mona", "sam", "sue", "p1", "p2", "p3", "p4", "p5"};
  const char *roles[] = {NULL,           "manager",      "supervisor",   "supervisor",  "practitioner",
                         "practitioner", "practitioner", "practitioner", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 9);
  CLI_OK("admin", NULL, "team", "add", "North");
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  for (int i = 2; i < 9; i++) CLI_OK("admin", NULL, "team", "member", "North", devs[i]);
  for (int i = 0; i < 5; i++) {
    char id[8];
    snprintf(id, sizeof id, "%d", i + 1);
    CLI_OK("sam", NULL, "agreement", "add", "--supervisee", devs[4 + i], "--every", "28", "--minutes", "90");
    CLI_OK(devs[4 + i], NULL, "agreement", "sign", id);
  }
  CLI_OK("sue", NULL, "agreement", "add", "--supervisee", "p2", "--every", "28", "--minutes", "90");
  CLI_OK("p2", NULL, "agreement", "sign", "6");

  char when[64], group[24], single[24], sues[24], later[24];
  CLI_OK("sam", NULL, "session", "add", "--with", "p1", "--with", "p2", "--with", "p3", "--with", "p4", "--with", "p5",
         "--at", harness_day_at(when, -1, 10), "--minutes", "120");
  snprintf(group, sizeof group, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "held", group);
  CLI_OK("sam", NULL, "session", "add", "--with", "p1", "--at", harness_day_at(when, -2, 10), "--minutes", "90");
  snprintf(single, sizeof single, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "held", single);
  CLI_OK("sue", NULL, "session", "add", "--with", "p2", "--at", harness_day_at(when, -3, 10), "--minutes", "90");
  snprintf(sues, sizeof sues, "%ld", harness_id(&r));
  CLI_OK("sue", NULL, "session", "held", sues);
  CLI_OK("sam", NULL, "session", "add", "--with", "p5", "--at", harness_day_at(when, 2, 10), "--minutes", "90");
  snprintf(later, sizeof later, "%ld", harness_id(&r));

  /* Four people answer the group session. */
  CLI_OK("p1", NULL, "survey", "answer", group, "--answers", "4,5,3,4,5", "--comment", COMMENT_A);
  CLI_OK("p2", NULL, "survey", "answer", group, "--answers", "3,4,4,5,5");
  CLI_OK("p3", NULL, "survey", "answer", group, "--answers", "5,5,5,5,5", "--comment", COMMENT_B);
  CLI_OK("p4", NULL, "survey", "answer", group, "--answers", "2,3,3,4,4");
  /* p1 again, about another session: a fifth answer, but still four people. */
  CLI_OK("p1", NULL, "survey", "answer", single, "--answers", "1,2,3,4,5");
  /* p2 about sue's session: another supervisor's figures. */
  CLI_OK("p2", NULL, "survey", "answer", sues, "--answers", "1,1,1,1,1");

  /* Refusals: twice for one session, the supervisor, a session not held,
   * someone not in it, malformed answers. */
  CLI_REFUSED("p1", "already answered the survey for session", "survey", "answer", group, "--answers", "5,5,5,5,5");
  CLI_REFUSED("sam", "you led session", "survey", "answer", group, "--answers", "5,5,5,5,5");
  CLI_REFUSED("p5", "was not held", "survey", "answer", later, "--answers", "5,5,5,5,5");
  CLI_REFUSED("p3", "does not exist or you were not supervised in it", "survey", "answer", sues, "--answers",
              "5,5,5,5,5");
  CLI_REFUSED("p3", "does not exist or you were not supervised in it", "survey", "answer", "999", "--answers",
              "5,5,5,5,5");
  CLI("p5", NULL, "survey", "answer", group, "--answers", "5,5,6,5,5");
  cr_assert_eq(r.status, 2, "a score of 6 is a usage error: %s", r.err);
  CLI("p5", NULL, "survey", "answer", group, "--answers", "5,5,5,5");
  cr_assert_eq(r.status, 2, "four scores is a usage error: %s", r.err);
  /* Piped stdin cannot be asked the questions. */
  CLI("p5", "5\n5\n5\n5\n5\n", "survey", "answer", group);
  cr_assert_eq(r.status, 2, "%s", r.err);
  cr_assert(strstr(r.err, "not a terminal"), "%s", r.err);

  month_day(period_from, sizeof period_from, 2, 1);
  char this_month[16], closed_day[16];
  month_day(this_month, sizeof this_month, 0, 1);
  month_day(closed_day, sizeof closed_day, 2, 15);

  /* Four people: withheld, and no figure at all leaves the server. */
  cJSON *j = report_json("mona", NULL);
  cr_assert(cJSON_IsTrue(field(j, "withheld")), "%s", r.out);
  cr_assert_eq((int)field(j, "minimum")->valuedouble, 5);
  cr_assert_null(field(j, "respondents"), "%s", r.out);
  cr_assert_null(field(j, "questions"), "%s", r.out);
  cr_assert_null(field(j, "comments"), "%s", r.out);
  cr_assert_not(strstr(r.out, "Zephyr"), "%s", r.out);
  cJSON_Delete(j);
  CLI_OK("mona", NULL, "report", "survey", "--team", "North");
  cr_assert(strstr(r.out, "Fewer than 5 people answered in this period: results are not shown, so that no one's "
                          "answers can be singled out."),
            "%s", r.out);
  CLI_OK("mona", NULL, "report", "survey", "--team", "North", "--csv");
  cr_assert_str_eq(r.out, "withheld,minimum\r\nyes,5\r\n");

  /* The fifth person. This month is still open, so nothing is shown yet:
   * were it, the report before and after one answer would give that
   * person's scores. */
  CLI_OK("p5", NULL, "survey", "answer", group, "--answers", "4,4,2,3,5");
  j = report_json("mona", "sam");
  cr_assert(cJSON_IsTrue(field(j, "withheld")), "this month is published only once it has ended: %s", r.out);
  cr_assert_str_eq(field(j, "open_from")->valuestring, this_month, "%s", r.out);
  cJSON_Delete(j);
  CLI_OK("mona", NULL, "report", "survey", "--team", "North", "--supervisor", "sam");
  cr_assert(strstr(r.out, "are not counted yet"), "%s", r.out);

  /* The month ends: its answers are published. */
  answers_given_on(closed_day);

  /* Sam's sessions: p1 4,5,3,4,5 and 1,2,3,4,5; p2 3,4,4,5,5; p3 5,5,5,5,5;
   * p4 2,3,3,4,4; p5 4,4,2,3,5. Five people, six answers.
   * Q1 4+1+3+5+2+4 = 19/6; 1:1 2:1 3:1 4:2 5:1
   * Q2 5+2+4+5+3+4 = 23/6; 2:1 3:1 4:2 5:2
   * Q3 3+3+4+5+3+2 = 20/6; 2:1 3:3 4:1 5:1
   * Q4 4+4+5+5+4+3 = 25/6; 3:1 4:3 5:2
   * Q5 5+5+5+5+4+5 = 29/6; 4:1 5:5 */
  j = report_json("mona", "sam");
  cr_assert(cJSON_IsFalse(field(j, "withheld")), "%s", r.out);
  cr_assert_eq((int)field(j, "respondents")->valuedouble, 5, "%s", r.out);
  cr_assert_eq((int)field(j, "responses")->valuedouble, 6, "%s", r.out);
  cr_assert_str_eq(field(j, "supervisor")->valuestring, "sam");
  expect_question(j, 1, 19.0 / 6, (const int[]){1, 1, 1, 2, 1});
  expect_question(j, 2, 23.0 / 6, (const int[]){0, 1, 1, 2, 2});
  expect_question(j, 3, 20.0 / 6, (const int[]){0, 1, 3, 1, 1});
  expect_question(j, 4, 25.0 / 6, (const int[]){0, 0, 1, 3, 2});
  expect_question(j, 5, 29.0 / 6, (const int[]){0, 0, 0, 1, 5});
  cr_assert_str_eq(field(cJSON_GetArrayItem(field(j, "questions"), 3), "text")->valuestring,
                   "Does it help me make better decisions for children and families?");
  /* Comments in alphabetical order, nothing about who wrote them. */
  cJSON *comments = field(j, "comments");
  cr_assert_eq(cJSON_GetArraySize(comments), 2, "%s", r.out);
  cr_assert_str_eq(cJSON_GetArrayItem(comments, 0)->valuestring, COMMENT_B);
  cr_assert_str_eq(cJSON_GetArrayItem(comments, 1)->valuestring, COMMENT_A);
  cr_assert_not(strstr(r.out, "p1") || strstr(r.out, "\"p3\""), "no respondent named: %s", r.out);
  cJSON_Delete(j);

  /* The whole team is the sum of the units (a supervisor's sessions in a
   * month) that reach five people. p2's 1,1,1,1,1 about sue is a unit of
   * one, so it is left out: were it added, "whole team" minus "sam" would
   * be p2's answers about sue. So: five people, six answers, Q1 19/6. */
  j = report_json("mona", NULL);
  cr_assert_eq((int)field(j, "respondents")->valuedouble, 5, "%s", r.out);
  cr_assert_eq((int)field(j, "responses")->valuedouble, 6, "%s", r.out);
  expect_question(j, 1, 19.0 / 6, (const int[]){1, 1, 1, 2, 1});
  cJSON_Delete(j);
  CLI_OK("mona", NULL, "report", "survey", "--team", "North", "--from", period_from, "--supervisor", "sam", "--csv");
  cr_assert(strstr(r.out, "question,text,respondents,responses,mean,answered_1,answered_2,answered_3,answered_4,"
                          "answered_5\r\n"),
            "%s", r.out);
  cr_assert(strstr(r.out,
                   "\r\n5,Am I able to change the direction of my thinking when that is right?,5,6,4.83,0,0,0,1,5\r\n"),
            "%s", r.out);
  CLI_OK("mona", NULL, "report", "survey", "--team", "North", "--from", period_from, "--supervisor", "sam");
  cr_assert(strstr(r.out, "5 people answered (6 answers)"), "%s", r.out);
  cr_assert(strstr(r.out, "mean 3.17"), "%s", r.out);

  /* Sam sees his own (the same figures), not sue's; sue has one person. */
  j = report_json("sam", NULL);
  cr_assert_eq((int)field(j, "responses")->valuedouble, 6, "%s", r.out);
  cr_assert_str_eq(field(j, "supervisor")->valuestring, "sam");
  cJSON_Delete(j);
  CLI_REFUSED("sam", "their own supervision only", "report", "survey", "--team", "North", "--supervisor", "sue");
  j = report_json("sue", "sue");
  cr_assert(cJSON_IsTrue(field(j, "withheld")), "%s", r.out);
  cJSON_Delete(j);
  /* A published month never changes: one more answer now is counted in
   * this month, not in the one already shown. */
  j = report_json("mona", NULL);
  char *before = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  CLI_OK("sam", NULL, "session", "add", "--with", "p4", "--at", harness_day_at(when, -4, 10), "--minutes", "90");
  char p4s[24];
  snprintf(p4s, sizeof p4s, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "held", p4s);
  CLI_OK("p4", NULL, "survey", "answer", p4s, "--answers", "1,1,1,1,1", "--comment", "Marker-Survey-Late");
  j = report_json("mona", NULL);
  char *after = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  cr_assert_str_eq(after, before, "a published figure changed after one more answer");
  free(before);
  free(after);

  /* Practitioners do not see the survey; a team that does not exist is
   * refused like one the manager does not manage. */
  CLI_REFUSED("p1", "PERMISSION_DENIED", "report", "survey", "--team", "North");
  CLI_REFUSED("mona", "you may not see reports for team", "report", "survey", "--team", "Nowhere", "--from",
              period_from);

  /* The comment is sealed: not in the database or its WAL. */
  char path[512];
  snprintf(path, sizeof path, "%s/reflect.db-wal", h.data);
  cr_assert_not(harness_file_contains(path, "Zephyr"), "comment in plaintext in the WAL");
  cr_assert_eq(harness_stop(&h), 0);
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  cr_assert_not(harness_file_contains(path, "Zephyr"), "comment in plaintext in the database");
  cr_assert(harness_file_contains(path, "survey_responses"), "the scanner finds what is there");
  snprintf(path, sizeof path, "%s/reflect.db-wal", h.data);
  cr_assert_not(harness_file_contains(path, "Zephyr"), "comment in plaintext in the WAL");
  harness_cleanup(&h);
}
