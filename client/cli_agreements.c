/* reflect agreement add, reflect agreement list: supervision agreements
 * (how often, and for how long, a supervisee is supervised). */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_time.h"
#include "wire.h"

/* Generous outer bounds; the server applies the organisation's rules. */
#define AGREEMENT_DAYS_MAX 366
#define AGREEMENT_MINUTES_MAX 1440
#define AGREEMENT_USERNAME_MAX 256

static const cli_opt agreement_add_opts[] = {
    {"supervisee", "USER", 0},
    {"every", "DAYS", 0},
    {"minutes", "N", 0},
    {NULL, NULL, 0},
};

static int agreement_add_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__AgreementAddRequest add = REFLECT__V1__AGREEMENT_ADD_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  uint64_t days = 0, minutes = 0;
  int rc = cli_require(ctx, a, "supervisee");
  if (!rc) rc = cli_check_text(ctx, "--supervisee", cli_arg_value(a, "supervisee"),
                               AGREEMENT_USERNAME_MAX);
  if (!rc) rc = cli_require(ctx, a, "every");
  if (!rc) rc = cli_parse_u64(ctx, "--every", cli_arg_value(a, "every"), 1, AGREEMENT_DAYS_MAX,
                              &days);
  if (!rc) rc = cli_require(ctx, a, "minutes");
  if (!rc) rc = cli_parse_u64(ctx, "--minutes", cli_arg_value(a, "minutes"), 1,
                              AGREEMENT_MINUTES_MAX, &minutes);
  if (rc) return rc;
  add.supervisee = (char *)cli_arg_value(a, "supervisee");
  add.every_days = (uint32_t)days;
  add.minutes = (uint32_t)minutes;
  req.op_case = REFLECT__V1__REQUEST__OP_AGREEMENT_ADD;
  req.agreement_add = &add;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_AGREEMENT_ADD, &rep);
  if (rc) return rc;
  rc = cli_print_id(ctx, rep->agreement_add->id);
  wire_free_reply(rep);
  return rc;
}

static const cli_command agreement_add = {
    .name = "add",
    .summary = "Agree to supervise someone every so many days.",
    .synopsis = "--supervisee USER --every DAYS --minutes N",
    .help = "You are the supervisor. Prints the new agreement's id.\n\n"
            "options:\n"
            "  --supervisee USER  the practitioner's username\n"
            "  --every DAYS       days between sessions (1-366)\n"
            "  --minutes N        length of each session in minutes (1-1440)\n",
    .opts = agreement_add_opts,
    .json = 1,
    .run = agreement_add_run,
};

static void agreement_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  const Reflect__V1__Agreement *g = ((const Reflect__V1__AgreementListReply *)list)->agreements[i];
  char id[24], every[24], minutes[16], created[CLI_TIME_MAX];
  snprintf(id, sizeof id, "%" PRIu64, g->id);
  snprintf(every, sizeof every, "%" PRIu32 " days", g->every_days);
  snprintf(minutes, sizeof minutes, "%" PRIu32, g->minutes);
  cli_time_format_local(g->created_at, cli_zone(ctx), created, sizeof created);
  const char *cells[] = {id, g->supervisor, g->supervisee, every, minutes, created,
                         g->active ? "active" : g->supervisee_signed_at ? "ended" : "awaiting signature"};
  cli_table_add(t, cells);
}

static cJSON *agreement_json(const void *list, size_t i)
{
  const Reflect__V1__Agreement *g = ((const Reflect__V1__AgreementListReply *)list)->agreements[i];
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "id", g->id);
  cli_json_add_text(o, "supervisor", g->supervisor);
  cli_json_add_text(o, "supervisee", g->supervisee);
  cli_json_add_u64(o, "every_days", g->every_days);
  cli_json_add_u64(o, "minutes", g->minutes);
  cli_json_add_time(o, "created_at", g->created_at);
  if (g->supervisee_signed_at) cli_json_add_time(o, "supervisee_signed_at", g->supervisee_signed_at);
  cJSON_AddBoolToObject(o, "active", g->active);
  return o;
}

static const char *const agreement_heads[] = {"ID", "SUPERVISOR", "SUPERVISEE", "EVERY", "MINUTES", "CREATED",
                                              "STATUS"};
static const cli_list_format agreement_format = {7, agreement_heads, agreement_row,
                                                 agreement_json};

static int agreement_list_run(cli_ctx *ctx, const cli_args *a)
{
  (void)a;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__AgreementListRequest list = REFLECT__V1__AGREEMENT_LIST_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  req.op_case = REFLECT__V1__REQUEST__OP_AGREEMENT_LIST;
  req.agreement_list = &list;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_AGREEMENT_LIST, &rep);
  if (rc) return rc;
  const Reflect__V1__AgreementListReply *r = rep->agreement_list;
  rc = cli_print_list(ctx, &agreement_format, r, r->n_agreements);
  wire_free_reply(rep);
  return rc;
}

static const cli_command agreement_list = {
    .name = "list",
    .summary = "List the supervision agreements you are party to.",
    .help = "options:\n",
    .json = 1,
    .run = agreement_list_run,
};

static int agreement_sign_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__AgreementSignRequest sign = REFLECT__V1__AGREEMENT_SIGN_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  int rc = cli_parse_u64(ctx, "AGREEMENT", a->pos[0], 1, INT64_MAX, &sign.agreement_id);
  if (rc) return rc;
  req.op_case = REFLECT__V1__REQUEST__OP_AGREEMENT_SIGN;
  req.agreement_sign = &sign;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_AGREEMENT_SIGN, &rep);
  if (rc) return rc;
  wire_free_reply(rep);
  fprintf(stderr, "reflect: signed; the agreement is now in force\n");
  return CLI_EXIT_OK;
}

static const cli_command agreement_sign = {
    .name = "sign",
    .summary = "Sign an agreement made with you (as the supervisee).",
    .synopsis = "AGREEMENT",
    .help = "Until you sign it, an agreement gives your supervisor nothing: no sessions with\n"
            "you and no sight of your cases. `reflect agreement list` shows its id.\n\noptions:\n",
    .pos_name = "AGREEMENT",
    .min_pos = 1,
    .max_pos = 1,
    .run = agreement_sign_run,
};

static const cli_command *const agreement_commands[] = {&agreement_add, &agreement_list, &agreement_sign, NULL};

const cli_command cli_group_agreement = {
    .name = "agreement",
    .summary = "Supervision agreements: how often, and for how long.",
    .subs = agreement_commands,
};
