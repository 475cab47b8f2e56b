/* reflect calendar export: your sessions as an iCalendar file, for a
 * calendar application to import (and, by UID and SEQUENCE, re-import). */
#include "cli_calendar.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#include "calendar.h"
#include "ical.h"
#include "cli_out.h"
#include "cli_time.h"
#include "cli_zone.h"
#include "reflect/client_file.h"
#include "wire.h"

#define CAL_DEFAULT_BACK_S ((int64_t)30 * 86400)
#define CAL_DEFAULT_AHEAD_S ((int64_t)365 * 86400)
#define CAL_DATE_LEN 10

/* A DATE option as the instant its day starts in zone; with next_day, the
 * instant the following day starts (so that --to includes its day). */
static int cal_parse_date(cli_ctx *ctx, const char *opt, const char *date, const char *zone, int next_day, int64_t *out)
{
  char text[32];
  if (strlen(date) != CAL_DATE_LEN) return cli_usage_error(ctx, "%s must be YYYY-MM-DD", opt);
  snprintf(text, sizeof text, "%s 00:00", date);
  const char *why = cli_time_check(text);
  if (!why && next_day) {
    struct tm tm = {0};
    if (sscanf(date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) why = "is not a date";
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_mday += 1;
    time_t day = timegm(&tm); /* normalises the 32nd into the 1st */
    if (!why && gmtime_r(&day, &tm)) strftime(text, sizeof text, "%Y-%m-%d 00:00", &tm);
  }
  if (!why) why = cli_time_parse(text, zone, out);
  return why ? cli_usage_error(ctx, "%s %s", opt, why) : CLI_EXIT_OK;
}

static int cal_write(const char *path, const ical *b)
{
  if (!path || !strcmp(path, "-")) {
    fwrite(b->data, 1, b->len, stdout);
    return CLI_EXIT_OK;
  }
  /* Who is supervised when is personal data: 0600, like the token. */
  if (client_file_write_atomic(path, b->data, b->len, 0600) != CLIENT_OK) {
    cli_error("cannot write %s: %s", path, strerror(errno));
    return CLI_EXIT_REFUSED;
  }
  return CLI_EXIT_OK;
}

static int cal_export_run(cli_ctx *ctx, const cli_args *a)
{
  const char *from_s = cli_arg_value(a, "from"), *to_s = cli_arg_value(a, "to");
  int rc = cli_call_connect(ctx);
  if (rc) return rc;
  const char *zone = cli_zone(ctx);
  if (zone[0] && !cli_zone_installed(zone)) {
    cli_error("warning: time zone %s is not installed here; times are written in UTC", zone);
    zone = "";
  }
  int64_t now = (int64_t)time(NULL), from = now - CAL_DEFAULT_BACK_S, to = now + CAL_DEFAULT_AHEAD_S;
  if (from_s && (rc = cal_parse_date(ctx, "--from", from_s, zone, 0, &from))) return rc;
  if (to_s && (rc = cal_parse_date(ctx, "--to", to_s, zone, 1, &to))) return rc;
  if (from >= to) return cli_usage_error(ctx, "--to must come after --from");
  if (to - from > ICAL_RANGE_MAX_S) return cli_usage_error(ctx, "the range is longer than 11 years");
  /* The calendar reads local times through the process's zone. */
  cli_zone_saved saved;
  if (cli_zone_enter(zone, &saved) != 0) zone = "";
  calendar_request r = {.from = from, .to = to, .now = now, .zone = zone, .server_key = ctx->cfg.server_key};
  ical b = {0};
  Reflect__V1__Reply *refused = NULL;
  int got = calendar_export(ctx->cl, &r, &b.data, &b.len, &refused);
  cli_zone_leave(&saved);
  if (got == CLIENT_EREFUSED)
    return cli_call_check_reply(ctx, CLIENT_OK, &refused, REFLECT__V1__REPLY__RESULT_SESSION_LIST);
  if (got) return cli_call_check_reply(ctx, got, &refused, REFLECT__V1__REPLY__RESULT_SESSION_LIST);
  rc = cal_write(cli_arg_value(a, "output"), &b);
  ical_free(&b);
  return rc;
}

static const cli_opt cal_export_opts[] = {
    {"from", "DATE", 0},
    {"to", "DATE", 0},
    {"output", "FILE", 0},
    {NULL, NULL, 0},
};

static const cli_command cal_export = {
    .name = "export",
    .summary = "Write your sessions as an iCalendar (.ics) file.",
    .synopsis = "[--from DATE] [--to DATE] [--output FILE]",
    .help = "Every session you take part in that starts in the range, cancelled ones\n"
            "included (marked cancelled, so that re-importing removes them from your\n"
            "calendar). Each session keeps the same UID on every export and its SEQUENCE\n"
            "grows when it is moved or cancelled. Times are in the organisation's time\n"
            "zone, described in the file. Nothing said in a session is exported.\n\n"
            "options:\n"
            "  --from DATE        the first day, YYYY-MM-DD (default: 30 days ago)\n"
            "  --to DATE          the last day, YYYY-MM-DD (default: a year from now)\n"
            "  --output FILE      write FILE (mode 0600) instead of standard output\n",
    .opts = cal_export_opts,
    .run = cal_export_run,
};

static const cli_command *const cal_commands[] = {&cal_export, NULL};

const cli_command cli_group_calendar = {
    .name = "calendar",
    .summary = "Your sessions in a calendar application: export as iCalendar.",
    .subs = cal_commands,
};
