/* reflect session add, reflect session list: booking supervision sessions
 * and seeing them, with times in the organisation's zone. */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "cli.h"
#include "cli_sessions.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_time.h"
#include "wire.h"

#define SESSION_MEMBERS_MAX 64
#define SESSION_LIMIT_MAX 10000
#define SESSION_USERNAME_MAX 256

static const cli_opt session_add_opts[] = {
    {"with", "USER", SESSION_MEMBERS_MAX},
    {"at", "\"YYYY-MM-DD HH:MM\"", 0},
    {"minutes", "N", 0},
    {"room", "TEXT", 0},
    {NULL, NULL, 0},
};

/* Everything that can be checked before the organisation's zone is known
 * (it comes with the login token), so that usage errors come first. */
static int session_add_check(const cli_ctx *ctx, const cli_args *a, uint64_t *minutes)
{
  int rc = cli_arg_require(ctx, a, "with");
  for (size_t i = 0; !rc && i < cli_arg_count(a, "with"); i++)
    rc = cli_check_text(ctx, "--with", cli_arg_nth(a, "with", i), SESSION_USERNAME_MAX);
  if (!rc) rc = cli_arg_require(ctx, a, "at");
  const char *why = rc ? NULL : cli_time_check(cli_arg_value(a, "at"));
  if (why) rc = cli_usage_error(ctx, "--at %s", why);
  if (!rc) rc = cli_arg_require(ctx, a, "minutes");
  if (!rc)
    rc = cli_parse_u64(ctx, "--minutes", cli_arg_value(a, "minutes"), REFLECT_SESSION_MINUTES_MIN,
                       REFLECT_SESSION_MINUTES_MAX, minutes);
  if (!rc && cli_arg_value(a, "room")) rc = cli_check_text(ctx, "--room", cli_arg_value(a, "room"), CLI_TEXT_MAX);
  return rc;
}

static int session_add_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionAddRequest add = REFLECT__V1__SESSION_ADD_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  char *members[SESSION_MEMBERS_MAX];
  uint64_t minutes = 0;
  int rc = session_add_check(ctx, a, &minutes);
  if (!rc) rc = cli_call_connect(ctx);
  if (rc) return rc;
  const char *why = cli_time_parse(cli_arg_value(a, "at"), cli_zone(ctx), &add.starts_at);
  if (why) return cli_usage_error(ctx, "--at %s", why);
  add.n_members = cli_arg_count(a, "with");
  for (size_t i = 0; i < add.n_members; i++) members[i] = (char *)cli_arg_nth(a, "with", i);
  add.members = members;
  add.minutes = (uint32_t)minutes;
  add.room = (char *)(cli_arg_value(a, "room") ? cli_arg_value(a, "room") : "");
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_ADD;
  req.session_add = &add;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_SESSION_ADD, &rep);
  if (rc) return rc;
  /* Recording a session already held is legitimate; a mistyped year is not. */
  if (add.starts_at < (int64_t)time(NULL))
    fprintf(stderr, "reflect: note: %s is in the past; booked as a session that has already happened\n",
            cli_arg_value(a, "at"));
  rc = cli_print_id(ctx, rep->session_add->id);
  wire_free_reply(rep);
  return rc;
}

static const cli_command session_add = {
    .name = "add",
    .summary = "Book a supervision session.",
    .synopsis = "--with USER [--with USER]... --at \"YYYY-MM-DD HH:MM\" --minutes N "
                "[--room TEXT]",
    .help = "One --with books an individual session, several a group session; you are the\n"
            "supervisor. --at is in the organisation's time zone (saved at login), or this\n"
            "machine's zone if none is known. Prints the new session's id.\n\n"
            "options:\n"
            "  --with USER        a supervisee's username (up to 64 times)\n"
            "  --at WHEN          the start, \"YYYY-MM-DD HH:MM\"\n"
            "  --minutes N        the length in minutes (" REFLECT_STR(REFLECT_SESSION_MINUTES_MIN) "-" REFLECT_STR(
                REFLECT_SESSION_MINUTES_MAX) ")\n"
                                             "  --room TEXT        where, or how to join online\n",
    .opts = session_add_opts,
    .json = 1,
    .run = session_add_run,
};

/* "ann, bob": a malloc'd string the caller frees. */
static char *session_join_members(const Reflect__V1__Session *s)
{
  size_t len = 1;
  for (size_t i = 0; i < s->n_members; i++) len += strlen(s->members[i]) + 2;
  char *out = cli_mem_alloc(len);
  out[0] = '\0';
  for (size_t i = 0; i < s->n_members; i++) {
    if (i) strcat(out, ", ");
    strcat(out, s->members[i]);
  }
  return out;
}

static void session_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  const Reflect__V1__Session *s = ((const Reflect__V1__SessionListReply *)list)->sessions[i];
  char id[24], when[CLI_TIME_MAX], minutes[16], rev[16];
  snprintf(id, sizeof id, "%" PRIu64, s->id);
  cli_time_format_local(s->starts_at, cli_zone(ctx), when, sizeof when);
  snprintf(minutes, sizeof minutes, "%" PRIu32, s->minutes);
  if (s->record_revision) snprintf(rev, sizeof rev, "%" PRIu32, s->record_revision);
  else snprintf(rev, sizeof rev, "-");
  char *members = session_join_members(s);
  const char *cells[] = {id, when, minutes, s->supervisor, members, s->room, cli_session_status_name(s->status), rev};
  cli_table_add(t, cells);
  free(members);
}

static cJSON *session_json(const void *list, size_t i)
{
  return cli_session_json(((const Reflect__V1__SessionListReply *)list)->sessions[i]);
}

static const char *const session_heads[] = {"ID", "WHEN", "MIN", "SUPERVISOR", "MEMBERS", "ROOM", "STATUS", "REV"};
static const cli_list_format session_format = {8, session_heads, session_row, session_json};

static const cli_opt session_list_opts[] = {
    {"upcoming", NULL, 0}, {"past", NULL, 0},       {"limit", "N", 0},
    {"with", "USER", 0},   {"status", "STATUS", 0}, {NULL, NULL, 0},
};

static int session_list_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionListRequest list = REFLECT__V1__SESSION_LIST_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  uint64_t limit = 0;
  list.upcoming = cli_arg_count(a, "upcoming") > 0;
  list.past = cli_arg_count(a, "past") > 0;
  if (list.upcoming && list.past) return cli_usage_error(ctx, "choose --upcoming or --past");
  if (cli_arg_value(a, "limit") &&
      cli_parse_u64(ctx, "--limit", cli_arg_value(a, "limit"), 1, SESSION_LIMIT_MAX, &limit))
    return CLI_EXIT_USAGE;
  list.limit = (uint32_t)limit;
  const char *with = cli_arg_value(a, "with"), *status = cli_arg_value(a, "status");
  if (with && cli_check_text(ctx, "--with", with, CLI_TEXT_MAX)) return CLI_EXIT_USAGE;
  list.with = (char *)(with ? with : "");
  if (status && cli_session_status_parse(status, &list.status))
    return cli_usage_error(ctx, "--status must be scheduled, held, cancelled or missed");
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_LIST;
  req.session_list = &list;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_SESSION_LIST, &rep);
  if (rc) return rc;
  const Reflect__V1__SessionListReply *r = rep->session_list;
  rc = cli_print_list(ctx, &session_format, r, r->n_sessions);
  wire_free_reply(rep);
  return rc;
}

static const cli_command session_list = {
    .name = "list",
    .summary = "List your sessions (a manager: also the team's).",
    .synopsis = "[--upcoming | --past] [--with USER] [--status STATUS] [--limit N]",
    .help = "The sessions you take part in; a manager also sees those of the teams they\n"
            "manage. Times are shown in the organisation's time zone; with --json they are\n"
            "ISO-8601 UTC strings plus Unix seconds.\n\n"
            "options:\n"
            "  --upcoming         only sessions that have not ended yet\n"
            "  --past             only sessions that have ended\n"
            "  --with USER        only sessions USER takes part in\n"
            "  --status STATUS    only scheduled, held, cancelled or missed sessions\n"
            "  --limit N          at most N sessions (1-10000; default: the server's)\n",
    .opts = session_list_opts,
    .json = 1,
    .run = session_list_run,
};

static const cli_command *const session_commands[] = {&session_add,
                                                      &session_list,
                                                      &cli_session_show,
                                                      &cli_session_move,
                                                      &cli_session_cancel,
                                                      &cli_session_held,
                                                      &cli_session_missed,
                                                      &cli_session_attendance,
                                                      &cli_session_confirm_attendance,
                                                      &cli_session_plan,
                                                      NULL};

const cli_command cli_group_session = {
    .name = "session",
    .summary = "Supervision sessions: book, list, show, move, cancel, mark held or missed.",
    .subs = session_commands,
};
