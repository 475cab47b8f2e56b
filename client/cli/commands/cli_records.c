/* reflect record show / diff, and the record group: the record of a
 * session, shown in the format it is written in (record_text.h).
 * Records are append-only on the server: every write is a new revision. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diff.h"
#include "cli_json.h"
#include "cli_out.h"
#include "record_render.h"
#include "record_text.h"
#include "cli_records.h"
#include "cli_signoff.h"
#include "cli_time.h"
#include "wire.h"

/* A record and the comments shown with it: one page, or (--all-comments)
 * every page, merged by id. The replies own the comments. */
typedef struct {
  Reflect__V1__Reply **pages;
  size_t n_pages;
  const Reflect__V1__Comment **v;
  size_t n;
  uint64_t next; /* the cursor for more notes, 0 if none */
  size_t notes;  /* notes among v */
} record_comments;

static void comments_free(record_comments *m)
{
  for (size_t i = 0; i < m->n_pages; i++) wire_free_reply(m->pages[i]);
  free(m->pages);
  free(m->v);
  memset(m, 0, sizeof *m);
}

static int by_id(const void *a, const void *b)
{
  uint64_t x = (*(const Reflect__V1__Comment *const *)a)->id, y = (*(const Reflect__V1__Comment *const *)b)->id;
  return (x > y) - (x < y);
}

/* Adds a page's comments that are not there yet (every page repeats the
 * disagreements and resolutions). */
static int comments_take(record_comments *m, Reflect__V1__Reply *page)
{
  const Reflect__V1__RecordShowReply *r = page->record_show;
  Reflect__V1__Reply **pages = realloc(m->pages, sizeof *pages * (m->n_pages + 1));
  if (!pages) return -1;
  m->pages = pages;
  const Reflect__V1__Comment **v = realloc(m->v, sizeof *v * (m->n + r->n_comments + 1));
  if (!v) return -1;
  m->v = v;
  m->pages[m->n_pages++] = page;
  size_t before = m->n;
  for (size_t i = 0; i < r->n_comments; i++) {
    const Reflect__V1__Comment *c = r->comments[i];
    int dup = 0;
    for (size_t k = 0; k < before && !dup; k++) dup = m->v[k]->id == c->id;
    if (dup) continue;
    m->v[m->n++] = c;
    if (c->kind != REFLECT__V1__COMMENT_KIND__COMMENT_DISAGREEMENT &&
        c->kind != REFLECT__V1__COMMENT_KIND__COMMENT_RESOLUTION)
      m->notes++;
  }
  qsort(m->v, m->n, sizeof *m->v, by_id);
  m->next = r->comments_next;
  return 0;
}

/* The record (revision 0: the latest) and a page of its comments from
 * `after`, at most `limit` notes (0: the server's default); with all, every
 * page after the first, of the same revision, without the record again. */
static int fetch_with_comments(cli_ctx *ctx, uint64_t session, uint32_t revision, uint64_t after, uint32_t limit,
                               int all, record_comments *m)
{
  memset(m, 0, sizeof *m);
  Reflect__V1__RecordShowRequest show = REFLECT__V1__RECORD_SHOW_REQUEST__INIT;
  show.session_id = session;
  show.revision = revision;
  show.comments_after = after;
  show.comments_limit = limit;
  Reflect__V1__Reply *rep;
  int rc = cli_record_show_call(ctx, &show, 0, &rep);
  if (rc) return rc;
  show.revision = rep->record_show->revision->revision;
  if (comments_take(m, rep)) {
    wire_free_reply(rep);
    rc = -1;
  }
  show.comments_only = 1;
  show.comments_limit = 200; /* as many as a frame holds: fewer round trips */
  while (!rc && all && m->next) {
    /* A server that does not move on would loop forever. */
    if (m->next <= show.comments_after) break;
    show.comments_after = m->next;
    rc = cli_record_show_call(ctx, &show, 0, &rep);
    if (!rc && comments_take(m, rep)) {
      wire_free_reply(rep);
      rc = -1;
    }
  }
  if (rc == -1) {
    cli_error("out of memory");
    rc = CLI_EXIT_REFUSED;
  }
  if (rc) comments_free(m);
  return rc;
}

/* The record's text: its sections, or the free text of an older server. */
static char *show_as_text(const Reflect__V1__RecordShowReply *r)
{
  char *text = NULL;
  if (!r->n_sections) text = strdup(r->body ? r->body : "");
  else if (record_render(r->sections, r->n_sections, &text)) text = NULL;
  if (!text) {
    cli_error("out of memory");
    exit(CLI_EXIT_REFUSED);
  }
  return text;
}

/* Notes to the reader, on stderr: how to see more, and what is withheld. */
static void comments_notice(const Reflect__V1__RecordShowReply *r, const record_comments *m)
{
  if (m->next)
    fprintf(stderr,
            "reflect: showing %zu of %" PRIu32 " notes; the next page: `reflect record show %" PRIu64
            " --comments-after %" PRIu64 "`, or --all-comments for every page\n",
            m->notes, r->notes_total, r->session_id, m->next);
  if (r->comments_unsigned)
    fprintf(stderr,
            "reflect: %" PRIu32 " comment%s not shown: made after a party signed revision %" PRIu32
            ", and inspectors see only what every party signed\n",
            r->comments_unsigned, r->comments_unsigned == 1 ? " is" : "s are", r->revision->revision);
}

static void record_print(const cli_ctx *ctx, const Reflect__V1__RecordShowReply *r, const record_comments *m)
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
  /* Made safe piped or not: a pipe often ends at a terminal (less, tee). */
  char *text = show_as_text(r);
  cli_text_print(stdout, text);
  size_t n = strlen(text);
  if (n == 0 || text[n - 1] != '\n') putchar('\n');
  free(text);
  if (m->n) printf("\ncomments:\n");
  for (size_t i = 0; i < m->n; i++) {
    const Reflect__V1__Comment *c = m->v[i];
    char at[CLI_TIME_MAX];
    cli_time_format_local(c->at, cli_zone(ctx), at, sizeof at);
    char *text_clean = cli_text_clean(c->text, 0);
    char resolves[40] = "";
    if (c->resolves) snprintf(resolves, sizeof resolves, " of #%" PRIu64, c->resolves);
    printf("  #%" PRIu64 " %s%s on revision %" PRIu32 " by %s, %s: %s\n", c->id, wire_comment_kind_name(c->kind),
           resolves, c->revision, c->author, at, text_clean);
    free(text_clean);
  }
  comments_notice(r, m);
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
  cli_json_add_text(o, "kind", record_render_kind_name(s->kind));
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

static cJSON *record_json(const Reflect__V1__RecordShowReply *r, const Reflect__V1__Comment *const *list, size_t n,
                          uint64_t next)
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
  for (size_t i = 0; i < n; i++) {
    const Reflect__V1__Comment *m = list[i];
    cJSON *c = cJSON_CreateObject();
    cli_json_add_u64(c, "id", m->id);
    cli_json_add_u64(c, "revision", m->revision);
    cli_json_add_text(c, "author", m->author);
    cli_json_add_time(c, "at", m->at);
    cli_json_add_text(c, "kind", wire_comment_kind_name(m->kind));
    cli_json_add_text(c, "text", m->text);
    if (m->resolves) cli_json_add_u64(c, "resolves", m->resolves);
    cJSON_AddItemToArray(comments, c);
  }
  if (next) cli_json_add_u64(o, "comments_next", next);
  else cJSON_AddNullToObject(o, "comments_next");
  cli_json_add_u64(o, "notes_total", r->notes_total);
  cli_json_add_u64(o, "comments_unsigned", r->comments_unsigned);
  return o;
}

cJSON *cli_record_json(const Reflect__V1__RecordShowReply *r)
{
  return record_json(r, (const Reflect__V1__Comment *const *)r->comments, r->n_comments, r->comments_next);
}

static const cli_opt show_opts[] = {
    {"revision", "N", 0}, {"comments-after", "ID", 0}, {"comments-limit", "N", 0}, {"all-comments", NULL, 0},
    {NULL, NULL, 0},
};

static int show_run(cli_ctx *ctx, const cli_args *a)
{
  uint64_t session = 0, revision = 0, after = 0, limit = 0;
  int all = cli_arg_count(a, "all-comments") > 0;
  int rc = cli_parse_u64(ctx, "SESSION", a->pos[0], 1, INT64_MAX, &session);
  if (!rc && cli_arg_value(a, "revision"))
    rc = cli_parse_u64(ctx, "--revision", cli_arg_value(a, "revision"), 1, UINT32_MAX, &revision);
  if (!rc && cli_arg_value(a, "comments-after"))
    rc = cli_parse_u64(ctx, "--comments-after", cli_arg_value(a, "comments-after"), 0, INT64_MAX, &after);
  if (!rc && cli_arg_value(a, "comments-limit"))
    rc = cli_parse_u64(ctx, "--comments-limit", cli_arg_value(a, "comments-limit"), 1, 200, &limit);
  if (!rc && all && (cli_arg_value(a, "comments-after") || cli_arg_value(a, "comments-limit")))
    rc = cli_usage_error(ctx, "--all-comments shows every page: leave out --comments-after and --comments-limit");
  if (rc) return rc;
  record_comments m;
  rc = fetch_with_comments(ctx, session, (uint32_t)revision, after, (uint32_t)limit, all, &m);
  if (rc) return rc;
  const Reflect__V1__RecordShowReply *r = m.pages[0]->record_show;
  if (ctx->json) {
    rc = cli_json_print(record_json(r, m.v, m.n, m.next));
    comments_notice(r, &m);
  } else {
    record_print(ctx, r, &m);
  }
  comments_free(&m);
  return rc;
}

static const cli_command record_show = {
    .name = "show",
    .summary = "Show a session's record.",
    .synopsis = "SESSION [--revision N] [--comments-after ID] [--comments-limit N | --all-comments]",
    .help = "Prints a header (session, revision, author, time, reason, sign-off), a blank\n"
            "line, then the record's sections in the format `record write` reads, then its\n"
            "comments. Someone overseeing the session sees that wellbeing was discussed,\n"
            "not what was said; of a record written before sections (free text, which may\n"
            "hold wellbeing), they see only that there is one. A case destroyed under\n"
            "retention is shown as discussed, every text of it \"[destroyed under retention]\"\n"
            "(in --json, \"destroyed\": true), in every revision.\n\n"
            "Comments come a page at a time: every disagreement and resolution, always,\n"
            "then up to 50 notes, oldest first (fewer if they are long). When there are\n"
            "more, a note on stderr gives the command for the next page. An inspector sees\n"
            "only the comments every party signed: those already made when the first of\n"
            "them signed the revision shown; a note says how many others there are.\n"
            "--json adds comments_next (the ID for --comments-after, or null), notes_total\n"
            "and comments_unsigned (the comments an inspector is not shown).\n\n"
            "options:\n"
            "  --revision N         this revision rather than the latest\n"
            "  --comments-after ID  the notes after comment ID (the next page)\n"
            "  --comments-limit N   at most N notes in the page (1-200)\n"
            "  --all-comments       fetch and show every page of comments\n",
    .opts = show_opts,
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = show_run,
};

/* "revision 2 (sam, 2026-01-05 10:00)" and the text, safe for a terminal. */
static void diff_side(const cli_ctx *ctx, const Reflect__V1__RecordShowReply *r, char *label, size_t size, char **text)
{
  char when[CLI_TIME_MAX];
  cli_time_format_local(r->revision->created_at, cli_zone(ctx), when, sizeof when);
  char *author = cli_text_clean(r->revision->author, 0);
  snprintf(label, size, "revision %" PRIu32 " (%s, %s)", r->revision->revision, author, when);
  free(author);
  char *raw = show_as_text(r);
  *text = cli_text_clean(raw, 1);
  free(raw);
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
    int d = diff_print(stdout, label[0], text[0], label[1], text[1], 3);
    if (d == DIFF_ENOMEM) {
      cli_error("out of memory");
      rc = CLI_EXIT_REFUSED;
    } else if (d == DIFF_SAME) {
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

static const cli_command *const record_commands[] =
    {&cli_record_write, &record_show, &record_diff, &cli_record_sign, &cli_record_comment, &cli_record_history, NULL};

const cli_command cli_group_record = {
    .name = "record",
    .summary = "Session records: write, show, diff, sign, comment, history.",
    .subs = record_commands,
};
