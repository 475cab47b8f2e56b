/* reflect case decisions: a case's decision log, oldest first. Each
 * decision was entered once, in a session's record; the log shows it on the
 * child's own file with when, who decided, why, and where it came from. */
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

static cJSON *decisions_json(const Reflect__V1__CaseDecisionsReply *r)
{
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "case", cli_case_json(r->case_));
  cJSON *list = cJSON_AddArrayToObject(o, "decisions");
  for (size_t i = 0; i < r->n_decisions; i++) {
    const Reflect__V1__Decision *d = r->decisions[i];
    cJSON *j = cJSON_CreateObject();
    cli_json_add_u64(j, "session_id", d->session_id);
    cli_json_add_u64(j, "revision", d->revision);
    cli_json_add_time(j, "at", d->at);
    cli_json_add_text(j, "decided_by", d->decided_by);
    cli_json_add_text(j, "risk", d->risk);
    cli_json_add_text(j, "decision", d->decision);
    cli_json_add_text(j, "rationale", d->rationale);
    cJSON_AddBoolToObject(j, "superseded", d->superseded);
    cJSON_AddItemToArray(list, j);
  }
  return o;
}

/* "  rationale: first line", further lines indented under it. */
static void print_field(const char *name, const char *value)
{
  if (!*value) return;
  char *clean = cli_text_clean(value, 1);
  printf("  %-10s", name);
  for (char *line = clean, *nl; line; line = nl ? nl + 1 : NULL) {
    nl = strchr(line, '\n');
    printf("%s%.*s\n", line == clean ? " " : "             ", nl ? (int)(nl - line) : (int)strlen(line), line);
  }
  free(clean);
}

static void decisions_print(const cli_ctx *ctx, const Reflect__V1__CaseDecisionsReply *r)
{
  cli_case_print(ctx, r->case_);
  if (!r->n_decisions) printf("\nNo decisions recorded yet.\n");
  for (size_t i = 0; i < r->n_decisions; i++) {
    const Reflect__V1__Decision *d = r->decisions[i];
    char when[CLI_TIME_MAX];
    cli_time_format_local(d->at, cli_zone(ctx), when, sizeof when);
    printf("\n%s  session %" PRIu64 ", revision %" PRIu32 ", decided by %s%s\n", when, d->session_id, d->revision,
           d->decided_by, d->superseded ? "  (superseded: a later revision changed it)" : "");
    print_field("risk:", d->risk);
    print_field("decision:", d->decision);
    print_field("rationale:", d->rationale);
  }
}

static const cli_opt decisions_opts[] = {{"ref", "REFERENCE", 0}, {NULL, NULL, 0}};

/* CASE is an id when it is all digits, else a reference; --ref is for a
 * reference that is all digits. */
static int decisions_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CaseDecisionsRequest in = REFLECT__V1__CASE_DECISIONS_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  const char *ref = cli_arg_value(a, "ref");
  if ((a->npos == 1) == (ref != NULL)) return cli_usage_error(ctx, "give a case (its id or reference) or --ref");
  const char *arg = ref ? ref : a->pos[0];
  int rc = ref || strspn(arg, "0123456789") != strlen(arg) ? cli_check_text(ctx, "CASE", arg, 64)
                                                           : cli_parse_u64(ctx, "CASE", arg, 1, INT64_MAX, &in.id);
  if (rc) return rc;
  in.reference = (char *)(in.id ? "" : arg);
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_DECISIONS;
  req.case_decisions = &in;
  /* A long log comes in pages; the pages are shown as one. */
  Reflect__V1__Reply *pages[CLI_PAGES_MAX];
  Reflect__V1__Decision **all = NULL;
  size_t n_pages = 0, n = 0;
  for (int more = 1; more && !rc;) {
    if (n_pages == CLI_PAGES_MAX) {
      cli_error("the decision log is longer than %d pages", CLI_PAGES_MAX);
      rc = CLI_EXIT_REFUSED;
      break;
    }
    rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_CASE_DECISIONS, &rep);
    if (rc) break;
    pages[n_pages++] = rep;
    const Reflect__V1__CaseDecisionsReply *r = rep->case_decisions;
    Reflect__V1__Decision **grown = realloc(all, sizeof *all * (n + r->n_decisions + 1));
    if (!grown) {
      rc = CLI_EXIT_REFUSED;
      break;
    }
    all = grown;
    for (size_t i = 0; i < r->n_decisions; i++) all[n++] = r->decisions[i];
    more = r->more && r->n_decisions;
    in.after_session = r->next_session;
    in.after_revision = r->next_revision;
  }
  if (!rc) {
    Reflect__V1__CaseDecisionsReply whole = *pages[0]->case_decisions;
    whole.decisions = all;
    whole.n_decisions = n;
    if (!whole.case_) rc = CLI_EXIT_UNREACHABLE;
    else if (ctx->json) rc = cli_json_print(decisions_json(&whole));
    else decisions_print(ctx, &whole);
  }
  free(all);
  for (size_t i = 0; i < n_pages; i++) wire_free_reply(pages[i]);
  return rc;
}

const cli_command cli_case_decisions = {
    .name = "decisions",
    .summary = "Show a case's decision log: every decision, when, by whom and why.",
    .synopsis = "CASE | --ref REFERENCE",
    .help = "CASE is the case's id, or its reference. Decisions come from the case sections\n"
            "of session records, oldest first, with the session they were made in. A\n"
            "decision a later revision of its record changed is marked superseded; nothing\n"
            "is removed. Every look is recorded in the audit log.\n\n"
            "options:\n"
            "  --ref REFERENCE    the case's reference (for one that is all digits)\n",
    .opts = decisions_opts,
    .pos_name = "CASE",
    .min_pos = 0,
    .max_pos = 1,
    .json = 1,
    .run = decisions_run,
};
