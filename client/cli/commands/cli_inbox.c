/* reflect inbox: everything waiting for you, of every kind, in one list,
 * most urgent first; each line says what to do and the command that does
 * it (or shows what to read first). */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_time.h"
#include "wire.h"

#define INBOX_SHOWN_MAX 200 /* the server's bound (InboxReply) */

static const char *kind_name(Reflect__V1__InboxKind k)
{
  switch (k) {
  case REFLECT__V1__INBOX_KIND__INBOX_AGREEMENT_SIGN: return "agreement_sign";
  case REFLECT__V1__INBOX_KIND__INBOX_RECORD_SIGN: return "record_sign";
  case REFLECT__V1__INBOX_KIND__INBOX_ACTION_DUE: return "action_due";
  case REFLECT__V1__INBOX_KIND__INBOX_SESSION_MARK: return "session_mark";
  case REFLECT__V1__INBOX_KIND__INBOX_SURVEY_ANSWER: return "survey_answer";
  case REFLECT__V1__INBOX_KIND__INBOX_KPI_AGREE: return "kpi_agree";
  default: return "unknown";
  }
}

/* "your supervision with sam", "the group session" or "the session". */
static void which_session(const Reflect__V1__InboxItem *m, char *buf, size_t size)
{
  if (m->group) snprintf(buf, size, "the group session%s%s", *m->person ? " led by " : "", m->person);
  else if (*m->person) snprintf(buf, size, "your supervision with %s", m->person);
  else snprintf(buf, size, "the session");
}

/* One line: what to do, then the command that does it. Text from the
 * server was cleaned as the reply was decoded (cli_out.h). */
static void inbox_line(const cli_ctx *ctx, const Reflect__V1__InboxItem *m, int64_t now)
{
  char day[CLI_TIME_MAX + 8], what[160];
  cli_time_format_day(m->at, now, cli_zone(ctx), day, sizeof day);
  which_session(m, what, sizeof what);
  switch (m->kind) {
  case REFLECT__V1__INBOX_KIND__INBOX_AGREEMENT_SIGN:
    printf("Sign the supervision agreement %s made with you on %s  (reflect agreement show %" PRIu64 ")\n", m->person,
           day, m->agreement_id);
    break;
  case REFLECT__V1__INBOX_KIND__INBOX_RECORD_SIGN:
    printf("Sign the record of %s on %s, revision %" PRIu32 "  (reflect record show %" PRIu64 ")\n", what, day,
           m->revision, m->session_id);
    break;
  case REFLECT__V1__INBOX_KIND__INBOX_ACTION_DUE:
    printf("%s %" PRIu64 ", due %s, from %s  (reflect action list --mine)\n", m->overdue ? "OVERDUE: action" : "Action",
           m->action_id, day, what);
    break;
  case REFLECT__V1__INBOX_KIND__INBOX_SESSION_MARK:
    printf("Mark %s on %s held or missed  (reflect session held|missed %" PRIu64 ")\n", what, day, m->session_id);
    break;
  case REFLECT__V1__INBOX_KIND__INBOX_SURVEY_ANSWER:
    printf("Answer the feedback survey about %s on %s  (reflect survey answer %" PRIu64 ")\n", what, day,
           m->session_id);
    break;
  case REFLECT__V1__INBOX_KIND__INBOX_KPI_AGREE:
    printf("Agree the target %s set on %s for indicator %" PRIu64 "  (reflect kpi agree %" PRIu64 ")\n", m->person, day,
           m->indicator_id, m->target_id);
    break;
  default: printf("Something this version of reflect does not know (%d): upgrade it\n", (int)m->kind); break;
  }
}

static void inbox_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  (void)ctx, (void)list, (void)i, (void)t; /* text is inbox_line's */
}

static cJSON *inbox_json(const void *list, size_t i)
{
  const Reflect__V1__InboxItem *m = ((const Reflect__V1__InboxReply *)list)->items[i];
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "kind", kind_name(m->kind));
  if (m->session_id) cli_json_add_u64(o, "session_id", m->session_id);
  if (m->revision) cli_json_add_u64(o, "revision", m->revision);
  if (m->agreement_id) cli_json_add_u64(o, "agreement_id", m->agreement_id);
  if (m->action_id) cli_json_add_u64(o, "action_id", m->action_id);
  if (m->target_id) cli_json_add_u64(o, "target_id", m->target_id);
  if (m->indicator_id) cli_json_add_u64(o, "indicator_id", m->indicator_id);
  cli_json_add_time(o, "at", m->at);
  cJSON_AddBoolToObject(o, "overdue", m->overdue);
  cli_json_add_text(o, "person", m->person);
  cJSON_AddBoolToObject(o, "group", m->group);
  return o;
}

static const char *const inbox_heads[] = {"WAITING"};
static const cli_list_format inbox_format = {1, inbox_heads, inbox_row, inbox_json};

static const cli_opt inbox_opts[] = {
    {NULL, NULL, 0},
};

static int inbox_run(cli_ctx *ctx, const cli_args *a)
{
  (void)a;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__InboxRequest in = REFLECT__V1__INBOX_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  req.op_case = REFLECT__V1__REQUEST__OP_INBOX;
  req.inbox = &in;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_INBOX, &rep);
  if (rc) return rc;
  const Reflect__V1__InboxReply *r = rep->inbox;
  if (ctx->json) {
    rc = cli_print_list(ctx, &inbox_format, r, r->n_items);
  } else if (!r->n_items) {
    printf("Nothing is waiting for you.\n");
  } else {
    int64_t now = (int64_t)time(NULL);
    for (size_t i = 0; i < r->n_items; i++) inbox_line(ctx, r->items[i], now);
  }
  if (r->truncated) cli_error("more is waiting than the %d items shown: deal with these first", INBOX_SHOWN_MAX);
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_cmd_inbox = {
    .name = "inbox",
    .summary = "Everything waiting for you, most urgent first.",
    .synopsis = "",
    .help = "One line for each thing waiting for you, overdue actions first, then oldest\n"
            "first: supervision agreements to sign; records of sessions you took part in\n"
            "whose latest revision you have not signed; your open actions due within 7 days\n"
            "or overdue; sessions you supervise that have ended and still need marking held\n"
            "or missed; the feedback survey about a session you were supervised in (for 60\n"
            "days after it); indicator targets set for you or your team that you have not\n"
            "agreed. Each line ends with the command that shows or does it. Only what your\n"
            "role may act on is listed, and never what was said: read the item to see it.\n"
            "At most 200 items.\n\n"
            "options:\n",
    .opts = inbox_opts,
    .json = 1,
    .run = inbox_run,
};
