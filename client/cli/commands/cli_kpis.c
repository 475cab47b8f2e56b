/* reflect kpi goal / define / list / assign / agree / record, and the kpi
 * group (which lists the report, cli_kpi_report.c): performance
 * indicators, their targets and their measurements. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_kpi.h"
#include "cli_out.h"
#include "cli_reports.h"
#include "wire.h"

#define KPI_TEXT_MAX 2000

static int call_and_print_id(cli_ctx *ctx, Reflect__V1__Request *req, Reflect__V1__Reply__ResultCase want)
{
  Reflect__V1__Reply *rep;
  int rc = cli_call(ctx, req, want, &rep);
  if (rc) return rc;
  uint64_t id = want == REFLECT__V1__REPLY__RESULT_GOAL_ADD     ? rep->goal_add->id
                : want == REFLECT__V1__REPLY__RESULT_KPI_DEFINE ? rep->kpi_define->indicator_id
                : want == REFLECT__V1__REPLY__RESULT_KPI_ASSIGN ? rep->kpi_assign->target_id
                : want == REFLECT__V1__REPLY__RESULT_KPI_RECORD ? rep->kpi_record->measurement_id
                                                                : 0;
  if (want == REFLECT__V1__REPLY__RESULT_KPI_RECORD && ctx->json) {
    cJSON *o = cJSON_CreateObject();
    cli_json_add_u64(o, "id", id);
    cJSON_AddBoolToObject(o, "drifting", rep->kpi_record->drifting);
    rc = cli_json_print(o);
  } else if (want == REFLECT__V1__REPLY__RESULT_KPI_DEFINE && !ctx->json) {
    /* The id alone on stdout, like every command that makes something, so
     * scripts can capture it; the version is for the person. */
    fprintf(stderr, "reflect: indicator %" PRIu64 ", version %" PRIu32 "\n", id, rep->kpi_define->version);
    rc = cli_print_id(ctx, id);
  } else {
    rc = cli_print_id(ctx, id);
  }
  if (want == REFLECT__V1__REPLY__RESULT_KPI_RECORD && rep->kpi_record->drifting)
    cli_error("this indicator is now DRIFTING: short of its target and worse two periods running");
  wire_free_reply(rep);
  return rc;
}

/* ---- goals ---- */

static const cli_opt goal_add_opts[] = {{"description", "TEXT", 0}, {NULL, NULL, 0}};

static int goal_add_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__GoalAddRequest add = REFLECT__V1__GOAL_ADD_REQUEST__INIT;
  const char *d = cli_arg_value(a, "description");
  int rc = cli_check_text(ctx, "NAME", a->pos[0], 120);
  if (!rc && d) rc = cli_check_text(ctx, "--description", d, KPI_TEXT_MAX);
  if (rc) return rc;
  add.name = (char *)a->pos[0];
  add.description = (char *)(d ? d : "");
  req.op_case = REFLECT__V1__REQUEST__OP_GOAL_ADD;
  req.goal_add = &add;
  return call_and_print_id(ctx, &req, REFLECT__V1__REPLY__RESULT_GOAL_ADD);
}

static const cli_command goal_add = {
    .name = "add",
    .summary = "Set an organisation goal (administrators and managers).",
    .synopsis = "NAME [--description TEXT]",
    .help = "NAME is 1-120 characters and unique. Prints the new goal's id; indicators are\n"
            "defined against it with 'reflect kpi define --goal ID'.\n\noptions:\n"
            "  --description TEXT  what the goal is for (at most 2000 bytes)\n",
    .opts = goal_add_opts,
    .pos_name = "NAME",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = goal_add_run,
};

static void goal_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  (void)ctx;
  const Reflect__V1__Goal *g = ((const Reflect__V1__GoalListReply *)list)->goals[i];
  char id[24];
  snprintf(id, sizeof id, "%" PRIu64, g->id);
  const char *cells[] = {id, g->name, g->description};
  cli_table_add(t, cells);
}

static cJSON *goal_json(const void *list, size_t i)
{
  const Reflect__V1__Goal *g = ((const Reflect__V1__GoalListReply *)list)->goals[i];
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "id", g->id);
  cli_json_add_text(o, "name", g->name);
  cli_json_add_text(o, "description", g->description);
  cli_json_add_text(o, "created_by", g->created_by);
  cli_json_add_time(o, "created_at", g->created_at);
  return o;
}

static const char *const goal_heads[] = {"ID", "GOAL", "DESCRIPTION"};
static const cli_list_format goal_format = {3, goal_heads, goal_row, goal_json};

static int goal_list_run(cli_ctx *ctx, const cli_args *a)
{
  (void)a;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__GoalListRequest list = REFLECT__V1__GOAL_LIST_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  req.op_case = REFLECT__V1__REQUEST__OP_GOAL_LIST;
  req.goal_list = &list;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_GOAL_LIST, &rep);
  if (rc) return rc;
  rc = cli_print_list(ctx, &goal_format, rep->goal_list, rep->goal_list->n_goals);
  wire_free_reply(rep);
  return rc;
}

static const cli_command goal_list = {
    .name = "list",
    .summary = "List the organisation's goals.",
    .synopsis = "",
    .help = "options:\n",
    .json = 1,
    .run = goal_list_run,
};

static const cli_command *const goal_commands[] = {&goal_add, &goal_list, NULL};
static const cli_command kpi_goal = {
    .name = "goal",
    .summary = "Organisation goals that indicators serve.",
    .subs = goal_commands,
};

/* ---- indicators ---- */

static const cli_opt define_opts[] = {
    {"name", "TEXT", 0},
    {"definition", "TEXT", 0},
    {"measured", "TEXT", 0},
    {"unit", "TEXT", 0},
    {"min", "N", 0},
    {"max", "N", 0},
    {"direction", "higher|lower", 0},
    {"period", "week|month|quarter", 0},
    {"goal", "ID", 0},
    {"indicator", "ID", 0},
    {NULL, NULL, 0},
};

static int define_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__KpiDefineRequest def = REFLECT__V1__KPI_DEFINE_REQUEST__INIT;
  Reflect__V1__Indicator ind = REFLECT__V1__INDICATOR__INIT;
  static const char *const need[] = {"name", "definition", "measured", "unit", "min",
                                     "max",  "direction",  "period",   "goal"};
  static const size_t max[] = {120, KPI_TEXT_MAX, KPI_TEXT_MAX, 32};
  int rc = CLI_EXIT_OK;
  for (size_t i = 0; !rc && i < sizeof need / sizeof need[0]; i++) rc = cli_arg_require(ctx, a, need[i]);
  for (size_t i = 0; !rc && i < 4; i++) rc = cli_check_text(ctx, need[i], cli_arg_value(a, need[i]), max[i]);
  if (!rc) rc = cli_kpi_number(ctx, "--min", cli_arg_value(a, "min"), &ind.scale_min);
  if (!rc) rc = cli_kpi_number(ctx, "--max", cli_arg_value(a, "max"), &ind.scale_max);
  if (!rc) rc = cli_parse_u64(ctx, "--goal", cli_arg_value(a, "goal"), 1, INT64_MAX, &ind.goal_id);
  const char *again = cli_arg_value(a, "indicator");
  if (!rc && again) rc = cli_parse_u64(ctx, "--indicator", again, 1, INT64_MAX, &ind.id);
  if (rc) return rc;
  const char *dir = cli_arg_value(a, "direction"), *per = cli_arg_value(a, "period");
  ind.direction = !strcmp(dir, "higher")  ? REFLECT__V1__KPI_DIRECTION__KPI_HIGHER_IS_BETTER
                  : !strcmp(dir, "lower") ? REFLECT__V1__KPI_DIRECTION__KPI_LOWER_IS_BETTER
                                          : REFLECT__V1__KPI_DIRECTION__KPI_DIRECTION_UNSPECIFIED;
  ind.period = !strcmp(per, "week")      ? REFLECT__V1__KPI_PERIOD__KPI_PERIOD_WEEK
               : !strcmp(per, "month")   ? REFLECT__V1__KPI_PERIOD__KPI_PERIOD_MONTH
               : !strcmp(per, "quarter") ? REFLECT__V1__KPI_PERIOD__KPI_PERIOD_QUARTER
                                         : REFLECT__V1__KPI_PERIOD__KPI_PERIOD_UNSPECIFIED;
  if (!ind.direction) return cli_usage_error(ctx, "--direction is higher or lower");
  if (!ind.period) return cli_usage_error(ctx, "--period is week, month or quarter");
  ind.name = (char *)cli_arg_value(a, "name");
  ind.definition = (char *)cli_arg_value(a, "definition");
  ind.measured_how = (char *)cli_arg_value(a, "measured");
  ind.unit = (char *)cli_arg_value(a, "unit");
  def.indicator = &ind;
  req.op_case = REFLECT__V1__REQUEST__OP_KPI_DEFINE;
  req.kpi_define = &def;
  return call_and_print_id(ctx, &req, REFLECT__V1__REPLY__RESULT_KPI_DEFINE);
}

static const cli_command kpi_define = {
    .name = "define",
    .summary = "Define an indicator, or a new version of one (administrators, managers).",
    .synopsis = "--name TEXT --definition TEXT --measured TEXT --unit TEXT --min N --max N\n"
                "       --direction higher|lower --period week|month|quarter --goal ID [--indicator ID]",
    .help = "A definition is never changed: --indicator ID makes a new version of that\n"
            "indicator, and measurements already recorded keep the version they used.\n"
            "Prints the indicator's id and version.\n\noptions:\n"
            "  --name TEXT          what it is called (1-120 characters)\n"
            "  --definition TEXT    what exactly is counted\n"
            "  --measured TEXT      how and from where it is measured\n"
            "  --unit TEXT          \"%\", \"days\", \"visits\" (1-32 characters)\n"
            "  --min N, --max N     the scale; every target and value lies on it\n"
            "  --direction D        higher or lower: which end is better\n"
            "  --period P           the review period: week (from Monday), month, quarter\n"
            "  --goal ID            the goal it serves\n"
            "  --indicator ID       make a new version of this indicator\n",
    .opts = define_opts,
    .json = 1,
    .run = define_run,
};

static const char *direction_word(Reflect__V1__KpiDirection d)
{
  return d == REFLECT__V1__KPI_DIRECTION__KPI_LOWER_IS_BETTER ? "lower" : "higher";
}

static const char *period_word(Reflect__V1__KpiPeriod p)
{
  return p == REFLECT__V1__KPI_PERIOD__KPI_PERIOD_WEEK    ? "week"
         : p == REFLECT__V1__KPI_PERIOD__KPI_PERIOD_MONTH ? "month"
                                                          : "quarter";
}

static void indicator_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  (void)ctx;
  const Reflect__V1__Indicator *x = ((const Reflect__V1__KpiListReply *)list)->indicators[i];
  char id[24], ver[16], scale[80];
  snprintf(id, sizeof id, "%" PRIu64, x->id);
  snprintf(ver, sizeof ver, "%" PRIu32, x->version);
  snprintf(scale, sizeof scale, "%g-%g", x->scale_min, x->scale_max);
  const char *cells[] = {id,     ver, x->name, x->unit, scale, direction_word(x->direction), period_word(x->period),
                         x->goal};
  cli_table_add(t, cells);
}

static cJSON *indicator_json(const void *list, size_t i)
{
  const Reflect__V1__Indicator *x = ((const Reflect__V1__KpiListReply *)list)->indicators[i];
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "id", x->id);
  cli_json_add_u64(o, "version", x->version);
  cli_json_add_text(o, "name", x->name);
  cli_json_add_text(o, "definition", x->definition);
  cli_json_add_text(o, "measured_how", x->measured_how);
  cli_json_add_text(o, "unit", x->unit);
  cJSON_AddNumberToObject(o, "scale_min", x->scale_min);
  cJSON_AddNumberToObject(o, "scale_max", x->scale_max);
  cli_json_add_text(o, "direction", direction_word(x->direction));
  cli_json_add_text(o, "period", period_word(x->period));
  cli_json_add_u64(o, "goal_id", x->goal_id);
  cli_json_add_text(o, "goal", x->goal);
  cli_json_add_text(o, "created_by", x->created_by);
  cli_json_add_time(o, "created_at", x->created_at);
  return o;
}

static const char *const indicator_heads[] = {"ID",    "VERSION", "INDICATOR", "UNIT",
                                              "SCALE", "BETTER",  "PERIOD",    "GOAL"};
static const cli_list_format indicator_format = {8, indicator_heads, indicator_row, indicator_json};

static const cli_opt list_opts[] = {{"indicator", "ID", 0}, {NULL, NULL, 0}};

static int list_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__KpiListRequest list = REFLECT__V1__KPI_LIST_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  const char *id = cli_arg_value(a, "indicator");
  if (id && cli_parse_u64(ctx, "--indicator", id, 1, INT64_MAX, &list.indicator_id)) return CLI_EXIT_USAGE;
  req.op_case = REFLECT__V1__REQUEST__OP_KPI_LIST;
  req.kpi_list = &list;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_KPI_LIST, &rep);
  if (rc) return rc;
  rc = cli_print_list(ctx, &indicator_format, rep->kpi_list, rep->kpi_list->n_indicators);
  wire_free_reply(rep);
  return rc;
}

static const cli_command kpi_list = {
    .name = "list",
    .summary = "List indicators: the latest version of each, or every version of one.",
    .synopsis = "[--indicator ID]",
    .help = "options:\n  --indicator ID     every version of this indicator, oldest first\n",
    .opts = list_opts,
    .json = 1,
    .run = list_run,
};

/* ---- targets and measurements ---- */

static const cli_opt assign_opts[] = {
    {"practitioner", "USER", 0}, {"team", "TEAM", 0},       {"baseline", "N", 0},
    {"target", "N", 0},          {"from", "YYYY-MM-DD", 0}, {NULL, NULL, 0},
};

static int assign_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__KpiAssignRequest as = REFLECT__V1__KPI_ASSIGN_REQUEST__INIT;
  const char *from = cli_arg_value(a, "from");
  int rc = cli_parse_u64(ctx, "INDICATOR", a->pos[0], 1, INT64_MAX, &as.indicator_id);
  if (!rc) rc = cli_kpi_subject(ctx, a, 1, &as.practitioner, &as.team);
  if (!rc) rc = cli_arg_require(ctx, a, "baseline");
  if (!rc) rc = cli_arg_require(ctx, a, "target");
  if (!rc) rc = cli_kpi_number(ctx, "--baseline", cli_arg_value(a, "baseline"), &as.baseline);
  if (!rc) rc = cli_kpi_number(ctx, "--target", cli_arg_value(a, "target"), &as.target);
  if (!rc && from && strlen(from) != 10) rc = cli_usage_error(ctx, "--from is a date: YYYY-MM-DD");
  if (rc) return rc;
  as.from = (char *)(from ? from : "");
  req.op_case = REFLECT__V1__REQUEST__OP_KPI_ASSIGN;
  req.kpi_assign = &as;
  return call_and_print_id(ctx, &req, REFLECT__V1__REPLY__RESULT_KPI_ASSIGN);
}

static const cli_command kpi_assign = {
    .name = "assign",
    .summary = "Set a target for a practitioner you supervise, or a team you manage.",
    .synopsis = "INDICATOR (--practitioner USER | --team TEAM) --baseline N --target N [--from YYYY-MM-DD]",
    .help = "A target is in force from its date until the next one for the same indicator\n"
            "and person or team; earlier targets are kept, and measurements keep the target\n"
            "that was in force for them. Nobody sets their own. Prints the target's id, which\n"
            "the practitioner agrees with 'reflect kpi agree'.\n\noptions:\n"
            "  --practitioner USER  a supervisee (or, for a manager, a member of their team)\n"
            "  --team TEAM          a team you manage\n"
            "  --baseline N         where they start from, on the indicator's scale\n"
            "  --target N           where they aim to be\n"
            "  --from YYYY-MM-DD    in force from this day (default: today)\n",
    .opts = assign_opts,
    .pos_name = "INDICATOR",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = assign_run,
};

static int agree_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__KpiAgreeRequest ag = REFLECT__V1__KPI_AGREE_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  int rc = cli_parse_u64(ctx, "TARGET", a->pos[0], 1, INT64_MAX, &ag.target_id);
  if (rc) return rc;
  req.op_case = REFLECT__V1__REQUEST__OP_KPI_AGREE;
  req.kpi_agree = &ag;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_KPI_AGREE, &rep);
  if (rc) return rc;
  wire_free_reply(rep);
  return CLI_EXIT_OK;
}

static const cli_command kpi_agree = {
    .name = "agree",
    .summary = "Record that you agree a target set for you (or your team).",
    .synopsis = "TARGET",
    .help = "Once per target. The report shows whether the target in force is agreed.\n\noptions:\n",
    .pos_name = "TARGET",
    .min_pos = 1,
    .max_pos = 1,
    .run = agree_run,
};

static const cli_opt record_opts[] = {
    {"practitioner", "USER", 0}, {"team", "TEAM", 0},     {"period", "YYYY-MM-DD", 0},
    {"value", "N", 0},           {"evidence", "TEXT", 0}, {NULL, NULL, 0},
};

static int record_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__KpiRecordRequest m = REFLECT__V1__KPI_RECORD_REQUEST__INIT;
  const char *evidence = cli_arg_value(a, "evidence");
  int rc = cli_parse_u64(ctx, "INDICATOR", a->pos[0], 1, INT64_MAX, &m.indicator_id);
  if (!rc) rc = cli_kpi_subject(ctx, a, 1, &m.practitioner, &m.team);
  if (!rc) rc = cli_arg_require(ctx, a, "period");
  if (!rc) rc = cli_arg_require(ctx, a, "value");
  if (!rc) rc = cli_kpi_number(ctx, "--value", cli_arg_value(a, "value"), &m.value);
  if (!rc && strlen(cli_arg_value(a, "period")) != 10) rc = cli_usage_error(ctx, "--period is a date: YYYY-MM-DD");
  if (!rc && evidence) rc = cli_check_text(ctx, "--evidence", evidence, KPI_TEXT_MAX);
  if (rc) return rc;
  m.period = (char *)cli_arg_value(a, "period");
  m.evidence = (char *)(evidence ? evidence : "");
  req.op_case = REFLECT__V1__REQUEST__OP_KPI_RECORD;
  req.kpi_record = &m;
  return call_and_print_id(ctx, &req, REFLECT__V1__REPLY__RESULT_KPI_RECORD);
}

static const cli_command kpi_record = {
    .name = "record",
    .summary = "Record a measurement for a practitioner or a team.",
    .synopsis = "INDICATOR (--practitioner USER | --team TEAM) --period YYYY-MM-DD --value N [--evidence TEXT]",
    .help = "Measurements are never changed: recording the same period again is a\n"
            "correction, which the report uses while keeping the history. Prints the\n"
            "measurement's id (a record's performance section can cite it), and warns when\n"
            "the indicator is now drifting.\n\noptions:\n"
            "  --practitioner USER  a supervisee (or, for a manager, a member of their team)\n"
            "  --team TEAM          a team you manage\n"
            "  --period DATE        the period's first day: a Monday (weekly), the 1st\n"
            "                       (monthly), 1 Jan/Apr/Jul/Oct (quarterly); not in the future\n"
            "  --value N            on the indicator's scale\n"
            "  --evidence TEXT      how it was measured, where the evidence is (kept sealed)\n",
    .opts = record_opts,
    .pos_name = "INDICATOR",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = record_run,
};

static const cli_command *const kpi_commands[] = {&kpi_goal,  &kpi_define, &kpi_list,       &kpi_assign,
                                                  &kpi_agree, &kpi_record, &cli_kpi_report, NULL};

const cli_command cli_group_kpi = {
    .name = "kpi",
    .summary = "Performance indicators: goals, definitions, targets, measurements.",
    .subs = kpi_commands,
};
