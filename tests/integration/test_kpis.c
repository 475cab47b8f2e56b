/* Performance indicators end to end through the CLI: goals, versioned
 * definitions, targets that change mid-history, agreement, measurements
 * and corrections, the report's figures (computed by hand below), the
 * drift event and who receives it, refusals, and a record citing a
 * measurement. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "harness_ops.h"

static harness_run r;

/* "YYYY-MM-01", `back` months before this one (local time). */
static const char *month_start(char *buf, int back)
{
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  int m = tm.tm_year * 12 + tm.tm_mon - back;
  snprintf(buf, HARNESS_DATE_SIZE, "%04u-%02u-01", (unsigned)(m / 12 + 1900) % 10000u, (unsigned)(m % 12 + 1) % 100u);
  return buf;
}

static cJSON *field(const cJSON *o, const char *name)
{
  cJSON *x = cJSON_GetObjectItemCaseSensitive(o, name);
  cr_assert_not_null(x, "no '%s' in %s", name, cJSON_PrintUnformatted(o));
  return x;
}

static size_t drift_events(client *c, uint64_t indicator)
{
  Reflect__V1__Reply *rep = harness_events_since(c, 0, 0);
  size_t n = 0;
  for (size_t i = 0; i < rep->events_since->n_events; i++) {
    const Reflect__V1__Event *ev = rep->events_since->events[i];
    if (ev->kind != REFLECT__V1__EVENT_KIND__EVENT_KPI_DRIFTING) continue;
    cr_assert_eq(ev->indicator_id, indicator);
    cr_assert(strstr(ev->summary, "Support plans within 28 days"), "%s", ev->summary);
    cr_assert_null(strstr(ev->summary, "75"), "no values in events: %s", ev->summary);
    n++;
  }
  wire_free_reply(rep);
  return n;
}

Test(kpis, targets_measurements_report_drift_and_citations, .timeout = 240)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "mona", "sam", "pat", "quinn"};
  const char *roles[] = {NULL, "manager", "supervisor", "practitioner", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 5);
  CLI_OK("admin", NULL, "team", "add", "North");
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  CLI_OK("admin", NULL, "team", "member", "North", "pat");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");

  /* A goal and an indicator (id 1, version 1). */
  CLI_OK("mona", NULL, "kpi", "goal", "add", "Timely planning", "--description", "Plans in place quickly");
  cr_assert_eq(harness_id(&r), 1);
  CLI_REFUSED("mona", "already exists", "kpi", "goal", "add", "Timely planning");
  CLI_REFUSED("sam", "PERMISSION_DENIED", "kpi", "goal", "add", "Other");
  const char *def[] = {"--name",       "Support plans within 28 days",
                       "--definition", "Share of new plans done in 28 days",
                       "--measured",   "Case system monthly extract",
                       "--unit",       "%",
                       "--min",        "0",
                       "--max",        "100",
                       "--direction",  "higher",
                       "--period",     "month",
                       "--goal",       "1"};
  CLI_OK("mona", NULL, "kpi", "define", def[0], def[1], def[2], def[3], def[4], def[5], def[6], def[7], def[8], def[9],
         def[10], def[11], def[12], def[13], def[14], def[15], def[16], def[17]);
  cr_assert_str_eq(r.out, "1\n");
  cr_assert(strstr(r.err, "indicator 1, version 1"), "%s", r.err);
  CLI("mona", NULL, "kpi", "define", def[0], def[1], def[2], def[3], def[4], def[5], def[6], def[7], "--min", "nan",
      def[10], def[11], def[12], def[13], def[14], def[15], def[16], def[17]);
  cr_assert_eq(r.status, 2, "nan is no number: %s", r.err);
  CLI("mona", NULL, "kpi", "define", def[0], def[1], def[2], def[3], def[4], def[5], def[6], def[7], def[8], def[9],
      "--max", "1e999", def[12], def[13], def[14], def[15], def[16], def[17]);
  cr_assert_eq(r.status, 2, "1e999 overflows: %s", r.err);
  CLI("mona", NULL, "kpi", "define", def[0], def[1], def[2], def[3], def[4], def[5], def[6], def[7], def[8], def[9],
      "--max", "100x", def[12], def[13], def[14], def[15], def[16], def[17]);
  cr_assert_eq(r.status, 2, "trailing junk: %s", r.err);
  CLI_REFUSED("mona", "maximum is above its minimum", "kpi", "define", def[0], def[1], def[2], def[3], def[4], def[5],
              def[6], def[7], "--min", "100", "--max", "0", def[12], def[13], def[14], def[15], def[16], def[17]);

  char m5[HARNESS_DATE_SIZE], m4[HARNESS_DATE_SIZE], m3[HARNESS_DATE_SIZE], next[HARNESS_DATE_SIZE];
  month_start(m5, 5), month_start(m4, 4), month_start(m3, 3), month_start(next, -1);

  /* Target 1 for Pat from five months ago: baseline 70, target 90. */
  CLI_REFUSED("pat", "PERMISSION_DENIED", "kpi", "assign", "1", "--practitioner", "pat", "--baseline", "70", "--target",
              "90");
  CLI_REFUSED("sam", "does not exist or is not someone", "kpi", "assign", "1", "--practitioner", "quinn", "--baseline",
              "70", "--target", "90");
  /* The same answer for nobody at all: names cannot be probed. */
  CLI_REFUSED("sam", "does not exist or is not someone", "kpi", "assign", "1", "--practitioner", "nobody", "--baseline",
              "70", "--target", "90");
  CLI_REFUSED("sam", "measured from 0 to 100", "kpi", "assign", "1", "--practitioner", "pat", "--baseline", "70",
              "--target", "101");
  CLI_OK("sam", NULL, "kpi", "assign", "1", "--practitioner", "pat", "--baseline", "70", "--target", "90", "--from",
         m5);
  cr_assert_eq(harness_id(&r), 1);
  CLI_REFUSED("quinn", "not yours to agree", "kpi", "agree", "1");
  CLI_OK("pat", NULL, "kpi", "agree", "1");
  CLI_REFUSED("pat", "already agreed", "kpi", "agree", "1");
  cr_assert(strstr(r.err, "FAILED_PRECONDITION"), "%s", r.err);

  /* Measurement 1 under version 1: 85 for five months ago. */
  CLI_REFUSED("pat", "PERMISSION_DENIED", "kpi", "record", "1", "--practitioner", "pat", "--period", m5, "--value",
              "85");
  CLI_REFUSED("sam", "measured from 0 to 100", "kpi", "record", "1", "--practitioner", "pat", "--period", m5, "--value",
              "120");
  char misaligned[HARNESS_DATE_SIZE];
  snprintf(misaligned, sizeof misaligned, "%.8s15", m5);
  CLI_REFUSED("sam", "starts on the 1st", "kpi", "record", "1", "--practitioner", "pat", "--period", misaligned,
              "--value", "85");
  CLI_REFUSED("sam", "has not begun", "kpi", "record", "1", "--practitioner", "pat", "--period", next, "--value", "85");
  CLI_OK("sam", NULL, "kpi", "record", "1", "--practitioner", "pat", "--period", m5, "--value", "85", "--evidence",
         "Audit of 20 plans: Ottoline Brackenbury's plan late");
  cr_assert_eq(harness_id(&r), 1);

  /* Version 2 of the indicator; the measurement above keeps version 1. */
  CLI_OK("mona", NULL, "kpi", "define", "--indicator", "1", def[0], def[1], def[2],
         "Share of new plans signed off in 28 days", def[4], def[5], def[6], def[7], def[8], def[9], def[10], def[11],
         def[12], def[13], def[14], def[15], def[16], def[17]);
  cr_assert(strstr(r.err, "indicator 1, version 2"), "%s", r.err);
  CLI_OK("pat", NULL, "kpi", "list", "--indicator", "1", "--json");
  cJSON *list = cJSON_Parse(r.out);
  cr_assert_eq(cJSON_GetArraySize(list), 2, "%s", r.out);
  cJSON_Delete(list);

  /* Four months ago: 88, then corrected to 80 (measurements 2 and 3). */
  CLI_OK("sam", NULL, "kpi", "record", "1", "--practitioner", "pat", "--period", m4, "--value", "88");
  CLI_OK("sam", NULL, "kpi", "record", "1", "--practitioner", "pat", "--period", m4, "--value", "80");
  cr_assert_eq(harness_id(&r), 3);
  /* Target 2 from three months ago: baseline 80, target 95. */
  CLI_OK("sam", NULL, "kpi", "assign", "1", "--practitioner", "pat", "--baseline", "80", "--target", "95", "--from",
         m3);
  cr_assert_eq(harness_id(&r), 2);

  /* Mona (who manages Pat's team) records 75 for three months ago:
   * 85 -> 80 -> 75 moves away from the better (higher) end twice and 75
   * is short of its own target, 95: drifting. Pat and Sam are told;
   * Mona, who did it, is not. */
  client *pat = harness_user(&h, "pat"), *sam = harness_user(&h, "sam"), *mona = harness_user(&h, "mona");
  cr_assert_eq(drift_events(pat, 1), 0);
  CLI_OK("mona", NULL, "kpi", "record", "1", "--practitioner", "pat", "--period", m3, "--value", "75", "--json");
  cJSON *rec = cJSON_Parse(r.out);
  cr_assert(cJSON_IsTrue(field(rec, "drifting")), "%s", r.out);
  cr_assert_eq(field(rec, "id")->valuedouble, 4);
  cJSON_Delete(rec);
  cr_assert_eq(drift_events(pat, 1), 1);
  cr_assert_eq(drift_events(sam, 1), 1);
  cr_assert_eq(drift_events(mona, 1), 0);

  /* Pat's report. Recent, oldest first: 85 (v1, target 90), 80 (the
   * correction, v2, target 90), 75 (v2, target 95). Trend from 80 to 75,
   * higher better: worsening. On target: 75 < 95, no. Drifting: yes.
   * Agreed: the target in force now is target 2, which Pat has not agreed. */
  CLI_OK("pat", NULL, "kpi", "report", "--json");
  cJSON *rep = cJSON_Parse(r.out);
  cr_assert_eq(cJSON_GetArraySize(rep), 1, "%s", r.out);
  cJSON *line = cJSON_GetArrayItem(rep, 0);
  cr_assert_eq(field(line, "version")->valuedouble, 2);
  cr_assert_str_eq(field(line, "trend")->valuestring, "worsening");
  cr_assert(cJSON_IsTrue(field(line, "drifting")));
  cr_assert(cJSON_IsFalse(field(line, "on_target")));
  cr_assert(cJSON_IsFalse(field(line, "agreed")));
  cr_assert_eq(field(field(line, "target"), "id")->valuedouble, 2);
  cJSON *recent = field(line, "recent");
  cr_assert_eq(cJSON_GetArraySize(recent), 3);
  static const double values[] = {85, 80, 75}, targets[] = {90, 90, 95}, versions[] = {1, 2, 2};
  const char *periods[] = {m5, m4, m3};
  for (int i = 0; i < 3; i++) {
    cJSON *m = cJSON_GetArrayItem(recent, i);
    cr_assert_str_eq(field(m, "period")->valuestring, periods[i]);
    cr_assert_eq(field(m, "value")->valuedouble, values[i], "period %d", i);
    cr_assert_eq(field(m, "target")->valuedouble, targets[i], "period %d", i);
    cr_assert_eq(field(m, "indicator_version")->valuedouble, versions[i], "period %d", i);
  }
  cJSON_Delete(rep);
  CLI_OK("pat", NULL, "kpi", "report");
  cr_assert(strstr(r.out, "DRIFTING") && strstr(r.out, "worsening") && strstr(r.out, "not yet agreed"), "%s", r.out);
  cr_assert(strstr(r.out, "85") && strstr(r.out, "target: 95 %"), "%s", r.out);
  /* Two periods only: 80 -> 75 is still worsening, but two are not enough to drift. */
  CLI_OK("sam", NULL, "kpi", "report", "--practitioner", "pat", "--periods", "2", "--csv");
  cr_assert(strstr(r.out, ",worsening,no,no,"), "%s", r.out);
  cr_assert_null(strstr(r.out, "Ottoline"), "evidence stays sealed: %s", r.out);
  CLI_OK("pat", NULL, "kpi", "agree", "2");
  CLI_OK("pat", NULL, "kpi", "report", "--json");
  rep = cJSON_Parse(r.out);
  cr_assert(cJSON_IsTrue(field(cJSON_GetArrayItem(rep, 0), "agreed")), "%s", r.out);
  cJSON_Delete(rep);
  CLI_REFUSED("quinn", "PERMISSION_DENIED", "kpi", "report", "--practitioner", "pat");
  CLI_REFUSED("quinn", "PERMISSION_DENIED", "kpi", "report", "--team", "North");
  CLI_OK("mona", NULL, "kpi", "report", "--practitioner", "pat", "--json");
  /* Quinn has figures of his own only once someone supervises him. */
  CLI_OK("quinn", NULL, "kpi", "report", "--json");
  cr_assert_str_eq(r.out, "[]\n");

  /* Evidence is never on disk in clear. */
  char db[512], wal[520];
  snprintf(db, sizeof db, "%s/reflect.db", h.data);
  snprintf(wal, sizeof wal, "%s-wal", db);
  cr_assert_not(harness_file_contains(db, "Brackenbury"));
  cr_assert_not(harness_file_contains(wal, "Brackenbury"));

  /* A record citing measurement 4; citing one of Quinn's would be refused. */
  CLI_OK("admin", NULL, "team", "member", "North", "quinn");
  CLI_OK("mona", NULL, "kpi", "record", "1", "--practitioner", "quinn", "--period", m3, "--value", "60");
  cr_assert_eq(harness_id(&r), 5);
  char when[HARNESS_DAY_AT_SIZE], sid[24];
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -2, 10), "--minutes", "60");
  snprintf(sid, sizeof sid, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "held", sid);
  CLI("sam", "[performance]\ncites: 4, 5\nReviewed the slide in plans.\n", "record", "write", sid);
  cr_assert_eq(r.status, 1, "%s", r.err);
  cr_assert(strstr(r.err, "measurement 5 does not exist or is not of the supervisee"), "%s", r.err);
  CLI("sam", "[performance]\ncites: 4, 99\nReviewed.\n", "record", "write", sid);
  cr_assert(r.status == 1 && strstr(r.err, "measurement 99 does not exist"), "%s", r.err);
  CLI_OK("sam", "[performance]\ncites: 4\nReviewed the slide in plans.\n", "record", "write", sid);
  CLI_OK("pat", NULL, "record", "show", sid, "--json");
  cJSON *shown = cJSON_Parse(r.out);
  cJSON *sec = cJSON_GetArrayItem(field(shown, "sections"), 0);
  cJSON *cite = cJSON_GetArrayItem(field(sec, "citations"), 0);
  cr_assert_eq(field(cite, "measurement_id")->valuedouble, 4, "%s", r.out);
  cr_assert_str_eq(field(cite, "indicator")->valuestring, "Support plans within 28 days");
  cr_assert_str_eq(field(cite, "period")->valuestring, m3);
  cr_assert_eq(field(cite, "value")->valuedouble, 75);
  cr_assert_eq(field(cite, "target")->valuedouble, 95);
  cr_assert_str_eq(field(cite, "unit")->valuestring, "%");
  cJSON_Delete(shown);
  CLI_OK("pat", NULL, "record", "show", sid);
  cr_assert(strstr(r.out, "cites: 4\n#   4: Support plans within 28 days"), "%s", r.out);

  client_close(pat);
  client_close(sam);
  client_close(mona);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}
