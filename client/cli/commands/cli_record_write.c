/* reflect record write: a new revision of a session's record, from a file,
 * stdin, or the person's editor on a template (or on the latest revision,
 * for an amendment). Nothing is sent unless the text parses. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_editor.h"
#include "cli_json.h"
#include "cli_out.h"
#include "record_render.h"
#include "record_text.h"
#include "cli_records.h"
#include "cli_time.h"
#include "wire.h"

#define RECORD_TEXT_MAX (256 * 1024)

static void wipe_free(char *s)
{
  if (!s) return;
  sodium_memzero(s, strlen(s));
  free(s);
}

/* Reads at most RECORD_TEXT_MAX bytes of UTF-8 text from path ("-": stdin)
 * into a malloc'd, NUL-terminated *out. */
static int read_text(const cli_ctx *ctx, const char *path, char **out)
{
  int is_stdin = strcmp(path, "-") == 0;
  int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return cli_usage_error(ctx, "cannot open %s: %s", path, strerror(errno));
  /* One byte of room past the limit tells "exactly full" from "too big". */
  char *buf = cli_mem_alloc(RECORD_TEXT_MAX + 2);
  size_t n = 0;
  int err = 0;
  while (n <= RECORD_TEXT_MAX) {
    ssize_t r = read(fd, buf + n, RECORD_TEXT_MAX + 1 - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) err = errno;
    if (r <= 0) break;
    n += (size_t)r;
  }
  if (!is_stdin) close(fd);
  buf[n] = '\0';
  int rc = CLI_EXIT_OK;
  if (err) rc = cli_usage_error(ctx, "cannot read %s: %s", path, strerror(err));
  else if (n > RECORD_TEXT_MAX) rc = cli_usage_error(ctx, "the record is larger than %d KiB", RECORD_TEXT_MAX / 1024);
  else if (memchr(buf, '\0', n) || wire_check_utf8(buf, RECORD_TEXT_MAX) != WIRE_OK)
    rc = cli_usage_error(ctx, "the record must be UTF-8 text (no control characters but tab and newline)");
  if (rc) {
    sodium_memzero(buf, n);
    free(buf);
    return rc;
  }
  *out = buf;
  return CLI_EXIT_OK;
}

/* Parses, saying what is wrong; returns the RECORD_TEXT_* code. */
static int parse_text(const char *text, const char *name, record_doc *rec)
{
  char err[512];
  int rc = record_text_parse(text, name, rec, err, sizeof err);
  if (rc == RECORD_TEXT_ESYNTAX) {
    char *clean = cli_text_clean(err, 0);
    cli_error("%s", clean);
    free(clean);
  } else if (rc == RECORD_TEXT_EEMPTY) {
    cli_error("nothing written: the record is empty");
  } else if (rc) {
    cli_error("out of memory");
  }
  return rc;
}

typedef struct {
  uint64_t session;
  const char *reason;
  uint32_t base;
} write_args;

static int send_record(cli_ctx *ctx, const write_args *w, const record_doc *rec)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RecordWriteRequest rw = REFLECT__V1__RECORD_WRITE_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  rw.session_id = w->session;
  rw.sections = rec->sections;
  rw.n_sections = rec->n;
  rw.reason = (char *)(w->reason ? w->reason : "");
  rw.base_revision = w->base;
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_WRITE;
  req.record_write = &rw;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_RECORD_WRITE, &rep);
  if (rc) return rc;
  if (ctx->json) {
    cJSON *o = cJSON_CreateObject();
    cli_json_add_u64(o, "revision", rep->record_write->revision);
    rc = cli_json_print(o);
  } else {
    printf("%" PRIu32 "\n", rep->record_write->revision);
  }
  wire_free_reply(rep);
  return rc;
}

static int write_from(cli_ctx *ctx, const write_args *w, const char *path)
{
  char *text;
  int rc = read_text(ctx, path, &text);
  if (rc) return rc;
  record_doc rec;
  int prc = parse_text(text, strcmp(path, "-") ? path : "<stdin>", &rec);
  wipe_free(text);
  if (prc) return prc == RECORD_TEXT_ENOMEM ? CLI_EXIT_REFUSED : CLI_EXIT_USAGE;
  rc = send_record(ctx, w, &rec);
  record_text_free(&rec);
  return rc;
}

/* Only the session's supervisor writes its record: say so before anyone
 * types a word, rather than after. */
static int check_writer(cli_ctx *ctx, const Reflect__V1__Session *s)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__WhoAmIRequest who = REFLECT__V1__WHO_AM_IREQUEST__INIT;
  Reflect__V1__Reply *rep;
  req.op_case = REFLECT__V1__REQUEST__OP_WHOAMI;
  req.whoami = &who;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_WHOAMI, &rep);
  if (rc) return rc;
  if (!rep->whoami->user || strcmp(rep->whoami->user->username, s->supervisor) != 0) {
    cli_error("only the supervisor of session %" PRIu64 " (%s) writes its record", s->id, s->supervisor);
    rc = CLI_EXIT_REFUSED;
  }
  wire_free_reply(rep);
  return rc;
}

/* The editor's starting text: a template for a new record, or the latest
 * revision for an amendment, under a title naming the session. */
static int editor_start(cli_ctx *ctx, const write_args *w, const Reflect__V1__RecordShowReply *latest, char **out)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionShowRequest show = REFLECT__V1__SESSION_SHOW_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  show.session_id = w->session;
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_SHOW;
  req.session_show = &show;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_SESSION_SHOW, &rep);
  if (rc) return rc;
  const Reflect__V1__Session *s = rep->session_show->session;
  rc = s ? check_writer(ctx, s) : CLI_EXIT_UNREACHABLE;
  if (rc) {
    wire_free_reply(rep);
    return rc;
  }
  char when[CLI_TIME_MAX], title[512];
  cli_time_format_local(s->starts_at, cli_zone(ctx), when, sizeof when);
  int n = snprintf(title, sizeof title, "%s record of session %" PRIu64 ", %s, %s with",
                   latest ? "Amending the" : "The", w->session, when, s->supervisor);
  for (size_t i = 0; i < s->n_members && n > 0 && (size_t)n < sizeof title; i++)
    n += snprintf(title + n, sizeof title - (size_t)n, "%s %s", i ? "," : "", s->members[i]);
  char *clean = cli_text_clean(title, 0);
  int group = s->kind == REFLECT__V1__SESSION_KIND__SESSION_GROUP;
  rc = record_render_template(clean, group, (const char *const *)s->members, s->n_members,
                              latest ? latest->sections : NULL, latest ? latest->n_sections : 0, out);
  free(clean);
  wire_free_reply(rep);
  if (rc) cli_error("out of memory");
  return rc ? CLI_EXIT_REFUSED : CLI_EXIT_OK;
}

/* A mistake need not cost what was typed: on a terminal, offer the editor
 * again on the same file. */
static int ask_again(void)
{
  if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) return 0;
  fputs("Edit again? [Y/n] ", stderr);
  char line[16];
  if (!fgets(line, sizeof line, stdin)) return 0;
  return line[0] == '\n' || line[0] == 'y' || line[0] == 'Y';
}

static int edit_loop(cli_ctx *ctx, const write_args *w, const cli_editor_file *f)
{
  for (;;) {
    int rc = cli_editor_run(f);
    char *text = NULL;
    if (!rc) rc = read_text(ctx, f->path, &text);
    if (rc) return rc;
    record_doc rec;
    int prc = parse_text(text, f->path, &rec);
    wipe_free(text);
    if (prc == RECORD_TEXT_EEMPTY) return CLI_EXIT_USAGE;
    if (prc == RECORD_TEXT_ENOMEM) return CLI_EXIT_REFUSED;
    rc = prc ? CLI_EXIT_USAGE : send_record(ctx, w, &rec);
    if (!prc) record_text_free(&rec);
    if (rc == CLI_EXIT_OK || rc == CLI_EXIT_UNREACHABLE || !ask_again()) return rc;
  }
}

/* Text stored before the server refused controls and direction overrides
 * in records cannot be stored again: the editor shows '?' for them, and
 * says so, rather than changing a revision's words without a word. */
static size_t clean_for_editor(Reflect__V1__RecordShowReply *r)
{
  size_t changed = 0;
  for (size_t i = 0; r && i < r->n_sections; i++) {
    Reflect__V1__RecordSection *sec = r->sections[i];
    char *multi[] = {sec->text, sec->situation, sec->analysis, sec->risk, sec->decision, sec->rationale};
    char *line[] = {sec->case_reference, sec->member};
    for (size_t k = 0; k < 8; k++) {
      char *t = k < 6 ? multi[k] : line[k - 6];
      if (!t || !*t) continue;
      char *before = strdup(t);
      wire_clean_text(t, k < 6 ? WIRE_TEXT_MULTILINE : WIRE_TEXT_LINE);
      changed += before && strcmp(before, t) != 0;
      free(before);
    }
  }
  return changed;
}

static int write_with_editor(cli_ctx *ctx, write_args *w)
{
  Reflect__V1__Reply *latest = NULL;
  int rc = cli_call_connect(ctx);
  if (rc) return rc;
  client_set_clean_text(ctx->cl, 0); /* cleaned below, where a change can be told */
  rc = cli_record_fetch(ctx, w->session, 0, 1, &latest);
  client_set_clean_text(ctx->cl, !ctx->json);
  if (rc) return rc;
  Reflect__V1__RecordShowReply *r = latest ? latest->record_show : NULL;
  size_t changed = clean_for_editor(r);
  if (changed)
    cli_error("%zu text%s of the latest revision hold control or direction-override characters, which a record "
              "may no longer contain: they show as '?' in the editor, and the amendment keeps them so",
              changed, changed == 1 ? "" : "s");
  if (r && !w->reason)
    rc = cli_usage_error(ctx, "revision %" PRIu32 " exists: an amendment needs --reason TEXT", r->revision->revision);
  /* Refuse to overwrite a change someone made while this one was edited. */
  if (r && !w->base) w->base = r->revision->revision;
  char *start = NULL;
  if (!rc) rc = editor_start(ctx, w, r, &start);
  wire_free_reply(latest);
  cli_editor_file f;
  if (!rc) rc = cli_editor_open(&f, start);
  wipe_free(start);
  if (rc) return rc;
  rc = edit_loop(ctx, w, &f);
  cli_editor_close(&f);
  return rc;
}

static const cli_opt write_opts[] = {
    {"file", "PATH", 0}, {"reason", "TEXT", 0}, {"base-revision", "N", 0}, {"edit", NULL, 0}, {NULL, NULL, 0},
};

static int write_run(cli_ctx *ctx, const cli_args *a)
{
  write_args w = {.reason = cli_arg_value(a, "reason")};
  uint64_t base = 0;
  const char *file = cli_arg_value(a, "file");
  int edit = cli_arg_count(a, "edit") > 0;
  int rc = cli_parse_u64(ctx, "SESSION", a->pos[0], 1, INT64_MAX, &w.session);
  if (!rc && w.reason) rc = cli_check_text(ctx, "--reason", w.reason, CLI_TEXT_MAX);
  if (!rc && cli_arg_value(a, "base-revision"))
    rc = cli_parse_u64(ctx, "--base-revision", cli_arg_value(a, "base-revision"), 1, UINT32_MAX, &base);
  if (!rc && file && edit) rc = cli_usage_error(ctx, "--file and --edit do not go together");
  if (rc) return rc;
  w.base = (uint32_t)base;
  if (file || (!edit && !isatty(STDIN_FILENO))) return write_from(ctx, &w, file ? file : "-");
  return write_with_editor(ctx, &w);
}

const cli_command cli_record_write = {
    .name = "write",
    .summary = "Write a new revision of a session's record.",
    .synopsis = "SESSION [--file PATH|-] [--edit] [--reason TEXT] [--base-revision N]",
    .help = "Opens $VISUAL or $EDITOR (default vi) on a template with a heading for each\n"
            "section, as git commit does; for an amendment, on the latest revision. With\n"
            "--file, reads PATH ('-' for stdin) instead; with no terminal, reads stdin.\n"
            "The text is checked before anything is sent: a mistake is reported as\n"
            "FILE:LINE: what is wrong (exit 2), and an empty record writes nothing.\n"
            "Prints the new revision number; earlier revisions are kept. A record is\n"
            "written once the session has started, and not for one cancelled, missed or\n"
            "rescheduled. A case section whose case has been destroyed under retention\n"
            "is only a comment in an amendment's text: nothing of it can be carried over.\n\n"
            "The format ('#' lines are comments):\n"
            "  [wellbeing]             read only by the session's parties (never by managers)\n"
            "  [case REFERENCE]        one per child or family, with the keys\n"
            "  situation: ...          situation:, analysis:, risk:, decision: and\n"
            "  decision: ...           rationale: (a decision needs its rationale);\n"
            "  rationale: ...          indent a line to continue the one above\n"
            "  [development]  [performance]  [actions]  [notes]\n"
            "  [contribution USER]     a group member's own contribution (not from one\n"
            "                          recorded absent)\n\n"
            "options:\n"
            "  --file PATH        the record's text; '-' reads stdin\n"
            "  --edit             open the editor even without a terminal\n"
            "  --reason TEXT      why this revision was made (needed for an amendment)\n"
            "  --base-revision N  refuse unless revision N is still the latest (the editor\n"
            "                     sets it to the revision it started from)\n",
    .opts = write_opts,
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = write_run,
};
