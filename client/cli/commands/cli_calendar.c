/* reflect calendar export: your sessions as an iCalendar file, for a
 * calendar application to import (and, by UID and SEQUENCE, re-import). */
#include "cli_calendar.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

#include "cli_ical.h"
#include "cli_out.h"
#include "cli_time.h"
#include "cli_zone.h"
#include "reflect/client_file.h"
#include "wire.h"

#define CAL_PAGE 500           /* the server's largest page (SESSION_LIST_MAX) */
#define CAL_SESSIONS_MAX 20000 /* a bound on what one export holds */
#define CAL_PAGES_MAX (CAL_SESSIONS_MAX / 2)
#define CAL_DEFAULT_BACK_S ((int64_t)30 * 86400)
#define CAL_DEFAULT_AHEAD_S ((int64_t)365 * 86400)
#define CAL_DATE_LEN 10

typedef struct {
  Reflect__V1__Reply **replies; /* owned; each page's sessions live in it */
  size_t nreplies;
  const Reflect__V1__Session **s;
  size_t n, cap;
} cal_list;

static void cal_list_free(cal_list *l)
{
  for (size_t i = 0; i < l->nreplies; i++) wire_free_reply(l->replies[i]);
  free(l->replies);
  free(l->s);
}

static int cal_is_party(const Reflect__V1__Session *s, const char *me)
{
  if (s->supervisor && !strcmp(s->supervisor, me)) return 1;
  for (size_t i = 0; i < s->n_members; i++)
    if (s->members[i] && !strcmp(s->members[i], me)) return 1;
  return 0;
}

/* Already collected: pages overlap only in sessions starting at `at`. */
static int cal_seen(const cal_list *l, uint64_t id, int64_t at)
{
  for (size_t i = l->n; i-- > 0 && l->s[i]->starts_at == at;)
    if (l->s[i]->id == id) return 1;
  return 0;
}

/* Pages through [from, to): each next page starts at the last start seen,
 * so sessions sharing that start are not lost; it ends with a page that
 * brings nothing new. A manager's list also holds the team's sessions:
 * only the caller's own go into their calendar. */
static int cal_fetch(cli_ctx *ctx, const char *me, int64_t from, int64_t to, cal_list *l)
{
  int64_t at = from;
  for (size_t page = 0; page < CAL_PAGES_MAX && l->n < CAL_SESSIONS_MAX; page++) {
    Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
    Reflect__V1__SessionListRequest list = REFLECT__V1__SESSION_LIST_REQUEST__INIT;
    Reflect__V1__Reply *rep;
    list.from = at;
    list.to = to;
    list.limit = CAL_PAGE;
    req.op_case = REFLECT__V1__REQUEST__OP_SESSION_LIST;
    req.session_list = &list;
    int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_SESSION_LIST, &rep);
    if (rc) return rc;
    l->replies = cli_mem_realloc(l->replies, (l->nreplies + 1) * sizeof *l->replies);
    l->replies[l->nreplies++] = rep;
    const Reflect__V1__SessionListReply *r = rep->session_list;
    size_t fresh = 0;
    int64_t last = at;
    for (size_t i = 0; i < r->n_sessions && l->n < CAL_SESSIONS_MAX; i++) {
      const Reflect__V1__Session *s = r->sessions[i];
      if (s->starts_at < at || cal_seen(l, s->id, s->starts_at)) continue;
      fresh++;
      if (s->starts_at > last) last = s->starts_at;
      /* Kept even if not ours, so cal_seen recognises it on the next page. */
      if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->s = cli_mem_realloc(l->s, l->cap * sizeof *l->s);
      }
      l->s[l->n++] = s;
    }
    if (!fresh) break;
    at = last;
  }
  size_t k = 0;
  for (size_t i = 0; i < l->n; i++)
    if (cal_is_party(l->s[i], me)) l->s[k++] = l->s[i];
  l->n = k;
  return CLI_EXIT_OK;
}

/* "a, b": the caller frees. */
static char *cal_join(const Reflect__V1__Session *s, const char *skip)
{
  size_t len = 1;
  for (size_t i = 0; i < s->n_members; i++) len += strlen(s->members[i]) + 2;
  char *out = cli_mem_alloc(len);
  out[0] = '\0';
  for (size_t i = 0; i < s->n_members; i++) {
    if (skip && !strcmp(s->members[i], skip)) continue;
    if (out[0]) strcat(out, ", ");
    strcat(out, s->members[i]);
  }
  return out;
}

/* One VEVENT. Only who, when, where and the status: never anything said. */
static void cal_event(cli_ical *b, const Reflect__V1__Session *s, const char *me, const char *zone,
                      const char *uid_host, int64_t now)
{
  char uid[128], seq[16], buf[512];
  int group = s->kind == REFLECT__V1__SESSION_KIND__SESSION_GROUP;
  int64_t end = s->starts_at + (int64_t)s->minutes * 60;
  cli_ical_line(b, "BEGIN", "VEVENT");
  snprintf(uid, sizeof uid, "session-%" PRIu64 "@%s.reflect", s->id, uid_host);
  cli_ical_line(b, "UID", uid);
  cli_ical_utc(b, "DTSTAMP", now);
  if (zone) {
    cli_ical_local(b, "DTSTART", zone, s->starts_at);
    cli_ical_local(b, "DTEND", zone, end);
  } else {
    cli_ical_utc(b, "DTSTART", s->starts_at);
    cli_ical_utc(b, "DTEND", end);
  }
  char *others = cal_join(s, me);
  const char *with = !strcmp(s->supervisor, me) ? others : s->supervisor;
  if (group) snprintf(buf, sizeof buf, "Group supervision");
  else snprintf(buf, sizeof buf, "Supervision with %s", with);
  cli_ical_text(b, "SUMMARY", buf);
  if (s->room && *s->room) cli_ical_text(b, "LOCATION", s->room);
  char *members = cal_join(s, NULL);
  char *desc = cli_mem_alloc(strlen(members) + strlen(s->supervisor) + 128);
  sprintf(desc, "Supervisor: %s\n%s: %s\nReflect session %" PRIu64, s->supervisor, group ? "Members" : "Supervisee",
          members, s->id);
  cli_ical_text(b, "DESCRIPTION", desc);
  free(desc);
  free(members);
  free(others);
  snprintf(seq, sizeof seq, "%" PRIu32, s->sequence);
  cli_ical_line(b, "SEQUENCE", seq);
  cli_ical_line(b, "STATUS", s->status == REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED ? "CANCELLED" : "CONFIRMED");
  cli_ical_line(b, "END", "VEVENT");
}

/* A UID part unique to the server and the same on every export: the start
 * of its public key, in hex (Z85 has characters calendar tools mangle). */
static void cal_uid_host(const char *server_key, char out[17])
{
  uint8_t key[32];
  snprintf(out, 17, "reflect");
  if (!zmq_z85_decode(key, server_key)) return;
  for (int i = 0; i < 8; i++) snprintf(out + 2 * i, 3, "%02x", key[i]);
}

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

static int cal_write(const char *path, const cli_ical *b)
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

static int cal_whoami(cli_ctx *ctx, char *me, size_t size)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__WhoAmIRequest who = REFLECT__V1__WHO_AM_IREQUEST__INIT;
  Reflect__V1__Reply *rep;
  req.op_case = REFLECT__V1__REQUEST__OP_WHOAMI;
  req.whoami = &who;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_WHOAMI, &rep);
  if (rc) return rc;
  const Reflect__V1__User *u = rep->whoami->user;
  snprintf(me, size, "%s", u && u->username ? u->username : "");
  wire_free_reply(rep);
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
  if (to - from > CLI_ICAL_RANGE_MAX_S) return cli_usage_error(ctx, "the range is longer than 11 years");
  char me[512], uid_host[17];
  if ((rc = cal_whoami(ctx, me, sizeof me))) return rc;
  cal_list l = {0};
  if ((rc = cal_fetch(ctx, me, from, to, &l))) {
    cal_list_free(&l);
    return rc;
  }
  cal_uid_host(ctx->cfg.server_key, uid_host);
  cli_ical b = {0};
  cli_ical_line(&b, "BEGIN", "VCALENDAR");
  cli_ical_line(&b, "VERSION", "2.0");
  cli_ical_line(&b, "PRODID", "-//Reflect//reflect calendar export//EN");
  cli_ical_line(&b, "CALSCALE", "GREGORIAN");
  cli_ical_line(&b, "METHOD", "PUBLISH");
  cli_ical_text(&b, "X-WR-CALNAME", "Supervision");
  if (zone[0]) {
    cli_ical_line(&b, "X-WR-TIMEZONE", zone);
    cli_ical_vtimezone(&b, zone, from, to);
  }
  for (size_t i = 0; i < l.n; i++) cal_event(&b, l.s[i], me, zone[0] ? zone : NULL, uid_host, now);
  cli_ical_line(&b, "END", "VCALENDAR");
  rc = cal_write(cli_arg_value(a, "output"), &b);
  cli_ical_free(&b);
  cal_list_free(&l);
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
