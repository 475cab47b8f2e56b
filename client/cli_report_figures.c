/* PLACEHOLDER (issue 5, in progress): replaced by the real commands before commit. */
#include <stdio.h>
#include "cli.h"
#include "cli_reports.h"

static int run_cli_report_compliance(cli_ctx *ctx, const cli_args *args)
{
  (void)args;
  fprintf(stderr, "%s: not yet\n", ctx->cmd);
  return CLI_EXIT_REFUSED;
}
const cli_command cli_report_compliance = {.name = "compliance", .summary = "Who is supervised on time; who is overdue.", .run = run_cli_report_compliance};

static int run_cli_report_coverage(cli_ctx *ctx, const cli_args *args)
{
  (void)args;
  fprintf(stderr, "%s: not yet\n", ctx->cmd);
  return CLI_EXIT_REFUSED;
}
const cli_command cli_report_coverage = {.name = "coverage", .summary = "Cases not discussed within the window their risk requires.", .run = run_cli_report_coverage};

static int run_cli_report_balance(cli_ctx *ctx, const cli_args *args)
{
  (void)args;
  fprintf(stderr, "%s: not yet\n", ctx->cmd);
  return CLI_EXIT_REFUSED;
}
const cli_command cli_report_balance = {.name = "balance", .summary = "Individual and group sessions; the share of each function.", .run = run_cli_report_balance};

static int run_cli_report_actions(cli_ctx *ctx, const cli_args *args)
{
  (void)args;
  fprintf(stderr, "%s: not yet\n", ctx->cmd);
  return CLI_EXIT_REFUSED;
}
const cli_command cli_report_actions = {.name = "actions", .summary = "Actions open, overdue and completed, by person and team.", .run = run_cli_report_actions};

