/* reflect agreement add / list / show / sign / end: supervision agreements
 * (how often and how long, and the terms both parties sign), in versions. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "cli.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_time.h"
#include "wire.h"

/* Generous outer bounds; the server applies the organisation's rules. */
#define AGREEMENT_DAYS_MAX 366
#define AGREEMENT_USERNAME_MAX 256
#define AGREEMENT_TERM_MAX 4096

/* The terms, as options and as the request's fields, in one order. */
static const char *const term_opts[] = {"booking", "cancellation", "confidentiality", "record-access", "disagreements"};

static const char *const term_keys[] = {"booking", "cancellation", "confidentiality", "record_access", "disagreements"};

static char **term_field(Reflect__V1__AgreementAddRequest *r, int i)
{
  char **f[] = {&r->booking, &r->cancellation, &r->confidentiality, &r->record_access, &r->disagreements};
  return f[i];
}

#define TERMS_OF(g)                                                                               \
  {                                                                                               \
    (g)->booking, (g)->cancellation, (g)->confidentiality, (g)->record_access, (g)->disagreements \
  }

static const cli_opt agreement_add_opts[] = {
    {"supervisee", "USER", 0},
    {"revises", "AGREEMENT", 0},
    {"every", "DAYS", 0},
    {"rule", "NAME", 0},
    {"minutes", "N", 0},
    {"starts", "YYYY-MM-DD", 0},
    {"review", "YYYY-MM-DD", 0},
    {"booking", "TEXT", 0},
    {"cancellation", "TEXT", 0},
    {"confidentiality", "TEXT", 0},
    {"record-access", "TEXT", 0},
    {"disagreements", "TEXT", 0},
    {NULL, NULL, 0},
};

static int check_date(const cli_ctx *ctx, const char *what, const char *s)
{
  int ok = s && strlen(s) == 10 && s[4] == '-' && s[7] == '-';
  for (int i = 0; ok && i < 10; i++) ok = i == 4 || i == 7 || (s[i] >= '0' && s[i] <= '9');
  return ok ? CLI_EXIT_OK : cli_usage_error(ctx, "%s must be a date, YYYY-MM-DD", what);
}

static int agreement_add_check(const cli_ctx *ctx, const cli_args *a, Reflect__V1__AgreementAddRequest *add)
{
  const char *who = cli_arg_value(a, "supervisee"), *revises = cli_arg_value(a, "revises");
  const char *every = cli_arg_value(a, "every"), *rule = cli_arg_value(a, "rule");
  const char *minutes = cli_arg_value(a, "minutes"), *starts = cli_arg_value(a, "starts");
  const char *review = cli_arg_value(a, "review");
  uint64_t v = 0;
  int rc = CLI_EXIT_OK;
  if (!who && !revises) return cli_usage_error(ctx, "missing --supervisee (or --revises AGREEMENT for a new version)");
  if (who && (rc = cli_check_text(ctx, "--supervisee", who, AGREEMENT_USERNAME_MAX))) return rc;
  if (revises && (rc = cli_parse_u64(ctx, "--revises", revises, 1, INT64_MAX, &add->revises))) return rc;
  if (every && rule) return cli_usage_error(ctx, "give --every or --rule, not both");
  if (!every && !rule && !revises) return cli_usage_error(ctx, "say how often: --every DAYS or --rule NAME");
  if (every && (rc = cli_parse_u64(ctx, "--every", every, 1, AGREEMENT_DAYS_MAX, &v))) return rc;
  add->every_days = (uint32_t)v;
  if (rule && (rc = cli_check_text(ctx, "--rule", rule, AGREEMENT_USERNAME_MAX))) return rc;
  if (!minutes && !revises) return cli_arg_require(ctx, a, "minutes");
  v = 0;
  if (minutes &&
      (rc = cli_parse_u64(ctx, "--minutes", minutes, REFLECT_SESSION_MINUTES_MIN, REFLECT_SESSION_MINUTES_MAX, &v)))
    return rc;
  add->minutes = (uint32_t)v;
  if (starts && (rc = check_date(ctx, "--starts", starts))) return rc;
  if (review && (rc = check_date(ctx, "--review", review))) return rc;
  add->supervisee = (char *)(who ? who : "");
  add->rule = (char *)(rule ? rule : "");
  add->starts_on = (char *)(starts ? starts : "");
  add->review_on = (char *)(review ? review : "");
  for (int i = 0; i < 5; i++) {
    char what[32];
    const char *text = cli_arg_value(a, term_opts[i]);
    snprintf(what, sizeof what, "--%s", term_opts[i]);
    if (text && (rc = cli_check_text(ctx, what, text, AGREEMENT_TERM_MAX))) return rc;
    *term_field(add, i) = (char *)(text ? text : "");
  }
  return CLI_EXIT_OK;
}

static int agreement_add_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__AgreementAddRequest add = REFLECT__V1__AGREEMENT_ADD_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  int rc = agreement_add_check(ctx, a, &add);
  if (rc) return rc;
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
    .summary = "Make a supervision agreement (or a new version of one), signed by you.",
    .synopsis = "(--supervisee USER | --revises AGREEMENT) (--every DAYS | --rule NAME) --minutes N\n"
                "       [--starts YYYY-MM-DD] [--review YYYY-MM-DD] [--booking TEXT] [--cancellation TEXT]\n"
                "       [--confidentiality TEXT] [--record-access TEXT] [--disagreements TEXT]",
    .help = "You are the supervisor, and making it is your signature; it counts once the\n"
            "supervisee signs it too (`reflect agreement sign`). A signed agreement never\n"
            "changes: --revises makes its next version, which replaces it when signed.\n"
            "In a new version everything left out (frequency, length, terms, start) stays\n"
            "as it was, and so does the review date unless it has passed. The terms are\n"
            "kept encrypted. Prints the new agreement's id.\n\n"
            "options:\n"
            "  --supervisee USER     the practitioner's username\n"
            "  --revises AGREEMENT   make a new version of this agreement\n"
            "  --every DAYS          a session every DAYS days (1-366), or\n"
            "  --rule NAME           a frequency rule (`reflect rule list`)\n"
            "  --minutes N           length of each session in minutes\n"
            "  --starts DATE         when it starts (default: today); a rule counts from it\n"
            "  --review DATE         when it is reviewed (default: a year after it starts)\n"
            "  --booking TEXT        how dates are booked\n"
            "  --cancellation TEXT   the cancellation and rebooking rule\n"
            "  --confidentiality TEXT  confidentiality and its limits\n"
            "  --record-access TEXT  who may see the record\n"
            "  --disagreements TEXT  how disagreements are resolved\n",
    .opts = agreement_add_opts,
    .json = 1,
    .run = agreement_add_run,
};

static const char *agreement_status(const Reflect__V1__Agreement *g)
{
  if (g->active) return "active";
  if (g->ended_at) return g->supervisee_signed_at ? "ended" : "withdrawn";
  return "awaiting signature";
}

static void agreement_frequency(const Reflect__V1__Agreement *g, char *buf, size_t size)
{
  if (*g->rule) snprintf(buf, size, "%s", g->rule);
  else snprintf(buf, size, "every %" PRIu32 " days", g->every_days);
}

static void agreement_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  (void)ctx;
  const Reflect__V1__Agreement *g = ((const Reflect__V1__AgreementListReply *)list)->agreements[i];
  char id[24], version[16], every[96], minutes[16];
  snprintf(id, sizeof id, "%" PRIu64, g->id);
  snprintf(version, sizeof version, "%" PRIu32, g->version);
  agreement_frequency(g, every, sizeof every);
  snprintf(minutes, sizeof minutes, "%" PRIu32, g->minutes);
  const char *cells[] = {id,      version,      g->supervisor, g->supervisee,      every,
                         minutes, g->starts_on, g->review_on,  agreement_status(g)};
  cli_table_add(t, cells);
}

static cJSON *agreement_json(const Reflect__V1__Agreement *g)
{
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "id", g->id);
  cli_json_add_u64(o, "version", g->version);
  cli_json_add_u64(o, "supersedes", g->supersedes);
  cli_json_add_text(o, "supervisor", g->supervisor);
  cli_json_add_text(o, "supervisee", g->supervisee);
  cli_json_add_text(o, "rule", g->rule);
  cli_json_add_u64(o, "every_days", g->every_days);
  cli_json_add_u64(o, "minutes", g->minutes);
  cli_json_add_text(o, "starts_on", g->starts_on);
  cli_json_add_text(o, "review_on", g->review_on);
  cli_json_add_time(o, "created_at", g->created_at);
  if (g->supervisor_signed_at) cli_json_add_time(o, "supervisor_signed_at", g->supervisor_signed_at);
  if (g->supervisee_signed_at) cli_json_add_time(o, "supervisee_signed_at", g->supervisee_signed_at);
  if (g->ended_at) cli_json_add_time(o, "ended_at", g->ended_at);
  cJSON_AddBoolToObject(o, "active", g->active);
  cli_json_add_text(o, "status", agreement_status(g));
  return o;
}

static cJSON *agreement_list_json(const void *list, size_t i)
{
  return agreement_json(((const Reflect__V1__AgreementListReply *)list)->agreements[i]);
}

static const char *const agreement_heads[] = {"ID",      "V",      "SUPERVISOR", "SUPERVISEE", "FREQUENCY",
                                              "MINUTES", "STARTS", "REVIEW",     "STATUS"};
static const cli_list_format agreement_format = {9, agreement_heads, agreement_row, agreement_list_json};

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
    .summary = "List the supervision agreements you are party to (managers: and their teams').",
    .help = "Every version is listed; the terms are shown by `reflect agreement show`.\n\noptions:\n",
    .json = 1,
    .run = agreement_list_run,
};

static void print_show(const cli_ctx *ctx, const Reflect__V1__AgreementShowReply *r)
{
  const Reflect__V1__Agreement *g = r->agreement;
  const char *terms[] = TERMS_OF(g);
  char every[96], signed_by[CLI_TIME_MAX], signed_se[CLI_TIME_MAX] = "not yet", ended[CLI_TIME_MAX];
  agreement_frequency(g, every, sizeof every);
  cli_time_format_local(g->supervisor_signed_at, cli_zone(ctx), signed_by, sizeof signed_by);
  if (g->supervisee_signed_at)
    cli_time_format_local(g->supervisee_signed_at, cli_zone(ctx), signed_se, sizeof signed_se);
  printf("agreement %" PRIu64 ", version %" PRIu32 " (%s)\n", g->id, g->version, agreement_status(g));
  printf("supervisor:      %s, signed %s\nsupervisee:      %s, signed %s\n", g->supervisor, signed_by, g->supervisee,
         signed_se);
  printf("frequency:       %s, %" PRIu32 " minutes\nstarts:          %s\nreview:          %s\n", every, g->minutes,
         g->starts_on, g->review_on);
  if (g->ended_at) {
    char *reason = cli_text_clean(g->end_reason, 0);
    cli_time_format_local(g->ended_at, cli_zone(ctx), ended, sizeof ended);
    printf("ended:           %s: %s\n", ended, reason);
    free(reason);
  }
  for (int i = 0; i < 5; i++) {
    char *text = cli_text_clean(terms[i], 1);
    printf("\n%s:\n  %s\n", term_opts[i], *text ? text : "(not set)");
    free(text);
  }
  printf("\nversions:\n");
  for (size_t i = 0; i < r->n_versions; i++)
    printf("  %" PRIu64 "  version %" PRIu32 "  %s\n", r->versions[i]->id, r->versions[i]->version,
           agreement_status(r->versions[i]));
}

static int agreement_show_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__AgreementShowRequest show = REFLECT__V1__AGREEMENT_SHOW_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  int rc = cli_parse_u64(ctx, "AGREEMENT", a->pos[0], 1, INT64_MAX, &show.agreement_id);
  if (rc) return rc;
  req.op_case = REFLECT__V1__REQUEST__OP_AGREEMENT_SHOW;
  req.agreement_show = &show;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_AGREEMENT_SHOW, &rep);
  if (rc) return rc;
  const Reflect__V1__AgreementShowReply *r = rep->agreement_show;
  if (!r->agreement) {
    rc = CLI_EXIT_UNREACHABLE;
  } else if (ctx->json) {
    const Reflect__V1__Agreement *g = r->agreement;
    cJSON *o = agreement_json(g), *versions = cJSON_CreateArray();
    const char *terms[] = TERMS_OF(g);
    for (int i = 0; i < 5; i++) cli_json_add_text(o, term_keys[i], terms[i]);
    cli_json_add_text(o, "end_reason", g->end_reason);
    for (size_t i = 0; i < r->n_versions; i++) cJSON_AddItemToArray(versions, agreement_json(r->versions[i]));
    cJSON_AddItemToObject(o, "versions", versions);
    rc = cli_json_print(o);
  } else {
    print_show(ctx, r);
  }
  wire_free_reply(rep);
  return rc;
}

static const cli_command agreement_show = {
    .name = "show",
    .summary = "Show an agreement with its terms, and all its versions.",
    .synopsis = "AGREEMENT",
    .help = "Its two parties, and a manager overseeing either, may read it; each reading\n"
            "is recorded in the audit log.\n\noptions:\n",
    .pos_name = "AGREEMENT",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = agreement_show_run,
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
  fprintf(stderr, "reflect: signed; the agreement is now in force (and replaces any version before it)\n");
  return CLI_EXIT_OK;
}

static const cli_command agreement_sign = {
    .name = "sign",
    .summary = "Sign an agreement made with you (as the supervisee).",
    .synopsis = "AGREEMENT",
    .help = "Until you sign it, an agreement gives your supervisor nothing: no sessions with\n"
            "you and no sight of your cases. Signing a new version ends the one before it.\n"
            "`reflect agreement show` shows what you are signing.\n\noptions:\n",
    .pos_name = "AGREEMENT",
    .min_pos = 1,
    .max_pos = 1,
    .run = agreement_sign_run,
};

static const cli_opt agreement_end_opts[] = {{"reason", "TEXT", 0}, {NULL, NULL, 0}};

static int agreement_end_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__AgreementEndRequest end = REFLECT__V1__AGREEMENT_END_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  int rc = cli_parse_u64(ctx, "AGREEMENT", a->pos[0], 1, INT64_MAX, &end.agreement_id);
  if (!rc) rc = cli_arg_require(ctx, a, "reason");
  if (!rc) rc = cli_check_text(ctx, "--reason", cli_arg_value(a, "reason"), CLI_TEXT_MAX);
  if (rc) return rc;
  end.reason = (char *)cli_arg_value(a, "reason");
  req.op_case = REFLECT__V1__REQUEST__OP_AGREEMENT_END;
  req.agreement_end = &end;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_AGREEMENT_END, &rep);
  if (rc) return rc;
  wire_free_reply(rep);
  fprintf(stderr, "reflect: agreement %" PRIu64 " has ended\n", end.agreement_id);
  return CLI_EXIT_OK;
}

static const cli_command agreement_end = {
    .name = "end",
    .summary = "End an agreement (its supervisor, or a manager overseeing the pair).",
    .synopsis = "AGREEMENT --reason TEXT",
    .help = "An ended agreement no longer gives the supervisor access to the supervisee's\n"
            "sessions and cases. The reason is kept encrypted.\n\n"
            "options:\n"
            "  --reason TEXT      why it ends\n",
    .opts = agreement_end_opts,
    .pos_name = "AGREEMENT",
    .min_pos = 1,
    .max_pos = 1,
    .run = agreement_end_run,
};

static const cli_command *const agreement_commands[] = {&agreement_add,  &agreement_list, &agreement_show,
                                                        &agreement_sign, &agreement_end,  NULL};

const cli_command cli_group_agreement = {
    .name = "agreement",
    .summary = "Supervision agreements: how often, how long, the terms; signed by both.",
    .subs = agreement_commands,
};
