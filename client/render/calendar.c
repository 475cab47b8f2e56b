/* A person's sessions as iCalendar. See calendar.h. */
#include "calendar.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "ical.h"
#include "reflect/client_call.h"

#define CAL_PAGE 500 /* the server's largest page (SESSION_LIST_MAX) */
#define CAL_PAGES_MAX (CALENDAR_SESSIONS_MAX / 2)

typedef struct {
  Reflect__V1__Reply **replies; /* owned; each page's sessions live in it */
  size_t nreplies;
  const Reflect__V1__Session **s;
  size_t n, cap;
} cal_list;

static void cal_list_free(cal_list *l)
{
  for (size_t i = 0; i < l->nreplies; i++) client_free_reply(l->replies[i]);
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

/* A reply that came back: kept in l if it is a page, else handed to the
 * caller as the refusal. */
static int cal_keep(cal_list *l, int rc, Reflect__V1__Reply *rep, const void *result, Reflect__V1__Reply **refused)
{
  if (rc) return rc;
  if (!result) {
    *refused = rep;
    return CLIENT_EREFUSED;
  }
  Reflect__V1__Reply **grown = realloc(l->replies, (l->nreplies + 1) * sizeof *grown);
  if (!grown) {
    client_free_reply(rep);
    return CLIENT_ENOMEM;
  }
  l->replies = grown;
  l->replies[l->nreplies++] = rep;
  return CLIENT_OK;
}

static int cal_push(cal_list *l, const Reflect__V1__Session *s)
{
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 64;
    const Reflect__V1__Session **grown = realloc(l->s, cap * sizeof *grown);
    if (!grown) return CLIENT_ENOMEM;
    l->s = grown;
    l->cap = cap;
  }
  l->s[l->n++] = s;
  return CLIENT_OK;
}

/* Pages through [from, to): each next page starts at the last start seen,
 * so sessions sharing that start are not lost; it ends with a page that
 * brings nothing new. */
static int cal_fetch(client *c, const char *me, int64_t from, int64_t to, cal_list *l, Reflect__V1__Reply **refused)
{
  int64_t at = from;
  for (size_t page = 0; page < CAL_PAGES_MAX && l->n < CALENDAR_SESSIONS_MAX; page++) {
    Reflect__V1__SessionListRequest list = REFLECT__V1__SESSION_LIST_REQUEST__INIT;
    Reflect__V1__Reply *rep = NULL;
    Reflect__V1__SessionListReply *r = NULL;
    list.from = at;
    list.to = to;
    list.limit = CAL_PAGE;
    int rc = client_call_session_list(c, &list, &rep, &r);
    if ((rc = cal_keep(l, rc, rep, r, refused))) return rc;
    size_t fresh = 0;
    int64_t last = at;
    for (size_t i = 0; i < r->n_sessions && l->n < CALENDAR_SESSIONS_MAX; i++) {
      const Reflect__V1__Session *s = r->sessions[i];
      if (s->starts_at < at || cal_seen(l, s->id, s->starts_at)) continue;
      fresh++;
      if (s->starts_at > last) last = s->starts_at;
      /* Kept even if not ours, so cal_seen recognises it on the next page. */
      if ((rc = cal_push(l, s))) return rc;
    }
    if (!fresh) break;
    at = last;
  }
  size_t k = 0;
  for (size_t i = 0; i < l->n; i++)
    if (cal_is_party(l->s[i], me)) l->s[k++] = l->s[i];
  l->n = k;
  return CLIENT_OK;
}

/* "a, b" without skip; NULL if out of memory. */
static char *cal_join(const Reflect__V1__Session *s, const char *skip)
{
  size_t len = 1;
  for (size_t i = 0; i < s->n_members; i++) len += strlen(s->members[i]) + 2;
  char *out = malloc(len);
  if (!out) return NULL;
  out[0] = '\0';
  for (size_t i = 0; i < s->n_members; i++) {
    if (skip && !strcmp(s->members[i], skip)) continue;
    if (out[0]) strcat(out, ", ");
    strcat(out, s->members[i]);
  }
  return out;
}

/* One VEVENT. Only who, when, where and the status: never anything said. */
static int cal_event(ical *b, const Reflect__V1__Session *s, const char *me, const char *zone, const char *uid_host,
                     int64_t now)
{
  char uid[128], seq[16], buf[512];
  int group = s->kind == REFLECT__V1__SESSION_KIND__SESSION_GROUP;
  int64_t end = s->starts_at + (int64_t)s->minutes * 60;
  const char *supervisor = s->supervisor ? s->supervisor : "";
  char *others = cal_join(s, me), *members = cal_join(s, NULL);
  char *desc = members ? malloc(strlen(members) + strlen(supervisor) + 128) : NULL;
  if (!others || !desc) {
    free(others);
    free(members);
    free(desc);
    return CLIENT_ENOMEM;
  }
  ical_line(b, "BEGIN", "VEVENT");
  snprintf(uid, sizeof uid, "session-%" PRIu64 "@%s.reflect", s->id, uid_host);
  ical_line(b, "UID", uid);
  ical_utc(b, "DTSTAMP", now);
  if (zone) {
    ical_local(b, "DTSTART", zone, s->starts_at);
    ical_local(b, "DTEND", zone, end);
  } else {
    ical_utc(b, "DTSTART", s->starts_at);
    ical_utc(b, "DTEND", end);
  }
  const char *with = !strcmp(supervisor, me) ? others : supervisor;
  if (group) snprintf(buf, sizeof buf, "Group supervision");
  else snprintf(buf, sizeof buf, "Supervision with %s", with);
  ical_text(b, "SUMMARY", buf);
  if (s->room && *s->room) ical_text(b, "LOCATION", s->room);
  sprintf(desc, "Supervisor: %s\n%s: %s\nReflect session %" PRIu64, supervisor, group ? "Members" : "Supervisee",
          members, s->id);
  ical_text(b, "DESCRIPTION", desc);
  free(desc);
  free(members);
  free(others);
  snprintf(seq, sizeof seq, "%" PRIu32, s->sequence);
  ical_line(b, "SEQUENCE", seq);
  ical_line(b, "STATUS", s->status == REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED ? "CANCELLED" : "CONFIRMED");
  ical_line(b, "END", "VEVENT");
  return CLIENT_OK;
}

/* A UID part unique to the server and the same on every export: the start
 * of its public key, in hex (Z85 has characters calendar tools mangle). */
static void cal_uid_host(const char *server_key, char out[17])
{
  uint8_t key[32];
  snprintf(out, 17, "reflect");
  if (!server_key || strlen(server_key) != 40 || !zmq_z85_decode(key, server_key)) return;
  for (int i = 0; i < 8; i++) snprintf(out + 2 * i, 3, "%02x", key[i]);
}

static int cal_whoami(client *c, char *me, size_t size, Reflect__V1__Reply **refused)
{
  Reflect__V1__WhoAmIRequest who = REFLECT__V1__WHO_AM_IREQUEST__INIT;
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__WhoAmIReply *r = NULL;
  int rc = client_call_whoami(c, &who, &rep, &r);
  if (rc) return rc;
  if (!r) {
    *refused = rep;
    return CLIENT_EREFUSED;
  }
  snprintf(me, size, "%s", r->user && r->user->username ? r->user->username : "");
  client_free_reply(rep);
  return CLIENT_OK;
}

int calendar_export(client *c, const calendar_request *r, char **ics, size_t *len, Reflect__V1__Reply **refused)
{
  *ics = NULL;
  *len = 0;
  *refused = NULL;
  if (r->from >= r->to || r->to - r->from > ICAL_RANGE_MAX_S) return CLIENT_EUSAGE;
  const char *zone = r->zone && *r->zone ? r->zone : NULL;
  char me[512], uid_host[17];
  int rc = cal_whoami(c, me, sizeof me, refused);
  if (rc) return rc;
  cal_list l = {0};
  if ((rc = cal_fetch(c, me, r->from, r->to, &l, refused))) {
    cal_list_free(&l);
    return rc;
  }
  cal_uid_host(r->server_key, uid_host);
  ical b = {0};
  ical_line(&b, "BEGIN", "VCALENDAR");
  ical_line(&b, "VERSION", "2.0");
  ical_line(&b, "PRODID", "-//Reflect//Supervision calendar//EN");
  ical_line(&b, "CALSCALE", "GREGORIAN");
  ical_line(&b, "METHOD", "PUBLISH");
  ical_text(&b, "X-WR-CALNAME", "Supervision");
  if (zone) {
    ical_line(&b, "X-WR-TIMEZONE", zone);
    ical_vtimezone(&b, zone, r->from, r->to);
  }
  for (size_t i = 0; !rc && i < l.n; i++) rc = cal_event(&b, l.s[i], me, zone, uid_host, r->now);
  ical_line(&b, "END", "VCALENDAR");
  cal_list_free(&l);
  if (!rc && ical_failed(&b)) rc = CLIENT_ENOMEM;
  if (rc) {
    ical_free(&b);
    return rc;
  }
  *ics = b.data;
  *len = b.len;
  return CLIENT_OK;
}
