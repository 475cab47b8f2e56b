/* reflect session show / move / cancel / held / missed: a session's life after booking. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "cli.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_sessions.h"
#include "cli_time.h"
#include "wire.h"

static int parse_session(const cli_ctx *ctx, const cli_args *a, uint64_t *id)
{
  return cli_parse_u64(ctx, "SESSION", a->pos[0], 1, INT64_MAX, id);
}

static const char *change_name(Reflect__V1__SessionStatus what)
{
  return what == REFLECT__V1__SESSION_STATUS__SESSION_RESCHEDULED ? "moved" : cli_session_status_name(what);
}

static cJSON *history_json(const Reflect__V1__SessionShowReply *r)
{
  cJSON *arr = cJSON_CreateArray();
  for (size_t i = 0; i < r->n_history; i++) {
    const Reflect__V1__SessionChange *h = r->history[i];
    cJSON *o = cJSON_CreateObject();
    cli_json_add_time(o, "at", h->at);
    cli_json_add_text(o, "by", h->by);
    cli_json_add_text(o, "what", change_name(h->what));
    if (h->old_starts_at) cli_json_add_time(o, "old_starts_at", h->old_starts_at);
    if (h->new_starts_at) cli_json_add_time(o, "new_starts_at", h->new_starts_at);
    if (h->old_minutes) cli_json_add_u64(o, "old_minutes", h->old_minutes);
    if (h->new_minutes) cli_json_add_u64(o, "new_minutes", h->new_minutes);
    cli_json_add_text(o, "reason", h->reason);
    cJSON_AddItemToArray(arr, o);
  }
  return arr;
}

static const char *attendance_name(Reflect__V1__Attendance a)
{
  return a == REFLECT__V1__ATTENDANCE__ATTENDANCE_PRESENT  ? "present"
         : a == REFLECT__V1__ATTENDANCE__ATTENDANCE_ABSENT ? "absent"
                                                           : "not recorded";
}

/* What was recorded for a member of a group session, if anything. */
static const Reflect__V1__MemberAttendance *attendance_of(const Reflect__V1__Session *s, const char *member)
{
  for (size_t i = 0; i < s->n_attendance; i++)
    if (s->attendance[i]->member && !strcmp(s->attendance[i]->member, member)) return s->attendance[i];
  return NULL;
}

static cJSON *attendance_json(const Reflect__V1__Session *s)
{
  cJSON *arr = cJSON_CreateArray();
  for (size_t i = 0; i < s->n_members; i++) {
    const Reflect__V1__MemberAttendance *m = attendance_of(s, s->members[i]);
    cJSON *o = cJSON_CreateObject();
    cli_json_add_text(o, "member", s->members[i]);
    cli_json_add_text(o, "attendance", m ? attendance_name(m->attendance) : "not recorded");
    cJSON_AddBoolToObject(o, "confirmed", m && m->signed_at);
    if (m && m->signed_at) cli_json_add_time(o, "confirmed_at", m->signed_at);
    cJSON_AddItemToArray(arr, o);
  }
  return arr;
}

static void print_attendance(const cli_ctx *ctx, const Reflect__V1__Session *s)
{
  printf("attendance:\n");
  for (size_t i = 0; i < s->n_members; i++) {
    const Reflect__V1__MemberAttendance *m = attendance_of(s, s->members[i]);
    char at[CLI_TIME_MAX] = "";
    if (m && m->signed_at) cli_time_format_local(m->signed_at, cli_zone(ctx), at, sizeof at);
    printf("  %-20s %-13s %s%s\n", s->members[i],
           attendance_name(m ? m->attendance : REFLECT__V1__ATTENDANCE__ATTENDANCE_UNKNOWN),
           !m    ? ""
           : *at ? "confirmed "
                 : "not confirmed yet",
           at);
  }
}

static void print_show(const cli_ctx *ctx, const Reflect__V1__SessionShowReply *r)
{
  const Reflect__V1__Session *s = r->session;
  char when[CLI_TIME_MAX];
  cli_time_format_local(s->starts_at, cli_zone(ctx), when, sizeof when);
  char *room = cli_text_clean(s->room, 0);
  printf("session %" PRIu64 " (%s)\n", s->id, cli_session_status_name(s->status));
  printf("when:        %s, %" PRIu32 " minutes\n", when, s->minutes);
  printf("supervisor:  %s\n", s->supervisor);
  printf("with:        ");
  for (size_t i = 0; i < s->n_members; i++) printf("%s%s", i ? ", " : "", s->members[i]);
  printf("\nroom:        %s\nrecord:      %s\n", room, s->record_revision ? "written" : "not yet");
  free(room);
  if (s->kind == REFLECT__V1__SESSION_KIND__SESSION_GROUP) print_attendance(ctx, s);
  printf("\nhistory:\n");
  for (size_t i = 0; i < r->n_history; i++) {
    const Reflect__V1__SessionChange *h = r->history[i];
    char at[CLI_TIME_MAX], to[CLI_TIME_MAX] = "";
    cli_time_format_local(h->at, cli_zone(ctx), at, sizeof at);
    if (h->new_starts_at) cli_time_format_local(h->new_starts_at, cli_zone(ctx), to, sizeof to);
    char *reason = cli_text_clean(h->reason, 0);
    printf("  %s  %-9s by %s%s%s%s%s\n", at, change_name(h->what), h->by, *to ? ": " : "", to, *reason ? " — " : "",
           reason);
    free(reason);
  }
}

static int show_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionShowRequest show = REFLECT__V1__SESSION_SHOW_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  int rc = parse_session(ctx, a, &show.session_id);
  if (rc) return rc;
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_SHOW;
  req.session_show = &show;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_SESSION_SHOW, &rep);
  if (rc) return rc;
  const Reflect__V1__SessionShowReply *r = rep->session_show;
  if (!r->session) {
    rc = CLI_EXIT_UNREACHABLE;
  } else if (ctx->json) {
    cJSON *o = cJSON_CreateObject();
    cJSON *session = cli_session_json(r->session);
    if (r->session->kind == REFLECT__V1__SESSION_KIND__SESSION_GROUP)
      cJSON_AddItemToObject(session, "attendance", attendance_json(r->session));
    cJSON_AddItemToObject(o, "session", session);
    cJSON_AddItemToObject(o, "history", history_json(r));
    rc = cli_json_print(o);
  } else {
    print_show(ctx, r);
  }
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_session_show = {
    .name = "show",
    .summary = "Show a session and its history.",
    .synopsis = "SESSION",
    .help = "The history lists when it was booked, moved, cancelled, held or missed, by\n"
            "whom, and why. A group session also shows each member's attendance and\n"
            "whether they have confirmed it. A manager sees the sessions of the teams they\n"
            "manage.\n\noptions:\n",
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = show_run,
};

static const cli_opt move_opts[] = {
    {"at", "WHEN", 0},
    {"minutes", "N", 0},
    {"reason", "TEXT", 0},
    {NULL, NULL, 0},
};

static int move_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionRescheduleRequest move = REFLECT__V1__SESSION_RESCHEDULE_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  uint64_t minutes = 0;
  const char *reason = cli_arg_value(a, "reason");
  int rc = parse_session(ctx, a, &move.session_id);
  if (!rc) rc = cli_arg_require(ctx, a, "at");
  if (!rc && cli_arg_value(a, "minutes"))
    rc = cli_parse_u64(ctx, "--minutes", cli_arg_value(a, "minutes"), REFLECT_SESSION_MINUTES_MIN,
                       REFLECT_SESSION_MINUTES_MAX, &minutes);
  if (!rc && reason) rc = cli_check_text(ctx, "--reason", reason, CLI_TEXT_MAX);
  if (!rc) rc = cli_call_connect(ctx);
  if (rc) return rc;
  const char *why = cli_time_parse(cli_arg_value(a, "at"), cli_zone(ctx), &move.starts_at);
  if (why) return cli_usage_error(ctx, "--at %s", why);
  move.minutes = (uint32_t)minutes;
  move.reason = (char *)(reason ? reason : "");
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_RESCHEDULE;
  req.session_reschedule = &move;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_SESSION_RESCHEDULE, &rep);
  if (rc) return rc;
  wire_free_reply(rep);
  return CLI_EXIT_OK;
}

const cli_command cli_session_move = {
    .name = "move",
    .summary = "Move a scheduled session to another time.",
    .synopsis = "SESSION --at \"YYYY-MM-DD HH:MM\" [--minutes N] [--reason TEXT]",
    .help = "Refused if anyone taking part, or the room, is busy then. The old time stays in\n"
            "the session's history.\n\n"
            "options:\n"
            "  --at WHEN          the new start, in the organisation's time zone\n"
            "  --minutes N        a new length (" REFLECT_STR(REFLECT_SESSION_MINUTES_MIN) "-" REFLECT_STR(
                REFLECT_SESSION_MINUTES_MAX) "); default: unchanged\n"
                                             "  --reason TEXT      why it moved\n",
    .opts = move_opts,
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .run = move_run,
};

static const cli_opt reason_opts[] = {
    {"reason", "TEXT", 0},
    {NULL, NULL, 0},
};

static int set_status(cli_ctx *ctx, const cli_args *a, Reflect__V1__SessionStatus status, int need_reason)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionStatusRequest set = REFLECT__V1__SESSION_STATUS_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  const char *reason = cli_arg_value(a, "reason");
  int rc = parse_session(ctx, a, &set.session_id);
  if (!rc && need_reason) rc = cli_arg_require(ctx, a, "reason");
  if (!rc && reason) rc = cli_check_text(ctx, "--reason", reason, CLI_TEXT_MAX);
  if (rc) return rc;
  set.status = status;
  set.reason = (char *)(reason ? reason : "");
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_STATUS;
  req.session_status = &set;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_SESSION_STATUS, &rep);
  if (rc) return rc;
  wire_free_reply(rep);
  return CLI_EXIT_OK;
}

static int cancel_run(cli_ctx *ctx, const cli_args *a)
{
  return set_status(ctx, a, REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED, 1);
}
static int held_run(cli_ctx *ctx, const cli_args *a)
{
  return set_status(ctx, a, REFLECT__V1__SESSION_STATUS__SESSION_HELD, 0);
}
static int missed_run(cli_ctx *ctx, const cli_args *a)
{
  return set_status(ctx, a, REFLECT__V1__SESSION_STATUS__SESSION_MISSED, 1);
}

#define STATUS_COMMAND(var, nm, sum, syn, hlp, fn) \
  const cli_command var = {.name = nm,             \
                           .summary = sum,         \
                           .synopsis = syn,        \
                           .help = hlp,            \
                           .opts = reason_opts,    \
                           .pos_name = "SESSION",  \
                           .min_pos = 1,           \
                           .max_pos = 1,           \
                           .run = fn}

STATUS_COMMAND(cli_session_cancel, "cancel", "Cancel a scheduled session.", "SESSION --reason TEXT",
               "The reason is kept in the session's history (for sickness, rebook within five\n"
               "working days of return).\n\noptions:\n  --reason TEXT      why it is cancelled\n",
               cancel_run);
STATUS_COMMAND(cli_session_held, "held", "Mark a session as held.", "SESSION [--reason TEXT]",
               "Only once it has started.\n\noptions:\n  --reason TEXT      a note for the history\n", held_run);
STATUS_COMMAND(cli_session_missed, "missed", "Mark a session as missed.", "SESSION --reason TEXT",
               "Only once it has started.\n\noptions:\n  --reason TEXT      why it did not happen\n", missed_run);
