/* reflect inspector grant|revoke USER --team TEAM: which team's evidence an
 * inspector's (time-limited) account may read. Administrators only. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_out.h"
#include "cli_reports.h"
#include "wire.h"

static const cli_opt grant_opts[] = {
    {"team", "TEAM", 0},
    {NULL, NULL, 0},
};

static int grant_run(cli_ctx *ctx, const cli_args *a, int revoke)
{
  int rc = cli_check_text(ctx, "USER", a->pos[0], CLI_TEXT_MAX);
  if (!rc) rc = cli_arg_require(ctx, a, "team");
  if (!rc) rc = cli_check_text(ctx, "--team", cli_arg_value(a, "team"), CLI_TEXT_MAX);
  if (rc) return rc;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__InspectorGrantRequest g = REFLECT__V1__INSPECTOR_GRANT_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  g.inspector = (char *)a->pos[0];
  g.team = (char *)cli_arg_value(a, "team");
  g.revoke = revoke;
  req.op_case = REFLECT__V1__REQUEST__OP_INSPECTOR_GRANT;
  req.inspector_grant = &g;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_INSPECTOR_GRANT, &rep);
  if (rc) return rc;
  /* Granting twice is no error; the server says it changed nothing. */
  if (rep->status && rep->status->message && *rep->status->message) {
    char *msg = cli_text_clean(rep->status->message, 0);
    cli_error("%s", msg);
    free(msg);
  }
  wire_free_reply(rep);
  return CLI_EXIT_OK;
}

static int grant_cmd(cli_ctx *ctx, const cli_args *a)
{
  return grant_run(ctx, a, 0);
}
static int revoke_cmd(cli_ctx *ctx, const cli_args *a)
{
  return grant_run(ctx, a, 1);
}

static const cli_command inspector_grant = {
    .name = "grant",
    .summary = "Let an inspector read a team's signed records and evidence.",
    .synopsis = "USER --team TEAM",
    .help = "USER must have the inspector role; their access ends when their account\n"
            "expires (`reflect user add --expires`) or when it is revoked. Every read is audited.\n\n"
            "options:\n"
            "  --team TEAM   the team whose evidence they may read\n",
    .opts = grant_opts,
    .pos_name = "USER",
    .min_pos = 1,
    .max_pos = 1,
    .run = grant_cmd,
};

static const cli_command inspector_revoke = {
    .name = "revoke",
    .summary = "Take a team's evidence away from an inspector.",
    .synopsis = "USER --team TEAM",
    .help = "Takes effect on the inspector's next request. The audit log keeps the history.\n\n"
            "options:\n"
            "  --team TEAM   the team\n",
    .opts = grant_opts,
    .pos_name = "USER",
    .min_pos = 1,
    .max_pos = 1,
    .run = revoke_cmd,
};

static const cli_command *const inspector_commands[] = {&inspector_grant, &inspector_revoke, NULL};

const cli_command cli_group_inspector = {
    .name = "inspector",
    .summary = "Inspectors: grant and revoke access to a team's evidence.",
    .subs = inspector_commands,
};
