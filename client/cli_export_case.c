/* PLACEHOLDER (issue 5, in progress): replaced by the real commands before commit. */
#include <stdio.h>
#include "cli.h"
#include "cli_reports.h"

static int run_cli_export_case(cli_ctx *ctx, const cli_args *args)
{
  (void)args;
  fprintf(stderr, "%s: not yet\n", ctx->cmd);
  return CLI_EXIT_REFUSED;
}
const cli_command cli_export_case = {.name = "case", .summary = "A child's record extract, with third parties redacted.", .run = run_cli_export_case};

