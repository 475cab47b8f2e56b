/* reflect due: when each supervisee's next individual supervision is due
 * under their agreement, and who is overdue. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_time.h"
#include "wire.h"

#define DUE_USERNAME_MAX 256

/* The next booked session comes after the time it is due: booked, but not
 * soon enough, which "booked" alone would hide. */
static int booked_late(const Reflect__V1__SupervisionDue *d)
{
  return d->next_scheduled && d->next_scheduled > d->next_due;
}

static void due_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  const Reflect__V1__SupervisionDue *d = ((const Reflect__V1__DueListReply *)list)->due[i];
  char last[CLI_TIME_MAX] = "-", next[CLI_TIME_MAX], booked[CLI_TIME_MAX + 24] = "-", status[64] = "";
  if (d->last_held) cli_time_format_local(d->last_held, cli_zone(ctx), last, sizeof last);
  cli_time_format_local(d->next_due, cli_zone(ctx), next, sizeof next);
  /* A due time at midnight comes from a date (the agreement's start), not
   * from a session's time of day: "00:00" would read as an appointment. */
  size_t len = strlen(next);
  if (d->next_due % 60 == 0 && len == 16 && !strcmp(next + 10, " 00:00")) next[10] = '\0';
  if (d->next_scheduled) {
    char when[CLI_TIME_MAX];
    cli_time_format_local(d->next_scheduled, cli_zone(ctx), when, sizeof when);
    snprintf(booked, sizeof booked, "%s (session %" PRIu64 ")", when, d->next_session);
  }
  if (d->overdue) {
    snprintf(status, sizeof status, "OVERDUE %" PRIu32 " day%s", d->overdue_days, d->overdue_days == 1 ? "" : "s");
  } else if (booked_late(d)) {
    int64_t days = (d->next_scheduled - d->next_due) / 86400;
    if (days) snprintf(status, sizeof status, "booked late (%" PRId64 " day%s after due)", days, days == 1 ? "" : "s");
    else snprintf(status, sizeof status, "booked late (under a day after due)");
  } else {
    snprintf(status, sizeof status, "%s", d->next_scheduled ? "booked" : "not booked");
  }
  const char *cells[] = {d->supervisee, d->supervisor, *d->rule ? d->rule : "-", last, next, booked, status};
  cli_table_add(t, cells);
}

static cJSON *due_json(const void *list, size_t i)
{
  const Reflect__V1__SupervisionDue *d = ((const Reflect__V1__DueListReply *)list)->due[i];
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "agreement_id", d->agreement_id);
  cli_json_add_text(o, "supervisor", d->supervisor);
  cli_json_add_text(o, "supervisee", d->supervisee);
  cli_json_add_text(o, "rule", d->rule);
  if (d->last_held) cli_json_add_time(o, "last_held", d->last_held);
  cli_json_add_u64(o, "last_session", d->last_session);
  cli_json_add_time(o, "next_due", d->next_due);
  if (d->next_scheduled) cli_json_add_time(o, "next_scheduled", d->next_scheduled);
  cli_json_add_u64(o, "next_session", d->next_session);
  cJSON_AddBoolToObject(o, "booked_late", booked_late(d));
  cJSON_AddBoolToObject(o, "overdue", d->overdue);
  cli_json_add_u64(o, "overdue_days", d->overdue_days);
  return o;
}

static const char *const due_heads[] = {"SUPERVISEE", "SUPERVISOR", "RULE",  "LAST HELD",
                                        "NEXT DUE",   "BOOKED",     "STATUS"};
static const cli_list_format due_format = {7, due_heads, due_row, due_json};

static const cli_opt due_opts[] = {
    {"overdue", NULL, 0},
    {"who", "USER", 0},
    {NULL, NULL, 0},
};

static int due_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__DueListRequest list = REFLECT__V1__DUE_LIST_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  const char *who = cli_arg_value(a, "who");
  if (who && cli_check_text(ctx, "--who", who, DUE_USERNAME_MAX)) return CLI_EXIT_USAGE;
  list.overdue = cli_arg_count(a, "overdue") > 0;
  list.supervisee = (char *)(who ? who : "");
  req.op_case = REFLECT__V1__REQUEST__OP_DUE_LIST;
  req.due_list = &list;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_DUE_LIST, &rep);
  if (rc) return rc;
  rc = cli_print_list(ctx, &due_format, rep->due_list, rep->due_list->n_due);
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_cmd_due = {
    .name = "due",
    .summary = "When supervision is next due, and who is overdue.",
    .synopsis = "[--overdue] [--who USER]",
    .help = "One line per running agreement you can see: yours as supervisor or supervisee,\n"
            "and as a manager your teams'. The next session is due one interval (of the\n"
            "agreement's rule, at the step in force then) after the last individual session\n"
            "held since the agreement started, or after its start if none has. Group sessions\n"
            "do not count: they never replace individual supervision. Overdue means that\n"
            "time has passed with nothing held since; a session booked but not yet held\n"
            "shows under BOOKED and does not clear it; one booked for after the time it is\n"
            "due shows as booked late. A NEXT DUE at midnight shows as its date alone.\n\n"
            "options:\n"
            "  --overdue          only those overdue\n"
            "  --who USER         only this supervisee\n",
    .opts = due_opts,
    .json = 1,
    .run = due_run,
};
