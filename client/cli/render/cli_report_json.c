/* cli_report_json: the oversight reports as JSON, one shape for
 * `reflect report … --json` and the inspection evidence pack. Counts are
 * exact integers, times follow cli_json.h (a 0 time, "never", is null). */
#include "cli_report_json.h"

#include <stdio.h>

#include "cli_json.h"
#include "wire.h"

static void add_time_or_null(cJSON *o, const char *key, int64_t t)
{
  if (t) {
    cli_json_add_time(o, key, t);
    return;
  }
  char unix_key[64];
  snprintf(unix_key, sizeof unix_key, "%s_unix", key);
  cJSON_AddNullToObject(o, key);
  cJSON_AddNullToObject(o, unix_key);
}

cJSON *cli_report_json_scope(const Reflect__V1__ReportScope *s)
{
  if (!s) return cJSON_CreateNull();
  cJSON *o = cJSON_CreateObject();
  cli_json_add_text(o, "team", s->team);
  cli_json_add_text(o, "from", s->from);
  cli_json_add_text(o, "to", s->to);
  return o;
}

static cJSON *compliance_line(const Reflect__V1__ComplianceLine *l)
{
  cJSON *o = cJSON_CreateObject();
  cli_json_add_text(o, "supervisee", l->supervisee);
  cli_json_add_text(o, "name", l->name);
  cli_json_add_text(o, "supervisor", l->supervisor);
  cli_json_add_u64(o, "agreement_id", l->agreement_id);
  add_time_or_null(o, "last_held", l->last_held);
  add_time_or_null(o, "next_due", l->next_due);
  cli_json_add_u64(o, "overdue_days", l->overdue_days);
  cli_json_add_u64(o, "due_occasions", l->due_occasions);
  cli_json_add_u64(o, "on_time", l->on_time);
  return o;
}

cJSON *cli_report_json_compliance(const Reflect__V1__ComplianceReport *r)
{
  if (!r) return cJSON_CreateNull();
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "scope", cli_report_json_scope(r->scope));
  cli_json_add_time(o, "as_of", r->as_of);
  cJSON *lines = cJSON_AddArrayToObject(o, "lines");
  for (size_t i = 0; i < r->n_lines; i++) cJSON_AddItemToArray(lines, compliance_line(r->lines[i]));
  cli_json_add_u64(o, "due_occasions", r->due_occasions);
  cli_json_add_u64(o, "on_time", r->on_time);
  cJSON_AddNumberToObject(o, "on_time_percent", r->on_time_percent);
  return o;
}

static cJSON *coverage_line(const Reflect__V1__CoverageLine *l)
{
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "case_id", l->case_id);
  cli_json_add_text(o, "reference", l->reference);
  cli_json_add_text(o, "risk", wire_risk_name(l->risk));
  cli_json_add_text(o, "worker", l->worker);
  add_time_or_null(o, "last_discussed", l->last_discussed);
  cli_json_add_u64(o, "days_since", l->days_since);
  cli_json_add_u64(o, "window_days", l->window_days);
  cli_json_add_u64(o, "days_over", l->days_over);
  return o;
}

cJSON *cli_report_json_coverage(const Reflect__V1__CoverageReport *r)
{
  if (!r) return cJSON_CreateNull();
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "scope", cli_report_json_scope(r->scope));
  cli_json_add_time(o, "as_of", r->as_of);
  cJSON *lines = cJSON_AddArrayToObject(o, "lines");
  for (size_t i = 0; i < r->n_lines; i++) cJSON_AddItemToArray(lines, coverage_line(r->lines[i]));
  cli_json_add_u64(o, "open_cases", r->open_cases);
  cli_json_add_u64(o, "within_window", r->within_window);
  return o;
}

static cJSON *balance_line(const Reflect__V1__BalanceLine *l)
{
  if (!l) return cJSON_CreateNull();
  cJSON *o = cJSON_CreateObject();
  cli_json_add_text(o, "person", l->person);
  cli_json_add_text(o, "name", l->name);
  cli_json_add_u64(o, "individual", l->individual);
  cli_json_add_u64(o, "group", l->group);
  cJSON *s = cJSON_AddObjectToObject(o, "shares");
  const Reflect__V1__FunctionShares *f = l->shares;
  cli_json_add_u64(s, "management", f ? f->management : 0);
  cli_json_add_u64(s, "development", f ? f->development : 0);
  cli_json_add_u64(s, "support", f ? f->support : 0);
  cli_json_add_u64(s, "mediation", f ? f->mediation : 0);
  cli_json_add_u64(s, "other", f ? f->other : 0);
  cJSON_AddBoolToObject(o, "support_crowded_out", l->support_crowded_out);
  cJSON_AddBoolToObject(o, "development_crowded_out", l->development_crowded_out);
  return o;
}

cJSON *cli_report_json_balance(const Reflect__V1__BalanceReport *r)
{
  if (!r) return cJSON_CreateNull();
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "scope", cli_report_json_scope(r->scope));
  cJSON *people = cJSON_AddArrayToObject(o, "people");
  for (size_t i = 0; i < r->n_people; i++) cJSON_AddItemToArray(people, balance_line(r->people[i]));
  cJSON_AddItemToObject(o, "team", balance_line(r->team));
  cli_json_add_u64(o, "min_support_percent", r->min_support_percent);
  cli_json_add_u64(o, "min_development_percent", r->min_development_percent);
  return o;
}

static cJSON *actions_line(const Reflect__V1__ActionsLine *l)
{
  if (!l) return cJSON_CreateNull();
  cJSON *o = cJSON_CreateObject();
  cli_json_add_text(o, "person", l->person);
  cli_json_add_text(o, "name", l->name);
  cli_json_add_u64(o, "open", l->open);
  cli_json_add_u64(o, "overdue", l->overdue);
  cli_json_add_u64(o, "done_on_time", l->done_on_time);
  cli_json_add_u64(o, "done_late", l->done_late);
  cli_json_add_u64(o, "cancelled", l->cancelled);
  return o;
}

cJSON *cli_report_json_actions(const Reflect__V1__ActionsReport *r)
{
  if (!r) return cJSON_CreateNull();
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "scope", cli_report_json_scope(r->scope));
  cli_json_add_time(o, "as_of", r->as_of);
  cJSON *people = cJSON_AddArrayToObject(o, "people");
  for (size_t i = 0; i < r->n_people; i++) cJSON_AddItemToArray(people, actions_line(r->people[i]));
  cJSON_AddItemToObject(o, "team", actions_line(r->team));
  return o;
}

cJSON *cli_report_json_survey(const Reflect__V1__SurveyReport *r)
{
  if (!r) return cJSON_CreateNull();
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "scope", cli_report_json_scope(r->scope));
  cli_json_add_text(o, "supervisor", r->supervisor);
  cli_json_add_u64(o, "minimum", r->minimum);
  cJSON_AddBoolToObject(o, "withheld", r->withheld);
  if (r->open_from && *r->open_from) cli_json_add_text(o, "open_from", r->open_from);
  /* Withheld means withheld: not even zeros, which could be misread. */
  if (r->withheld) return o;
  cli_json_add_u64(o, "respondents", r->respondents);
  cli_json_add_u64(o, "responses", r->responses);
  cJSON *qs = cJSON_AddArrayToObject(o, "questions");
  for (size_t i = 0; i < r->n_questions; i++) {
    const Reflect__V1__SurveyQuestion *q = r->questions[i];
    cJSON *j = cJSON_CreateObject();
    cli_json_add_u64(j, "number", q->number);
    cli_json_add_text(j, "text", q->text);
    cJSON_AddNumberToObject(j, "mean", q->mean);
    cJSON *counts = cJSON_AddArrayToObject(j, "counts");
    for (size_t k = 0; k < q->n_counts; k++) cJSON_AddItemToArray(counts, cJSON_CreateNumber(q->counts[k]));
    cJSON_AddItemToArray(qs, j);
  }
  cJSON *cs = cJSON_AddArrayToObject(o, "comments");
  for (size_t i = 0; i < r->n_comments; i++) cJSON_AddItemToArray(cs, cJSON_CreateString(r->comments[i]));
  return o;
}
