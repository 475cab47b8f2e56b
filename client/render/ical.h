/*
 * ical — writing RFC 5545 iCalendar text: content lines, escaping,
 * folding, local date-times, and a VTIMEZONE made from the system's tz
 * database. No I/O and nothing of the protocol: calendar.c builds the
 * calendar with it, for the CLI and the web gateway alike.
 *
 * Contract:
 *  - An ical is a growing buffer the caller owns and frees with ical_free.
 *    Every line written ends in CRLF and is folded so that no line exceeds
 *    75 octets, never inside a UTF-8 sequence. Out of memory makes the
 *    buffer fail: later writes do nothing and ical_failed says so, so a
 *    caller checks once, at the end.
 *  - ical_text escapes a TEXT value (backslash, semicolon, comma,
 *    newline) and drops other control characters, since values come from
 *    the server and are untrusted; ical_line writes its value as given
 *    (the caller made it: dates, numbers, enumerations).
 *  - Local times are the process's: ical_local and ical_vtimezone read
 *    localtime_r and label what they write with the zone name given, which
 *    must name the zone the process runs in ($TZ). Nothing here changes
 *    $TZ, so they are safe on several threads as long as nobody else does
 *    (the CLI sets $TZ around a whole export; the web gateway runs in its
 *    zone from the start).
 *  - ical_vtimezone describes the zone over [from, to]: the observance in
 *    force at `from` (with the transition that began it, if one is within
 *    ICAL_LOOKBACK_S) and every offset change up to `to`. If `from` falls
 *    in summer time, the standard time before it is described too, so
 *    that readers can tell the two apart. It returns -1 (and writes
 *    nothing) if the range is too long or the name is empty.
 */
#ifndef REFLECT_RENDER_ICAL_H
#define REFLECT_RENDER_ICAL_H

#include <stddef.h>
#include <stdint.h>

#define ICAL_LINE_OCTETS 75
#define ICAL_LOOKBACK_S (400 * 86400)
#define ICAL_RANGE_MAX_S ((int64_t)11 * 366 * 86400)
/* Offset changes described at most; real zones have two a year. */
#define ICAL_TRANSITIONS_MAX 128

typedef struct {
  char *data;
  size_t len, cap;
  int failed;
} ical;

void ical_free(ical *b);
/* Nonzero once a write ran out of memory. */
int ical_failed(const ical *b);
/* "NAME[;PARAMS]:value", folded. */
void ical_line(ical *b, const char *name, const char *value);
void ical_text(ical *b, const char *name, const char *text);
/* NAME:YYYYMMDDTHHMMSSZ */
void ical_utc(ical *b, const char *name, int64_t t);
/* NAME;TZID=zone:YYYYMMDDTHHMMSS, t as the process's wall-clock time. */
void ical_local(ical *b, const char *name, const char *zone, int64_t t);
int ical_vtimezone(ical *b, const char *zone, int64_t from, int64_t to);

#endif
