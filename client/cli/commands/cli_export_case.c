/* reflect export case: a child's record extract for a subject access
 * request, as a plain chronological document a person can read decades
 * later. The server has already redacted other people; this only lays it
 * out, or prints the reply as JSON. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_cases.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_reports.h"
#include "cli_time.h"
#include "reflect/client_file.h"
#include "wire.h"

typedef struct {
  char *p;
  size_t n, cap;
} doc;

static void doc_printf(doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void doc_printf(doc *d, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int need = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (need < 0) return;
  if (d->n + (size_t)need + 1 > d->cap) {
    d->cap = (d->n + (size_t)need + 1) * 2;
    d->p = cli_mem_realloc(d->p, d->cap);
  }
  va_start(ap, fmt);
  vsnprintf(d->p + d->n, d->cap - d->n, fmt, ap);
  va_end(ap);
  d->n += (size_t)need;
}

/* Server text made safe to print; the caller frees. */
static char *clean(const char *s)
{
  return cli_text_clean(s ? s : "", 1);
}

/* "12 Mar 2026" from "2026-03-12..."; with_time adds " 14:00". */
static void human_date(const char *iso, int with_time, char *buf, size_t size)
{
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int y, m, d, hh = 0, mm = 0;
  int got = sscanf(iso, "%4d-%2d-%2d %2d:%2d", &y, &m, &d, &hh, &mm);
  if (got < 3 || m < 1 || m > 12 || (with_time && got < 5)) {
    snprintf(buf, size, "%s", iso);
    return;
  }
  if (with_time) snprintf(buf, size, "%d %s %d %02d:%02d", d, months[m - 1], y, hh, mm);
  else snprintf(buf, size, "%d %s %d", d, months[m - 1], y);
}

static void when_local(const cli_ctx *ctx, int64_t t, int with_time, char *buf, size_t size)
{
  char iso[CLI_TIME_MAX];
  cli_time_format_local(t, cli_zone(ctx), iso, sizeof iso);
  human_date(iso, with_time, buf, size);
}

static void doc_field(doc *d, const char *label, const char *value, int superseded)
{
  if (!value || !*value) return;
  char *v = clean(value);
  doc_printf(d, "%s%s: %s\n", label, superseded ? " (later changed — see below)" : "", v);
  free(v);
}

static void doc_build(const cli_ctx *ctx, const Reflect__V1__ExportCaseReply *r, doc *d)
{
  const Reflect__V1__Case *k = r->case_;
  char *name = clean(k->name), *ref = clean(k->reference), *by = clean(r->generated_by);
  char born[48] = "not recorded", on[48];
  if (k->date_of_birth && *k->date_of_birth) human_date(k->date_of_birth, 0, born, sizeof born);
  when_local(ctx, r->generated_at, 0, on, sizeof on);
  doc_printf(d, "Record extract: %s\nReference: %s\nDate of birth: %s\n\n", name, ref, born);
  doc_printf(d, "Prepared by %s on %s for a subject access request.\n", by, on);
  doc_printf(d, "These are the decisions made about %s in professional supervision, oldest first.\n", name);
  free(name);
  free(ref);
  free(by);
  if (!r->n_entries) doc_printf(d, "\nNo decisions have been recorded.\n");
  for (size_t i = 0; i < r->n_entries; i++) {
    const Reflect__V1__CaseExtractEntry *e = r->entries[i];
    char when[64];
    when_local(ctx, e->at, 1, when, sizeof when);
    char *sup = clean(e->supervisor), *worker = clean(e->practitioner);
    doc_printf(d, "\n%s — %s supervision (session %" PRIu64 ", record revision %" PRIu32 ")\n", when,
               e->kind == REFLECT__V1__SESSION_KIND__SESSION_GROUP ? "group" : "individual", e->session_id,
               e->revision);
    doc_printf(d, "Supervisor: %s, Worker: %s\n", sup, worker);
    free(sup);
    free(worker);
    doc_field(d, "Risk", e->risk, e->superseded);
    doc_field(d, "Decision", e->decision, e->superseded);
    doc_field(d, "Why", e->rationale, e->superseded);
  }
  doc_printf(d, "\nRedactions\n");
  doc_printf(d, "Names of other children and of other people (third parties) are removed, because this\n"
                "record is about you and they have a right to privacy too. Each removal is marked\n"
                "[redacted: reason] where it was made.\n");
  if (!r->n_redactions) doc_printf(d, "Nothing was redacted.\n");
  for (size_t i = 0; i < r->n_redactions; i++) {
    const Reflect__V1__Redaction *x = r->redactions[i];
    char when[96] = "?", at[64];
    if (x->entry < r->n_entries) {
      const Reflect__V1__CaseExtractEntry *e = r->entries[x->entry];
      when_local(ctx, e->at, 1, at, sizeof at);
      snprintf(when, sizeof when, "%s (session %" PRIu64 ", revision %" PRIu32 ")", at, e->session_id, e->revision);
    }
    /* The field as the document labels it. */
    const char *label = !strcmp(x->field, "risk")        ? "Risk"
                        : !strcmp(x->field, "decision")  ? "Decision"
                        : !strcmp(x->field, "rationale") ? "Why"
                                                         : x->field;
    char *field = clean(label), *reason = clean(x->reason);
    doc_printf(d, "- %s, %s: %s\n", when, field, reason);
    free(field);
    free(reason);
  }
}

static cJSON *extract_json(const Reflect__V1__ExportCaseReply *r)
{
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "case", cli_case_json(r->case_));
  cli_json_add_time(o, "generated_at", r->generated_at);
  cli_json_add_text(o, "generated_by", r->generated_by);
  cJSON *list = cJSON_AddArrayToObject(o, "entries");
  for (size_t i = 0; i < r->n_entries; i++) {
    const Reflect__V1__CaseExtractEntry *e = r->entries[i];
    cJSON *j = cJSON_CreateObject();
    cli_json_add_u64(j, "session_id", e->session_id);
    cli_json_add_u64(j, "revision", e->revision);
    cli_json_add_time(j, "at", e->at);
    cli_json_add_text(j, "kind", e->kind == REFLECT__V1__SESSION_KIND__SESSION_GROUP ? "group" : "individual");
    cli_json_add_text(j, "supervisor", e->supervisor);
    cli_json_add_text(j, "worker", e->practitioner);
    cli_json_add_text(j, "risk", e->risk);
    cli_json_add_text(j, "decision", e->decision);
    cli_json_add_text(j, "rationale", e->rationale);
    cJSON_AddBoolToObject(j, "superseded", e->superseded);
    cJSON_AddItemToArray(list, j);
  }
  cJSON *red = cJSON_AddArrayToObject(o, "redactions");
  for (size_t i = 0; i < r->n_redactions; i++) {
    cJSON *j = cJSON_CreateObject();
    cli_json_add_u64(j, "entry", r->redactions[i]->entry);
    cli_json_add_text(j, "field", r->redactions[i]->field);
    cli_json_add_text(j, "reason", r->redactions[i]->reason);
    cJSON_AddItemToArray(red, j);
  }
  return o;
}

/* A child's whole file: 0600, and never over an existing file unless asked. */
static int write_out(const char *path, const char *data, size_t len, int force)
{
  int rc = force ? client_file_write_atomic(path, data, len, 0600) : client_file_create_new(path, data, len, 0600);
  if (rc == CLIENT_OK) return CLI_EXIT_OK;
  if (!force && errno == EEXIST) cli_error("%s already exists; give --force to replace it", path);
  else cli_error("cannot write %s: %s", path, strerror(errno));
  return CLI_EXIT_REFUSED;
}

static int run_cli_export_case(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__ExportCaseRequest in = REFLECT__V1__EXPORT_CASE_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  const char *arg = a->pos[0], *out = cli_arg_value(a, "output");
  int force = cli_arg_count(a, "force") > 0;
  if (force && !out) return cli_usage_error(ctx, "--force only goes with --output");
  if (out && !*out) return cli_usage_error(ctx, "--output needs a file name");
  /* Checked before asking: an extract is audited when the server sends it,
   * and one that could not be written would be recorded for nothing. */
  if (out && !force && access(out, F_OK) == 0) {
    cli_error("%s already exists; give --force to replace it", out);
    return CLI_EXIT_REFUSED;
  }
  int rc = strspn(arg, "0123456789") != strlen(arg) ? cli_check_text(ctx, "CASE", arg, 64)
                                                    : cli_parse_u64(ctx, "CASE", arg, 1, INT64_MAX, &in.case_id);
  if (rc) return rc;
  in.reference = (char *)(in.case_id ? "" : arg);
  req.op_case = REFLECT__V1__REQUEST__OP_EXPORT_CASE;
  req.export_case = &in;
  /* A long record comes in pages, each with its own redactions (indexed
   * within the page); they are put together here as one extract. */
  Reflect__V1__Reply *pages[CLI_PAGES_MAX];
  Reflect__V1__CaseExtractEntry **entries = NULL;
  Reflect__V1__Redaction **redactions = NULL;
  size_t n_pages = 0, n_entries = 0, n_redactions = 0;
  for (int more = 1; more && !rc;) {
    if (n_pages == CLI_PAGES_MAX) {
      cli_error("the extract is longer than %d pages", CLI_PAGES_MAX);
      rc = CLI_EXIT_REFUSED;
      break;
    }
    rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_EXPORT_CASE, &rep);
    if (rc) break;
    pages[n_pages++] = rep;
    Reflect__V1__ExportCaseReply *p = rep->export_case;
    Reflect__V1__CaseExtractEntry **e = realloc(entries, sizeof *e * (n_entries + p->n_entries + 1));
    if (e) entries = e;
    Reflect__V1__Redaction **x = realloc(redactions, sizeof *x * (n_redactions + p->n_redactions + 1));
    if (x) redactions = x;
    if (!e || !x) {
      rc = CLI_EXIT_REFUSED;
      break;
    }
    for (size_t i = 0; i < p->n_redactions; i++) {
      p->redactions[i]->entry += (uint32_t)n_entries;
      redactions[n_redactions++] = p->redactions[i];
    }
    for (size_t i = 0; i < p->n_entries; i++) entries[n_entries++] = p->entries[i];
    more = p->more && p->n_entries;
    in.after_session = p->next_session;
    in.after_revision = p->next_revision;
  }
  if (rc) {
    free(entries);
    free(redactions);
    for (size_t i = 0; i < n_pages; i++) wire_free_reply(pages[i]);
    return rc;
  }
  Reflect__V1__ExportCaseReply whole = *pages[0]->export_case;
  whole.entries = entries;
  whole.n_entries = n_entries;
  whole.redactions = redactions;
  whole.n_redactions = n_redactions;
  const Reflect__V1__ExportCaseReply *r = &whole;
  doc d = {0};
  if (!r->case_) {
    cli_error("the server sent an extract without its case");
    rc = CLI_EXIT_UNREACHABLE;
  } else if (ctx->json) {
    char *text = cli_json_text(extract_json(r));
    doc_printf(&d, "%s\n", text);
    explicit_bzero(text, strlen(text));
    free(text);
  } else {
    doc_build(ctx, r, &d);
  }
  free(entries);
  free(redactions);
  for (size_t i = 0; i < n_pages; i++) wire_free_reply(pages[i]);
  if (!rc && out) rc = write_out(out, d.p ? d.p : "", d.n, force);
  else if (!rc) fwrite(d.p ? d.p : "", 1, d.n, stdout);
  if (d.p) {
    /* A child's file: not left behind in freed memory. */
    volatile char *v = d.p;
    for (size_t i = 0; i < d.cap; i++) v[i] = 0;
  }
  free(d.p);
  return rc;
}

static const cli_opt export_opts[] = {{"output", "FILE", 0}, {"force", NULL, 0}, {NULL, NULL, 0}};

const cli_command cli_export_case = {
    .name = "case",
    .summary = "A child's record extract, with third parties redacted.",
    .synopsis = "CASE [--output FILE [--force]]",
    .help = "For a subject access request: every decision recorded about the child in\n"
            "supervision, oldest first, each revision of each record included (a decision\n"
            "later changed is marked so). Names of other children and of third parties are\n"
            "redacted by the server, each marked with its reason and listed at the end.\n"
            "For managers overseeing the child's worker. The export is recorded in the\n"
            "audit log.\n\n"
            "CASE is the case's id, or its reference.\n\n"
            "options:\n"
            "  --output FILE      write FILE (mode 0600) instead of standard output\n"
            "  --force            replace FILE if it exists\n",
    .opts = export_opts,
    .pos_name = "CASE",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = run_cli_export_case,
};
