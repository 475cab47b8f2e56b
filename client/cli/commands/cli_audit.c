/* reflect audit show (--session N | --case ID|REF): who read or changed a
 * session's record or a case, and when. Managers, for the people their
 * teams oversee; the server decides. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_time.h"
#include "wire.h"

#define AUDIT_LIMIT_MAX 5000

static const char *const audit_heads[] = {"id", "time", "who", "role", "device", "action", "object", "detail"};

static void audit_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  const Reflect__V1__AuditEntry *e = ((const Reflect__V1__AuditListReply *)list)->entries[i];
  char id[24], when[CLI_TIME_MAX];
  snprintf(id, sizeof id, "%llu", (unsigned long long)e->id);
  cli_time_format_local(e->at, cli_zone(ctx), when, sizeof when);
  const char *cells[8] = {id, when, *e->who ? e->who : "(system)", e->role, e->device, e->action, e->object, e->detail};
  cli_table_add(t, cells);
}

static cJSON *audit_json(const void *list, size_t i)
{
  const Reflect__V1__AuditEntry *e = ((const Reflect__V1__AuditListReply *)list)->entries[i];
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "id", e->id);
  cli_json_add_time(o, "at", e->at);
  cli_json_add_text(o, "who", e->who);
  cli_json_add_text(o, "role", e->role);
  cli_json_add_text(o, "device", e->device);
  cli_json_add_text(o, "action", e->action);
  cli_json_add_text(o, "object", e->object);
  cli_json_add_text(o, "detail", e->detail);
  return o;
}

static const cli_list_format audit_format = {8, audit_heads, audit_row, audit_json};

/* DATE is a whole day in the organisation's zone (--from its start, --to
 * its end); "YYYY-MM-DD HH:MM" is that minute. */
static int read_time(cli_ctx *ctx, const cli_args *a, const char *name, int end, int64_t *out)
{
  const char *v = cli_arg_value(a, name);
  if (!v) return CLI_EXIT_OK;
  size_t n = strlen(v);
  if (n != 10 && n != 16) return cli_usage_error(ctx, "--%s is YYYY-MM-DD or \"YYYY-MM-DD HH:MM\"", name);
  char text[32];
  if (n == 16) snprintf(text, sizeof text, "%s", v);
  else snprintf(text, sizeof text, "%s %s", v, end ? "23:59" : "00:00");
  const char *why = cli_time_parse(text, cli_zone(ctx), out);
  if (why) return cli_usage_error(ctx, "--%s %s", name, why);
  if (end) *out += 59;
  return CLI_EXIT_OK;
}

static const cli_opt show_opts[] = {
    {"session", "N", 0}, {"case", "ID|REF", 0}, {"admin", NULL, 0}, {"from", "DATE", 0},
    {"to", "DATE", 0},   {"limit", "N", 0},     {NULL, NULL, 0},
};

static int show_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__AuditListRequest q = REFLECT__V1__AUDIT_LIST_REQUEST__INIT;
  const char *session = cli_arg_value(a, "session"), *kase = cli_arg_value(a, "case"),
             *limit = cli_arg_value(a, "limit");
  int admin = cli_arg_count(a, "admin") > 0;
  if ((session != NULL) + (kase != NULL) + admin != 1)
    return cli_usage_error(ctx, "give --session N, --case ID|REF or --admin (one of them)");
  int rc = CLI_EXIT_OK;
  q.administrative = admin;
  if (session) rc = cli_parse_u64(ctx, "--session", session, 1, INT64_MAX, &q.session_id);
  else if (kase && kase[0] && strspn(kase, "0123456789") == strlen(kase))
    rc = cli_parse_u64(ctx, "--case", kase, 1, INT64_MAX, &q.case_id);
  else if (kase && !(rc = cli_check_text(ctx, "--case", kase, CLI_TEXT_MAX))) q.reference = (char *)kase;
  uint64_t n = 0;
  if (!rc && limit) rc = cli_parse_u64(ctx, "--limit", limit, 1, AUDIT_LIMIT_MAX, &n);
  q.limit = (uint32_t)n;
  if (!rc) rc = cli_call_connect(ctx); /* the organisation's zone comes with the login */
  if (!rc) rc = read_time(ctx, a, "from", 0, &q.from);
  if (!rc) rc = read_time(ctx, a, "to", 1, &q.to);
  if (!rc && q.from && q.to && q.from > q.to) rc = cli_usage_error(ctx, "--to is before --from");
  if (rc) return rc;
  req.op_case = REFLECT__V1__REQUEST__OP_AUDIT_LIST;
  req.audit_list = &q;
  Reflect__V1__Reply *rep;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_AUDIT_LIST, &rep);
  if (rc) return rc;
  const Reflect__V1__AuditListReply *r = rep->audit_list;
  rc = cli_print_list(ctx, &audit_format, r, r->n_entries);
  if (r->truncated)
    cli_error("more entries match than were shown: narrow --from/--to or raise --limit (at most %d)", AUDIT_LIMIT_MAX);
  wire_free_reply(rep);
  return rc;
}

static const cli_command audit_show = {
    .name = "show",
    .summary = "Who read or changed a session's record or a case, and when.",
    .synopsis = "(--session N | --case ID|REF | --admin) [--from DATE] [--to DATE] [--limit N]",
    .help = "Lists the audit log's entries about one session (its record, its actions, the\n"
            "cases it discussed) or one case (its identity, decisions, people, export and\n"
            "actions), oldest first, with the time in the organisation's zone. Managers only,\n"
            "for sessions and cases of the people their teams oversee. --admin lists what\n"
            "administrators did that could let someone act in your teams: accounts added\n"
            "and passwords reset for your teams' members, who joined or manages your teams,\n"
            "and inspectors granted or refused them.\n\n"
            "options:\n"
            "  --session N     the session\n"
            "  --case ID|REF   the case, by id or by its reference (all digits is an id)\n"
            "  --admin         administrative actions concerning your teams\n"
            "  --from DATE     from the start of this day (YYYY-MM-DD, or \"YYYY-MM-DD HH:MM\")\n"
            "  --to DATE       to the end of this day\n"
            "  --limit N       at most N entries (default 500, at most 5000)\n",
    .opts = show_opts,
    .json = 1,
    .run = show_run,
};

static const cli_command *const audit_commands[] = {&audit_show, NULL};

const cli_command cli_group_audit = {
    .name = "audit",
    .summary = "The audit log: who read or changed a record or a case.",
    .subs = audit_commands,
};
