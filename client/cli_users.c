/* reflect user add, reflect user list. */
#include <inttypes.h>
#include <stdio.h>

#include <sodium.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_secret.h"
#include "cli_time.h"
#include "wire.h"

#define USERS_USERNAME_MAX 256

static const cli_opt user_add_opts[] = {
    {"name", "NAME", 0},
    {"role", "ROLE", 0},
    {"password-stdin", NULL, 0},
    {NULL, NULL, 0},
};

/* The password given on stdin, or a strong generated one that the caller
 * shows once (announce_password) after the server has accepted it. */
static int obtain_password(const cli_ctx *ctx, int given, char *password)
{
  if (given) return cli_password_read(ctx, 1, "", password);
  cli_password_generate(password);
  return CLI_EXIT_OK;
}

/* Shown only once the server has it, and never on stdout, which scripts
 * capture for ids. */
static void announce_password(int rc, int given, const char *what, const char *username, const char *password)
{
  if (rc == CLI_EXIT_OK && !given) fprintf(stderr, "%s for %s: %s\n", what, username, password);
}

static int user_add_check(const cli_ctx *ctx, const cli_args *a, Reflect__V1__Role *role)
{
  int rc = cli_check_text(ctx, "USERNAME", a->pos[0], USERS_USERNAME_MAX);
  if (!rc) rc = cli_require(ctx, a, "name");
  if (!rc) rc = cli_check_text(ctx, "--name", cli_arg_value(a, "name"), CLI_TEXT_MAX);
  if (!rc) rc = cli_require(ctx, a, "role");
  if (!rc && wire_role_parse(cli_arg_value(a, "role"), role) != WIRE_OK)
    rc = cli_usage_error(ctx, "--role must be one of administrator, manager, supervisor, "
                              "practitioner, inspector");
  return rc;
}

static int user_add_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__UserAddRequest add = REFLECT__V1__USER_ADD_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  char password[CLI_PASSWORD_MAX + 1];
  int given = cli_arg_count(a, "password-stdin") > 0;
  int rc = user_add_check(ctx, a, &add.role);
  if (!rc) rc = obtain_password(ctx, given, password);
  if (rc) return rc;
  add.username = (char *)a->pos[0];
  add.name = (char *)cli_arg_value(a, "name");
  add.password = password;
  req.op_case = REFLECT__V1__REQUEST__OP_USER_ADD;
  req.user_add = &add;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_USER_ADD, &rep);
  announce_password(rc, given, "initial password", a->pos[0], password);
  sodium_memzero(password, sizeof password);
  if (rc) return rc;
  rc = cli_print_id(ctx, rep->user_add->id);
  wire_free_reply(rep);
  return rc;
}

static const cli_command user_add = {
    .name = "add",
    .summary = "Create an account.",
    .synopsis = "USERNAME --name NAME --role ROLE [--password-stdin]",
    .help = "Prints the new account's id. Without --password-stdin a strong random initial\n"
            "password is made and printed once, on stderr.\n\n"
            "options:\n"
            "  --name NAME        the person's full name\n"
            "  --role ROLE        administrator, manager, supervisor, practitioner or inspector\n"
            "  --password-stdin   read the initial password from the first line of stdin\n",
    .opts = user_add_opts,
    .pos_name = "USERNAME",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = user_add_run,
};

static void user_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  const Reflect__V1__User *u = ((const Reflect__V1__UserListReply *)list)->users[i];
  char id[24], created[CLI_TIME_MAX];
  const char *role = wire_role_name(u->role);
  snprintf(id, sizeof id, "%" PRIu64, u->id);
  cli_time_format_local(u->created_at, cli_zone(ctx), created, sizeof created);
  const char *cells[] = {id, u->username, u->name, role ? role : "?", u->active ? "yes" : "no",
                         created};
  cli_table_add(t, cells);
}

static cJSON *user_json(const void *list, size_t i)
{
  return cli_json_user(((const Reflect__V1__UserListReply *)list)->users[i]);
}

static const char *const user_heads[] = {"ID", "USERNAME", "NAME", "ROLE", "ACTIVE", "CREATED"};
static const cli_list_format user_format = {6, user_heads, user_row, user_json};

static int user_list_run(cli_ctx *ctx, const cli_args *a)
{
  (void)a;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__UserListRequest list = REFLECT__V1__USER_LIST_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  req.op_case = REFLECT__V1__REQUEST__OP_USER_LIST;
  req.user_list = &list;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_USER_LIST, &rep);
  if (rc) return rc;
  rc = cli_print_list(ctx, &user_format, rep->user_list, rep->user_list->n_users);
  wire_free_reply(rep);
  return rc;
}

static const cli_command user_list = {
    .name = "list",
    .summary = "List the accounts.",
    .help = "options:\n",
    .json = 1,
    .run = user_list_run,
};

static const cli_opt reset_opts[] = {
    {"password-stdin", NULL, 0},
    {NULL, NULL, 0},
};

static int user_reset_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__PasswordResetRequest reset = REFLECT__V1__PASSWORD_RESET_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  char password[CLI_PASSWORD_MAX + 1];
  int given = cli_arg_count(a, "password-stdin") > 0;
  int rc = cli_check_text(ctx, "USERNAME", a->pos[0], USERS_USERNAME_MAX);
  if (!rc) rc = obtain_password(ctx, given, password);
  if (rc) return rc;
  reset.username = (char *)a->pos[0];
  reset.new_password = password;
  req.op_case = REFLECT__V1__REQUEST__OP_PASSWORD_RESET;
  req.password_reset = &reset;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_PASSWORD_RESET, &rep);
  announce_password(rc, given, "new password (they change it with `reflect password`)", a->pos[0], password);
  sodium_memzero(password, sizeof password);
  if (rc) return rc;
  wire_free_reply(rep);
  return CLI_EXIT_OK;
}

static const cli_command user_reset = {
    .name = "reset-password",
    .summary = "Give someone who lost their password a new one.",
    .synopsis = "USERNAME [--password-stdin]",
    .help = "Sets a new password and logs the person out everywhere. Without\n"
            "--password-stdin a strong random one is made and printed once, on stderr:\n"
            "hand it over in person or by phone, never by e-mail.\n\n"
            "options:\n"
            "  --password-stdin   read the new password from the first line of stdin\n",
    .opts = reset_opts,
    .pos_name = "USERNAME",
    .min_pos = 1,
    .max_pos = 1,
    .run = user_reset_run,
};

static const cli_command *const user_commands[] = {&user_add, &user_list, &user_reset, NULL};

const cli_command cli_group_user = {
    .name = "user",
    .summary = "Accounts: add, list, reset passwords (administrators).",
    .subs = user_commands,
};
