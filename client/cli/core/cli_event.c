/* Events in words and as JSON. See cli_event.h. */
#include "cli_event.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_json.h"
#include "cli_out.h"
#include "cli_time.h"
#include "cli_zone.h"

#define EVENT_DETAILS_MAX 2048

const char *cli_event_kind_words(const Reflect__V1__Event *ev)
{
  switch (ev->kind) {
  case REFLECT__V1__EVENT_KIND__EVENT_SESSION_SCHEDULED: return "session scheduled";
  case REFLECT__V1__EVENT_KIND__EVENT_SESSION_RESCHEDULED: return "session moved";
  case REFLECT__V1__EVENT_KIND__EVENT_SESSION_CANCELLED: return "session cancelled";
  case REFLECT__V1__EVENT_KIND__EVENT_SESSION_REMINDER: return "reminder";
  case REFLECT__V1__EVENT_KIND__EVENT_RECORD_AWAITING_SIGNOFF: return "record awaiting your signature";
  case REFLECT__V1__EVENT_KIND__EVENT_RECORD_SIGNED: return "record signed";
  case REFLECT__V1__EVENT_KIND__EVENT_RECORD_AMENDED: return "record amended";
  case REFLECT__V1__EVENT_KIND__EVENT_ACTION_ASSIGNED: return "action assigned";
  case REFLECT__V1__EVENT_KIND__EVENT_ACTION_DUE_SOON: return "action due soon";
  case REFLECT__V1__EVENT_KIND__EVENT_ACTION_OVERDUE: return "action overdue";
  case REFLECT__V1__EVENT_KIND__EVENT_ACTION_DONE: return "action done";
  case REFLECT__V1__EVENT_KIND__EVENT_SUPERVISION_OVERDUE: return "supervision overdue";
  case REFLECT__V1__EVENT_KIND__EVENT_GROUP_INVITATION: return "group invitation";
  case REFLECT__V1__EVENT_KIND__EVENT_GROUP_CHANGED:
    return ev->cancelled ? "group session cancelled" : "group session changed";
  case REFLECT__V1__EVENT_KIND__EVENT_KPI_DRIFTING: return "indicator drifting";
  default: return "event";
  }
}

const char *cli_event_kind_name(Reflect__V1__EventKind kind)
{
  switch (kind) {
  case REFLECT__V1__EVENT_KIND__EVENT_SESSION_SCHEDULED: return "session_scheduled";
  case REFLECT__V1__EVENT_KIND__EVENT_SESSION_RESCHEDULED: return "session_rescheduled";
  case REFLECT__V1__EVENT_KIND__EVENT_SESSION_CANCELLED: return "session_cancelled";
  case REFLECT__V1__EVENT_KIND__EVENT_SESSION_REMINDER: return "session_reminder";
  case REFLECT__V1__EVENT_KIND__EVENT_RECORD_AWAITING_SIGNOFF: return "record_awaiting_signoff";
  case REFLECT__V1__EVENT_KIND__EVENT_RECORD_SIGNED: return "record_signed";
  case REFLECT__V1__EVENT_KIND__EVENT_RECORD_AMENDED: return "record_amended";
  case REFLECT__V1__EVENT_KIND__EVENT_ACTION_ASSIGNED: return "action_assigned";
  case REFLECT__V1__EVENT_KIND__EVENT_ACTION_DUE_SOON: return "action_due_soon";
  case REFLECT__V1__EVENT_KIND__EVENT_ACTION_OVERDUE: return "action_overdue";
  case REFLECT__V1__EVENT_KIND__EVENT_ACTION_DONE: return "action_done";
  case REFLECT__V1__EVENT_KIND__EVENT_SUPERVISION_OVERDUE: return "supervision_overdue";
  case REFLECT__V1__EVENT_KIND__EVENT_GROUP_INVITATION: return "group_invitation";
  case REFLECT__V1__EVENT_KIND__EVENT_GROUP_CHANGED: return "group_changed";
  case REFLECT__V1__EVENT_KIND__EVENT_KPI_DRIFTING: return "kpi_drifting";
  default: return "unknown";
  }
}

/* "Mon 23 Nov 14:00": a watcher reads the near future, so no year. */
static void event_when(int64_t t, const char *zone, char *buf, size_t size)
{
  struct tm tm;
  if (cli_zone_localtime(t, zone, &tm) != 0 || strftime(buf, size, "%a %d %b %H:%M", &tm) == 0)
    snprintf(buf, size, "?");
}

typedef struct {
  char buf[EVENT_DETAILS_MAX];
  size_t len;
} event_text;

/* Appends to t. Past the end of the buffer the text is cut, before the
 * last (perhaps partial) UTF-8 character so that what is left stays valid. */
static void event_add(event_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void event_add(event_text *t, const char *fmt, ...)
{
  size_t room = sizeof t->buf - t->len;
  if (room <= 1) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(t->buf + t->len, room, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < room) {
    t->len += (size_t)n;
    return;
  }
  t->len = sizeof t->buf - 2; /* the last byte kept */
  while (t->len > 0 && ((unsigned char)t->buf[t->len] & 0xC0) == 0x80) t->len--;
  t->buf[t->len] = '\0';
}

/* "1 h", "30 min", "2 days": a reminder's lead. */
static void event_lead(event_text *t, int64_t s)
{
  if (s >= 2 * 86400 && s % 86400 == 0) event_add(t, " starts in %" PRId64 " days", s / 86400);
  else if (s >= 3600 && s % 3600 == 0) event_add(t, " starts in %" PRId64 " h", s / 3600);
  else if (s > 0) event_add(t, " starts in %" PRId64 " min", (s + 59) / 60);
}

static int event_is_session(Reflect__V1__EventKind k)
{
  return k == REFLECT__V1__EVENT_KIND__EVENT_SESSION_SCHEDULED ||
         k == REFLECT__V1__EVENT_KIND__EVENT_SESSION_RESCHEDULED ||
         k == REFLECT__V1__EVENT_KIND__EVENT_SESSION_REMINDER || k == REFLECT__V1__EVENT_KIND__EVENT_GROUP_INVITATION ||
         k == REFLECT__V1__EVENT_KIND__EVENT_GROUP_CHANGED;
}

char *cli_event_details(const Reflect__V1__Event *ev, const char *zone)
{
  event_text t = {.len = 0};
  t.buf[0] = '\0';
  int said = ev->summary && *ev->summary;
  event_add(&t, "%s", said ? ev->summary : ev->who ? ev->who : "");
  /* The server's summary is a whole sentence; the parts below only stand
   * in for one that is missing. */
  switch (said ? REFLECT__V1__EVENT_KIND__EVENT_KIND_UNSPECIFIED : ev->kind) {
  case REFLECT__V1__EVENT_KIND__EVENT_SESSION_REMINDER: event_lead(&t, ev->lead_seconds); break;
  case REFLECT__V1__EVENT_KIND__EVENT_RECORD_AWAITING_SIGNOFF:
    if (ev->revision) event_add(&t, " (revision %" PRIu32 ")", ev->revision);
    break;
  case REFLECT__V1__EVENT_KIND__EVENT_RECORD_SIGNED:
    if (ev->complete) event_add(&t, ", signed by everyone");
    else if (ev->actor && *ev->actor) event_add(&t, ", signed by %s", ev->actor);
    break;
  case REFLECT__V1__EVENT_KIND__EVENT_RECORD_AMENDED:
    if (ev->revision) event_add(&t, " (revision %" PRIu32 " awaits your signature)", ev->revision);
    break;
  case REFLECT__V1__EVENT_KIND__EVENT_KPI_DRIFTING:
    event_add(&t, "indicator %" PRIu64 " has moved away from its target two periods running", ev->indicator_id);
    break;
  default: break;
  }
  if (ev->previous_at && !ev->cancelled) {
    char from[64];
    event_when(ev->previous_at, zone, from, sizeof from);
    event_add(&t, " (from %s)", from);
  }
  if (event_is_session(ev->kind) && ev->where && *ev->where) event_add(&t, " (%s)", ev->where);
  return cli_text_clean(t.buf, 0);
}

char *cli_event_line(const Reflect__V1__Event *ev, const char *zone)
{
  char when[64];
  event_when(ev->at ? ev->at : ev->created_at, zone, when, sizeof when);
  char *details = cli_event_details(ev, zone);
  size_t size = strlen(details) + strlen(when) + 128;
  char *line = cli_mem_alloc(size);
  snprintf(line, size, "#%" PRIu64 "  %s  %s  %s%s", ev->seq, when, cli_event_kind_words(ev), details,
           ev->late ? "  [late]" : "");
  free(details);
  return line;
}

cJSON *cli_event_json(const Reflect__V1__Event *ev, const char *zone)
{
  cJSON *o = cJSON_CreateObject();
  char *details = cli_event_details(ev, zone);
  cli_json_add_u64(o, "seq", ev->seq);
  cli_json_add_text(o, "kind", cli_event_kind_name(ev->kind));
  cli_json_add_text(o, "text", details);
  cli_json_add_time(o, "created_at", ev->created_at);
  if (ev->at) cli_json_add_time(o, "at", ev->at);
  if (ev->previous_at) cli_json_add_time(o, "previous_at", ev->previous_at);
  cli_json_add_text(o, "summary", ev->summary);
  cli_json_add_text(o, "who", ev->who);
  cli_json_add_text(o, "where", ev->where);
  cli_json_add_text(o, "actor", ev->actor);
  cli_json_add_u64(o, "session_id", ev->session_id);
  cli_json_add_u64(o, "action_id", ev->action_id);
  cli_json_add_u64(o, "agreement_id", ev->agreement_id);
  if (ev->indicator_id) cli_json_add_u64(o, "indicator_id", ev->indicator_id);
  cli_json_add_u64(o, "minutes", ev->minutes);
  cli_json_add_u64(o, "revision", ev->revision);
  cli_json_add_i64(o, "lead_seconds", ev->lead_seconds);
  cJSON_AddBoolToObject(o, "late", ev->late);
  cJSON_AddBoolToObject(o, "complete", ev->complete);
  cJSON_AddBoolToObject(o, "cancelled", ev->cancelled);
  free(details);
  return o;
}
