/* PLACEHOLDER (issue 5, in progress): replaced by the real commands before commit. */
#include <stdio.h>
#include "cli.h"
#include "cli_reports.h"

static int run_cli_report_survey(cli_ctx *ctx, const cli_args *args)
{
  (void)args;
  fprintf(stderr, "%s: not yet\n", ctx->cmd);
  return CLI_EXIT_REFUSED;
}
const cli_command cli_report_survey = {.name = "survey", .summary = "The feedback survey, in aggregate (never for fewer than five).", .run = run_cli_report_survey};

static int run_cli_group_survey(cli_ctx *ctx, const cli_args *args)
{
  (void)args;
  fprintf(stderr, "%s: not yet\n", ctx->cmd);
  return CLI_EXIT_REFUSED;
}
const cli_command cli_group_survey = {.name = "survey", .summary = "Answer the feedback survey after a session.", .run = run_cli_group_survey};

#include "cli_report_json.h"
cJSON *cli_report_json_survey(const Reflect__V1__SurveyReport *r) { (void)r; return cJSON_CreateNull(); }
