/* reflect report compliance / coverage / balance / actions: a team's
 * oversight figures over a period, as a table with a one-line headline,
 * as JSON (cli_report_json.h) or as CSV (cli_csv.h). The server checks the
 * team, the dates and who may ask; the CLI only fills in the defaults. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_cases.h"
#include "cli_csv.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_report_json.h"
#include "cli_reports.h"
#include "cli_time.h"
#include "wire.h"

static const cli_opt report_opts[] = {
    {"team", "TEAM", 0}, {"from", "DATE", 0}, {"to", "DATE", 0}, {"csv", NULL, 0}, {NULL, NULL, 0},
};

#define REPORT_SYNOPSIS "--team TEAM [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--csv]"
#define REPORT_OPTIONS                                                                 \
  "options:\n"                                                                         \
  "  --team TEAM     a team you manage\n"                                              \
  "  --from DATE     the first day (default: four weeks ending on --to)\n"             \
  "  --to DATE       the last day, inclusive (default: today, in the organisation's\n" \
  "                  time zone); figures \"as of\" are taken at its end, or now\n"     \
  "  --json          the report as one JSON object\n"                                  \
  "  --csv           one row per line and a final row for the team\n"

typedef cli_report_period report_args;

/* Sends the report request of kind op and returns the reply. */
static int ask(cli_ctx *ctx, const cli_args *a, report_args *ra, Reflect__V1__Request__OpCase op,
               Reflect__V1__Reply__ResultCase want, Reflect__V1__Reply **rep)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__ReportRequest in = REFLECT__V1__REPORT_REQUEST__INIT;
  Reflect__V1__ReportScope scope = REFLECT__V1__REPORT_SCOPE__INIT;
  int rc = cli_report_scope_read(ctx, a, ra, &scope);
  if (rc) return rc;
  in.scope = &scope;
  req.op_case = op;
  switch (op) {
  case REFLECT__V1__REQUEST__OP_REPORT_COMPLIANCE: req.report_compliance = &in; break;
  case REFLECT__V1__REQUEST__OP_REPORT_COVERAGE: req.report_coverage = &in; break;
  case REFLECT__V1__REQUEST__OP_REPORT_BALANCE: req.report_balance = &in; break;
  default: req.report_actions = &in; break;
  }
  return cli_call(ctx, &req, want, rep);
}

/* "Team North, 2026-10-26 to 2026-11-22: " */
static void headline_start(const Reflect__V1__ReportScope *s)
{
  char *team = cli_text_clean(s ? s->team : "", 0);
  printf("Team %s, %s to %s: ", team, s ? s->from : "", s ? s->to : "");
  free(team);
}

static const char *local_or_never(const cli_ctx *ctx, int64_t t, char *buf, size_t size)
{
  if (!t) return "never";
  cli_time_format_local(t, cli_zone(ctx), buf, size);
  return buf;
}

static const char *utc_or_empty(int64_t t, char *buf, size_t size)
{
  if (!t) return "";
  cli_time_format_utc(t, buf, size);
  return buf;
}

#define U(buf, v) cli_csv_u64(buf, sizeof buf, (uint64_t)(v))

/* ---- compliance ---------------------------------------------------------- */

static void compliance_text(const cli_ctx *ctx, const Reflect__V1__ComplianceReport *r)
{
  headline_start(r->scope);
  printf("%" PRIu32 " of %" PRIu32 " supervisions on time (%.0f%%)\n", r->on_time, r->due_occasions,
         r->on_time_percent);
  static const char *const heads[] = {"SUPERVISEE", "NAME",         "SUPERVISOR", "LAST HELD",
                                      "NEXT DUE",   "DAYS OVERDUE", "ON TIME"};
  cli_table t;
  cli_table_init(&t, 7, heads);
  for (size_t i = 0; i < r->n_lines; i++) {
    const Reflect__V1__ComplianceLine *l = r->lines[i];
    char held[CLI_TIME_MAX], due[CLI_TIME_MAX], over[24], ontime[48];
    snprintf(over, sizeof over, "%" PRIu32, l->overdue_days);
    snprintf(ontime, sizeof ontime, "%" PRIu32 " of %" PRIu32, l->on_time, l->due_occasions);
    const char *cells[] = {l->supervisee,
                           l->name,
                           l->supervisor,
                           local_or_never(ctx, l->last_held, held, sizeof held),
                           local_or_never(ctx, l->next_due, due, sizeof due),
                           over,
                           ontime};
    cli_table_add(&t, cells);
  }
  if (r->n_lines) {
    putchar('\n');
    cli_table_print(&t, stdout);
  }
  cli_table_free(&t);
}

static void compliance_csv(const Reflect__V1__ComplianceReport *r)
{
  static const char *const heads[] = {"supervisee",    "name",           "supervisor",   "agreement_id",
                                      "last_held_utc", "next_due_utc",   "overdue_days", "due_occasions",
                                      "on_time",       "on_time_percent"};
  cli_csv_row(stdout, heads, 10);
  char a[24], b[24], c[24], d[24], e[24], p[32], held[CLI_TIME_MAX], due[CLI_TIME_MAX];
  for (size_t i = 0; i < r->n_lines; i++) {
    const Reflect__V1__ComplianceLine *l = r->lines[i];
    double pct = l->due_occasions ? 100.0 * l->on_time / l->due_occasions : 0;
    const char *row[] = {l->supervisee,
                         l->name,
                         l->supervisor,
                         U(a, l->agreement_id),
                         utc_or_empty(l->last_held, held, sizeof held),
                         utc_or_empty(l->next_due, due, sizeof due),
                         U(b, l->overdue_days),
                         U(c, l->due_occasions),
                         U(d, l->on_time),
                         cli_csv_double(p, sizeof p, pct)};
    cli_csv_row(stdout, row, 10);
  }
  const char *team[] = {r->scope ? r->scope->team : "",
                        "(team)",
                        NULL,
                        NULL,
                        NULL,
                        NULL,
                        NULL,
                        U(e, r->due_occasions),
                        U(a, r->on_time),
                        cli_csv_double(p, sizeof p, r->on_time_percent)};
  cli_csv_row(stdout, team, 10);
}

static int run_compliance(cli_ctx *ctx, const cli_args *a)
{
  report_args ra;
  Reflect__V1__Reply *rep;
  int rc =
      ask(ctx, a, &ra, REFLECT__V1__REQUEST__OP_REPORT_COMPLIANCE, REFLECT__V1__REPLY__RESULT_REPORT_COMPLIANCE, &rep);
  if (rc) return rc;
  const Reflect__V1__ComplianceReport *r = rep->report_compliance;
  if (ctx->json) rc = cli_json_print(cli_report_json_compliance(r));
  else if (ra.csv) compliance_csv(r);
  else compliance_text(ctx, r);
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_report_compliance = {
    .name = "compliance",
    .summary = "Who is supervised on time; who is overdue.",
    .synopsis = REPORT_SYNOPSIS,
    .help = "One line per supervision agreement in force over the period with one of the team's\n"
            "people: when supervision was last held, when it is next due, how many days it is\n"
            "overdue, and how often it fell due in the period and was held by the end of that\n"
            "day (due days are counted in UTC, as `reflect due` counts them). Most overdue first.\n\n" REPORT_OPTIONS,
    .opts = report_opts,
    .json = 1,
    .run = run_compliance,
};

/* ---- coverage ------------------------------------------------------------ */

static void coverage_text(const cli_ctx *ctx, const Reflect__V1__CoverageReport *r)
{
  headline_start(r->scope);
  printf("%" PRIu32 " of %" PRIu32 " open cases discussed within their window\n", r->within_window, r->open_cases);
  if (!r->n_lines) return;
  static const char *const heads[] = {"CASE", "RISK", "WORKER", "LAST DISCUSSED", "DAYS SINCE", "WINDOW", "DAYS OVER"};
  cli_table t;
  cli_table_init(&t, 7, heads);
  for (size_t i = 0; i < r->n_lines; i++) {
    const Reflect__V1__CoverageLine *l = r->lines[i];
    char when[CLI_TIME_MAX], since[24], window[24], over[24];
    snprintf(since, sizeof since, "%" PRIu32, l->days_since);
    snprintf(window, sizeof window, "%" PRIu32, l->window_days);
    snprintf(over, sizeof over, "%" PRIu32, l->days_over);
    const char *cells[] = {l->reference, wire_risk_name(l->risk),
                           l->worker,    local_or_never(ctx, l->last_discussed, when, sizeof when),
                           since,        window,
                           over};
    cli_table_add(&t, cells);
  }
  putchar('\n');
  cli_table_print(&t, stdout);
  cli_table_free(&t);
}

static void coverage_csv(const Reflect__V1__CoverageReport *r)
{
  static const char *const heads[] = {"case_id",    "reference",   "risk",      "worker",     "last_discussed_utc",
                                      "days_since", "window_days", "days_over", "open_cases", "within_window"};
  cli_csv_row(stdout, heads, 10);
  char a[24], b[24], c[24], d[24], when[CLI_TIME_MAX];
  for (size_t i = 0; i < r->n_lines; i++) {
    const Reflect__V1__CoverageLine *l = r->lines[i];
    const char *row[] = {U(a, l->case_id),
                         l->reference,
                         wire_risk_name(l->risk),
                         l->worker,
                         utc_or_empty(l->last_discussed, when, sizeof when),
                         U(b, l->days_since),
                         U(c, l->window_days),
                         U(d, l->days_over),
                         NULL,
                         NULL};
    cli_csv_row(stdout, row, 10);
  }
  const char *team[] = {NULL,
                        r->scope ? r->scope->team : "",
                        "(team)",
                        NULL,
                        NULL,
                        NULL,
                        NULL,
                        NULL,
                        U(a, r->open_cases),
                        U(b, r->within_window)};
  cli_csv_row(stdout, team, 10);
}

static int run_coverage(cli_ctx *ctx, const cli_args *a)
{
  report_args ra;
  Reflect__V1__Reply *rep;
  int rc = ask(ctx, a, &ra, REFLECT__V1__REQUEST__OP_REPORT_COVERAGE, REFLECT__V1__REPLY__RESULT_REPORT_COVERAGE, &rep);
  if (rc) return rc;
  const Reflect__V1__CoverageReport *r = rep->report_coverage;
  if (ctx->json) rc = cli_json_print(cli_report_json_coverage(r));
  else if (ra.csv) coverage_csv(r);
  else coverage_text(ctx, r);
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_report_coverage = {
    .name = "coverage",
    .summary = "Cases not discussed within the window their risk requires.",
    .synopsis = REPORT_SYNOPSIS,
    .help = "Counts the open cases of the team's people and lists, by reference, those not\n"
            "discussed in supervision within the days their risk level allows (set in the\n"
            "server's [reports] configuration), longest overdue first. A case never discussed\n"
            "counts from when it was opened.\n\n" REPORT_OPTIONS,
    .opts = report_opts,
    .json = 1,
    .run = run_coverage,
};

/* ---- balance ------------------------------------------------------------- */

static const Reflect__V1__FunctionShares no_shares = REFLECT__V1__FUNCTION_SHARES__INIT;

static const Reflect__V1__FunctionShares *shares_of(const Reflect__V1__BalanceLine *l)
{
  return l && l->shares ? l->shares : &no_shares;
}

static const char *flags_of(const Reflect__V1__BalanceLine *l)
{
  if (l->support_crowded_out && l->development_crowded_out) return "support and development crowded out";
  if (l->support_crowded_out) return "support crowded out";
  if (l->development_crowded_out) return "development crowded out";
  return "";
}

static void balance_add(cli_table *t, const Reflect__V1__BalanceLine *l)
{
  const Reflect__V1__FunctionShares *f = shares_of(l);
  char a[24], b[24], c[24], d[24], e[24], g[24], h[24];
  const char *cells[] = {l->person,           U(a, l->individual),  U(b, l->group),
                         U(c, f->management), U(d, f->development), U(e, f->support),
                         U(g, f->mediation),  U(h, f->other),       flags_of(l)};
  cli_table_add(t, cells);
}

static void balance_text(const Reflect__V1__BalanceReport *r)
{
  const Reflect__V1__BalanceLine *team = r->team;
  headline_start(r->scope);
  printf("%" PRIu32 " individual and %" PRIu32 " group sessions held\n", team ? team->individual : 0,
         team ? team->group : 0);
  static const char *const heads[] = {"PERSON",  "INDIVIDUAL", "GROUP", "MANAGEMENT", "DEVELOPMENT",
                                      "SUPPORT", "MEDIATION",  "OTHER", "FLAGS"};
  cli_table t;
  cli_table_init(&t, 9, heads);
  for (size_t i = 0; i < r->n_people; i++) balance_add(&t, r->people[i]);
  if (team) balance_add(&t, team);
  putchar('\n');
  cli_table_print(&t, stdout);
  cli_table_free(&t);
  printf("\nShares are characters recorded per function; \"crowded out\" is below %" PRIu32 "%% (support) or %" PRIu32
         "%% (development)\nof the discussion of cases, performance, development, "
         "support and mediation.\n",
         r->min_support_percent, r->min_development_percent);
}

static void balance_csv_row(const Reflect__V1__BalanceLine *l)
{
  const Reflect__V1__FunctionShares *f = shares_of(l);
  char a[24], b[24], c[24], d[24], e[24], g[24], h[24];
  const char *row[] = {l->person,
                       l->name,
                       U(a, l->individual),
                       U(b, l->group),
                       U(c, f->management),
                       U(d, f->development),
                       U(e, f->support),
                       U(g, f->mediation),
                       U(h, f->other),
                       l->support_crowded_out ? "yes" : "no",
                       l->development_crowded_out ? "yes" : "no"};
  cli_csv_row(stdout, row, 11);
}

static void balance_csv(const Reflect__V1__BalanceReport *r)
{
  static const char *const heads[] = {"person",
                                      "name",
                                      "individual",
                                      "group",
                                      "management",
                                      "development",
                                      "support",
                                      "mediation",
                                      "other",
                                      "support_crowded_out",
                                      "development_crowded_out"};
  cli_csv_row(stdout, heads, 11);
  for (size_t i = 0; i < r->n_people; i++) balance_csv_row(r->people[i]);
  if (r->team) balance_csv_row(r->team);
}

static int run_balance(cli_ctx *ctx, const cli_args *a)
{
  report_args ra;
  Reflect__V1__Reply *rep;
  int rc = ask(ctx, a, &ra, REFLECT__V1__REQUEST__OP_REPORT_BALANCE, REFLECT__V1__REPLY__RESULT_REPORT_BALANCE, &rep);
  if (rc) return rc;
  const Reflect__V1__BalanceReport *r = rep->report_balance;
  if (ctx->json) rc = cli_json_print(cli_report_json_balance(r));
  else if (ra.csv) balance_csv(r);
  else balance_text(r);
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_report_balance = {
    .name = "balance",
    .summary = "Individual and group sessions; the share of each function.",
    .synopsis = REPORT_SYNOPSIS,
    .help = "For each of the team's people and the team as a whole: held individual sessions,\n"
            "held group sessions attended, and how much was recorded for each function of\n"
            "supervision (management: cases, performance and actions; development; support:\n"
            "wellbeing; mediation; other: notes and contributions), in characters. Only the\n"
            "amounts are reported, never what was written.\n\n" REPORT_OPTIONS,
    .opts = report_opts,
    .json = 1,
    .run = run_balance,
};

/* ---- actions ------------------------------------------------------------- */

static void actions_add(cli_table *t, const Reflect__V1__ActionsLine *l)
{
  char a[24], b[24], c[24], d[24], e[24];
  const char *cells[] = {l->person,          U(a, l->open),     U(b, l->overdue), U(c, l->done_on_time),
                         U(d, l->done_late), U(e, l->cancelled)};
  cli_table_add(t, cells);
}

static void actions_text(const Reflect__V1__ActionsReport *r)
{
  const Reflect__V1__ActionsLine *team = r->team;
  headline_start(r->scope);
  printf("%" PRIu32 " actions open, %" PRIu32 " of them overdue; %" PRIu32 " done on time, %" PRIu32 " late\n",
         team ? team->open : 0, team ? team->overdue : 0, team ? team->done_on_time : 0, team ? team->done_late : 0);
  static const char *const heads[] = {"PERSON", "OPEN", "OVERDUE", "DONE ON TIME", "DONE LATE", "CANCELLED"};
  cli_table t;
  cli_table_init(&t, 6, heads);
  for (size_t i = 0; i < r->n_people; i++) actions_add(&t, r->people[i]);
  if (team) actions_add(&t, team);
  putchar('\n');
  cli_table_print(&t, stdout);
  cli_table_free(&t);
}

static void actions_csv_row(const Reflect__V1__ActionsLine *l)
{
  char a[24], b[24], c[24], d[24], e[24];
  const char *row[] = {l->person,          l->name,           U(a, l->open), U(b, l->overdue), U(c, l->done_on_time),
                       U(d, l->done_late), U(e, l->cancelled)};
  cli_csv_row(stdout, row, 7);
}

static void actions_csv(const Reflect__V1__ActionsReport *r)
{
  static const char *const heads[] = {"person", "name", "open", "overdue", "done_on_time", "done_late", "cancelled"};
  cli_csv_row(stdout, heads, 7);
  for (size_t i = 0; i < r->n_people; i++) actions_csv_row(r->people[i]);
  if (r->team) actions_csv_row(r->team);
}

static int run_actions(cli_ctx *ctx, const cli_args *a)
{
  report_args ra;
  Reflect__V1__Reply *rep;
  int rc = ask(ctx, a, &ra, REFLECT__V1__REQUEST__OP_REPORT_ACTIONS, REFLECT__V1__REPLY__RESULT_REPORT_ACTIONS, &rep);
  if (rc) return rc;
  const Reflect__V1__ActionsReport *r = rep->report_actions;
  if (ctx->json) rc = cli_json_print(cli_report_json_actions(r));
  else if (ra.csv) actions_csv(r);
  else actions_text(r);
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_report_actions = {
    .name = "actions",
    .summary = "Actions open, overdue and completed, by person and team.",
    .synopsis = REPORT_SYNOPSIS,
    .help = "For each of the team's people and the team: actions open at the end of the period\n"
            "(or now), those of them past due, and those closed in the period: done by their\n"
            "due time, done late, or cancelled.\n\n" REPORT_OPTIONS,
    .opts = report_opts,
    .json = 1,
    .run = run_actions,
};
