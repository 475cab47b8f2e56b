/* reflect setup, reflect ping: making this device and checking it can
 * reach the server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_time.h"
#include "reflect/client.h" /* the validators, for a message naming the bad option */
#include "wire.h"

static const cli_opt setup_opts[] = {
    {"server", "ENDPOINT", 0},
    {"events", "ENDPOINT", 0},
    {"server-key", "KEY", 0},
    {NULL, NULL, 0},
};

static int setup_check(const cli_ctx *ctx, const cli_args *a)
{
  static const char *const endpoints[] = {"server", "events"};
  int rc = cli_arg_require(ctx, a, "server");
  if (!rc) rc = cli_arg_require(ctx, a, "events");
  if (!rc) rc = cli_arg_require(ctx, a, "server-key");
  for (size_t i = 0; i < 2 && !rc; i++)
    if (!client_endpoint_valid(cli_arg_value(a, endpoints[i]), CLIENT_ENDPOINT_MAX))
      rc = cli_usage_error(ctx, "--%s must be tcp://HOST:PORT or ipc://PATH", endpoints[i]);
  if (!rc && !client_key_valid(cli_arg_value(a, "server-key")))
    rc = cli_usage_error(ctx, "--server-key must be the server's 40-character Z85 public key "
                              "(reflectd init prints it)");
  return rc;
}

static int setup_run(cli_ctx *ctx, const cli_args *a)
{
  char path[sizeof ctx->cfg.path];
  int rc = setup_check(ctx, a);
  if (rc) return rc;
  if (ctx->config) {
    if (strlen(ctx->config) >= sizeof path) return cli_usage_error(ctx, "the config path is too long");
    strcpy(path, ctx->config);
  } else if (client_config_path(path, sizeof path) != CLIENT_OK) {
    return cli_usage_error(ctx, "cannot tell where the config goes: set HOME or use --config");
  }
  rc =
      client_config_setup(path, cli_arg_value(a, "server"), cli_arg_value(a, "events"), cli_arg_value(a, "server-key"));
  if (rc == CLIENT_EUSAGE)
    return cli_usage_error(ctx, "the endpoints must be at most 189 characters, and the config "
                                "path short enough for the files made beside it");
  if (rc) {
    cli_error("cannot write %s or the key files beside it: %s", path, client_strerror(rc));
    return CLI_EXIT_REFUSED;
  }
  /* Opening the new device reads back what was written: proof it works. */
  ctx->config = path;
  rc = cli_call_connect(ctx);
  if (rc) return rc;
  printf("wrote %s\nthis device's public key: %s\n", path, client_device_key(ctx->cl));
  return CLI_EXIT_OK;
}

const cli_command cli_cmd_setup = {
    .name = "setup",
    .summary = "Configure this device: where the server is, and its key.",
    .synopsis = "--server ENDPOINT --events ENDPOINT --server-key KEY",
    .help = "Writes the config file and, the first time, this device's CURVE key pair beside\n"
            "it (PATH.key, secret, mode 0600; PATH.pub). Running it again keeps the key pair.\n"
            "Nothing is sent to the server.\n\n"
            "options:\n"
            "  --server ENDPOINT  the request endpoint, e.g. tcp://reflect.example:7710\n"
            "  --events ENDPOINT  the event endpoint, e.g. tcp://reflect.example:7711\n"
            "  --server-key KEY   the server's public key (Z85), printed by reflectd init\n",
    .opts = setup_opts,
    .run = setup_run,
};

static int ping_run(cli_ctx *ctx, const cli_args *a)
{
  (void)a;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__PingRequest ping = REFLECT__V1__PING_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  req.op_case = REFLECT__V1__REQUEST__OP_PING;
  req.ping = &ping;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_PING, &rep);
  if (rc) return rc;
  const Reflect__V1__PingReply *p = rep->ping;
  if (ctx->json) {
    cJSON *o = cJSON_CreateObject();
    cli_json_add_text(o, "server", ctx->cfg.server);
    cli_json_add_text(o, "version", p->version);
    cli_json_add_u64(o, "protocol", p->protocol);
    cli_json_add_time(o, "server_time", p->server_time);
    rc = cli_json_print(o);
  } else {
    char when[CLI_TIME_MAX];
    char *version = cli_text_clean(p->version, 0);
    cli_time_format_utc(p->server_time, when, sizeof when);
    printf("server:   %s\nversion:  %s\nprotocol: %u\ntime:     %s\n", ctx->cfg.server, version, p->protocol, when);
    free(version);
  }
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_cmd_ping = {
    .name = "ping",
    .summary = "Check that the server answers, and which version it runs.",
    .help = "options:\n",
    .json = 1,
    .run = ping_run,
};
