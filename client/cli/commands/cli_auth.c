/* reflect login, logout, whoami: this device's session with the server. */
#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_password.h"
#include "cli_time.h"
#include "wire.h"

#define AUTH_USERNAME_MAX 256

static const char *auth_role(Reflect__V1__Role role)
{
  const char *name = wire_role_name(role);
  return name ? name : "unknown role";
}

static const cli_opt login_opts[] = {
    {"password-stdin", NULL, 0},
    {NULL, NULL, 0},
};

static int login_run(cli_ctx *ctx, const cli_args *a)
{
  const char *user = a->pos[0];
  char password[CLI_PASSWORD_MAX + 1];
  char prompt[AUTH_USERNAME_MAX + 32];
  Reflect__V1__Reply *rep = NULL;
  int rc = cli_check_text(ctx, "USER", user, AUTH_USERNAME_MAX);
  if (rc) return rc;
  /* Connect first: no point asking for a password on a device not set up. */
  rc = cli_call_connect(ctx);
  if (rc) return rc;
  snprintf(prompt, sizeof prompt, "Password for %s: ", user);
  rc = cli_password_read(ctx, cli_arg_count(a, "password-stdin") > 0, prompt, password);
  if (rc) return rc;
  int crc = client_login(ctx->cl, user, password, &rep);
  sodium_memzero(password, sizeof password);
  rc = cli_call_check_reply(ctx, crc, &rep, REFLECT__V1__REPLY__RESULT_LOGIN);
  if (rc) return rc;
  const Reflect__V1__User *u = rep->login->user;
  char *name = cli_text_clean(u && u->username && *u->username ? u->username : user, 0);
  printf("logged in as %s (%s)\n", name, u ? auth_role(u->role) : "unknown role");
  free(name);
  if (rep->login->notice && *rep->login->notice) {
    char *notice = cli_text_clean(rep->login->notice, 0);
    fprintf(stderr, "reflect: %s\n", notice);
    free(notice);
  }
  /* The library has kept its copy; this one goes with the reply. */
  sodium_memzero(rep->login->token.data, rep->login->token.len);
  wire_free_reply(rep);
  return CLI_EXIT_OK;
}

const cli_command cli_cmd_login = {
    .name = "login",
    .summary = "Log in on this device.",
    .synopsis = "USER [--password-stdin]",
    .help = "Asks for the password on the terminal, without echo. The token the server\n"
            "returns is kept beside the config (PATH.token, mode 0600) until logout.\n"
            "A password an administrator set (a new account's, or a reset) lets you do\n"
            "nothing but choose your own: run `reflect password` next.\n\n"
            "options:\n"
            "  --password-stdin   read the password from the first line of stdin\n",
    .opts = login_opts,
    .pos_name = "USER",
    .min_pos = 1,
    .max_pos = 1,
    .run = login_run,
};

static int logout_run(cli_ctx *ctx, const cli_args *a)
{
  (void)a;
  Reflect__V1__Reply *rep = NULL;
  int rc = cli_call_connect(ctx);
  if (rc) return rc;
  rc = client_logout(ctx->cl, &rep);
  /* An expired token is as logged out as it gets; say so, kindly. */
  if (rc == CLIENT_OK && rep->status && rep->status->code == REFLECT__V1__CODE__UNAUTHENTICATED) {
    wire_free_reply(rep);
    puts("logged out (the server had already ended this login)");
    return CLI_EXIT_OK;
  }
  rc = cli_call_check_reply(ctx, rc, &rep, REFLECT__V1__REPLY__RESULT_LOGOUT);
  if (rc) return rc;
  wire_free_reply(rep);
  puts("logged out");
  return CLI_EXIT_OK;
}

const cli_command cli_cmd_logout = {
    .name = "logout",
    .summary = "Log out, here and on the server.",
    .help = "The token is forgotten on this device even if the server cannot be reached.\n\n"
            "options:\n",
    .run = logout_run,
};

static int whoami_run(cli_ctx *ctx, const cli_args *a)
{
  (void)a;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__WhoAmIRequest who = REFLECT__V1__WHO_AM_IREQUEST__INIT;
  Reflect__V1__Reply *rep;
  req.op_case = REFLECT__V1__REQUEST__OP_WHOAMI;
  req.whoami = &who;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_WHOAMI, &rep);
  if (rc) return rc;
  const Reflect__V1__WhoAmIReply *w = rep->whoami;
  if (ctx->json) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "user", cli_json_user(w->user));
    cli_json_add_text(o, "device", w->device);
    cli_json_add_time(o, "expires_at", w->expires_at);
    cli_json_add_text(o, "timezone", w->timezone);
    cJSON_AddBoolToObject(o, "must_change_password", w->must_change_password);
    rc = cli_json_print(o);
  } else {
    const Reflect__V1__User *u = w->user;
    char expires[CLI_TIME_MAX];
    char *username = cli_text_clean(u ? u->username : "?", 0);
    char *name = cli_text_clean(u ? u->name : "", 0);
    char *device = cli_text_clean(w->device, 0);
    char *zone = cli_text_clean(w->timezone, 0);
    cli_time_format_local(w->expires_at, cli_zone(ctx), expires, sizeof expires);
    printf("user:      %s (%s)\nname:      %s\ndevice:    %s\nexpires:   %s\ntime zone: %s\n", username,
           u ? auth_role(u->role) : "unknown role", name, device, expires, zone);
    if (w->must_change_password)
      printf("password:  set by an administrator; choose your own with `reflect password`\n");
    free(username);
    free(name);
    free(device);
    free(zone);
  }
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_cmd_whoami = {
    .name = "whoami",
    .summary = "Show who is logged in on this device.",
    .help = "options:\n",
    .json = 1,
    .run = whoami_run,
};

static const cli_opt password_opts[] = {
    {"password-stdin", NULL, 0},
    {NULL, NULL, 0},
};

/* Reads the new password twice at a terminal, so a typo does not lock
 * someone out; once from stdin, where a script has no typos to catch. */
static int read_new_password(const cli_ctx *ctx, int from_stdin, char *buf)
{
  int rc = cli_password_read(ctx, from_stdin, "new password: ", buf);
  if (rc || from_stdin) return rc;
  char again[CLI_PASSWORD_MAX + 1];
  rc = cli_password_read(ctx, 0, "new password again: ", again);
  if (!rc && sodium_memcmp(buf, again, sizeof again) != 0) rc = cli_usage_error(ctx, "the two new passwords differ");
  sodium_memzero(again, sizeof again);
  return rc;
}

static int password_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__PasswordChangeRequest change = REFLECT__V1__PASSWORD_CHANGE_REQUEST__INIT;
  Reflect__V1__Reply *rep = NULL;
  char current[CLI_PASSWORD_MAX + 1] = "", fresh[CLI_PASSWORD_MAX + 1] = "";
  int from_stdin = cli_arg_count(a, "password-stdin") > 0;
  int rc = cli_password_read(ctx, from_stdin, "current password: ", current);
  if (!rc) rc = read_new_password(ctx, from_stdin, fresh);
  if (!rc) {
    change.current_password = current;
    change.new_password = fresh;
    req.op_case = REFLECT__V1__REQUEST__OP_PASSWORD_CHANGE;
    req.password_change = &change;
    rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_PASSWORD_CHANGE, &rep);
  }
  sodium_memzero(current, sizeof current);
  sodium_memzero(fresh, sizeof fresh);
  if (rc) return rc;
  wire_free_reply(rep);
  fprintf(stderr, "reflect: password changed; your other devices are logged out\n");
  return CLI_EXIT_OK;
}

const cli_command cli_cmd_password = {
    .name = "password",
    .summary = "Change your password.",
    .synopsis = "[--password-stdin]",
    .help = "Asks for the current password and the new one (twice). Every other device\n"
            "logged in as you is logged out; this one stays logged in.\n\n"
            "options:\n"
            "  --password-stdin   read the current password, then the new one, from the\n"
            "                     first two lines of stdin\n",
    .opts = password_opts,
    .run = password_run,
};
