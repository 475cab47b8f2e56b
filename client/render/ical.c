/* iCalendar text (RFC 5545). See ical.h. */
#include "ical.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


/* Offsets change at most a few times a year and never twice within this
 * step, so stepping finds each change; bisection then finds its second. */
#define ICAL_SCAN_STEP_S (3 * 3600)
#define ICAL_ZONE_NAME_MAX 16

static void ical_put(ical *b, const char *s, size_t n)
{
  if (b->failed) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    char *grown = realloc(b->data, cap);
    if (!grown) {
      b->failed = 1;
      return;
    }
    b->data = grown;
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

int ical_failed(const ical *b)
{
  return b->failed;
}

void ical_free(ical *b)
{
  free(b->data);
  memset(b, 0, sizeof *b);
}

/* Writes s as one content line, folding before a character that would take
 * the line past 75 octets (a continuation line starts with one space). */
static void ical_folded(ical *b, const char *s)
{
  size_t n = strlen(s), used = 0;
  while (n) {
    size_t room = ICAL_LINE_OCTETS - used, take = n < room ? n : room;
    /* Never cut a UTF-8 sequence: back off to the start of the character. */
    while (take < n && take > 0 && ((unsigned char)s[take] & 0xC0) == 0x80) take--;
    if (take == 0) take = n < room ? n : room; /* not UTF-8 after all: cut anyway */
    ical_put(b, s, take);
    s += take;
    n -= take;
    if (n) {
      ical_put(b, "\r\n ", 3);
      used = 1;
    }
  }
  ical_put(b, "\r\n", 2);
}

void ical_line(ical *b, const char *name, const char *value)
{
  size_t size = strlen(name) + strlen(value) + 2;
  char *line = malloc(size);
  if (!line) {
    b->failed = 1;
    return;
  }
  snprintf(line, size, "%s:%s", name, value);
  ical_folded(b, line);
  free(line);
}

void ical_text(ical *b, const char *name, const char *text)
{
  const char *s = text ? text : "";
  char *out = malloc(2 * strlen(s) + 1), *o = out;
  if (!out) {
    b->failed = 1;
    return;
  }
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '\\' || ch == ';' || ch == ',') {
      *o++ = '\\';
      *o++ = (char)ch;
    } else if (ch == '\n') {
      *o++ = '\\';
      *o++ = 'n';
    } else if ((ch < 0x20 && ch != '\t') || ch == 0x7F) {
      continue; /* CR of a CRLF, and controls no calendar should get */
    } else {
      *o++ = (char)ch;
    }
  }
  *o = '\0';
  ical_line(b, name, out);
  free(out);
}

/* Sized for any int fields, so the compiler can prove no truncation. */
static void ical_stamp(const struct tm *tm, const char *suffix, char *buf, size_t size)
{
  snprintf(buf, size, "%04d%02d%02dT%02d%02d%02d%s", tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour,
           tm->tm_min, tm->tm_sec, suffix);
}

void ical_utc(ical *b, const char *name, int64_t t)
{
  char value[96];
  struct tm tm;
  time_t tt = (time_t)t;
  if (!gmtime_r(&tt, &tm)) memset(&tm, 0, sizeof tm);
  ical_stamp(&tm, "Z", value, sizeof value);
  ical_line(b, name, value);
}

void ical_local(ical *b, const char *name, const char *zone, int64_t t)
{
  char value[96], full[224];
  struct tm tm;
  time_t tt = (time_t)t;
  if (!localtime_r(&tt, &tm)) memset(&tm, 0, sizeof tm);
  ical_stamp(&tm, "", value, sizeof value);
  snprintf(full, sizeof full, "%s;TZID=%s", name, zone);
  ical_line(b, full, value);
}

/* What is in force at one instant: the offset, whether it is summer time,
 * and its abbreviation. */
typedef struct {
  long offset;
  int dst;
  char name[ICAL_ZONE_NAME_MAX];
} ical_state;

static ical_state ical_state_at(int64_t t)
{
  ical_state s = {0, 0, ""};
  struct tm tm;
  time_t tt = (time_t)t;
  if (localtime_r(&tt, &tm)) {
    s.offset = tm.tm_gmtoff;
    s.dst = tm.tm_isdst > 0;
    snprintf(s.name, sizeof s.name, "%s", tm.tm_zone ? tm.tm_zone : "");
  }
  return s;
}

static int ical_state_eq(const ical_state *a, const ical_state *b)
{
  return a->offset == b->offset && a->dst == b->dst && !strcmp(a->name, b->name);
}

/* The first second after lo at which the state is no longer that of lo. */
static int64_t ical_bisect(int64_t lo, int64_t hi)
{
  ical_state at_lo = ical_state_at(lo);
  while (hi - lo > 1) {
    int64_t mid = lo + (hi - lo) / 2;
    ical_state m = ical_state_at(mid);
    if (ical_state_eq(&m, &at_lo)) lo = mid;
    else hi = mid;
  }
  return hi;
}

typedef struct {
  int64_t at; /* 0: in force since before anything we looked at */
  long from;
  ical_state to;
} ical_transition;

static void ical_offset(long off, char *buf, size_t size)
{
  long a = off < 0 ? -off : off;
  if (a % 60) snprintf(buf, size, "%c%02ld%02ld%02ld", off < 0 ? '-' : '+', a / 3600, a / 60 % 60, a % 60);
  else snprintf(buf, size, "%c%02ld%02ld", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

static void ical_observance(ical *b, const ical_transition *t)
{
  char value[96];
  const char *kind = t->to.dst ? "DAYLIGHT" : "STANDARD";
  ical_line(b, "BEGIN", kind);
  if (t->at) {
    /* DTSTART is the local time of the change, on the clock before it. */
    struct tm tm;
    time_t local = (time_t)(t->at + t->from);
    if (!gmtime_r(&local, &tm)) memset(&tm, 0, sizeof tm);
    ical_stamp(&tm, "", value, sizeof value);
    ical_line(b, "DTSTART", value);
  } else {
    ical_line(b, "DTSTART", "19700101T000000");
  }
  ical_offset(t->from, value, sizeof value);
  ical_line(b, "TZOFFSETFROM", value);
  ical_offset(t->to.offset, value, sizeof value);
  ical_line(b, "TZOFFSETTO", value);
  if (t->to.name[0]) ical_text(b, "TZNAME", t->to.name);
  ical_line(b, "END", kind);
}

/* The observance in force at t, with the change that began it if that was
 * less than ICAL_LOOKBACK_S before t (else at = 0: "since long ago"). */
static ical_transition ical_in_force(int64_t t)
{
  ical_state here = ical_state_at(t);
  ical_transition tr = {.at = 0, .from = here.offset, .to = here};
  for (int64_t u = t - ICAL_SCAN_STEP_S; u >= t - ICAL_LOOKBACK_S; u -= ICAL_SCAN_STEP_S) {
    ical_state s = ical_state_at(u);
    if (!ical_state_eq(&s, &here)) {
      tr.at = ical_bisect(u, u + ICAL_SCAN_STEP_S);
      tr.from = s.offset;
      break;
    }
  }
  return tr;
}

/* The changes in [from, to], after the observance in force at from. */
static size_t ical_scan(int64_t from, int64_t to, ical_transition *out, size_t max)
{
  size_t n = 0;
  ical_transition first = ical_in_force(from);
  /* A range inside summer time would describe summer time alone, which
   * RFC 5545 allows but calendar programs (python-icalendar among them)
   * cannot place without the standard time it differs from: add that. */
  if (first.to.dst && first.at) {
    ical_transition before = ical_in_force(first.at - 1);
    if (!before.to.dst) out[n++] = before;
  }
  out[n++] = first;
  ical_state cur = first.to;
  for (int64_t t = from; t < to && n < max;) {
    int64_t next = t + ICAL_SCAN_STEP_S < to ? t + ICAL_SCAN_STEP_S : to;
    ical_state s = ical_state_at(next);
    if (!ical_state_eq(&s, &cur)) {
      int64_t at = ical_bisect(t, next);
      ical_state now = ical_state_at(at);
      out[n++] = (ical_transition){.at = at, .from = cur.offset, .to = now};
      cur = now;
      t = at;
    } else {
      t = next;
    }
  }
  return n;
}

int ical_vtimezone(ical *b, const char *zone, int64_t from, int64_t to)
{
  ical_transition tr[ICAL_TRANSITIONS_MAX];
  if (to < from || to - from > ICAL_RANGE_MAX_S || !zone || !*zone) return -1;
  size_t n = ical_scan(from, to, tr, ICAL_TRANSITIONS_MAX);
  ical_line(b, "BEGIN", "VTIMEZONE");
  ical_line(b, "TZID", zone);
  for (size_t i = 0; i < n; i++) ical_observance(b, &tr[i]);
  ical_line(b, "END", "VTIMEZONE");
  return 0;
}
