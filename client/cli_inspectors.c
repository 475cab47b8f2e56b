/* PLACEHOLDER (issue 5, in progress): replaced by the real commands before commit. */
#include <stdio.h>
#include "cli.h"
#include "cli_reports.h"

static int run_cli_group_inspector(cli_ctx *ctx, const cli_args *args)
{
  (void)args;
  fprintf(stderr, "%s: not yet\n", ctx->cmd);
  return CLI_EXIT_REFUSED;
}
const cli_command cli_group_inspector = {.name = "inspector", .summary = "Inspectors: grant and revoke access to a team's evidence.", .run = run_cli_group_inspector};

