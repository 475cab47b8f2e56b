/* Parsing a command's argv against its options, and reading what was
 * parsed. Checking values is in cli_check.c and cli_parse.c. */
#include <string.h>

#include "cli.h"

/* Taken by every command; --json only by those that set .json. */
static const cli_opt args_config = {"config", "PATH", 0};
static const cli_opt args_json = {"json", NULL, 0};

static const cli_opt *args_find(const cli_command *cmd, const char *name, size_t len)
{
  for (const cli_opt *o = cmd->opts; o && o->name; o++)
    if (strlen(o->name) == len && strncmp(o->name, name, len) == 0) return o;
  if (len == 6 && strncmp(name, "config", 6) == 0) return &args_config;
  if (cmd->json && len == 4 && strncmp(name, "json", 4) == 0) return &args_json;
  return NULL;
}

static size_t args_count_opt(const cli_args *a, const cli_opt *opt)
{
  size_t n = 0;
  for (size_t i = 0; i < a->nseen; i++) n += a->seen[i].opt == opt;
  return n;
}

static int args_wants_help(int argc, char **argv)
{
  for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return 1;
  return 0;
}

/* One "--name[=value]" at argv[*i]; advances *i past a separate value. */
static int args_take_option(const cli_ctx *ctx, const cli_command *cmd, int argc, char **argv, int *i, cli_args *out)
{
  const char *name = argv[*i] + 2;
  const char *eq = strchr(name, '=');
  size_t len = eq ? (size_t)(eq - name) : strlen(name);
  const cli_opt *opt = args_find(cmd, name, len);
  if (!opt) return cli_usage_error(ctx, "unknown option --%.*s", (int)(len > 64 ? 64 : len), name);
  const char *value = NULL;
  if (opt->arg && eq) value = eq + 1;
  else if (opt->arg && *i + 1 < argc) value = argv[++*i];
  else if (opt->arg) return cli_usage_error(ctx, "--%s needs a value (%s)", opt->name, opt->arg);
  else if (eq) return cli_usage_error(ctx, "--%s takes no value", opt->name);
  unsigned max = opt->max ? opt->max : 1;
  if (args_count_opt(out, opt) >= max)
    return max == 1 ? cli_usage_error(ctx, "--%s is given more than once", opt->name)
                    : cli_usage_error(ctx, "--%s is given more than %u times", opt->name, max);
  if (out->nseen == CLI_MAX_SEEN) return cli_usage_error(ctx, "too many options");
  out->seen[out->nseen].opt = opt;
  out->seen[out->nseen].value = value;
  out->nseen++;
  return CLI_EXIT_OK;
}

int cli_args_parse(cli_ctx *ctx, const cli_command *cmd, int argc, char **argv, cli_args *out)
{
  memset(out, 0, sizeof *out);
  out->opts = cmd->opts;
  if (args_wants_help(argc, argv)) return -1;
  int only_pos = 0;
  for (int i = 0; i < argc; i++) {
    const char *arg = argv[i];
    if (!only_pos && strcmp(arg, "--") == 0) {
      only_pos = 1;
    } else if (!only_pos && strncmp(arg, "--", 2) == 0) {
      int rc = args_take_option(ctx, cmd, argc, argv, &i, out);
      if (rc) return rc;
    } else if (!only_pos && arg[0] == '-' && arg[1] != '\0') {
      return cli_usage_error(ctx, "unknown option %.64s", arg);
    } else if (out->npos < cmd->max_pos && out->npos < CLI_MAX_POS) {
      out->pos[out->npos++] = arg;
    } else {
      return cli_usage_error(ctx, "unexpected argument '%.64s'", arg);
    }
  }
  if (out->npos < cmd->min_pos) return cli_usage_error(ctx, "missing %s", cmd->pos_name);
  const char *config = cli_arg_value(out, "config");
  if (config) ctx->config = config;
  ctx->json = cli_arg_count(out, "json") > 0;
  return CLI_EXIT_OK;
}

const char *cli_arg_nth(const cli_args *a, const char *name, size_t n)
{
  for (size_t i = 0; i < a->nseen; i++) {
    if (strcmp(a->seen[i].opt->name, name) != 0) continue;
    if (n-- == 0) return a->seen[i].value ? a->seen[i].value : "";
  }
  return NULL;
}

const char *cli_arg_value(const cli_args *a, const char *name)
{
  return cli_arg_nth(a, name, 0);
}

size_t cli_arg_count(const cli_args *a, const char *name)
{
  size_t n = 0;
  for (size_t i = 0; i < a->nseen; i++) n += strcmp(a->seen[i].opt->name, name) == 0;
  return n;
}

int cli_arg_require(const cli_ctx *ctx, const cli_args *a, const char *name)
{
  if (cli_arg_value(a, name)) return CLI_EXIT_OK;
  return cli_usage_error(ctx, "missing --%s", name);
}
