/* reflect record sign / comment / history. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_signoff.h"
#include "cli_time.h"
#include "wire.h"

static const cli_opt sign_opts[] = {{"revision", "N", 0}, {NULL, NULL, 0}};

static int sign_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RecordSignRequest sign = REFLECT__V1__RECORD_SIGN_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  uint64_t revision = 0;
  int rc = cli_parse_u64(ctx, "SESSION", a->pos[0], 1, INT64_MAX, &sign.session_id);
  if (!rc) rc = cli_arg_require(ctx, a, "revision");
  if (!rc) rc = cli_parse_u64(ctx, "--revision", cli_arg_value(a, "revision"), 1, UINT32_MAX, &revision);
  if (rc) return rc;
  sign.revision = (uint32_t)revision;
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_SIGN;
  req.record_sign = &sign;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_RECORD_SIGN, &rep);
  if (rc) return rc;
  if (ctx->json) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "frozen", rep->record_sign->frozen);
    rc = cli_json_print(o);
  } else {
    fprintf(stderr, "reflect: signed revision %" PRIu64 "%s\n", revision,
            rep->record_sign->frozen ? "; everyone has signed it, so it is now frozen" : "");
  }
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_record_sign = {
    .name = "sign",
    .summary = "Sign a revision of a record you have read.",
    .synopsis = "SESSION --revision N",
    .help = "N must be the latest revision (shown by `record show`): you sign what you read.\n"
            "Once every party has signed, the revision is frozen; a later change is a new\n"
            "revision, with a reason, to be signed again.\n\n"
            "options:\n"
            "  --revision N       the revision you read\n",
    .opts = sign_opts,
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = sign_run,
};

static const cli_opt comment_opts[] = {
    {"text", "TEXT", 0},
    {"disagree", NULL, 0},
    {"resolves", "ID", 0},
    {NULL, NULL, 0},
};

static int comment_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RecordCommentRequest add = REFLECT__V1__RECORD_COMMENT_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  int disagree = cli_arg_count(a, "disagree") > 0;
  const char *resolves = cli_arg_value(a, "resolves");
  int rc = cli_parse_u64(ctx, "SESSION", a->pos[0], 1, INT64_MAX, &add.session_id);
  if (!rc) rc = cli_arg_require(ctx, a, "text");
  if (!rc) rc = cli_check_text(ctx, "--text", cli_arg_value(a, "text"), 8192);
  if (!rc && disagree && resolves) rc = cli_usage_error(ctx, "choose --disagree or --resolves, not both");
  if (!rc && resolves) rc = cli_parse_u64(ctx, "--resolves", resolves, 1, INT64_MAX, &add.resolves);
  if (rc) return rc;
  add.kind = disagree   ? REFLECT__V1__COMMENT_KIND__COMMENT_DISAGREEMENT
             : resolves ? REFLECT__V1__COMMENT_KIND__COMMENT_RESOLUTION
                        : REFLECT__V1__COMMENT_KIND__COMMENT_NOTE;
  add.text = (char *)cli_arg_value(a, "text");
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_COMMENT;
  req.record_comment = &add;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_RECORD_COMMENT, &rep);
  if (rc) return rc;
  rc = cli_print_id(ctx, rep->record_comment->id);
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_record_comment = {
    .name = "comment",
    .summary = "Comment on a record, record a disagreement, or how one was resolved.",
    .synopsis = "SESSION --text TEXT [--disagree | --resolves ID]",
    .help = "Comments attach to the latest revision and are never erased. Prints the\n"
            "comment's id.\n\n"
            "Bounds: a comment holds up to 8 KiB; you may add 50 notes and 5 disagreements\n"
            "to one record, and 100 comments in any 24 hours; a record holds at most 32\n"
            "disagreements, and each is resolved once. Beyond them the server refuses with\n"
            "RESOURCE_EXHAUSTED (ALREADY_EXISTS for a second resolution). An inspector sees\n"
            "a comment only once every party has signed a revision after it was made.\n\n"
            "options:\n"
            "  --text TEXT        what you want on the record\n"
            "  --disagree         you disagree with the record\n"
            "  --resolves ID      this says how disagreement ID was resolved\n",
    .opts = comment_opts,
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = comment_run,
};

static void history_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  const Reflect__V1__RevisionSummary *s = ((const Reflect__V1__RecordHistoryReply *)list)->revisions[i];
  char rev[16], when[CLI_TIME_MAX], signers[256] = "";
  snprintf(rev, sizeof rev, "%" PRIu32, s->revision->revision);
  cli_time_format_local(s->revision->created_at, cli_zone(ctx), when, sizeof when);
  for (size_t k = 0, o = 0; k < s->n_signatures && o < sizeof signers; k++)
    o += (size_t)snprintf(signers + o, sizeof signers - o, "%s%s", k ? ", " : "", s->signatures[k]->user);
  char *reason = cli_text_clean(s->revision->reason, 0);
  const char *cells[] = {rev, when, s->revision->author, reason, signers, s->frozen ? "yes" : "no"};
  cli_table_add(t, cells);
  free(reason);
}

static cJSON *history_json(const void *list, size_t i)
{
  const Reflect__V1__RevisionSummary *s = ((const Reflect__V1__RecordHistoryReply *)list)->revisions[i];
  cJSON *o = cJSON_CreateObject(), *sigs = cJSON_CreateArray();
  cli_json_add_u64(o, "revision", s->revision->revision);
  cli_json_add_time(o, "created_at", s->revision->created_at);
  cli_json_add_text(o, "author", s->revision->author);
  cli_json_add_text(o, "reason", s->revision->reason);
  for (size_t k = 0; k < s->n_signatures; k++) cJSON_AddItemToArray(sigs, cJSON_CreateString(s->signatures[k]->user));
  cJSON_AddItemToObject(o, "signed_by", sigs);
  cJSON_AddBoolToObject(o, "frozen", s->frozen);
  return o;
}

static const char *const history_heads[] = {"REV", "WHEN", "AUTHOR", "REASON", "SIGNED BY", "FROZEN"};
static const cli_list_format history_format = {6, history_heads, history_row, history_json};

static int history_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RecordHistoryRequest hist = REFLECT__V1__RECORD_HISTORY_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  int rc = cli_parse_u64(ctx, "SESSION", a->pos[0], 1, INT64_MAX, &hist.session_id);
  if (rc) return rc;
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_HISTORY;
  req.record_history = &hist;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_RECORD_HISTORY, &rep);
  if (rc) return rc;
  rc = cli_print_list(ctx, &history_format, rep->record_history, rep->record_history->n_revisions);
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_record_history = {
    .name = "history",
    .summary = "List a record's revisions: who wrote each, why, and who signed it.",
    .synopsis = "SESSION",
    .help = "options:\n",
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = history_run,
};
