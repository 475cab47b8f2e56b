/* reflect kpi report: each indicator against its target, as text, JSON
 * (--json) or CSV (--csv, one row per period shown). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_csv.h"
#include "cli_json.h"
#include "cli_kpi.h"
#include "cli_out.h"
#include "wire.h"

static const char *trend_word(Reflect__V1__KpiTrend t)
{
  switch (t) {
  case REFLECT__V1__KPI_TREND__KPI_TREND_IMPROVING: return "improving";
  case REFLECT__V1__KPI_TREND__KPI_TREND_STEADY: return "steady";
  case REFLECT__V1__KPI_TREND__KPI_TREND_WORSENING: return "worsening";
  default: return "unknown";
  }
}

static const char *whose(const Reflect__V1__KpiLine *l)
{
  return l->team && *l->team ? l->team : l->practitioner ? l->practitioner : "";
}

static void print_text(const Reflect__V1__KpiReportReply *r)
{
  if (!r->n_lines) printf("No indicators have a target or a measurement yet.\n");
  for (size_t i = 0; i < r->n_lines; i++) {
    const Reflect__V1__KpiLine *l = r->lines[i];
    const Reflect__V1__Indicator *x = l->indicator;
    char *name = cli_text_clean(x ? x->name : "", 0), *unit = cli_text_clean(x ? x->unit : "", 0);
    char *who = cli_text_clean(whose(l), 0);
    printf("%s%s (%s, %s is better) for %s%s\n", i ? "\n" : "", name, unit,
           x && x->direction == REFLECT__V1__KPI_DIRECTION__KPI_LOWER_IS_BETTER ? "lower" : "higher",
           l->team && *l->team ? "team " : "", who);
    if (l->target)
      printf("  target: %g %s from %s (baseline %g), %s\n", l->target->target, unit, l->target->from,
             l->target->baseline, l->agreed ? "agreed" : "not yet agreed");
    else printf("  target: none in force\n");
    printf("  recent:");
    if (!l->n_recent) printf(" no measurements");
    for (size_t k = 0; k < l->n_recent; k++)
      printf("%s %s %g", k ? "," : "", l->recent[k]->period, l->recent[k]->value);
    printf("\n  trend: %s; %s%s\n", trend_word(l->trend),
           l->n_recent ? (l->on_target ? "on target" : "not on target") : "nothing measured",
           l->drifting ? "; DRIFTING (short of target and worse two periods running)" : "");
    free(name);
    free(unit);
    free(who);
  }
}

static cJSON *measurement_json(const Reflect__V1__KpiMeasurement *m)
{
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "id", m->id);
  cli_json_add_u64(o, "indicator_version", m->indicator_version);
  cli_json_add_text(o, "period", m->period);
  cJSON_AddNumberToObject(o, "value", m->value);
  if (m->has_target) {
    cJSON_AddNumberToObject(o, "target", m->target);
    cJSON_AddNumberToObject(o, "baseline", m->baseline);
    cli_json_add_u64(o, "target_id", m->target_id);
  } else {
    cJSON_AddNullToObject(o, "target");
  }
  cli_json_add_text(o, "recorded_by", m->recorded_by);
  cli_json_add_time(o, "recorded_at", m->recorded_at);
  return o;
}

static cJSON *line_json(const Reflect__V1__KpiLine *l)
{
  cJSON *o = cJSON_CreateObject();
  const Reflect__V1__Indicator *x = l->indicator;
  cli_json_add_u64(o, "indicator_id", x ? x->id : 0);
  cli_json_add_u64(o, "version", x ? x->version : 0);
  cli_json_add_text(o, "indicator", x ? x->name : "");
  cli_json_add_text(o, "unit", x ? x->unit : "");
  cli_json_add_text(o, "practitioner", l->practitioner);
  cli_json_add_text(o, "team", l->team);
  if (l->target) {
    cJSON *t = cJSON_AddObjectToObject(o, "target");
    cli_json_add_u64(t, "id", l->target->id);
    cJSON_AddNumberToObject(t, "target", l->target->target);
    cJSON_AddNumberToObject(t, "baseline", l->target->baseline);
    cli_json_add_text(t, "from", l->target->from);
    cli_json_add_text(t, "set_by", l->target->set_by);
  } else {
    cJSON_AddNullToObject(o, "target");
  }
  cJSON *recent = cJSON_AddArrayToObject(o, "recent");
  for (size_t k = 0; k < l->n_recent; k++) cJSON_AddItemToArray(recent, measurement_json(l->recent[k]));
  cli_json_add_text(o, "trend", trend_word(l->trend));
  cJSON_AddBoolToObject(o, "drifting", l->drifting);
  cJSON_AddBoolToObject(o, "on_target", l->on_target);
  cJSON_AddBoolToObject(o, "agreed", l->agreed);
  return o;
}

static void print_csv(const Reflect__V1__KpiReportReply *r)
{
  static const char *const heads[] = {"indicator_id", "indicator", "unit",  "practitioner", "team",     "period",
                                      "value",        "target",    "trend", "on_target",    "drifting", "agreed"};
  cli_csv_row(stdout, heads, 12);
  for (size_t i = 0; i < r->n_lines; i++) {
    const Reflect__V1__KpiLine *l = r->lines[i];
    for (size_t k = 0; k < l->n_recent; k++) {
      const Reflect__V1__KpiMeasurement *m = l->recent[k];
      char id[24], value[64], target[64];
      const char *f[] = {cli_csv_u64(id, sizeof id, l->indicator ? l->indicator->id : 0),
                         l->indicator ? l->indicator->name : "",
                         l->indicator ? l->indicator->unit : "",
                         l->practitioner,
                         l->team,
                         m->period,
                         cli_csv_double(value, sizeof value, m->value),
                         m->has_target ? cli_csv_double(target, sizeof target, m->target) : "",
                         trend_word(l->trend),
                         l->on_target ? "yes" : "no",
                         l->drifting ? "yes" : "no",
                         l->agreed ? "yes" : "no"};
      cli_csv_row(stdout, f, 12);
    }
  }
}

static const cli_opt report_opts[] = {
    {"practitioner", "USER", 0}, {"team", "TEAM", 0}, {"periods", "N", 0}, {"csv", NULL, 0}, {NULL, NULL, 0},
};

static int report_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__KpiReportRequest rq = REFLECT__V1__KPI_REPORT_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  const char *periods = cli_arg_value(a, "periods");
  int csv = cli_arg_count(a, "csv") > 0;
  uint64_t n = 0;
  int rc = cli_kpi_subject(ctx, a, 0, &rq.practitioner, &rq.team);
  if (!rc && periods) rc = cli_parse_u64(ctx, "--periods", periods, 1, 24, &n);
  if (!rc && csv && ctx->json) rc = cli_usage_error(ctx, "give --json or --csv, not both");
  if (rc) return rc;
  rq.periods = (uint32_t)n;
  req.op_case = REFLECT__V1__REQUEST__OP_KPI_REPORT;
  req.kpi_report = &rq;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_KPI_REPORT, &rep);
  if (rc) return rc;
  const Reflect__V1__KpiReportReply *r = rep->kpi_report;
  if (ctx->json) {
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < r->n_lines; i++) cJSON_AddItemToArray(arr, line_json(r->lines[i]));
    rc = cli_json_print(arr);
  } else if (csv) {
    print_csv(r);
  } else {
    print_text(r);
  }
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_kpi_report = {
    .name = "report",
    .summary = "See indicators against their targets: values, direction of travel, drift.",
    .synopsis = "[--practitioner USER | --team TEAM] [--periods N] [--csv]",
    .help = "Without --practitioner or --team, your own. A supervisor may see their\n"
            "supervisees'; a manager the members of the teams they manage, or such a team.\n"
            "Each indicator shows its target in force (and whether it is agreed), the\n"
            "recent periods oldest first (corrections replace what they correct), the\n"
            "direction of travel from the last two, and DRIFTING when it is short of its\n"
            "target and has moved away from it two periods running.\n\noptions:\n"
            "  --practitioner USER  whose indicators\n"
            "  --team TEAM          a team's indicators\n"
            "  --periods N          how many recent periods (1-24; default 6)\n"
            "  --csv                one row per period shown, for a spreadsheet\n",
    .opts = report_opts,
    .json = 1,
    .run = report_run,
};
