/* reflect: the command-line client. Global options, the command tree, help
 * at every level, and dispatch to the command files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_calendar.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_reports.h"
#include "cli_watch.h"
#include "wire.h"

#ifndef REFLECT_VERSION
#define REFLECT_VERSION "unknown"
#endif

extern const cli_command cli_group_audit; /* cli_audit.c */
extern const cli_command cli_group_draft; /* cli_drafts.c */

static const cli_command *const main_commands[] = {
    &cli_cmd_setup,      &cli_cmd_ping,        &cli_cmd_login,
    &cli_cmd_logout,     &cli_cmd_whoami,      &cli_cmd_password,
    &cli_group_user,     &cli_group_agreement, &cli_group_session,
    &cli_group_record,   &cli_group_case,      &cli_group_action,
    &cli_group_team,     &cli_cmd_agenda,      &cli_group_rule,
    &cli_cmd_inbox,      &cli_cmd_due,         &cli_cmd_watch,
    &cli_group_calendar, &cli_group_kpi,       &cli_group_report,
    &cli_group_survey,   &cli_group_export,    &cli_group_inspector,
    &cli_group_audit,    &cli_group_draft,     NULL,
};

static const cli_command main_root = {
    .name = "reflect",
    .summary = "Reflect: records of professional supervision in social care.",
    .subs = main_commands,
};

static void main_print_commands(const cli_command *group, FILE *f)
{
  fputs("\ncommands:\n", f);
  for (const cli_command *const *c = group->subs; *c; c++) fprintf(f, "  %-11s %s\n", (*c)->name, (*c)->summary);
}

static void main_print_root_help(FILE *f)
{
  fprintf(f, "usage: reflect [--config PATH] <command> [<args>]\n\n%s\n", main_root.summary);
  main_print_commands(&main_root, f);
  fputs("\nglobal options:\n"
        "  --config PATH  the device's config file (default: $REFLECT_CONFIG, else\n"
        "                 $XDG_CONFIG_HOME/reflect/config or ~/.config/reflect/config)\n"
        "  --version      print the version and protocol, then exit\n"
        "  -h, --help     show this help; every command and group has its own\n"
        "\nenvironment:\n"
        "  REFLECT_CONFIG      the config file, as --config\n"
        "  REFLECT_TIMEOUT_MS  how long to wait for the server (default 10000)\n"
        "\nexit status: 0 done, 1 refused by the server, 2 usage error,\n"
        "             3 cannot reach the server (or not set up)\n",
        f);
}

static void main_print_group_help(const cli_ctx *ctx, const cli_command *g, FILE *f)
{
  fprintf(f, "usage: %s <command> [<args>]\n\n%s\n", ctx->cmd, g->summary);
  main_print_commands(g, f);
  fprintf(f, "\nRun '%s <command> --help' for a command's options.\n", ctx->cmd);
}

static void main_print_command_help(const cli_ctx *ctx, const cli_command *c, FILE *f)
{
  fprintf(f, "usage: %s%s%s%s\n\n%s\n\n%s", ctx->cmd, c->synopsis ? " " : "", c->synopsis ? c->synopsis : "",
          c->json ? " [--json]" : "", c->summary, c->help ? c->help : "");
  if (c->json) fputs("  --json             print machine-readable JSON\n", f);
  fputs("  --config PATH      use this config file\n"
        "  -h, --help         show this help\n",
        f);
}

/* Appends name to the command path used in messages and help. */
static void main_enter(cli_ctx *ctx, const char *name)
{
  size_t n = strlen(ctx->cmd);
  snprintf(ctx->cmd + n, sizeof ctx->cmd - n, " %s", name);
}

static int main_dispatch(cli_ctx *ctx, const cli_command *node, int argc, char **argv)
{
  if (!node->subs) {
    cli_args args;
    int rc = cli_args_parse(ctx, node, argc, argv, &args);
    if (rc < 0) {
      main_print_command_help(ctx, node, stdout);
      return CLI_EXIT_OK;
    }
    return rc ? rc : node->run(ctx, &args);
  }
  if (argc == 0) {
    char names[256] = "";
    for (const cli_command *const *c = node->subs; *c; c++) {
      size_t n = strlen(names);
      snprintf(names + n, sizeof names - n, "%s%s", n ? ", " : "", (*c)->name);
    }
    return cli_usage_error(ctx, "missing command (one of: %s)", names);
  }
  if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0) {
    if (node == &main_root) main_print_root_help(stdout);
    else main_print_group_help(ctx, node, stdout);
    return CLI_EXIT_OK;
  }
  for (const cli_command *const *c = node->subs; *c; c++) {
    if (strcmp((*c)->name, argv[0]) == 0) {
      main_enter(ctx, argv[0]);
      return main_dispatch(ctx, *c, argc - 1, argv + 1);
    }
  }
  return cli_usage_error(ctx, "'%.64s' is not a %s command", argv[0], ctx->cmd);
}

/* Options before the command word; returns how many argv entries they
 * took, or -1 with *exit_code set when main should stop. */
static int main_global_options(cli_ctx *ctx, int argc, char **argv, int *exit_code)
{
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      main_print_root_help(stdout);
      *exit_code = CLI_EXIT_OK;
      return -1;
    }
    if (strcmp(a, "--version") == 0) {
      printf("reflect %s (protocol %u)\n", REFLECT_VERSION, WIRE_PROTOCOL);
      *exit_code = CLI_EXIT_OK;
      return -1;
    }
    if (strncmp(a, "--config=", 9) == 0) {
      ctx->config = a + 9;
    } else if (strcmp(a, "--config") == 0 && i + 1 < argc) {
      ctx->config = argv[++i];
    } else {
      *exit_code = strcmp(a, "--config") == 0 ? cli_usage_error(ctx, "--config needs a value (PATH)")
                                              : cli_usage_error(ctx, "unknown option %.64s", a);
      return -1;
    }
  }
  return i;
}

int main(int argc, char **argv)
{
  cli_ctx ctx = {.cmd = "reflect"};
  int rc = CLI_EXIT_OK;
  cli_json_init();
  int first = main_global_options(&ctx, argc, argv, &rc);
  if (first < 0) return rc;
  rc = main_dispatch(&ctx, &main_root, argc - first, argv + first);
  cli_call_close(&ctx);
  if (fflush(stdout) != 0 && rc == CLI_EXIT_OK) {
    cli_error("cannot write the output");
    rc = CLI_EXIT_REFUSED;
  }
  return rc;
}
