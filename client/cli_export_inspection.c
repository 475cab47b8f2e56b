/* PLACEHOLDER (issue 5, in progress): replaced by the real commands before commit. */
#include <stdio.h>
#include "cli.h"
#include "cli_reports.h"

static int run_cli_export_inspection(cli_ctx *ctx, const cli_args *args)
{
  (void)args;
  fprintf(stderr, "%s: not yet\n", ctx->cmd);
  return CLI_EXIT_REFUSED;
}
const cli_command cli_export_inspection = {.name = "inspection", .summary = "An inspection evidence pack for a team: PDF and JSON.", .run = run_cli_export_inspection};

