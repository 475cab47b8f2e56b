/* reflect record write, reflect record show: the record of a session.
 * Records are append-only on the server: every write is a new revision. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_signoff.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_time.h"
#include "wire.h"

#define RECORD_BODY_MAX (256 * 1024)

/* Reads at most RECORD_BODY_MAX bytes of text from path ("-": stdin) into
 * a malloc'd, NUL-terminated *out. */
static int record_read_body(const cli_ctx *ctx, const char *path, char **out)
{
  int is_stdin = strcmp(path, "-") == 0;
  int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return cli_usage_error(ctx, "cannot open %s: %s", path, strerror(errno));
  /* One byte of room past the limit tells "exactly full" from "too big". */
  char *buf = cli_xmalloc(RECORD_BODY_MAX + 2);
  size_t n = 0;
  int err = 0;
  while (n <= RECORD_BODY_MAX) {
    ssize_t r = read(fd, buf + n, RECORD_BODY_MAX + 1 - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) err = errno;
    if (r <= 0) break;
    n += (size_t)r;
  }
  if (!is_stdin) close(fd);
  buf[n] = '\0';
  int rc = CLI_EXIT_OK;
  if (err) rc = cli_usage_error(ctx, "cannot read %s: %s", path, strerror(err));
  else if (n > RECORD_BODY_MAX)
    rc = cli_usage_error(ctx, "the record is larger than %d KiB", RECORD_BODY_MAX / 1024);
  else if (n == 0) rc = cli_usage_error(ctx, "the record is empty");
  else if (memchr(buf, '\0', n) || wire_check_utf8(buf, RECORD_BODY_MAX) != WIRE_OK)
    rc = cli_usage_error(ctx, "the record must be UTF-8 text (no control characters but tab "
                              "and newline)");
  if (rc) {
    free(buf);
    return rc;
  }
  *out = buf;
  return CLI_EXIT_OK;
}

static const cli_opt record_write_opts[] = {
    {"file", "PATH", 0},
    {"reason", "TEXT", 0},
    {"base-revision", "N", 0},
    {NULL, NULL, 0},
};

static int record_write_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RecordWriteRequest rw = REFLECT__V1__RECORD_WRITE_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  uint64_t session = 0, base = 0;
  char *body = NULL;
  int rc = cli_parse_u64(ctx, "SESSION", a->pos[0], 1, UINT64_MAX, &session);
  if (!rc && cli_arg_value(a, "reason"))
    rc = cli_check_text(ctx, "--reason", cli_arg_value(a, "reason"), CLI_TEXT_MAX);
  if (!rc && cli_arg_value(a, "base-revision"))
    rc = cli_parse_u64(ctx, "--base-revision", cli_arg_value(a, "base-revision"), 1, UINT32_MAX,
                       &base);
  if (!rc) rc = cli_require(ctx, a, "file");
  if (!rc) rc = record_read_body(ctx, cli_arg_value(a, "file"), &body);
  if (rc) return rc;
  rw.session_id = session;
  rw.body = body;
  rw.reason = (char *)(cli_arg_value(a, "reason") ? cli_arg_value(a, "reason") : "");
  rw.base_revision = (uint32_t)base;
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_WRITE;
  req.record_write = &rw;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_RECORD_WRITE, &rep);
  free(body);
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

static const cli_command record_write = {
    .name = "write",
    .summary = "Write a new revision of a session's record.",
    .synopsis = "SESSION --file PATH|- [--reason TEXT] [--base-revision N]",
    .help = "Reads the record (UTF-8 text, at most 256 KiB) from PATH, or stdin for '-', and\n"
            "prints the new revision number. Earlier revisions are kept.\n\n"
            "options:\n"
            "  --file PATH        the record's text; '-' reads stdin\n"
            "  --reason TEXT      why this revision was made\n"
            "  --base-revision N  refuse unless revision N is still the latest\n",
    .opts = record_write_opts,
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = record_write_run,
};

static void record_print(const cli_ctx *ctx, const Reflect__V1__RecordShowReply *r)
{
  const Reflect__V1__Revision *v = r->revision;
  char when[CLI_TIME_MAX];
  cli_time_format_local(v ? v->created_at : 0, cli_zone(ctx), when, sizeof when);
  char *author = cli_text_clean(v ? v->author : "", 0);
  char *reason = cli_text_clean(v ? v->reason : "", 0);
  printf("session:  %" PRIu64 "\nrevision: %" PRIu32 "\nauthor:   %s\ntime:     %s\n"
         "reason:   %s\nsigned:   ",
         r->session_id, v ? v->revision : 0, author, when, reason);
  for (size_t i = 0; i < r->n_signatures; i++) printf("%s%s", i ? ", " : "", r->signatures[i]->user);
  printf("%s\nawaiting: ", r->n_signatures ? "" : "-");
  for (size_t i = 0; i < r->n_awaiting; i++) printf("%s%s", i ? ", " : "", r->awaiting[i]);
  printf("%s\nfrozen:   %s\n\n", r->n_awaiting ? "" : "-", r->frozen ? "yes (signed by everyone)" : "no");
  free(author);
  free(reason);
  /* Exactly as written when piped; made safe when shown on a terminal. */
  cli_text_print(stdout, r->body, !isatty(STDOUT_FILENO));
  size_t n = r->body ? strlen(r->body) : 0;
  if (n == 0 || r->body[n - 1] != '\n') putchar('\n');
  if (r->n_comments) printf("\ncomments:\n");
  for (size_t i = 0; i < r->n_comments; i++) {
    const Reflect__V1__Comment *m = r->comments[i];
    char at[CLI_TIME_MAX];
    cli_time_format_local(m->at, cli_zone(ctx), at, sizeof at);
    char *text = cli_text_clean(m->text, 0);
    printf("  #%" PRIu64 " on revision %" PRIu32 ", %s, %s: %s%s\n", m->id, m->revision, m->author, at,
           cli_comment_kind_name(m->kind), text);
    free(text);
  }
}

static cJSON *record_json(const Reflect__V1__RecordShowReply *r)
{
  const Reflect__V1__Revision *v = r->revision;
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "session_id", r->session_id);
  cli_json_add_u64(o, "revision", v ? v->revision : 0);
  cli_json_add_text(o, "author", v ? v->author : "");
  cli_json_add_time(o, "created_at", v ? v->created_at : 0);
  cli_json_add_text(o, "reason", v ? v->reason : "");
  cli_json_add_text(o, "body", r->body);
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

static const cli_opt record_show_opts[] = {
    {"revision", "N", 0},
    {NULL, NULL, 0},
};

static int record_show_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RecordShowRequest show = REFLECT__V1__RECORD_SHOW_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  uint64_t session = 0, revision = 0;
  int rc = cli_parse_u64(ctx, "SESSION", a->pos[0], 1, UINT64_MAX, &session);
  if (!rc && cli_arg_value(a, "revision"))
    rc = cli_parse_u64(ctx, "--revision", cli_arg_value(a, "revision"), 1, UINT32_MAX,
                       &revision);
  if (rc) return rc;
  show.session_id = session;
  show.revision = (uint32_t)revision;
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_SHOW;
  req.record_show = &show;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_RECORD_SHOW, &rep);
  if (rc) return rc;
  if (ctx->json) rc = cli_json_print(record_json(rep->record_show));
  else record_print(ctx, rep->record_show);
  wire_free_reply(rep);
  return rc;
}

static const cli_command record_show = {
    .name = "show",
    .summary = "Show a session's record.",
    .synopsis = "SESSION [--revision N]",
    .help = "Prints a header (session, revision, author, time, reason), a blank line, then\n"
            "the text.\n\n"
            "options:\n"
            "  --revision N       this revision rather than the latest\n",
    .opts = record_show_opts,
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = record_show_run,
};

static const cli_command *const record_commands[] = {&record_write,     &record_show,    &cli_record_sign,
                                                      &cli_record_comment, &cli_record_history, NULL};

const cli_command cli_group_record = {
    .name = "record",
    .summary = "Session records: write, show, sign, comment, history.",
    .subs = record_commands,
};
