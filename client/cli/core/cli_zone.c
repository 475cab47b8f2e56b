/* Local time in a named zone, via $TZ. See cli_zone.h. */
#include "cli_zone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_out.h"

/* The zone name comes from the server: only an IANA name (letters,
 * digits, "_-+/", no "..", not absolute) may become a file path here or a
 * TZID in a calendar. */
static int zone_name_valid(const char *zone)
{
  if (!*zone || strlen(zone) >= 64 || zone[0] == '/' || strstr(zone, "..")) return 0;
  for (const char *p = zone; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("_-+/", *p)))
      return 0;
  return 1;
}

int cli_zone_installed(const char *zone)
{
  if (!zone_name_valid(zone)) return 0;
  char path[512];
  const char *dir = getenv("TZDIR");
  if (!dir || dir[0] != '/') dir = "/usr/share/zoneinfo";
  int n = snprintf(path, sizeof path, "%s/%s", dir, zone);
  return n > 0 && (size_t)n < sizeof path && access(path, R_OK) == 0;
}

/* Sets $TZ to zone, installed or not, saving the old value. */
static void zone_set(const char *zone, cli_zone_saved *saved)
{
  const char *old = getenv("TZ");
  if (old) {
    saved->old = cli_mem_alloc(strlen(old) + 1);
    strcpy(saved->old, old);
  }
  setenv("TZ", zone, 1);
  tzset();
  saved->active = 1;
}

int cli_zone_enter(const char *zone, cli_zone_saved *saved)
{
  memset(saved, 0, sizeof *saved);
  if (!zone || !*zone) return 0;
  if (!cli_zone_installed(zone)) return -1;
  zone_set(zone, saved);
  return 0;
}

void cli_zone_leave(cli_zone_saved *saved)
{
  if (!saved->active) return;
  if (saved->old) setenv("TZ", saved->old, 1);
  else unsetenv("TZ");
  tzset();
  free(saved->old);
  saved->active = 0;
}

int cli_zone_localtime(int64_t t, const char *zone, struct tm *out)
{
  static int warned;
  time_t tt = (time_t)t;
  cli_zone_saved saved;
  if (cli_zone_enter(zone, &saved) != 0) {
    if (!warned++) cli_error("warning: time zone %s is not installed here; times are UTC", zone);
    zone_set("UTC", &saved); /* glibc knows "UTC" without tzdata */
  }
  int ok = localtime_r(&tt, out) != NULL;
  cli_zone_leave(&saved);
  return ok ? 0 : -1;
}

const char *cli_zone(const cli_ctx *ctx)
{
  return ctx->cl ? client_timezone(ctx->cl) : "";
}
