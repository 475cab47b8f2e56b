/* Reaching reflectd and turning every outcome into a message and an exit
 * code, in one place, so that all commands fail the same way. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_out.h"
#include "wire.h"

/* Names the device, so the hint works for whoever uses --config. */
static void login_hint(const cli_ctx *ctx)
{
  if (ctx->config) fprintf(stderr, "hint: run 'reflect --config %s login USER'\n", ctx->config);
  else fputs("hint: run 'reflect login USER'\n", stderr);
}

/* The server names the request field at fault; say which option that is.
 * A few fields are a positional NAME in some commands (cmd ends with it). */
static const char *field_option(const char *cmd, const char *field)
{
  static const struct {
    const char *cmd, *field, *option;
  } positional[] = {
      {"rule add", "name", "NAME"},        {"team add", "name", "NAME"},           {"team member", "team", "TEAM"},
      {"team member", "username", "USER"}, {"session plan", "supervisee", "USER"},
  };
  size_t cl = strlen(cmd);
  for (size_t i = 0; i < sizeof positional / sizeof positional[0]; i++) {
    size_t n = strlen(positional[i].cmd);
    if (cl >= n && !strcmp(cmd + cl - n, positional[i].cmd) && !strcmp(positional[i].field, field))
      return positional[i].option;
  }
  static const struct {
    const char *field, *option;
  } map[] = {
      {"reason", "--reason"},
      {"base_revision", "--base-revision"},
      {"name", "--name"},
      {"role", "--role"},
      {"minutes", "--minutes"},
      {"every_days", "--every"},
      {"members", "--with"},
      {"starts_at", "--at"},
      {"room", "--room"},
      {"supervisee", "--supervisee"},
      {"revision", "--revision"},
      {"body", "the record text"},
      {"password", "the password"},
      {"new_password", "the new password"},
      {"current_password", "the current password"},
      {"due_at", "--due"},
      {"description", "--description"},
      {"evidence", "--evidence or --reason"},
      {"text", "--text"},
      {"resolves", "--resolves"},
      {"date_of_birth", "--dob"},
      {"reference", "--ref"},
      {"allocated", "--worker"},
      {"starts_on", "--starts"},
      {"review_on", "--review"},
      {"rule", "--rule"},
      {"steps", "--steps"},
      {"count", "--count"},
      {"first", "--from"},
      {"revises", "--revises"},
      {"present", "--present"},
      {"absent", "--absent"},
      {"case_id", "--case"},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (!strcmp(map[i].field, field)) return map[i].option;
  return NULL;
}

/* Prints why a library call failed; returns the exit code for it. */
static int call_report(cli_ctx *ctx, int rc)
{
  const char *path = ctx->cfg.path[0] ? ctx->cfg.path : "the config file";
  switch (rc) {
  case CLIENT_ECONFIG:
    cli_error("no usable configuration at %s", path);
    fputs("hint: run 'reflect setup --server tcp://HOST:PORT --events tcp://HOST:PORT "
          "--server-key KEY'\n",
          stderr);
    return CLI_EXIT_UNREACHABLE;
  case CLIENT_ETIMEOUT:
    cli_error("no reply from the server within %d ms: is reflectd running at %s? "
              "is the server key right?",
              ctx->timeout_ms, ctx->cfg.server);
    return CLI_EXIT_UNREACHABLE;
  case CLIENT_EPROTO:
    cli_error("the reply from %s could not be understood: is it reflectd, speaking protocol %u?", ctx->cfg.server,
              WIRE_PROTOCOL);
    return CLI_EXIT_UNREACHABLE;
  case CLIENT_EIO:
    if (errno == EPERM)
      cli_error("%s.key or %s.token can be read by others, or is not yours: chmod 600 it "
                "(a token that may have leaked is better deleted, then log in again)",
                path, path);
    else cli_error("cannot use the device files beside %s: %s", path, strerror(errno));
    return CLI_EXIT_REFUSED;
  case CLIENT_ENOTOKEN:
    cli_error("not logged in on this device");
    login_hint(ctx);
    return CLI_EXIT_REFUSED;
  case CLIENT_EUSAGE: return cli_usage_error(ctx, "%s", client_strerror(rc));
  default: cli_error("%s", client_strerror(rc)); return CLI_EXIT_REFUSED;
  }
}

#define CALL_TIMEOUT_MAX 600000


/* Read here, not in main, so that --help works whatever the environment. */
static int call_read_timeout(cli_ctx *ctx)
{
  uint64_t ms = CLIENT_DEFAULT_TIMEOUT_MS;
  const char *env = getenv("REFLECT_TIMEOUT_MS");
  if (env && *env && cli_parse_u64(ctx, "REFLECT_TIMEOUT_MS", env, 1, CALL_TIMEOUT_MAX, &ms)) return CLI_EXIT_USAGE;
  ctx->timeout_ms = (int)ms;
  return CLI_EXIT_OK;
}

int cli_call_connect(cli_ctx *ctx)
{
  char path[sizeof ctx->cfg.path] = "";
  if (ctx->cl) return CLI_EXIT_OK;
  if (call_read_timeout(ctx)) return CLI_EXIT_USAGE;
  int rc = ctx->config ? (strlen(ctx->config) < sizeof path ? CLIENT_OK : CLIENT_EUSAGE)
                       : client_config_path(path, sizeof path);
  if (rc == CLIENT_OK && ctx->config) strcpy(path, ctx->config);
  if (rc == CLIENT_OK) rc = client_config_load(path, &ctx->cfg);
  if (rc == CLIENT_OK) rc = client_open(&ctx->cfg, ctx->timeout_ms, &ctx->cl);
  /* Every reply and event is made safe for a terminal as it arrives, so no
   * command can print a control character or a bidi override by mistake;
   * --json keeps the text exact and escapes it instead (cli_json_text). */
  if (rc == CLIENT_OK) client_set_clean_text(ctx->cl, !ctx->json);
  /* A config that cannot even be named or parsed is a setup problem. */
  if (rc == CLIENT_EUSAGE) rc = CLIENT_ECONFIG;
  if (rc && !ctx->cfg.path[0]) snprintf(ctx->cfg.path, sizeof ctx->cfg.path, "%s", path);
  return rc ? call_report(ctx, rc) : CLI_EXIT_OK;
}

int cli_call_check_reply(cli_ctx *ctx, int rc, Reflect__V1__Reply **rep, Reflect__V1__Reply__ResultCase want)
{
  if (rc) return call_report(ctx, rc);
  const Reflect__V1__Status *st = (*rep)->status;
  if (st && st->code != REFLECT__V1__CODE__OK) {
    char *msg = cli_text_clean(st->message && *st->message ? st->message : "request refused", 0);
    cli_error("%s (%s)", msg, wire_code_name(st->code));
    free(msg);
    /* The field matters when the fix is to change an argument. */
    if (st->code == REFLECT__V1__CODE__INVALID_ARGUMENT && st->field && *st->field) {
      /* "members[1]" is the option for "members". */
      char base[64];
      snprintf(base, sizeof base, "%.*s", (int)strcspn(st->field, "["), st->field);
      const char *option = field_option(ctx->cmd, base);
      char *field = cli_text_clean(st->field, 0);
      unsigned section;
      if (option) fprintf(stderr, "hint: check %s\n", option);
      else if (sscanf(field, "sections[%u]", &section) == 1)
        fprintf(stderr, "hint: the problem is in section %u of the record text (%s)\n", section + 1, field);
      else fprintf(stderr, "hint: the problem is with '%s'\n", field);
      free(field);
    }
    if (st->code == REFLECT__V1__CODE__UNAUTHENTICATED && want != REFLECT__V1__REPLY__RESULT_LOGIN) login_hint(ctx);
    rc = CLI_EXIT_REFUSED;
  } else if ((*rep)->result_case != want) {
    rc = call_report(ctx, CLIENT_EPROTO);
  }
  if (rc) {
    wire_free_reply(*rep);
    *rep = NULL;
  }
  return rc;
}

int cli_call(cli_ctx *ctx, Reflect__V1__Request *req, Reflect__V1__Reply__ResultCase want, Reflect__V1__Reply **out)
{
  *out = NULL;
  int rc = cli_call_connect(ctx);
  if (rc) return rc;
  return cli_call_check_reply(ctx, client_call(ctx->cl, req, out), out, want);
}

void cli_call_close(cli_ctx *ctx)
{
  client_close(ctx->cl);
  ctx->cl = NULL;
}
