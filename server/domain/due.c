#include "due.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int due_leap(int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int due_month_days(int y, int m)
{
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return days[m - 1] + (m == 2 && due_leap(y));
}

static int due_date_valid(due_date d)
{
  return d.year >= DUE_YEAR_MIN && d.year <= DUE_YEAR_MAX && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= due_month_days(d.year, d.month);
}

/* Howard Hinnant's days_from_civil: exact for the whole Gregorian range
 * without a table or a loop. */
int64_t due_date_days(due_date d)
{
  int64_t y = d.year - (d.month <= 2);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

due_date due_date_from_days(int64_t z)
{
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int day = (int)(doy - (153 * mp + 2) / 5 + 1);
  int month = (int)(mp < 10 ? mp + 3 : mp - 9);
  return (due_date){(int)(yoe + era * 400 + (month <= 2)), month, day};
}

int due_date_cmp(due_date a, due_date b)
{
  if (a.year != b.year) return a.year < b.year ? -1 : 1;
  if (a.month != b.month) return a.month < b.month ? -1 : 1;
  return a.day < b.day ? -1 : a.day > b.day;
}

int due_date_parse(const char *text, due_date *out)
{
  if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-') return DUE_EINVAL;
  int v[3] = {0, 0, 0};
  static const int at[] = {0, 5, 8}, len[] = {4, 2, 2};
  for (int f = 0; f < 3; f++)
    for (int i = 0; i < len[f]; i++) {
      char ch = text[at[f] + i];
      if (ch < '0' || ch > '9') return DUE_EINVAL;
      v[f] = v[f] * 10 + (ch - '0');
    }
  due_date d = {v[0], v[1], v[2]};
  if (!due_date_valid(d)) return DUE_EINVAL;
  *out = d;
  return DUE_OK;
}

void due_date_format(due_date d, char *buf, size_t size)
{
  snprintf(buf, size, "%04d-%02d-%02d", d.year, d.month, d.day);
}

int due_date_add(due_date d, due_interval iv, due_date *out)
{
  if (!due_date_valid(d) || iv.count < 1 || iv.count > DUE_UNTIL_MAX) return DUE_EINVAL;
  due_date r;
  switch (iv.unit) {
  case DUE_DAY:
  case DUE_WEEK: r = due_date_from_days(due_date_days(d) + (int64_t)iv.count * (iv.unit == DUE_WEEK ? 7 : 1)); break;
  case DUE_MONTH: {
    int64_t months = (int64_t)d.year * 12 + (d.month - 1) + iv.count;
    r.year = (int)(months / 12);
    r.month = (int)(months % 12) + 1;
    if (r.year > DUE_YEAR_MAX) return DUE_ERANGE;
    int last = due_month_days(r.year, r.month);
    r.day = d.day > last ? last : d.day;
    break;
  }
  default: return DUE_EINVAL;
  }
  if (r.year > DUE_YEAR_MAX) return DUE_ERANGE;
  *out = r;
  return DUE_OK;
}

static int due_interval_ok(due_interval iv, uint32_t max)
{
  return iv.count >= 1 && iv.count <= max && iv.unit >= DUE_DAY && iv.unit <= DUE_MONTH;
}

/* "Strictly increasing" must hold whatever day an agreement starts on:
 * 4 weeks and 1 month are equal from a February start, so "every week
 * until 4 weeks, then fortnightly until 1 month" is refused. Four years of
 * start dates cover every month length and leap day. */
static int due_until_increasing(const due_step *a, const due_step *b)
{
  int64_t first = due_date_days((due_date){2024, 1, 1});
  for (int64_t k = 0; k < 4 * 366; k++) {
    due_date start = due_date_from_days(first + k), ea, eb;
    if (due_date_add(start, a->until, &ea) || due_date_add(start, b->until, &eb)) return 0;
    if (due_date_cmp(ea, eb) >= 0) return 0;
  }
  return 1;
}

due_rule_problem due_rule_check(const due_step *steps, size_t n, size_t *bad)
{
  *bad = 0;
  if (n == 0) return DUE_RULE_NO_STEPS;
  if (n > DUE_STEPS_MAX) return DUE_RULE_TOO_MANY;
  for (size_t i = 0; i < n; i++) {
    *bad = i;
    if (!due_interval_ok(steps[i].every, DUE_EVERY_MAX)) return DUE_RULE_BAD_EVERY;
    int last = i + 1 == n, has_until = steps[i].until.count != 0 || steps[i].until.unit != 0;
    if (last && has_until) return DUE_RULE_LAST_UNTIL;
    if (!last && !has_until) return DUE_RULE_MISSING_UNTIL;
    if (has_until && !due_interval_ok(steps[i].until, DUE_UNTIL_MAX)) return DUE_RULE_BAD_UNTIL;
    if (i > 0 && !last && !due_until_increasing(&steps[i - 1], &steps[i])) return DUE_RULE_NOT_INCREASING;
  }
  return DUE_RULE_OK;
}

int due_step_at(const due_step *steps, size_t n, due_date start, due_date at, size_t *index)
{
  if (n == 0 || n > DUE_STEPS_MAX) return DUE_EINVAL;
  for (size_t i = 0; i + 1 < n; i++) {
    due_date boundary;
    int rc = due_date_add(start, steps[i].until, &boundary);
    /* A boundary past the calendar is never reached: every date the
     * calendar holds is before it, so this step is in force, not the last. */
    if (rc == DUE_ERANGE || (!rc && due_date_cmp(at, boundary) < 0)) {
      *index = i;
      return DUE_OK;
    }
    if (rc) return rc;
  }
  *index = n - 1;
  return DUE_OK;
}

int due_next_date(const due_step *steps, size_t n, due_date start, due_date at, due_date *next)
{
  size_t i;
  int rc = due_step_at(steps, n, start, at, &i);
  return rc ? rc : due_date_add(at, steps[i].every, next);
}

int64_t due_date_midnight(due_date d)
{
  return due_date_days(d) * 86400;
}

int due_next_time(const due_step *steps, size_t n, due_date start, int64_t at, int64_t *next)
{
  /* Only instants in the calendar's years, checked before any arithmetic:
   * anything else (INT64_MIN above all) would overflow, and nothing in
   * those years is negative, so the day is a plain division. */
  if (at < 0 || at >= due_date_midnight((due_date){DUE_YEAR_MAX + 1, 1, 1})) return DUE_ERANGE;
  int64_t days = at / 86400;
  int64_t seconds = at - days * 86400;
  due_date d = due_date_from_days(days), nd;
  int rc = due_next_date(steps, n, start, d, &nd);
  if (rc) return rc;
  *next = due_date_midnight(nd) + seconds;
  return DUE_OK;
}

due_date due_date_local(int64_t t)
{
  time_t tt = (time_t)t;
  struct tm tm;
  /* localtime_r fails only for years out of int range. */
  if (!localtime_r(&tt, &tm)) return (due_date){1970, 1, 1};
  return (due_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

void due_format_local(int64_t t, char *buf, size_t size)
{
  time_t tt = (time_t)t;
  struct tm tm;
  if (!localtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M %Z", &tm)) snprintf(buf, size, "?");
}
