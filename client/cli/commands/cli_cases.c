/* reflect case add / list / show / update: children and families on a caseload. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_cases.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_time.h"
#include "wire.h"

static int risk_parse(const cli_ctx *ctx, const char *s, Reflect__V1__RiskLevel *out)
{
  for (int r = REFLECT__V1__RISK_LEVEL__RISK_LOW; r <= REFLECT__V1__RISK_LEVEL__RISK_HIGH; r++)
    if (!strcmp(s, wire_risk_name((Reflect__V1__RiskLevel)r))) {
      *out = (Reflect__V1__RiskLevel)r;
      return CLI_EXIT_OK;
    }
  return cli_usage_error(ctx, "--risk must be low, medium or high");
}

static void case_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  const Reflect__V1__Case *k = ((const Reflect__V1__CaseListReply *)list)->cases[i];
  char id[24], last[64];
  snprintf(id, sizeof id, "%" PRIu64, k->id);
  cli_case_last_discussed(ctx, k, last, sizeof last);
  const char *cells[] =
      {id,  k->reference, k->name, k->date_of_birth, wire_risk_name(k->risk), k->allocated, k->open ? "open" : "closed",
       last};
  cli_table_add(t, cells);
}

static cJSON *case_json(const void *list, size_t i)
{
  return cli_case_json(((const Reflect__V1__CaseListReply *)list)->cases[i]);
}

static const char *const case_heads[] = {"ID",   "REFERENCE", "NAME",   "BORN",
                                         "RISK", "WORKER",    "STATUS", "LAST DISCUSSED"};
static const cli_list_format case_format = {8, case_heads, case_row, case_json};

static const cli_opt add_opts[] = {
    {"ref", "REFERENCE", 0}, {"name", "NAME", 0},       {"dob", "YYYY-MM-DD", 0}, {"risk", "LEVEL", 0},
    {"worker", "USER", 0},   {"looked-after", NULL, 0}, {NULL, NULL, 0},
};

static int add_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CaseAddRequest add = REFLECT__V1__CASE_ADD_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  const char *need[] = {"ref", "name", "risk", "worker"};
  int rc = CLI_EXIT_OK;
  for (size_t i = 0; !rc && i < 4; i++) rc = cli_arg_require(ctx, a, need[i]);
  for (size_t i = 0; !rc && i < 4; i++) rc = cli_check_text(ctx, need[i], cli_arg_value(a, need[i]), CLI_TEXT_MAX);
  const char *dob = cli_arg_value(a, "dob");
  if (!rc && dob) rc = cli_check_text(ctx, "--dob", dob, 10);
  if (!rc) rc = risk_parse(ctx, cli_arg_value(a, "risk"), &add.risk);
  if (rc) return rc;
  add.reference = (char *)cli_arg_value(a, "ref");
  add.name = (char *)cli_arg_value(a, "name");
  add.date_of_birth = (char *)(dob ? dob : "");
  add.allocated = (char *)cli_arg_value(a, "worker");
  add.looked_after = cli_arg_count(a, "looked-after") > 0;
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_ADD;
  req.case_add = &add;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_CASE_ADD, &rep);
  if (rc) return rc;
  rc = cli_print_id(ctx, rep->case_add->id);
  wire_free_reply(rep);
  return rc;
}

static const cli_command case_add = {
    .name = "add",
    .summary = "Open a case (a child or a family) for someone you supervise.",
    .synopsis = "--ref REFERENCE --name NAME [--dob YYYY-MM-DD] --risk LEVEL --worker USER [--looked-after]",
    .help = "Reference, name and date of birth are stored encrypted under the case's own key.\n"
            "Prints the new case's id.\n\n"
            "options:\n"
            "  --ref REFERENCE    the authority's case reference (unique)\n"
            "  --name NAME        the child's or family's name\n"
            "  --dob YYYY-MM-DD   the child's date of birth\n"
            "  --risk LEVEL       low, medium or high\n"
            "  --worker USER      the allocated social worker\n"
            "  --looked-after     a looked-after child: once closed, the record is kept until the\n"
            "                     end of the year they turn 75 (or longer under [retention])\n",
    .opts = add_opts,
    .json = 1,
    .run = add_run,
};

static const cli_opt list_opts[] = {{"worker", "USER", 0}, {"all", NULL, 0}, {NULL, NULL, 0}};

static int list_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CaseListRequest list = REFLECT__V1__CASE_LIST_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  const char *worker = cli_arg_value(a, "worker");
  if (worker && cli_check_text(ctx, "--worker", worker, CLI_TEXT_MAX)) return CLI_EXIT_USAGE;
  list.allocated = (char *)(worker ? worker : "");
  list.include_closed = cli_arg_count(a, "all") > 0;
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_LIST;
  req.case_list = &list;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_CASE_LIST, &rep);
  if (rc) return rc;
  rc = cli_print_list(ctx, &case_format, rep->case_list, rep->case_list->n_cases);
  wire_free_reply(rep);
  return rc;
}

static const cli_command case_list = {
    .name = "list",
    .summary = "List the open cases you can see, highest risk first.",
    .synopsis = "[--worker USER] [--all]",
    .help = "You see your own caseload and those of the people you supervise.\n\n"
            "options:\n"
            "  --worker USER      only USER's cases\n"
            "  --all              closed cases too\n",
    .opts = list_opts,
    .json = 1,
    .run = list_run,
};

static const cli_opt show_opts[] = {{"ref", "REFERENCE", 0}, {NULL, NULL, 0}};

static int show_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CaseShowRequest show = REFLECT__V1__CASE_SHOW_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  const char *ref = cli_arg_value(a, "ref");
  if ((a->npos == 1) == (ref != NULL)) return cli_usage_error(ctx, "give a case id or --ref REFERENCE");
  int rc = a->npos ? cli_parse_u64(ctx, "CASE", a->pos[0], 1, INT64_MAX, &show.id)
                   : cli_check_text(ctx, "--ref", ref, CLI_TEXT_MAX);
  if (rc) return rc;
  show.reference = (char *)(ref ? ref : "");
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_SHOW;
  req.case_show = &show;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_CASE_SHOW, &rep);
  if (rc) return rc;
  const Reflect__V1__Case *k = rep->case_show->case_;
  if (ctx->json) {
    rc = cli_json_print(cli_case_json(k));
  } else {
    cli_case_print(ctx, k);
  }
  wire_free_reply(rep);
  return rc;
}

static const cli_command case_show = {
    .name = "show",
    .summary = "Show a case, by id or by reference.",
    .synopsis = "CASE | --ref REFERENCE",
    .help = "Every look at a case is recorded in the audit log.\n\noptions:\n"
            "  --ref REFERENCE    find the case by its reference instead of its id\n",
    .opts = show_opts,
    .pos_name = "CASE",
    .min_pos = 0,
    .max_pos = 1,
    .json = 1,
    .run = show_run,
};

static const cli_opt update_opts[] = {
    {"risk", "LEVEL", 0},      {"worker", "USER", 0},         {"close", NULL, 0}, {"reopen", NULL, 0},
    {"looked-after", NULL, 0}, {"not-looked-after", NULL, 0}, {NULL, NULL, 0},
};

static int update_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CaseUpdateRequest up = REFLECT__V1__CASE_UPDATE_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  const char *risk = cli_arg_value(a, "risk"), *worker = cli_arg_value(a, "worker");
  int rc = cli_parse_u64(ctx, "CASE", a->pos[0], 1, INT64_MAX, &up.id);
  if (!rc && risk) rc = risk_parse(ctx, risk, &up.risk);
  if (!rc && worker) rc = cli_check_text(ctx, "--worker", worker, CLI_TEXT_MAX);
  up.close = cli_arg_count(a, "close") > 0;
  up.reopen = cli_arg_count(a, "reopen") > 0;
  up.looked_after = cli_arg_count(a, "looked-after") > 0;
  up.not_looked_after = cli_arg_count(a, "not-looked-after") > 0;
  if (!rc && up.close && up.reopen) rc = cli_usage_error(ctx, "--close or --reopen, not both");
  if (!rc && up.looked_after && up.not_looked_after)
    rc = cli_usage_error(ctx, "--looked-after or --not-looked-after, not both");
  if (!rc && !risk && !worker && !up.close && !up.reopen && !up.looked_after && !up.not_looked_after)
    rc = cli_usage_error(ctx, "nothing to change: give --risk, --worker, --close, --reopen or --[not-]looked-after");
  if (rc) return rc;
  up.allocated = (char *)(worker ? worker : "");
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_UPDATE;
  req.case_update = &up;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_CASE_UPDATE, &rep);
  if (rc) return rc;
  wire_free_reply(rep);
  return CLI_EXIT_OK;
}

static const cli_command case_update = {
    .name = "update",
    .summary = "Change a case's risk or worker, or close or reopen it.",
    .synopsis = "CASE [--risk LEVEL] [--worker USER] [--close | --reopen] [--looked-after | --not-looked-after]",
    .help = "options:\n"
            "  --risk LEVEL       low, medium or high\n"
            "  --worker USER      reallocate to someone you supervise\n"
            "  --close            close the case\n"
            "  --reopen           reopen a closed case (not one destroyed under retention)\n"
            "  --looked-after     mark the child as looked after (kept until the end of the\n"
            "                     year they turn 75)\n"
            "  --not-looked-after clear the mark\n\n"
            "Closing a case sets the date its record is kept until ([retention] in the server's\n"
            "config); after that day its key is destroyed and its content cannot be recovered.\n",
    .opts = update_opts,
    .pos_name = "CASE",
    .min_pos = 1,
    .max_pos = 1,
    .run = update_run,
};

static const cli_command *const case_commands[] = {&case_add,           &case_list,
                                                   &case_show,          &case_update,
                                                   &cli_case_decisions, &cli_case_person,
                                                   &cli_case_people,    NULL};

const cli_command cli_group_case = {
    .name = "case",
    .summary = "Cases: the children and families on a caseload.",
    .subs = case_commands,
};
