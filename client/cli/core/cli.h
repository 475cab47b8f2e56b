/*
 * cli — the `reflect` command tree and the steps every command shares.
 *
 * Contract:
 *  - A command is a cli_command: its options, how many positional
 *    arguments it takes, its help, and run(). A group has subs instead of
 *    run. cli_main.c walks the tree and parses argv against the command
 *    (every command also takes --help/-h and --config PATH, and --json if
 *    .json is set) and calls run with the parsed cli_args; run returns the
 *    process exit code.
 *  - Exit codes: CLI_EXIT_OK, CLI_EXIT_REFUSED (the server said no, or a
 *    local failure), CLI_EXIT_USAGE, CLI_EXIT_UNREACHABLE.
 *  - Every message for the user goes to stderr as "reflect: …"; stdout
 *    carries only the data asked for.
 *  - Memory: cli_args points into argv and owns nothing. The cli_ctx owns
 *    the client (closed by cli_call_close). Replies returned by cli_call are
 *    the caller's, freed with wire_free_reply.
 *  - Declared here, defined each in the file named for it, lowest first:
 *    cli_usage.c; cli_check.c, cli_parse.c and cli_args.c (which use it);
 *    cli_call.c; cli_zone.c (with cli_zone.h).
 */
#ifndef REFLECT_CLI_H
#define REFLECT_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "reflect/client.h"
#include "reflect.pb-c.h"

enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_REFUSED = 1,
  CLI_EXIT_USAGE = 2,
  CLI_EXIT_UNREACHABLE = 3,
};

/* Bounds on what a command line may hold; beyond them is a usage error. */
#define CLI_MAX_SEEN 128  /* option occurrences */
#define CLI_MAX_POS 4     /* positional arguments */
#define CLI_TEXT_MAX 1024 /* bytes in a one-line text argument */
#define CLI_PAGES_MAX 64  /* pages of one long answer (a decision log, an extract) */

typedef struct {
  const char *name; /* long name without "--"; NULL ends a list */
  const char *arg;  /* placeholder of its value ("USER"), NULL for a flag */
  unsigned max;     /* times it may be given; 0 means once */
} cli_opt;

typedef struct {
  const cli_opt *opts;
  struct {
    const cli_opt *opt;
    const char *value; /* NULL for a flag */
  } seen[CLI_MAX_SEEN];
  size_t nseen;
  const char *pos[CLI_MAX_POS];
  size_t npos;
} cli_args;

typedef struct {
  char cmd[128];      /* "reflect session add", for messages */
  const char *config; /* --config, or NULL: client_config_path decides */
  int timeout_ms;
  int json;
  client *cl; /* opened on first use by cli_call_connect */
  client_config cfg;
} cli_ctx;

typedef struct cli_command cli_command;
struct cli_command {
  const char *name;
  const char *summary;  /* one line, shown in the parent's list */
  const char *synopsis; /* what follows the command's path in "usage:" */
  const char *help;     /* the rest of --help: what it does, each option */
  const cli_opt *opts;  /* may be NULL */
  const char *pos_name; /* e.g. "SESSION", for "missing SESSION" */
  unsigned min_pos, max_pos;
  int json; /* takes --json */
  int (*run)(cli_ctx *ctx, const cli_args *args);
  const cli_command *const *subs; /* a group's commands, NULL-terminated */
};

/* The tree, defined by each command's own file. */
extern const cli_command cli_cmd_setup, cli_cmd_ping;
extern const cli_command cli_cmd_login, cli_cmd_logout, cli_cmd_whoami, cli_cmd_password;
extern const cli_command cli_group_user, cli_group_agreement;
extern const cli_command cli_group_session, cli_group_record, cli_group_case, cli_group_action;
extern const cli_command cli_group_team, cli_cmd_agenda;
extern const cli_command cli_group_rule, cli_cmd_due, cli_session_plan, cli_cmd_inbox;

/* cli_args.c: reading what was parsed.
 * cli_arg_value is the first value of --name (NULL if absent; "" for a
 * flag), cli_arg_nth the n-th of a repeatable one. */
const char *cli_arg_value(const cli_args *a, const char *name);
size_t cli_arg_count(const cli_args *a, const char *name);
const char *cli_arg_nth(const cli_args *a, const char *name, size_t n);
/* Parses argv (after the command's name) against cmd; applies --config and
 * --json to ctx. Returns CLI_EXIT_OK, CLI_EXIT_USAGE (already printed), or
 * -1 if --help/-h was given anywhere before "--". */
int cli_args_parse(cli_ctx *ctx, const cli_command *cmd, int argc, char **argv, cli_args *out);
/* CLI_EXIT_OK if --name was given, else a usage error ("missing --name"). */
int cli_arg_require(const cli_ctx *ctx, const cli_args *a, const char *name);

/* Checking untrusted values (cli_usage.c, cli_parse.c, cli_check.c). Each
 * returns CLI_EXIT_OK, or prints a usage error and returns CLI_EXIT_USAGE.
 * `what` names the argument in the message. */
/* Prints "reflect: <message>" and a hint to see the command's --help. */
int cli_usage_error(const cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as a whole decimal number in [min, max] into *out (digits only). */
int cli_parse_u64(const cli_ctx *ctx, const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* s is one non-empty line of UTF-8, at most max bytes, without controls. */
int cli_check_text(const cli_ctx *ctx, const char *what, const char *s, size_t max);

/* cli_call.c: reaching the server and reporting the outcome. Opens
 * ctx->cl (once; later calls do nothing) from --config or the default
 * config, or prints why not and returns the exit code. */
int cli_call_connect(cli_ctx *ctx);
/* Sends req and checks the reply: on CLI_EXIT_OK *out is an OK reply
 * whose result is `want`; otherwise the problem has been printed and the
 * exit code is returned. */
int cli_call(cli_ctx *ctx, Reflect__V1__Request *req, Reflect__V1__Reply__ResultCase want, Reflect__V1__Reply **out);
/* The second half of cli_call, for library calls that are not client_call
 * (login, logout): takes rc and *rep as those returned. */
int cli_call_check_reply(cli_ctx *ctx, int rc, Reflect__V1__Reply **rep, Reflect__V1__Reply__ResultCase want);
/* Closes what cli_call_connect opened; ctx may be used again. */
void cli_call_close(cli_ctx *ctx);

/* cli_zone.c: the organisation's zone for display and input, saved at
 * login ("" for the local one, or before connecting). The string is the
 * client's: valid until cli_call_close. */
const char *cli_zone(const cli_ctx *ctx);

#endif
