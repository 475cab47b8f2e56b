/* When supervision is due under an agreement and who is overdue (group
 * sessions never count), and booking ahead with `reflect session plan`:
 * the rule's dates at the same wall-clock time across a clock change, all
 * booked or none, a clash named. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static harness_run r;

#define NQ "1w until 6w, 2w until 6m, 1m"

static cJSON *json_out(void)
{
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "not JSON: %s", r.out);
  return j;
}
static cJSON *get(cJSON *o, const char *k)
{
  return cJSON_GetObjectItemCaseSensitive(o, k);
}
static const char *str(cJSON *o, const char *k)
{
  return cJSON_GetStringValue(get(o, k));
}
static long long num(cJSON *o, const char *k)
{
  return get(o, k) ? (long long)cJSON_GetNumberValue(get(o, k)) : -1;
}
static const char *id_text(char *buf)
{
  snprintf(buf, 24, "%ld", harness_id(&r));
  return buf;
}

/* The organisation's zone is the harness default, Europe/London. Buffers
 * are 64 bytes. */
static struct tm london(int days)
{
  setenv("TZ", "Europe/London", 1);
  tzset();
  time_t t = time(NULL) + (time_t)days * 86400;
  struct tm tm;
  localtime_r(&t, &tm);
  return tm;
}
/* harness_date_in and harness_day_at read the process's own zone; the due
 * dates checked here are London's whatever TZ the test was started with,
 * so these first set TZ (as london() does) and then defer to them. */
static const char *date_in(char *buf, int days)
{
  london(0);
  return harness_date_in(buf, days);
}
static const char *at_in(char *buf, int days, int hour)
{
  london(0);
  return harness_day_at(buf, days, hour);
}
/* Wall-clock hour `hour`, `days` calendar days from today, in London. */
static long long unix_at(int days, int hour)
{
  struct tm tm = london(0);
  tm.tm_mday += days;
  tm.tm_hour = hour;
  tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = -1;
  return (long long)mktime(&tm);
}
static long long midnight_utc(const char *date)
{
  struct tm tm = {0};
  sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return (long long)timegm(&tm);
}

/* The one entry of `reflect due --who WHO --json` as `dev` sees it. */
static cJSON *due_of(harness_server *hp, const char *dev, const char *who)
{
  harness_cli(hp, dev, NULL, &r, "due", "--who", who, "--json", (const char *)NULL);
  cr_assert_eq(r.status, 0, "%s", r.err);
  cJSON *j = json_out();
  cr_assert_eq(cJSON_GetArraySize(j), 1, "%s", r.out);
  cJSON *one = cJSON_DetachItemFromArray(j, 0);
  cJSON_Delete(j);
  return one;
}

Test(planning, due_and_overdue, .timeout = 240)
{
  harness_server h;
  const char *names[] = {"admin", "mgr", "sam", "sue", "pat", "quinn", "ria"};
  const char *roles[] = {NULL, "manager", "supervisor", "supervisor", "practitioner", "practitioner", "practitioner"};
  harness_start(&h);
  harness_cli_people(&h, &r, names, roles, 7);
  char d[64], a[64], id[24];
  CLI_OK("admin", NULL, "rule", "add", "newly-qualified", "--steps", NQ);
  CLI_OK("admin", NULL, "team", "add", "east");
  CLI_OK("admin", NULL, "team", "member", "east", "mgr", "--manager");
  CLI_OK("admin", NULL, "team", "member", "east", "sam");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "14", "--minutes", "60", "--starts",
         date_in(d, -30));
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "quinn", "--rule", "newly-qualified", "--minutes", "90");
  CLI_OK("quinn", NULL, "agreement", "sign", "2");
  CLI_OK("sue", NULL, "agreement", "add", "--supervisee", "ria", "--every", "28", "--minutes", "60");
  CLI_OK("ria", NULL, "agreement", "sign", "3");

  /* Nothing held yet: due an interval after the start (midnight UTC). */
  CLI_OK("sam", NULL, "due", "--json");
  cJSON *j = json_out(), *pat = cJSON_GetArrayItem(j, 0), *quinn = cJSON_GetArrayItem(j, 1);
  cr_assert_eq(cJSON_GetArraySize(j), 2, "%s", r.out);
  cr_assert_str_eq(str(pat, "supervisee"), "pat", "the most urgent first: %s", r.out);
  cr_assert_eq(num(pat, "next_due_unix"), midnight_utc(date_in(d, -30)) + 14 * 86400);
  cr_assert(cJSON_IsTrue(get(pat, "overdue")) && num(pat, "overdue_days") >= 15 && num(pat, "overdue_days") <= 16, "%s",
            r.out);
  cr_assert_null(get(pat, "last_held"));
  cr_assert_str_eq(str(quinn, "rule"), "newly-qualified");
  cr_assert_eq(num(quinn, "next_due_unix"), midnight_utc(date_in(d, 0)) + 7 * 86400, "weekly at first: %s", r.out);
  cr_assert(cJSON_IsFalse(get(quinn, "overdue")));
  cJSON_Delete(j);
  CLI_OK("sam", NULL, "due", "--overdue", "--json");
  cr_assert(strstr(r.out, "\"supervisee\":\"pat\"") && !strstr(r.out, "quinn"), "%s", r.out);
  CLI_OK("sam", NULL, "due");
  cr_assert(strstr(r.out, "OVERDUE"), "%s", r.out);

  /* A group session held with both does not count. */
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--with", "quinn", "--at", at_in(a, -2, 10), "--minutes",
         "60");
  CLI_OK("sam", NULL, "session", "held", id_text(id));
  pat = due_of(&h, "sam", "pat");
  cr_assert(cJSON_IsTrue(get(pat, "overdue")) && !get(pat, "last_held"), "group supervision is not individual");
  cJSON_Delete(pat);
  /* An individual session held three days ago moves the next due date. */
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", at_in(a, -3, 10), "--minutes", "60");
  long held = strtol(id_text(id), NULL, 10);
  CLI_OK("sam", NULL, "session", "held", id);
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", at_in(a, 5, 10), "--minutes", "60");
  long booked = strtol(id_text(id), NULL, 10);
  pat = due_of(&h, "sam", "pat");
  cr_assert(cJSON_IsFalse(get(pat, "overdue")) && num(pat, "last_session") == held, "%ld", held);
  cr_assert_eq(num(pat, "last_held_unix"), unix_at(-3, 10));
  cr_assert_eq(num(pat, "next_due_unix"), unix_at(-3, 10) + 14 * 86400);
  cr_assert(num(pat, "next_session") == booked && num(pat, "next_scheduled_unix") == unix_at(5, 10), "booked shows");
  cr_assert(cJSON_IsFalse(get(pat, "booked_late")), "booked before it is due: %s", r.out);
  cJSON_Delete(pat);
  CLI_OK("sam", NULL, "due", "--overdue", "--json");
  cr_assert_str_eq(r.out, "[]\n");

  /* Each sees only their own; a manager sees the team's. */
  CLI_OK("sue", NULL, "due", "--json");
  cr_assert(strstr(r.out, "ria") && !strstr(r.out, "pat") && !strstr(r.out, "quinn"), "%s", r.out);
  CLI_OK("sue", NULL, "due", "--who", "pat", "--json");
  cr_assert_str_eq(r.out, "[]\n");
  CLI_OK("sue", NULL, "due", "--who", "nobody-at-all", "--json");
  cr_assert_str_eq(r.out, "[]\n");
  CLI_OK("pat", NULL, "due", "--json");
  cr_assert(strstr(r.out, "\"supervisee\":\"pat\"") && !strstr(r.out, "quinn") && !strstr(r.out, "ria"), "%s", r.out);
  CLI_OK("mgr", NULL, "due", "--json");
  cr_assert(strstr(r.out, "pat") && strstr(r.out, "quinn") && !strstr(r.out, "ria"), "%s", r.out);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

Test(planning, plan_then_book_ahead, .timeout = 240)
{
  harness_server h;
  const char *names[] = {"admin", "sam", "sue", "pat", "quinn"};
  const char *roles[] = {NULL, "supervisor", "supervisor", "practitioner", "practitioner"};
  harness_start(&h);
  harness_cli_people(&h, &r, names, roles, 5);
  char a[64], d[64], id[24];
  CLI_OK("admin", NULL, "rule", "add", "newly-qualified", "--steps", NQ);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--rule", "newly-qualified", "--minutes", "90",
         "--starts", "2027-03-01");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  /* Started a month ago: the session held with Quinn below counts. */
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "14", "--minutes", "60", "--starts",
         date_in(d, -30));
  CLI_OK("quinn", NULL, "agreement", "sign", "2");
  CLI_REFUSED("sam", "give the first start (--from)", "session", "plan", "pat", "--count", "3");
  /* Due a week after the start: a date, since it counts from one (1 March
   * is in winter, so midnight UTC is midnight in London). */
  CLI_OK("sam", NULL, "due", "--who", "pat");
  cr_assert(strstr(r.out, "2027-03-08") && !strstr(r.out, "2027-03-08 00:00") && strstr(r.out, "not booked"), "%s",
            r.out);

  /* Weekly to 6 weeks (12 April), then fortnightly; 10:00 in London on
   * both sides of the clocks going forward on 28 March. */
  static const char *const want[] = {"2027-03-15T10:00:00Z", "2027-03-22T10:00:00Z", "2027-03-29T09:00:00Z",
                                     "2027-04-05T09:00:00Z", "2027-04-12T09:00:00Z", "2027-04-26T09:00:00Z"};
  CLI_OK("sam", NULL, "session", "plan", "pat", "--count", "6", "--from", "2027-03-15 10:00", "--json");
  cJSON *j = json_out(), *s = get(j, "sessions");
  cr_assert(num(j, "agreement_id") == 1 && cJSON_GetArraySize(s) == 6, "%s", r.out);
  for (int i = 0; i < 6; i++) {
    cJSON *p = cJSON_GetArrayItem(s, i);
    cr_assert_str_eq(str(p, "starts_at"), want[i]);
    cr_assert(num(p, "minutes") == 90 && !*str(p, "clash") && num(p, "session_id") == 0, "%s", r.out);
  }
  cJSON_Delete(j);
  CLI_OK("sam", NULL, "session", "list", "--json");
  cr_assert_str_eq(r.out, "[]\n", "a plan books nothing until asked");

  /* Sam is busy during the third: the plan says so, and booking books none. */
  CLI_OK("sam", NULL, "session", "add", "--with", "quinn", "--at", "2027-03-29 10:30", "--minutes", "60");
  id_text(id);
  char clash[96];
  snprintf(clash, sizeof clash, "you already have session %s from 2027-03-29 10:30 BST", id);
  CLI_OK("sam", NULL, "session", "plan", "pat", "--count", "6", "--from", "2027-03-15 10:00", "--json");
  j = json_out();
  s = get(j, "sessions");
  cr_assert(strstr(str(cJSON_GetArrayItem(s, 2), "clash"), clash), "%s", r.out);
  cr_assert(!*str(cJSON_GetArrayItem(s, 1), "clash") && !*str(cJSON_GetArrayItem(s, 3), "clash"), "%s", r.out);
  cJSON_Delete(j);
  CLI_REFUSED("sam", "nothing was booked: session 3 of the plan (2027-03-29 10:00 BST) clashes", "session", "plan",
              "pat", "--count", "6", "--from", "2027-03-15 10:00", "--book");
  cr_assert(strstr(r.err, clash), "%s", r.err);
  CLI_OK("sam", NULL, "session", "list", "--with", "pat", "--json");
  cr_assert_str_eq(r.out, "[]\n", "all or none");
  CLI_OK("sam", NULL, "session", "cancel", id, "--reason", "moved to make room");
  CLI_OK("sam", NULL, "session", "plan", "pat", "--count", "6", "--from", "2027-03-15 10:00", "--room", "Room 2",
         "--book", "--json");
  j = json_out();
  long first = (long)num(cJSON_GetArrayItem(get(j, "sessions"), 0), "session_id");
  cr_assert(cJSON_IsTrue(get(j, "booked")) && first > 0, "%s", r.out);
  cJSON_Delete(j);
  CLI_OK("pat", NULL, "session", "list", "--json");
  j = json_out();
  cr_assert_eq(cJSON_GetArraySize(j), 6, "%s", r.out);
  cJSON *one = cJSON_GetArrayItem(j, 0);
  cr_assert(num(one, "agreement_id") == 1 && num(one, "minutes") == 90 && !strcmp(str(one, "room"), "Room 2"), "%s",
            r.out);
  cr_assert_str_eq(str(one, "status"), "scheduled");
  cJSON_Delete(j);
  snprintf(id, sizeof id, "%ld", first);
  CLI_OK("pat", NULL, "session", "show", id, "--json");
  cr_assert(strstr(r.out, "\"what\":\"scheduled\"") && strstr(r.out, "\"by\":\"sam\""), "booked as session add: %s",
            r.out);
  CLI_REFUSED("sam", "you already have session", "session", "plan", "pat", "--count", "1", "--from", "2027-03-15 10:00",
              "--book");
  /* The first booked is a week after it is due: "booked" would hide that. */
  CLI_OK("sam", NULL, "due", "--who", "pat");
  cr_assert(strstr(r.out, "booked late (7 days after due)"), "%s", r.out);
  cJSON *due = due_of(&h, "sam", "pat");
  cr_assert(cJSON_IsTrue(get(due, "booked_late")) && cJSON_IsFalse(get(due, "overdue")), "booked late");
  cr_assert_str_eq(str(due, "next_due"), "2027-03-08T00:00:00Z", "the JSON keeps the instant");
  cJSON_Delete(due);

  /* With nothing given: when due after the last held, at its time of day. */
  CLI_OK("sam", NULL, "session", "add", "--with", "quinn", "--at", at_in(a, -8, 14), "--minutes", "60");
  CLI_OK("sam", NULL, "session", "held", id_text(id));
  CLI_OK("sam", NULL, "session", "plan", "quinn", "--count", "2", "--json");
  j = json_out();
  s = get(j, "sessions");
  cr_assert_eq(num(cJSON_GetArrayItem(s, 0), "starts_at_unix"), unix_at(6, 14), "%s", r.out);
  cr_assert_eq(num(cJSON_GetArrayItem(s, 1), "starts_at_unix"), unix_at(20, 14), "%s", r.out);
  cr_assert_eq(num(cJSON_GetArrayItem(s, 0), "minutes"), 60, "the agreement's length");
  cJSON_Delete(j);

  /* Only from your own agreement; checked bounds. */
  CLI_REFUSED("sue", "no signed supervision agreement with 'pat'", "session", "plan", "pat", "--count", "2", "--from",
              "2027-05-03 10:00");
  CLI_REFUSED("pat", "PERMISSION_DENIED", "session", "plan", "quinn", "--count", "1", "--from", "2027-05-03 10:00");
  CLI_REFUSED("sam", "must be in the future", "session", "plan", "pat", "--count", "1", "--from", "2026-01-05 10:00");
  CLI("sam", NULL, "session", "plan", "pat", "--count", "27");
  cr_assert_eq(r.status, 2, "%s", r.err);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* Only sessions held under this agreement, from its start on, say when its
 * next is due: not one held under an earlier agreement that has ended, nor
 * one held before the start. */
Test(planning, due_counts_from_the_agreement_start, .timeout = 240)
{
  harness_server h;
  const char *names[] = {"admin", "sam", "pat"};
  const char *roles[] = {NULL, "supervisor", "practitioner"};
  harness_start(&h);
  harness_cli_people(&h, &r, names, roles, 3);
  char d[64], a[64], id[24];
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "14", "--minutes", "60", "--starts",
         date_in(d, -90));
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", at_in(a, -60, 10), "--minutes", "60");
  CLI_OK("sam", NULL, "session", "held", id_text(id));
  CLI_OK("sam", NULL, "agreement", "end", "1", "--reason", "a break from supervision");

  /* The new agreement starts in two days, and nothing held before counts
   * for it: not the session under agreement 1, nor one held under this
   * one yesterday (before it started). */
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "14", "--minutes", "60", "--starts",
         date_in(d, 2));
  CLI_OK("pat", NULL, "agreement", "sign", "2");
  cJSON *pat = due_of(&h, "sam", "pat");
  cr_assert_eq(num(pat, "next_due_unix"), midnight_utc(date_in(d, 2)) + 14 * 86400, "%s", r.out);
  cr_assert(cJSON_IsFalse(get(pat, "overdue")) && !get(pat, "last_held"), "%s", r.out);
  cJSON_Delete(pat);
  CLI_REFUSED("sam", "give the first start (--from)", "session", "plan", "pat", "--count", "2");
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", at_in(a, -1, 10), "--minutes", "60");
  CLI_OK("sam", NULL, "session", "held", id_text(id));
  pat = due_of(&h, "sam", "pat");
  cr_assert(!get(pat, "last_held") && num(pat, "last_session") == 0, "held before the start: %s", r.out);
  cr_assert_eq(num(pat, "next_due_unix"), midnight_utc(date_in(d, 2)) + 14 * 86400, "%s", r.out);
  cJSON_Delete(pat);
  CLI_REFUSED("sam", "held under this agreement yet", "session", "plan", "pat", "--count", "2");

  /* Revising keeps counting from the first version's start, whatever the
   * new version says. */
  CLI_OK("sam", NULL, "agreement", "add", "--revises", "2", "--minutes", "90", "--starts", date_in(d, -5));
  CLI_OK("pat", NULL, "agreement", "sign", "3");
  pat = due_of(&h, "sam", "pat");
  cr_assert(num(pat, "agreement_id") == 3 && !get(pat, "last_held"), "%s", r.out);
  cJSON_Delete(pat);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}
