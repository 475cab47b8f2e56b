/*
 * cli_time — reading and showing times in the organisation's zone.
 *
 * Contract:
 *  - The wire carries Unix seconds (UTC). People type and read wall-clock
 *    times in the organisation's IANA zone, saved at login; "" means the
 *    machine's local zone.
 *  - A zone is applied by setting $TZ for the duration of one conversion
 *    and restoring it after (not thread-safe; the CLI has one thread).
 *    A zone that is not installed here (no tzdata) is refused when
 *    parsing, and shown as UTC with a one-time warning when formatting,
 *    rather than silently treated as UTC by the C library.
 *  - Output buffers are the caller's; CLI_TIME_MAX always suffices.
 */
#ifndef REFLECT_CLI_TIME_H
#define REFLECT_CLI_TIME_H

#include <stddef.h>
#include <stdint.h>

#define CLI_TIME_MAX 32

/* Checks that text is exactly "YYYY-MM-DD HH:MM", a real date and time,
 * before any zone is known. NULL if so, else what is wrong. */
const char *cli_time_check(const char *text);
/* Parses exactly "YYYY-MM-DD HH:MM" as a wall-clock time in zone. Returns
 * NULL on success, else a phrase saying what is wrong with text. */
const char *cli_time_parse(const char *text, const char *zone, int64_t *out);
/* "YYYY-MM-DD HH:MM" in zone ("?" if t cannot be shown). */
void cli_time_format_local(int64_t t, const char *zone, char *buf, size_t size);
/* The day of t in zone as a person says it: "Tue 1 Dec", with the year
 * ("Tue 1 Dec 2026") when it is not the year of `now` ("?" if t cannot be
 * shown). English names, whatever the locale, like the rest of the CLI. */
void cli_time_format_day(int64_t t, int64_t now, const char *zone, char *buf, size_t size);
/* "YYYY-MM-DDTHH:MM:SSZ". */
void cli_time_format_utc(int64_t t, char *buf, size_t size);

#endif
