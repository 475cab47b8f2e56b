/* reflect action add / list / done / cancel: what was agreed in supervision. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_actions.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_time.h"
#include "wire.h"

const char *cli_action_status_name(const Reflect__V1__Action *a, int64_t now)
{
  switch (a->status) {
  case REFLECT__V1__ACTION_STATUS__ACTION_OPEN: return a->due_at < now ? "overdue" : "open";
  case REFLECT__V1__ACTION_STATUS__ACTION_DONE: return "done";
  case REFLECT__V1__ACTION_STATUS__ACTION_CANCELLED: return "cancelled";
  default: return "unknown";
  }
}

static void action_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  const Reflect__V1__Action *a = ((const Reflect__V1__ActionListReply *)list)->actions[i];
  char id[24], session[24], due[CLI_TIME_MAX];
  snprintf(id, sizeof id, "%" PRIu64, a->id);
  snprintf(session, sizeof session, "%" PRIu64, a->session_id);
  cli_time_format_local(a->due_at, cli_zone(ctx), due, sizeof due);
  char *what = cli_text_clean(a->description, 0);
  const char *cells[] = {id, due, a->owner, cli_action_status_name(a, (int64_t)time(NULL)), session, what};
  cli_table_add(t, cells);
  free(what);
}

cJSON *cli_action_json(const Reflect__V1__Action *a)
{
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "id", a->id);
  cli_json_add_u64(o, "session_id", a->session_id);
  cli_json_add_u64(o, "case_id", a->case_id);
  cli_json_add_text(o, "owner", a->owner);
  cli_json_add_text(o, "description", a->description);
  cli_json_add_text(o, "evidence_needed", a->evidence_needed);
  cli_json_add_text(o, "evidence", a->evidence);
  cli_json_add_time(o, "due_at", a->due_at);
  cli_json_add_text(o, "status", cli_action_status_name(a, (int64_t)time(NULL)));
  cli_json_add_text(o, "created_by", a->created_by);
  cli_json_add_time(o, "created_at", a->created_at);
  if (a->closed_at) cli_json_add_time(o, "closed_at", a->closed_at);
  return o;
}

static cJSON *action_json(const void *list, size_t i)
{
  return cli_action_json(((const Reflect__V1__ActionListReply *)list)->actions[i]);
}

static const char *const action_heads[] = {"ID", "DUE", "OWNER", "STATUS", "SESSION", "ACTION"};
static const cli_list_format action_format = {6, action_heads, action_row, action_json};

static const cli_opt add_opts[] = {
    {"owner", "USER", 0},           {"due", "YYYY-MM-DD", 0}, {"description", "TEXT", 0},
    {"evidence-needed", "TEXT", 0}, {"case", "ID|REF", 0},    {NULL, NULL, 0},
};

/* --case takes an id or a reference. ActionAddRequest carries only an id,
 * so a reference is looked up first (CaseShow, which the server audits and
 * refuses the same way for a missing case and one the caller cannot see). */
static int case_id_of(cli_ctx *ctx, const char *kase, uint64_t *id)
{
  if (kase[0] && strspn(kase, "0123456789") == strlen(kase))
    return cli_parse_u64(ctx, "--case", kase, 1, INT64_MAX, id);
  int rc = cli_check_text(ctx, "--case", kase, CLI_TEXT_MAX);
  if (rc) return rc;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CaseShowRequest show = REFLECT__V1__CASE_SHOW_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  show.reference = (char *)kase;
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_SHOW;
  req.case_show = &show;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_CASE_SHOW, &rep);
  if (rc) return rc;
  *id = rep->case_show->case_ ? rep->case_show->case_->id : 0;
  wire_free_reply(rep);
  return *id ? CLI_EXIT_OK : cli_usage_error(ctx, "--case '%s' names no case", kase);
}

static int add_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__ActionAddRequest add = REFLECT__V1__ACTION_ADD_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  const char *evidence = cli_arg_value(a, "evidence-needed"), *kase = cli_arg_value(a, "case");
  int rc = cli_parse_u64(ctx, "SESSION", a->pos[0], 1, INT64_MAX, &add.session_id);
  const char *need[] = {"owner", "due", "description"};
  for (size_t i = 0; !rc && i < 3; i++) rc = cli_arg_require(ctx, a, need[i]);
  for (size_t i = 0; !rc && i < 3; i++) rc = cli_check_text(ctx, need[i], cli_arg_value(a, need[i]), 4096);
  if (!rc && evidence) rc = cli_check_text(ctx, "--evidence-needed", evidence, 4096);
  if (!rc && strlen(cli_arg_value(a, "due")) != 10) rc = cli_usage_error(ctx, "--due is a date: YYYY-MM-DD");
  if (!rc) rc = cli_call_connect(ctx);
  if (!rc && kase) rc = case_id_of(ctx, kase, &add.case_id);
  if (rc) return rc;
  /* Due by the end of that day, in the organisation's time zone. */
  char end_of_day[32];
  snprintf(end_of_day, sizeof end_of_day, "%.10s 23:59", cli_arg_value(a, "due"));
  const char *why = cli_time_parse(end_of_day, cli_zone(ctx), &add.due_at);
  if (why) return cli_usage_error(ctx, "--due %s", why);
  add.owner = (char *)cli_arg_value(a, "owner");
  add.description = (char *)cli_arg_value(a, "description");
  add.evidence_needed = (char *)(evidence ? evidence : "");
  req.op_case = REFLECT__V1__REQUEST__OP_ACTION_ADD;
  req.action_add = &add;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_ACTION_ADD, &rep);
  if (rc) return rc;
  rc = cli_print_id(ctx, rep->action_add->id);
  wire_free_reply(rep);
  return rc;
}

static const cli_command action_add = {
    .name = "add",
    .summary = "Set an action agreed in a session.",
    .synopsis = "SESSION --owner USER --due YYYY-MM-DD --description TEXT [--evidence-needed TEXT] [--case ID|REF]",
    .help = "You must be the session's supervisor; the owner must have taken part. Prints the\n"
            "new action's id. Open actions carry over until they are closed.\n\n"
            "options:\n"
            "  --owner USER            who will do it (you or a supervisee)\n"
            "  --due YYYY-MM-DD        by the end of this day\n"
            "  --description TEXT      what is to be done\n"
            "  --evidence-needed TEXT  what will show it is done\n"
            "  --case ID|REF           the case it is about, by id or by its reference (all\n"
            "                          digits is an id); it must be on the caseload of\n"
            "                          someone in the session\n",
    .opts = add_opts,
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = add_run,
};

static const cli_opt list_opts[] = {
    {"mine", NULL, 0}, {"overdue", NULL, 0}, {"session", "ID", 0}, {"all", NULL, 0}, {NULL, NULL, 0},
};

static int list_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__ActionListRequest list = REFLECT__V1__ACTION_LIST_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  const char *session = cli_arg_value(a, "session");
  if (session && cli_parse_u64(ctx, "--session", session, 1, INT64_MAX, &list.session_id)) return CLI_EXIT_USAGE;
  list.mine = cli_arg_count(a, "mine") > 0;
  list.overdue = cli_arg_count(a, "overdue") > 0;
  list.include_closed = cli_arg_count(a, "all") > 0;
  req.op_case = REFLECT__V1__REQUEST__OP_ACTION_LIST;
  req.action_list = &list;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_ACTION_LIST, &rep);
  if (rc) return rc;
  rc = cli_print_list(ctx, &action_format, rep->action_list, rep->action_list->n_actions);
  wire_free_reply(rep);
  return rc;
}

static const cli_command action_list = {
    .name = "list",
    .summary = "List open actions: yours, those from your sessions, and your teams'.",
    .synopsis = "[--mine] [--overdue] [--session ID] [--all]",
    .help = "A manager also sees the actions owned by the members of the teams they manage.\n\n"
            "options:\n"
            "  --mine             only actions you own\n"
            "  --overdue          only open actions past their due date\n"
            "  --session ID       only actions from this session\n"
            "  --all              closed actions too\n",
    .opts = list_opts,
    .json = 1,
    .run = list_run,
};

static int close_action(cli_ctx *ctx, const cli_args *a, Reflect__V1__ActionStatus status, const char *opt)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__ActionCloseRequest close = REFLECT__V1__ACTION_CLOSE_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  int rc = cli_parse_u64(ctx, "ACTION", a->pos[0], 1, INT64_MAX, &close.id);
  if (!rc) rc = cli_arg_require(ctx, a, opt);
  if (!rc) rc = cli_check_text(ctx, opt, cli_arg_value(a, opt), 4096);
  if (rc) return rc;
  close.status = status;
  close.evidence = (char *)cli_arg_value(a, opt);
  req.op_case = REFLECT__V1__REQUEST__OP_ACTION_CLOSE;
  req.action_close = &close;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_ACTION_CLOSE, &rep);
  if (rc) return rc;
  wire_free_reply(rep);
  return CLI_EXIT_OK;
}

static const cli_opt done_opts[] = {{"evidence", "TEXT", 0}, {NULL, NULL, 0}};
static const cli_opt cancel_opts[] = {{"reason", "TEXT", 0}, {NULL, NULL, 0}};

static int done_run(cli_ctx *ctx, const cli_args *a)
{
  return close_action(ctx, a, REFLECT__V1__ACTION_STATUS__ACTION_DONE, "evidence");
}

static int cancel_run(cli_ctx *ctx, const cli_args *a)
{
  return close_action(ctx, a, REFLECT__V1__ACTION_STATUS__ACTION_CANCELLED, "reason");
}

static const cli_command action_done = {
    .name = "done",
    .summary = "Close an action as done, saying what shows it.",
    .synopsis = "ACTION --evidence TEXT",
    .help = "For the action's owner or the session's supervisor.\n\noptions:\n"
            "  --evidence TEXT    what shows it is done\n",
    .opts = done_opts,
    .pos_name = "ACTION",
    .min_pos = 1,
    .max_pos = 1,
    .run = done_run,
};

static const cli_command action_cancel = {
    .name = "cancel",
    .summary = "Cancel an action (the session's supervisor).",
    .synopsis = "ACTION --reason TEXT",
    .help = "options:\n  --reason TEXT      why it is no longer needed\n",
    .opts = cancel_opts,
    .pos_name = "ACTION",
    .min_pos = 1,
    .max_pos = 1,
    .run = cancel_run,
};

static const cli_command *const action_commands[] = {&action_add, &action_list, &action_done, &action_cancel, NULL};

const cli_command cli_group_action = {
    .name = "action",
    .summary = "Actions agreed in supervision: set, list, close.",
    .subs = action_commands,
};
