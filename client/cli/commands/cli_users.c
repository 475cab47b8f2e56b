/* reflect user add, reflect user list. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_password.h"
#include "cli_time.h"
#include "wire.h"

#define USERS_USERNAME_MAX 256

static const cli_opt user_add_opts[] = {
    {"name", "NAME", 0}, {"role", "ROLE", 0}, {"password-stdin", NULL, 0}, {"expires", "WHEN", 0}, {NULL, NULL, 0},
};

/* --expires: "YYYY-MM-DD HH:MM" in the organisation's zone; "YYYY-MM-DD",
 * through the end of that day; or a duration from now ("30d", "12h",
 * "45m", "90s"). The server enforces the bounds (at most a year ahead). */
static int parse_expires(const cli_ctx *ctx, const char *s, int64_t *out)
{
  size_t n = strlen(s);
  const char *unit = n ? strchr("dhms", s[n - 1]) : NULL;
  if (unit && n >= 2 && n <= 12 && strspn(s, "0123456789") == n - 1) {
    static const uint64_t seconds[] = {86400, 3600, 60, 1};
    char digits[16];
    snprintf(digits, sizeof digits, "%.*s", (int)(n - 1), s);
    uint64_t v;
    uint64_t per = seconds[unit - "dhms"];
    int rc = cli_parse_u64(ctx, "--expires", digits, 1, 400 * 86400 / per, &v);
    if (rc) return rc;
    *out = (int64_t)time(NULL) + (int64_t)(v * per);
    return CLI_EXIT_OK;
  }
  char text[CLI_TIME_MAX];
  int y, m, d;
  if (n == 10 && sscanf(s, "%4d-%2d-%2d", &y, &m, &d) == 3) {
    /* A day alone means through that day: until midnight at its end. */
    snprintf(text, sizeof text, "%s 00:00", s);
    struct tm day = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + 1, .tm_hour = 12}, next;
    time_t t = timegm(&day);
    if (cli_time_check(text) || t == (time_t)-1 || !gmtime_r(&t, &next))
      return cli_usage_error(ctx, "--expires: '%s' is not a date", s);
    strftime(text, sizeof text, "%Y-%m-%d 00:00", &next);
  } else if (n < sizeof text) {
    snprintf(text, sizeof text, "%s", s);
  } else {
    return cli_usage_error(ctx, "--expires is YYYY-MM-DD [HH:MM] or a duration like 30d, 12h, 45m, 90s");
  }
  const char *why = cli_time_parse(text, cli_zone(ctx), out);
  if (why)
    return cli_usage_error(ctx, "--expires is YYYY-MM-DD [HH:MM] or a duration like 30d, 12h, 45m, 90s: %s", why);
  return CLI_EXIT_OK;
}

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
  if (!rc) rc = cli_arg_require(ctx, a, "name");
  if (!rc) rc = cli_check_text(ctx, "--name", cli_arg_value(a, "name"), CLI_TEXT_MAX);
  if (!rc) rc = cli_arg_require(ctx, a, "role");
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
  if (!rc && cli_arg_value(a, "expires")) rc = parse_expires(ctx, cli_arg_value(a, "expires"), &add.expires_at);
  if (!rc && add.role == REFLECT__V1__ROLE__ROLE_INSPECTOR && !add.expires_at)
    rc = cli_usage_error(ctx, "an inspector's account needs --expires (at most a year ahead)");
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
    .synopsis = "USERNAME --name NAME --role ROLE [--expires WHEN] [--password-stdin]",
    .help = "Prints the new account's id. Without --password-stdin a strong random initial\n"
            "password is made and printed once, on stderr.\n\n"
            "options:\n"
            "  --name NAME        the person's full name\n"
            "  --role ROLE        administrator, manager, supervisor, practitioner or inspector\n"
            "  --expires WHEN     when the account stops working (required for an inspector,\n"
            "                     at most a year ahead): YYYY-MM-DD (through that day),\n"
            "                     \"YYYY-MM-DD HH:MM\", or from now: 30d, 12h, 45m, 90s\n"
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
  char id[24], created[CLI_TIME_MAX], expires[CLI_TIME_MAX] = "never", teams[256] = "";
  const char *role = wire_role_name(u->role);
  snprintf(id, sizeof id, "%" PRIu64, u->id);
  cli_time_format_local(u->created_at, cli_zone(ctx), created, sizeof created);
  if (u->expires_at) cli_time_format_local(u->expires_at, cli_zone(ctx), expires, sizeof expires);
  /* An inspector's granted teams; the table cleans what the server sent. */
  for (size_t k = 0, used = 0; k < u->n_teams && used < sizeof teams; k++)
    used += (size_t)snprintf(teams + used, sizeof teams - used, "%s%s", k ? "," : "", u->teams[k]);
  const char *cells[] = {id,      u->username, u->name, role ? role : "?", u->active ? "yes" : "no",
                         created, expires,     teams};
  cli_table_add(t, cells);
}

static cJSON *user_json(const void *list, size_t i)
{
  const Reflect__V1__User *u = ((const Reflect__V1__UserListReply *)list)->users[i];
  cJSON *o = cli_json_user(u);
  if (u->expires_at) cli_json_add_time(o, "expires_at", u->expires_at);
  else cJSON_AddNullToObject(o, "expires_at");
  if (u->role == REFLECT__V1__ROLE__ROLE_INSPECTOR) {
    cJSON *teams = cJSON_AddArrayToObject(o, "teams");
    for (size_t k = 0; k < u->n_teams; k++) cJSON_AddItemToArray(teams, cJSON_CreateString(u->teams[k]));
  }
  return o;
}

static const char *const user_heads[] = {"ID", "USERNAME", "NAME", "ROLE", "ACTIVE", "CREATED", "EXPIRES", "TEAMS"};
static const cli_list_format user_format = {8, user_heads, user_row, user_json};

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
