/*
 * cli_ical — writing RFC 5545 iCalendar text: content lines, escaping,
 * folding, local date-times, and a VTIMEZONE made from the system's tz
 * database. No I/O and nothing of the protocol: cli_calendar.c builds the
 * calendar with it.
 *
 * Contract:
 *  - A cli_ical is a growing buffer (cli_mem_alloc: out of memory exits) that
 *    the caller owns and frees with cli_ical_free. Every line written ends
 *    in CRLF and is folded so that no line exceeds 75 octets, never inside
 *    a UTF-8 sequence.
 *  - cli_ical_text escapes a TEXT value (backslash, semicolon, comma,
 *    newline) and drops other control characters, since values come from
 *    the server and are untrusted; cli_ical_line writes its value as given
 *    (the caller made it: dates, numbers, enumerations).
 *  - cli_ical_vtimezone describes `zone` over [from, to]: the observance in
 *    force at `from` (with the transition that began it, if one is within
 *    CLI_ICAL_LOOKBACK_S) and every offset change up to `to`, found by
 *    scanning localtime_r under $TZ=zone. If `from` falls in summer time,
 *    the standard time before it is described too, so that readers can
 *    tell the two apart. It returns -1 (and writes
 *    nothing) if the zone is not installed here or the range is too long.
 */
#ifndef REFLECT_CLI_ICAL_H
#define REFLECT_CLI_ICAL_H

#include <stddef.h>
#include <stdint.h>

#define CLI_ICAL_LINE_OCTETS 75
#define CLI_ICAL_LOOKBACK_S (400 * 86400)
#define CLI_ICAL_RANGE_MAX_S ((int64_t)11 * 366 * 86400)
/* Offset changes described at most; real zones have two a year. */
#define CLI_ICAL_TRANSITIONS_MAX 128

typedef struct {
  char *data;
  size_t len, cap;
} cli_ical;

void cli_ical_free(cli_ical *b);
/* "NAME[;PARAMS]:value", folded. */
void cli_ical_line(cli_ical *b, const char *name, const char *value);
void cli_ical_text(cli_ical *b, const char *name, const char *text);
/* NAME:YYYYMMDDTHHMMSSZ */
void cli_ical_utc(cli_ical *b, const char *name, int64_t t);
/* NAME;TZID=zone:YYYYMMDDTHHMMSS, t as wall-clock time in zone (which the
 * caller has checked is installed). */
void cli_ical_local(cli_ical *b, const char *name, const char *zone, int64_t t);
int cli_ical_vtimezone(cli_ical *b, const char *zone, int64_t from, int64_t to);

#endif
