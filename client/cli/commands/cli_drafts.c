/* reflect draft: the drafts the web application keeps of what you typed
 * and have not saved (a record you were writing): list them, show one,
 * or discard it. Only your own exist for you. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_time.h"
#include "wire.h"

#define DRAFT_FORM_DEFAULT "record"

static void draft_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  const Reflect__V1__Draft *d = ((const Reflect__V1__DraftListReply *)list)->drafts[i];
  char session[24], saved[CLI_TIME_MAX];
  snprintf(session, sizeof session, "%" PRIu64, d->session_id);
  cli_time_format_local(d->saved_at, cli_zone(ctx), saved, sizeof saved);
  const char *cells[] = {session, d->form, saved};
  cli_table_add(t, cells);
}

static cJSON *draft_json(const void *list, size_t i)
{
  const Reflect__V1__Draft *d = ((const Reflect__V1__DraftListReply *)list)->drafts[i];
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "session_id", d->session_id);
  cli_json_add_text(o, "form", d->form);
  cli_json_add_time(o, "saved_at", d->saved_at);
  return o;
}

static const char *const draft_heads[] = {"SESSION", "FORM", "SAVED"};
static const cli_list_format draft_format = {3, draft_heads, draft_row, draft_json};

static int draft_list_run(cli_ctx *ctx, const cli_args *a)
{
  (void)a;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__DraftListRequest in = REFLECT__V1__DRAFT_LIST_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  req.op_case = REFLECT__V1__REQUEST__OP_DRAFT_LIST;
  req.draft_list = &in;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_DRAFT_LIST, &rep);
  if (rc) return rc;
  rc = cli_print_list(ctx, &draft_format, rep->draft_list, rep->draft_list->n_drafts);
  wire_free_reply(rep);
  return rc;
}

static const cli_opt form_opts[] = {{"form", "NAME", 0}, {NULL, NULL, 0}};

/* SESSION and --form, checked. */
static int draft_target(cli_ctx *ctx, const cli_args *a, uint64_t *session, const char **form)
{
  *form = cli_arg_value(a, "form");
  if (!*form) *form = DRAFT_FORM_DEFAULT;
  int rc = cli_parse_u64(ctx, "SESSION", a->pos[0], 1, INT64_MAX, session);
  return rc ? rc : cli_check_text(ctx, "--form", *form, 32);
}

static int draft_show_run(cli_ctx *ctx, const cli_args *a)
{
  uint64_t session;
  const char *form;
  int rc = draft_target(ctx, a, &session, &form);
  if (rc) return rc;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__DraftGetRequest in = REFLECT__V1__DRAFT_GET_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  in.session_id = session;
  in.form = (char *)form;
  req.op_case = REFLECT__V1__REQUEST__OP_DRAFT_GET;
  req.draft_get = &in;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_DRAFT_GET, &rep);
  if (rc) return rc;
  const Reflect__V1__Draft *d = rep->draft_get->draft;
  if (ctx->json) {
    cJSON *o = cJSON_CreateObject();
    cli_json_add_u64(o, "session_id", d ? d->session_id : 0);
    cli_json_add_text(o, "form", d ? d->form : "");
    cli_json_add_time(o, "saved_at", d ? d->saved_at : 0);
    cli_json_add_text(o, "content", d ? d->content : "");
    rc = cli_json_print(o);
  } else if (d) {
    char saved[CLI_TIME_MAX];
    cli_time_format_local(d->saved_at, cli_zone(ctx), saved, sizeof saved);
    printf("Draft of the %s of session %" PRIu64 ", saved %s:\n%s\n", d->form, d->session_id, saved, d->content);
  }
  wire_free_reply(rep);
  return rc;
}

static int draft_discard_run(cli_ctx *ctx, const cli_args *a)
{
  uint64_t session;
  const char *form;
  int rc = draft_target(ctx, a, &session, &form);
  if (rc) return rc;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__DraftDeleteRequest in = REFLECT__V1__DRAFT_DELETE_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  in.session_id = session;
  in.form = (char *)form;
  req.op_case = REFLECT__V1__REQUEST__OP_DRAFT_DELETE;
  req.draft_delete = &in;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_DRAFT_DELETE, &rep);
  if (rc) return rc;
  fprintf(stderr, rep->draft_delete->deleted ? "Discarded.\n" : "There was no such draft.\n");
  wire_free_reply(rep);
  return CLI_EXIT_OK;
}

static const cli_command draft_list = {
    .name = "list",
    .summary = "Your unsaved drafts, newest first.",
    .synopsis = "",
    .help = "What the web application kept of forms you were filling in and have not saved:\n"
            "by session and form. A draft is kept for 30 days after it was last saved, and\n"
            "goes when the record it was for is written.\n",
    .json = 1,
    .run = draft_list_run,
};

static const cli_command draft_show = {
    .name = "show",
    .summary = "One draft, as the web application saved it.",
    .synopsis = "SESSION [--form NAME]",
    .help = "The form's fields, as the web application encoded them.\n\n"
            "options:\n"
            "  --form NAME   which form (default: record)\n",
    .opts = form_opts,
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = draft_show_run,
};

static const cli_command draft_discard = {
    .name = "discard",
    .summary = "Discard a draft you no longer need.",
    .synopsis = "SESSION [--form NAME]",
    .help = "options:\n"
            "  --form NAME   which form (default: record)\n",
    .opts = form_opts,
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .run = draft_discard_run,
};

static const cli_command *const draft_commands[] = {&draft_list, &draft_show, &draft_discard, NULL};

const cli_command cli_group_draft = {
    .name = "draft",
    .summary = "Drafts the web application kept of what you typed and have not saved.",
    .subs = draft_commands,
};
