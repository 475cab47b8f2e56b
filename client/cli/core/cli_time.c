/* Wall-clock times in the organisation's zone, via $TZ and mktime. */
#include "cli_time.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli_zone.h"

/* Reads n digits at s; -1 if any is not a digit. */
static int time_digits(const char *s, int n)
{
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

static int time_days_in_month(int year, int month)
{
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return days[month - 1] + (month == 2 && leap);
}

typedef struct {
  int year, month, day, hour, minute;
} time_fields;

static const char *time_read_fields(const char *text, time_fields *f)
{
  static const char *const form = "is not in the form \"YYYY-MM-DD HH:MM\"";
  if (strlen(text) != 16 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':') return form;
  f->year = time_digits(text, 4);
  f->month = time_digits(text + 5, 2);
  f->day = time_digits(text + 8, 2);
  f->hour = time_digits(text + 11, 2);
  f->minute = time_digits(text + 14, 2);
  if (f->year < 0 || f->month < 0 || f->day < 0 || f->hour < 0 || f->minute < 0) return form;
  if (f->year < 1971 || f->month < 1 || f->month > 12 || f->day < 1 || f->day > time_days_in_month(f->year, f->month))
    return "is not a real calendar date";
  if (f->hour > 23 || f->minute > 59) return "is not a time between 00:00 and 23:59";
  return NULL;
}

const char *cli_time_check(const char *text)
{
  time_fields f;
  return time_read_fields(text, &f);
}

const char *cli_time_parse(const char *text, const char *zone, int64_t *out)
{
  time_fields f;
  const char *why = time_read_fields(text, &f);
  if (why) return why;
  struct tm tm = {.tm_year = f.year - 1900,
                  .tm_mon = f.month - 1,
                  .tm_mday = f.day,
                  .tm_hour = f.hour,
                  .tm_min = f.minute,
                  .tm_isdst = -1};
  cli_zone_saved saved;
  if (cli_zone_enter(zone, &saved) != 0)
    return "cannot be placed: the organisation's time zone is not installed here (tzdata)";
  time_t t = mktime(&tm);
  cli_zone_leave(&saved);
  if (t == (time_t)-1) return "is outside the range of times this machine can represent";
  /* mktime moves a time in a spring-forward gap; refuse rather than book
   * an hour later than asked. */
  if (tm.tm_year != f.year - 1900 || tm.tm_mon != f.month - 1 || tm.tm_mday != f.day || tm.tm_hour != f.hour ||
      tm.tm_min != f.minute)
    return "does not exist in the organisation's time zone (the clocks change then)";
  *out = (int64_t)t;
  return NULL;
}

void cli_time_format_local(int64_t t, const char *zone, char *buf, size_t size)
{
  struct tm tm;
  if (cli_zone_localtime(t, zone, &tm) != 0 || strftime(buf, size, "%Y-%m-%d %H:%M", &tm) == 0)
    snprintf(buf, size, "?");
}

void cli_time_format_day(int64_t t, int64_t now, const char *zone, char *buf, size_t size)
{
  static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm tm, today;
  if (cli_zone_localtime(t, zone, &tm) != 0 || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 || tm.tm_mon > 11) {
    snprintf(buf, size, "?");
    return;
  }
  if (cli_zone_localtime(now, zone, &today) == 0 && today.tm_year == tm.tm_year)
    snprintf(buf, size, "%s %d %s", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon]);
  else snprintf(buf, size, "%s %d %s %d", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

void cli_time_format_utc(int64_t t, char *buf, size_t size)
{
  struct tm tm;
  time_t tt = (time_t)t;
  if (!gmtime_r(&tt, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) snprintf(buf, size, "?");
}
