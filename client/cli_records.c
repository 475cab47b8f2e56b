/* reflect record show / diff, and the record group: the record of a
 * session, shown in the format it is written in (cli_record_text.h).
 * Records are append-only on the server: every write is a new revision. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_diff.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_record_text.h"
#include "cli_records.h"
#include "cli_signoff.h"
#include "cli_time.h"
#include "wire.h"

int cli_record_fetch(cli_ctx *ctx, uint64_t session, uint32_t revision, int missing_ok, Reflect__V1__Reply **out)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RecordShowRequest show = REFLECT__V1__RECORD_SHOW_REQUEST__INIT;
  show.session_id = session;
  show.revision = revision;
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_SHOW;
  req.record_show = &show;
  *out = NULL;
  int rc = cli_connect(ctx);
  if (rc) return rc;
  Reflect__V1__Reply *rep = NULL;
  int crc = client_call(ctx->cl, &req, &rep);
  if (missing_ok && crc == CLIENT_OK && rep->status && rep->status->code == REFLECT__V1__CODE__NOT_FOUND) {
    wire_free_reply(rep);
    return CLI_EXIT_OK;
  }
  rc = cli_check_reply(ctx, crc, &rep, REFLECT__V1__REPLY__RESULT_RECORD_SHOW);
  if (!rc && !rep->record_show->revision) {
    wire_free_reply(rep);
    return CLI_EXIT_UNREACHABLE;
  }
  *out = rep;
  return rc;
}

/* The record's text: its sections, or the free text of an older server. */
static char *record_text(const Reflect__V1__RecordShowReply *r)
{
  char *text = NULL;
  if (!r->n_sections) text = strdup(r->body ? r->body : "");
  else if (cli_record_text_render(r->sections, r->n_sections, &text)) text = NULL;
  if (!text) {
    cli_error("out of memory");
    exit(CLI_EXIT_REFUSED);
  }
  return text;
}

static void record_print(const cli_ctx *ctx, const Reflect__V1__RecordShowReply *r)
{
  const Reflect__V1__Revision *v = r->revision;
  char when[CLI_TIME_MAX];
  cli_time_format_local(v->created_at, cli_zone(ctx), when, sizeof when);
  char *author = cli_text_clean(v->author, 0);
  char *reason = cli_text_clean(v->reason, 0);
  printf("session:  %" PRIu64 "\nrevision: %" PRIu32 "\nauthor:   %s\ntime:     %s\n"
         "reason:   %s\nsigned:   ",
         r->session_id, v->revision, author, when, reason);
  for (size_t i = 0; i < r->n_signatures; i++) printf("%s%s", i ? ", " : "", r->signatures[i]->user);
  printf("%s\nawaiting: ", r->n_signatures ? "" : "-");
  for (size_t i = 0; i < r->n_awaiting; i++) printf("%s%s", i ? ", " : "", r->awaiting[i]);
  printf("%s\nfrozen:   %s\n\n", r->n_awaiting ? "" : "-", r->frozen ? "yes (signed by everyone)" : "no");
  free(author);
  free(reason);
  /* Exactly as written when piped; made safe when shown on a terminal. */
  char *text = record_text(r);
  cli_text_print(stdout, text, !isatty(STDOUT_FILENO));
  size_t n = strlen(text);
  if (n == 0 || text[n - 1] != '\n') putchar('\n');
  free(text);
  if (r->n_comments) printf("\ncomments:\n");
  for (size_t i = 0; i < r->n_comments; i++) {
    const Reflect__V1__Comment *m = r->comments[i];
    char at[CLI_TIME_MAX];
    cli_time_format_local(m->at, cli_zone(ctx), at, sizeof at);
    char *text_clean = cli_text_clean(m->text, 0);
    char resolves[40] = "";
    if (m->resolves) snprintf(resolves, sizeof resolves, " of #%" PRIu64, m->resolves);
    printf("  #%" PRIu64 " %s%s on revision %" PRIu32 " by %s, %s: %s\n", m->id, cli_comment_kind_name(m->kind),
           resolves, m->revision, m->author, at, text_clean);
    free(text_clean);
  }
}

/* What a performance section cites: the measurement as the server
 * describes it (the figures, never the evidence). */
static cJSON *citation_json(const Reflect__V1__KpiCitation *k)
{
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "measurement_id", k->measurement_id);
  cli_json_add_text(o, "indicator", k->indicator);
  cli_json_add_text(o, "period", k->period);
  cJSON_AddNumberToObject(o, "value", k->value);
  cli_json_add_text(o, "unit", k->unit);
  if (k->has_target) cJSON_AddNumberToObject(o, "target", k->target);
  else cJSON_AddNullToObject(o, "target");
  return o;
}

static cJSON *section_json(const Reflect__V1__RecordSection *s)
{
  cJSON *o = cJSON_CreateObject();
  cli_json_add_text(o, "kind", cli_record_text_kind_name(s->kind));
  if (s->kind == REFLECT__V1__SECTION_KIND__SECTION_CASE) {
    cli_json_add_u64(o, "case_id", s->case_id);
    cli_json_add_text(o, "case_reference", s->case_reference);
    cli_json_add_text(o, "situation", s->situation);
    cli_json_add_text(o, "analysis", s->analysis);
    cli_json_add_text(o, "risk", s->risk);
    cli_json_add_text(o, "decision", s->decision);
    cli_json_add_text(o, "rationale", s->rationale);
    cJSON_AddBoolToObject(o, "destroyed", s->destroyed);
  } else {
    cli_json_add_text(o, "text", s->text);
  }
  if (s->kind == REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION) cli_json_add_text(o, "member", s->member);
  if (s->n_kpi_measurements) {
    cJSON *cites = cJSON_AddArrayToObject(o, "citations");
    for (size_t i = 0; i < s->n_citations; i++) cJSON_AddItemToArray(cites, citation_json(s->citations[i]));
  }
  cJSON_AddBoolToObject(o, "withheld", s->withheld);
  return o;
}

cJSON *cli_record_json(const Reflect__V1__RecordShowReply *r)
{
  const Reflect__V1__Revision *v = r->revision;
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "session_id", r->session_id);
  cli_json_add_u64(o, "revision", v->revision);
  cli_json_add_text(o, "author", v->author);
  cli_json_add_time(o, "created_at", v->created_at);
  cli_json_add_text(o, "reason", v->reason);
  cli_json_add_text(o, "body", r->body);
  cJSON *sections = cJSON_AddArrayToObject(o, "sections");
  for (size_t i = 0; i < r->n_sections; i++) cJSON_AddItemToArray(sections, section_json(r->sections[i]));
  cJSON *sigs = cJSON_AddArrayToObject(o, "signatures"), *waiting = cJSON_AddArrayToObject(o, "awaiting");
  for (size_t i = 0; i < r->n_signatures; i++) {
    cJSON *s = cJSON_CreateObject();
    cli_json_add_text(s, "user", r->signatures[i]->user);
    cli_json_add_time(s, "at", r->signatures[i]->at);
    cJSON_AddItemToArray(sigs, s);
  }
  for (size_t i = 0; i < r->n_awaiting; i++) cJSON_AddItemToArray(waiting, cJSON_CreateString(r->awaiting[i]));
  cJSON_AddBoolToObject(o, "frozen", r->frozen);
  cJSON *comments = cJSON_AddArrayToObject(o, "comments");
  for (size_t i = 0; i < r->n_comments; i++) {
    const Reflect__V1__Comment *m = r->comments[i];
    cJSON *c = cJSON_CreateObject();
    cli_json_add_u64(c, "id", m->id);
    cli_json_add_u64(c, "revision", m->revision);
    cli_json_add_text(c, "author", m->author);
    cli_json_add_time(c, "at", m->at);
    cli_json_add_text(c, "kind", cli_comment_kind_name(m->kind));
    cli_json_add_text(c, "text", m->text);
    if (m->resolves) cli_json_add_u64(c, "resolves", m->resolves);
    cJSON_AddItemToArray(comments, c);
  }
  return o;
}

static const cli_opt show_opts[] = {
    {"revision", "N", 0},
    {NULL, NULL, 0},
};

static int show_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Reply *rep;
  uint64_t session = 0, revision = 0;
  int rc = cli_parse_u64(ctx, "SESSION", a->pos[0], 1, INT64_MAX, &session);
  if (!rc && cli_arg_value(a, "revision"))
    rc = cli_parse_u64(ctx, "--revision", cli_arg_value(a, "revision"), 1, UINT32_MAX, &revision);
  if (!rc) rc = cli_record_fetch(ctx, session, (uint32_t)revision, 0, &rep);
  if (rc) return rc;
  if (ctx->json) rc = cli_json_print(cli_record_json(rep->record_show));
  else record_print(ctx, rep->record_show);
  wire_free_reply(rep);
  return rc;
}

static const cli_command record_show = {
    .name = "show",
    .summary = "Show a session's record.",
    .synopsis = "SESSION [--revision N]",
    .help = "Prints a header (session, revision, author, time, reason, sign-off), a blank\n"
            "line, then the record's sections in the format `record write` reads, then any\n"
            "comments. Someone overseeing the session sees that wellbeing was discussed,\n"
            "not what was said; of a record written before sections (free text, which may\n"
            "hold wellbeing), they see only that there is one. A case destroyed under\n"
            "retention is shown as discussed, every text of it \"[destroyed under retention]\"\n"
            "(in --json, \"destroyed\": true), in every revision.\n\n"
            "options:\n"
            "  --revision N       this revision rather than the latest\n",
    .opts = show_opts,
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = show_run,
};

/* "revision 2 (sam, 2026-01-05 10:00)" and the text, safe for a terminal. */
static void diff_side(const cli_ctx *ctx, const Reflect__V1__RecordShowReply *r, char *label, size_t size,
                      char **text)
{
  char when[CLI_TIME_MAX];
  cli_time_format_local(r->revision->created_at, cli_zone(ctx), when, sizeof when);
  char *author = cli_text_clean(r->revision->author, 0);
  snprintf(label, size, "revision %" PRIu32 " (%s, %s)", r->revision->revision, author, when);
  free(author);
  char *raw = record_text(r);
  if (isatty(STDOUT_FILENO)) {
    *text = cli_text_clean(raw, 1);
    free(raw);
  } else {
    *text = raw;
  }
}

static int diff_run(cli_ctx *ctx, const cli_args *a)
{
  uint64_t session = 0, rev[2] = {0, 0};
  int rc = cli_parse_u64(ctx, "SESSION", a->pos[0], 1, INT64_MAX, &session);
  if (!rc) rc = cli_parse_u64(ctx, "R1", a->pos[1], 1, UINT32_MAX, &rev[0]);
  if (!rc) rc = cli_parse_u64(ctx, "R2", a->pos[2], 1, UINT32_MAX, &rev[1]);
  if (rc) return rc;
  Reflect__V1__Reply *rep[2] = {NULL, NULL};
  char label[2][256], *text[2] = {NULL, NULL};
  for (int i = 0; !rc && i < 2; i++) {
    rc = cli_record_fetch(ctx, session, (uint32_t)rev[i], 0, &rep[i]);
    if (!rc) diff_side(ctx, rep[i]->record_show, label[i], sizeof label[i], &text[i]);
  }
  if (!rc) {
    int d = cli_diff_print(stdout, label[0], text[0], label[1], text[1], 3);
    if (d == CLI_DIFF_ENOMEM) {
      cli_error("out of memory");
      rc = CLI_EXIT_REFUSED;
    } else if (d == CLI_DIFF_SAME) {
      cli_error("revisions %" PRIu64 " and %" PRIu64 " read the same", rev[0], rev[1]);
    }
  }
  for (int i = 0; i < 2; i++) {
    free(text[i]);
    wire_free_reply(rep[i]);
  }
  return rc;
}

static const cli_command record_diff = {
    .name = "diff",
    .summary = "Show what changed between two revisions of a record.",
    .synopsis = "SESSION R1 R2",
    .help = "Prints a unified diff of the two revisions as `record show` renders them:\n"
            "'-' lines are only in R1, '+' lines only in R2, with a few lines of context.\n"
            "Prints nothing (and says so) if they read the same.\n",
    .pos_name = "SESSION R1 R2",
    .min_pos = 3,
    .max_pos = 3,
    .run = diff_run,
};

static const cli_command *const record_commands[] = {
    &cli_record_write, &record_show, &record_diff, &cli_record_sign, &cli_record_comment, &cli_record_history, NULL};

const cli_command cli_group_record = {
    .name = "record",
    .summary = "Session records: write, show, diff, sign, comment, history.",
    .subs = record_commands,
};
