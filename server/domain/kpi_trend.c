#include "kpi_trend.h"

#include "due.h"

enum { WEEK = 1, MONTH = 2, QUARTER = 3, HIGHER = 1, LOWER = 2 };

int kpi_trend_period_known(int period)
{
  return period >= WEEK && period <= QUARTER;
}

int kpi_trend_direction_known(int direction)
{
  return direction == HIGHER || direction == LOWER;
}

int kpi_trend_period_start(int period, const char *day, char out[KPI_DAY_SIZE])
{
  due_date d;
  if (!kpi_trend_period_known(period) || due_date_parse(day, &d)) return -1;
  if (period == WEEK) {
    /* 1970-01-01 was a Thursday: days + 3 counts from a Monday. */
    int64_t days = due_date_days(d);
    int64_t since_monday = ((days + 3) % 7 + 7) % 7;
    d = due_date_from_days(days - since_monday);
  } else if (period == MONTH) {
    d.day = 1;
  } else {
    d.month = (d.month - 1) / 3 * 3 + 1;
    d.day = 1;
  }
  due_date_format(d, out, KPI_DAY_SIZE);
  return 0;
}

int kpi_trend_aligned(int period, const char *day)
{
  char start[KPI_DAY_SIZE];
  if (kpi_trend_period_start(period, day, start)) return 0;
  due_date a, b;
  /* Compared as dates, so "2026-03-01" and its parse agree whatever the text. */
  return !due_date_parse(day, &a) && !due_date_parse(start, &b) && due_date_cmp(a, b) == 0;
}

int kpi_trend_meets(int direction, double value, double target)
{
  return direction == LOWER ? value <= target : value >= target;
}

/* +1 if b is nearer the better end than a, -1 if further, 0 if equal. */
static int step(int direction, double a, double b)
{
  if (b == a) return 0;
  int up = b > a;
  return (direction == LOWER ? !up : up) ? 1 : -1;
}

int kpi_trend_of(int direction, const double *values, size_t n)
{
  if (n < 2 || !kpi_trend_direction_known(direction)) return 1;
  int s = step(direction, values[n - 2], values[n - 1]);
  return s > 0 ? 2 : s == 0 ? 3 : 4;
}

int kpi_trend_drifting(int direction, const double *values, const int *has_target, const double *targets, size_t n)
{
  if (n < 3 || !kpi_trend_direction_known(direction)) return 0;
  if (!has_target[n - 1] || kpi_trend_meets(direction, values[n - 1], targets[n - 1])) return 0;
  return step(direction, values[n - 3], values[n - 2]) < 0 && step(direction, values[n - 2], values[n - 1]) < 0;
}
