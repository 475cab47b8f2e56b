/* reflect session attendance / confirm-attendance: who came to a group
 * session, recorded by its facilitator and confirmed by each member. */
#include <stdio.h>

#include "cli.h"
#include "cli_sessions.h"
#include "wire.h"

#define ATTENDANCE_NAMES_MAX 32
#define ATTENDANCE_USERNAME_MAX 256

static const cli_opt attendance_opts[] = {
    {"present", "USER", ATTENDANCE_NAMES_MAX},
    {"absent", "USER", ATTENDANCE_NAMES_MAX},
    {NULL, NULL, 0},
};

/* Points names at every value of --opt; returns the exit code. */
static int attendance_names(const cli_ctx *ctx, const cli_args *a, const char *opt, char **names, size_t *n)
{
  *n = cli_arg_count(a, opt);
  char what[16];
  snprintf(what, sizeof what, "--%s", opt);
  for (size_t i = 0; i < *n; i++) {
    names[i] = (char *)cli_arg_nth(a, opt, i);
    int rc = cli_check_text(ctx, what, names[i], ATTENDANCE_USERNAME_MAX);
    if (rc) return rc;
  }
  return CLI_EXIT_OK;
}

static int attendance_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionAttendanceRequest rec = REFLECT__V1__SESSION_ATTENDANCE_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  char *present[ATTENDANCE_NAMES_MAX], *absent[ATTENDANCE_NAMES_MAX];
  int rc = cli_parse_u64(ctx, "SESSION", a->pos[0], 1, INT64_MAX, &rec.session_id);
  if (!rc) rc = attendance_names(ctx, a, "present", present, &rec.n_present);
  if (!rc) rc = attendance_names(ctx, a, "absent", absent, &rec.n_absent);
  if (!rc && rec.n_present + rec.n_absent == 0) rc = cli_usage_error(ctx, "give --present USER or --absent USER");
  if (rc) return rc;
  rec.present = present;
  rec.absent = absent;
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_ATTENDANCE;
  req.session_attendance = &rec;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_SESSION_ATTENDANCE, &rep);
  if (rc) return rc;
  wire_free_reply(rep);
  return CLI_EXIT_OK;
}

const cli_command cli_session_attendance = {
    .name = "attendance",
    .summary = "Record who came to a group session (its facilitator).",
    .synopsis = "SESSION [--present USER]... [--absent USER]...",
    .help = "Once the session has started (or is marked held). Members not named keep what\n"
            "was recorded for them. You may correct an entry until that member has\n"
            "confirmed it; the audit log keeps what each correction replaced.\n\n"
            "options:\n"
            "  --present USER     a member who came (repeat for each)\n"
            "  --absent USER      a member who did not (repeat for each)\n",
    .opts = attendance_opts,
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .run = attendance_run,
};

static int confirm_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__AttendanceSignRequest sign = REFLECT__V1__ATTENDANCE_SIGN_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  int rc = cli_parse_u64(ctx, "SESSION", a->pos[0], 1, INT64_MAX, &sign.session_id);
  if (rc) return rc;
  req.op_case = REFLECT__V1__REQUEST__OP_ATTENDANCE_SIGN;
  req.attendance_sign = &sign;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_ATTENDANCE_SIGN, &rep);
  if (rc) return rc;
  wire_free_reply(rep);
  return CLI_EXIT_OK;
}

const cli_command cli_session_confirm_attendance = {
    .name = "confirm-attendance",
    .summary = "Confirm the attendance recorded for you at a group session.",
    .synopsis = "SESSION",
    .help = "Check it first with 'reflect session show SESSION'. Once confirmed, it is not\n"
            "changed.\n\noptions:\n",
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .run = confirm_run,
};
