/* reflect export inspection: the evidence pack for an inspector, as a PDF to
 * read and the same content as JSON to check figures against. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_inspection_pdf.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_records.h"
#include "cli_report_json.h"
#include "cli_reports.h"
#include "wire.h"

#define SAMPLE_MAX 20
#define PATH_LEN 4096

static cJSON *signed_json(const Reflect__V1__SignedRecordRef *s)
{
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "session_id", s->session_id);
  cli_json_add_u64(o, "revision", s->revision);
  cli_json_add_time(o, "at", s->at);
  cli_json_add_text(o, "kind", s->kind == REFLECT__V1__SESSION_KIND__SESSION_GROUP ? "group" : "individual");
  cli_json_add_text(o, "supervisor", s->supervisor);
  cJSON *m = cJSON_AddArrayToObject(o, "members");
  for (size_t i = 0; i < s->n_members; i++) cJSON_AddItemToArray(m, cJSON_CreateString(s->members[i]));
  cli_json_add_time(o, "signed_at", s->signed_at);
  return o;
}

static cJSON *pack_json(const Reflect__V1__ExportInspectionReply *r)
{
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "scope", cli_report_json_scope(r->scope));
  cli_json_add_time(o, "generated_at", r->generated_at);
  cli_json_add_text(o, "generated_by", r->generated_by);
  cJSON_AddItemToObject(o, "compliance", cli_report_json_compliance(r->compliance));
  cJSON_AddItemToObject(o, "coverage", cli_report_json_coverage(r->coverage));
  cJSON_AddItemToObject(o, "balance", cli_report_json_balance(r->balance));
  cJSON_AddItemToObject(o, "actions", cli_report_json_actions(r->actions));
  cJSON_AddItemToObject(o, "survey", cli_report_json_survey(r->survey));
  cJSON *sig = cJSON_AddArrayToObject(o, "signed");
  for (size_t i = 0; i < r->n_signed_; i++) cJSON_AddItemToArray(sig, signed_json(r->signed_[i]));
  cJSON *sample = cJSON_AddArrayToObject(o, "sample");
  for (size_t i = 0; i < r->n_sample; i++) cJSON_AddItemToArray(sample, cli_record_json(r->sample[i]));
  cJSON *omitted = cJSON_AddArrayToObject(o, "sample_omitted");
  for (size_t i = 0; i < r->n_sample_omitted; i++)
    cJSON_AddItemToArray(omitted, cJSON_CreateNumber((double)r->sample_omitted[i]));
  return o;
}

/* FILE.pdf -> FILE.json; anything else gets ".json" appended. */
static int json_path(const char *pdf, char *out, size_t size)
{
  size_t n = strlen(pdf);
  int swap = n > 4 && !strcasecmp(pdf + n - 4, ".pdf");
  int w = snprintf(out, size, "%.*s.json", (int)(swap ? n - 4 : n), pdf);
  return w > 0 && (size_t)w < size ? 0 : -1;
}

/* Personal data is created readable by its owner only, and an existing
 * file is never replaced unless asked (--force). */
static FILE *open_private(const char *path, int force)
{
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (force ? O_TRUNC : O_EXCL);
  int fd = open(path, flags, 0600);
  if (fd < 0) {
    if (errno == EEXIST) cli_error("%s exists; choose another --output or give --force to replace it", path);
    else cli_error("cannot create %s: %s", path, strerror(errno));
    return NULL;
  }
  if (force && fchmod(fd, 0600)) {
    cli_error("cannot restrict %s to its owner: %s", path, strerror(errno));
    close(fd);
    return NULL;
  }
  FILE *f = fdopen(fd, "wb");
  if (!f) close(fd);
  return f;
}

static int write_json(FILE *f, const Reflect__V1__ExportInspectionReply *r)
{
  char *text = cli_json_text(pack_json(r));
  int ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
  explicit_bzero(text, strlen(text));
  free(text);
  return ok ? 0 : -1;
}

typedef struct {
  char pdf[PATH_LEN], json[PATH_LEN];
  FILE *fp, *fj;
} pack_files;

/* Both files are created before the server is asked, so an export that
 * could not be saved is never made (and audited) in vain. */
static int pack_open(cli_ctx *ctx, const char *pdf, int force, pack_files *f)
{
  if (snprintf(f->pdf, sizeof f->pdf, "%s", pdf) >= (int)sizeof f->pdf || json_path(pdf, f->json, sizeof f->json))
    return cli_usage_error(ctx, "--output is too long");
  if (!(f->fp = open_private(f->pdf, force))) return CLI_EXIT_REFUSED;
  if (!(f->fj = open_private(f->json, force))) {
    fclose(f->fp);
    unlink(f->pdf);
    return CLI_EXIT_REFUSED;
  }
  return CLI_EXIT_OK;
}

/* Both files, or neither: a half-written pack is removed. r NULL: the
 * export failed, remove them. The JSON keeps the text exactly (escaped);
 * the PDF, which a person reads, is made from it cleaned (cli_out.h). */
static int pack_close(cli_ctx *ctx, pack_files *f, Reflect__V1__ExportInspectionReply *r)
{
  int bad = !r;
  if (r && (bad = write_json(f->fj, r))) cli_error("could not write %s", f->json);
  if (r && !bad) wire_clean_strings(&r->base);
  if (r && !bad && (bad = cli_inspection_pdf_write(f->fp, r, cli_zone(ctx))))
    cli_error("could not make the PDF %s", f->pdf);
  bad |= fclose(f->fp) != 0;
  bad |= fclose(f->fj) != 0;
  if (bad) {
    if (r) cli_error("the pack was not written");
    unlink(f->pdf);
    unlink(f->json);
    return CLI_EXIT_REFUSED;
  }
  if (ctx->json) {
    cJSON *o = cJSON_CreateObject();
    cli_json_add_text(o, "pdf", f->pdf);
    cli_json_add_text(o, "json", f->json);
    return cli_json_print(o);
  }
  printf("%s\n%s\n", f->pdf, f->json);
  return CLI_EXIT_OK;
}

static const cli_opt opts[] = {
    {"team", "TEAM", 0},       {"from", "YYYY-MM-DD", 0}, {"to", "YYYY-MM-DD", 0}, {"sample", "N", 0},
    {"output", "FILE.pdf", 0}, {"force", NULL, 0},        {NULL, NULL, 0},
};

static int run_cli_export_inspection(cli_ctx *ctx, const cli_args *a)
{
  const char *need[] = {"team", "from", "to"};
  int rc = CLI_EXIT_OK;
  for (size_t i = 0; !rc && i < 3; i++) rc = cli_arg_require(ctx, a, need[i]);
  if (!rc) rc = cli_check_text(ctx, "--team", cli_arg_value(a, "team"), 120);
  if (!rc) rc = cli_check_text(ctx, "--from", cli_arg_value(a, "from"), 10);
  if (!rc) rc = cli_check_text(ctx, "--to", cli_arg_value(a, "to"), 10);
  uint64_t sample = 0;
  if (!rc && cli_arg_value(a, "sample"))
    rc = cli_parse_u64(ctx, "--sample", cli_arg_value(a, "sample"), 1, SAMPLE_MAX, &sample);
  const char *out = cli_arg_value(a, "output");
  if (!rc && out) rc = cli_check_text(ctx, "--output", out, PATH_LEN - 8);
  if (!rc && !out && !ctx->json) rc = cli_usage_error(ctx, "give --output FILE.pdf, or --json for the JSON on stdout");
  if (!rc && !out && cli_arg_count(a, "force")) rc = cli_usage_error(ctx, "--force applies to --output");
  if (rc) return rc;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__ExportInspectionRequest ex = REFLECT__V1__EXPORT_INSPECTION_REQUEST__INIT;
  Reflect__V1__ReportScope scope = REFLECT__V1__REPORT_SCOPE__INIT;
  scope.team = (char *)cli_arg_value(a, "team");
  scope.from = (char *)cli_arg_value(a, "from");
  scope.to = (char *)cli_arg_value(a, "to");
  ex.scope = &scope;
  ex.sample = (uint32_t)sample;
  req.op_case = REFLECT__V1__REQUEST__OP_EXPORT_INSPECTION;
  req.export_inspection = &ex;
  pack_files files;
  if (out && (rc = pack_open(ctx, out, cli_arg_count(a, "force") > 0, &files))) return rc;
  Reflect__V1__Reply *rep = NULL;
  /* Exact text for the JSON; pack_close cleans it for the PDF. */
  rc = cli_call_connect(ctx);
  if (!rc) client_set_clean_text(ctx->cl, 0);
  if (!rc) rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_EXPORT_INSPECTION, &rep);
  if (out) {
    int closed = pack_close(ctx, &files, rc ? NULL : rep->export_inspection);
    if (!rc) rc = closed;
  } else if (!rc) {
    rc = cli_json_print(pack_json(rep->export_inspection));
  }
  if (rep) wire_free_reply(rep);
  return rc;
}

const cli_command cli_export_inspection = {
    .name = "inspection",
    .summary = "An inspection evidence pack for a team: PDF and JSON.",
    .synopsis = "--team TEAM --from YYYY-MM-DD --to YYYY-MM-DD [--sample N] --output FILE.pdf [--force]",
    .help = "The team's compliance, case coverage, balance, actions and feedback survey for the\n"
            "period, the index of every record signed by all its parties, and a random sample of\n"
            "those records in full (wellbeing shown only as discussed). Each sampled record is\n"
            "logged as read, and the export itself is logged. For a manager of the team, or an\n"
            "inspector granted it.\n\n"
            "A sampled record carries only the comments every party signed (those made before\n"
            "the first of them signed it): its disagreements and resolutions, as many as fit\n"
            "its share of the pack, and up to 10 notes; the pack says how many more there are\n"
            "and how to read them with `record show`. A sampled record too large to fit in the pack is listed by "
            "session instead\n"
            "(sample_omitted in the JSON), to be read with `record show`.\n\n"
            "options:\n"
            "  --team TEAM            the team\n"
            "  --from YYYY-MM-DD      first day of the period (organisation's time zone)\n"
            "  --to YYYY-MM-DD        last day of the period, inclusive (at most 366 days)\n"
            "  --sample N             records to include in full, 1-20 (default 5)\n"
            "  --output FILE.pdf      write the PDF there and the same content as JSON beside it\n"
            "                         (FILE.json), both readable by you only\n"
            "  --force                replace those files if they exist\n"
            "  (with --json instead of --output, the JSON goes to stdout)\n",
    .opts = opts,
    .json = 1,
    .run = run_cli_export_inspection,
};
