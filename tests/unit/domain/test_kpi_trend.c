/* kpi_trend: which days start a period (weeks from Monday, months, quarters,
 * across leap years), meeting a target, the direction of travel and drift
 * in both directions. Expected values are worked out in the comments. */
#include <criterion/criterion.h>
#include <string.h>

#include "kpi_trend.h"

enum { WEEK = 1, MONTH = 2, QUARTER = 3, HIGHER = 1, LOWER = 2 };
enum { UNKNOWN = 1, IMPROVING = 2, STEADY = 3, WORSENING = 4 };

static void assert_start(int period, const char *day, const char *want)
{
  char got[KPI_DAY_SIZE];
  cr_assert_eq(kpi_trend_period_start(period, day, got), 0, "%s", day);
  cr_assert_str_eq(got, want, "period %d of %s", period, day);
}

Test(kpi_trend, weeks_start_on_monday)
{
  /* 2026-03-02 is a Monday; 2026-03-08 the Sunday after it. */
  assert_start(WEEK, "2026-03-02", "2026-03-02");
  assert_start(WEEK, "2026-03-08", "2026-03-02");
  assert_start(WEEK, "2026-03-09", "2026-03-09");
  /* Across a leap day: Thursday 2024-02-29 is in the week of Monday 26th;
   * Sunday 2024-03-03 too. */
  assert_start(WEEK, "2024-02-29", "2024-02-26");
  assert_start(WEEK, "2024-03-03", "2024-02-26");
  /* Across a year: Thursday 1970-01-01 belongs to Monday 1969-12-29,
   * which is before the dates we keep, so refused; Friday 2027-01-01 is
   * in the week of Monday 2026-12-28. */
  assert_start(WEEK, "2027-01-01", "2026-12-28");
  cr_assert(kpi_trend_aligned(WEEK, "2026-03-02"));
  cr_assert_not(kpi_trend_aligned(WEEK, "2026-03-03"));
}

Test(kpi_trend, months_and_quarters)
{
  assert_start(MONTH, "2024-02-29", "2024-02-01");
  assert_start(MONTH, "2026-12-31", "2026-12-01");
  assert_start(QUARTER, "2026-03-31", "2026-01-01");
  assert_start(QUARTER, "2026-04-01", "2026-04-01");
  assert_start(QUARTER, "2026-09-30", "2026-07-01");
  assert_start(QUARTER, "2026-11-15", "2026-10-01");
  cr_assert(kpi_trend_aligned(MONTH, "2026-03-01"));
  cr_assert_not(kpi_trend_aligned(MONTH, "2026-03-02"));
  cr_assert(kpi_trend_aligned(QUARTER, "2026-10-01"));
  cr_assert_not(kpi_trend_aligned(QUARTER, "2026-02-01"));
  cr_assert_not(kpi_trend_aligned(QUARTER, "2026-11-01"));
}

Test(kpi_trend, not_a_day_is_never_aligned)
{
  char got[KPI_DAY_SIZE];
  cr_assert_eq(kpi_trend_period_start(MONTH, "2025-02-29", got), -1, "2025 is not a leap year");
  cr_assert_eq(kpi_trend_period_start(MONTH, "2024-02-30", got), -1);
  cr_assert_eq(kpi_trend_period_start(MONTH, "2026-3-01", got), -1);
  cr_assert_eq(kpi_trend_period_start(MONTH, "2026-03-01 ", got), -1);
  cr_assert_eq(kpi_trend_period_start(4, "2026-03-01", got), -1, "no such period");
  cr_assert_not(kpi_trend_aligned(MONTH, ""));
  cr_assert_not(kpi_trend_aligned(0, "2026-03-01"));
  /* 2000 was a leap year (divisible by 400), 1900 was not (and is out of range). */
  cr_assert(kpi_trend_aligned(WEEK, "2000-02-28"), "Monday 28 Feb 2000");
  cr_assert_eq(kpi_trend_period_start(MONTH, "2000-02-29", got), 0);
}

Test(kpi_trend, meeting_a_target)
{
  cr_assert(kpi_trend_meets(HIGHER, 90, 90));
  cr_assert(kpi_trend_meets(HIGHER, 91, 90));
  cr_assert_not(kpi_trend_meets(HIGHER, 89.5, 90));
  cr_assert(kpi_trend_meets(LOWER, 10, 10));
  cr_assert(kpi_trend_meets(LOWER, 9, 10));
  cr_assert_not(kpi_trend_meets(LOWER, 11, 10));
}

Test(kpi_trend, direction_of_travel)
{
  double one[] = {5};
  cr_assert_eq(kpi_trend_of(HIGHER, one, 1), UNKNOWN);
  cr_assert_eq(kpi_trend_of(HIGHER, one, 0), UNKNOWN);
  double up[] = {70, 60, 65}; /* last step 60 -> 65 */
  cr_assert_eq(kpi_trend_of(HIGHER, up, 3), IMPROVING);
  cr_assert_eq(kpi_trend_of(LOWER, up, 3), WORSENING);
  double flat[] = {3, 3};
  cr_assert_eq(kpi_trend_of(HIGHER, flat, 2), STEADY);
  cr_assert_eq(kpi_trend_of(LOWER, flat, 2), STEADY);
}

Test(kpi_trend, drift_needs_three_two_steps_away_and_a_missed_target)
{
  int has[] = {1, 1, 1, 1};
  double t90[] = {90, 90, 90, 90};
  /* Higher is better: 85 -> 80 -> 75, short of 90: drifting. */
  double down[] = {85, 80, 75};
  cr_assert(kpi_trend_drifting(HIGHER, down, has, t90, 3));
  cr_assert_not(kpi_trend_drifting(HIGHER, down, has, t90, 2), "two measurements are not enough");
  /* The same fall but still at or above a target of 70: not drifting. */
  double t70[] = {70, 70, 70};
  cr_assert_not(kpi_trend_drifting(HIGHER, down, has, t70, 3));
  /* One step away and one steady: not drifting. */
  double stall[] = {85, 80, 80};
  cr_assert_not(kpi_trend_drifting(HIGHER, stall, has, t90, 3));
  /* Away, back, away: only the last step is away. */
  double zig[] = {85, 80, 82, 78};
  cr_assert_not(kpi_trend_drifting(HIGHER, zig, has, t90, 4));
  /* The latest has no target: nothing to be short of. */
  int none[] = {1, 1, 0};
  cr_assert_not(kpi_trend_drifting(HIGHER, down, none, t90, 3));
  /* Lower is better (days to a plan, target 28): 30 -> 33 -> 40 drifts;
   * the falling series 85 -> 80 -> 75 is improving, not drifting. */
  double days[] = {30, 33, 40};
  double t28[] = {28, 28, 28};
  cr_assert(kpi_trend_drifting(LOWER, days, has, t28, 3));
  cr_assert_not(kpi_trend_drifting(LOWER, down, has, t90, 3));
  /* The latest's own target counts: 30 -> 33 -> 40 against a target raised
   * to 45 for the last period is not short of it. */
  double moved[] = {28, 28, 45};
  cr_assert_not(kpi_trend_drifting(LOWER, days, has, moved, 3));
}
