/*
 * cli_zone — running local-time conversions in a named IANA zone: under
 * cli_time's one format and its parsing, and for the commands that need
 * more (watch lines, and the calendar export's VTIMEZONE, which scans a
 * zone's offsets).
 *
 * Contract:
 *  - cli_zone_enter sets $TZ to zone until cli_zone_leave restores the
 *    previous value (not thread-safe; the CLI has one thread). "" or NULL
 *    means this machine's zone and changes nothing. A zone not installed
 *    here is refused (-1, nothing changed) rather than silently taken for
 *    UTC by the C library.
 *  - The saved state owns a copy of the old $TZ until cli_zone_leave.
 *  - cli_zone(ctx), declared in cli.h with the cli_ctx it reads, is also
 *    defined here: the zone the commands pass to cli_time and to these.
 */
#ifndef REFLECT_CLI_ZONE_H
#define REFLECT_CLI_ZONE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct {
  int active;
  char *old; /* the previous $TZ, or NULL if it was unset */
} cli_zone_saved;

/* 1 if zone names a file in the zoneinfo directory. */
int cli_zone_installed(const char *zone);
int cli_zone_enter(const char *zone, cli_zone_saved *saved);
void cli_zone_leave(cli_zone_saved *saved);
/* t broken down in zone (in UTC, with a one-time warning, if the zone is
 * not installed here). 0, or -1 if t cannot be represented. */
int cli_zone_localtime(int64_t t, const char *zone, struct tm *out);

#endif
