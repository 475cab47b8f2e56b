/* due: calendar arithmetic of frequency rules, month ends, leap years,
 * the newly-qualified schedule at its boundaries, and fixed day counts. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "due.h"

static due_date D(int y, int m, int d)
{
  return (due_date){y, m, d};
}
static due_interval I(uint32_t count, int unit)
{
  return (due_interval){count, unit};
}

static void assert_date(due_date got, int y, int m, int d)
{
  char g[16];
  due_date_format(got, g, sizeof g);
  cr_assert(got.year == y && got.month == m && got.day == d, "got %s, want %04d-%02d-%02d", g, y, m, d);
}

static due_date add(due_date d, due_interval iv)
{
  due_date out = {0, 0, 0};
  cr_assert_eq(due_date_add(d, iv, &out), DUE_OK);
  return out;
}

/* Weekly until 6 weeks, fortnightly until 6 months, then monthly. */
static const due_step newly_qualified[] = {
    {{1, DUE_WEEK}, {6, DUE_WEEK}},
    {{2, DUE_WEEK}, {6, DUE_MONTH}},
    {{1, DUE_MONTH}, {0, 0}},
};

Test(due, days_round_trip_across_centuries)
{
  cr_assert_eq(due_date_days(D(1970, 1, 1)), 0);
  cr_assert_eq(due_date_days(D(2000, 3, 1)), 11017);
  for (int64_t k = -1000; k < 200000; k += 37) {
    due_date d = due_date_from_days(k);
    cr_assert_eq(due_date_days(d), k, "day %lld", (long long)k);
  }
}

Test(due, parse_accepts_only_real_dates_in_the_form)
{
  due_date d;
  cr_assert_eq(due_date_parse("2028-02-29", &d), DUE_OK);
  assert_date(d, 2028, 2, 29);
  const char *bad[] = {"2027-02-29",  "2100-02-29",  "2026-13-01", "2026-04-31", "2026-4-01",
                       " 2026-04-01", "2026-04-01 ", "2026/04/01", "",           "1969-12-31",
                       "2201-01-01",  "2026-00-10",  "2026-01-00"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    cr_assert_eq(due_date_parse(bad[i], &d), DUE_EINVAL, "'%s' accepted", bad[i]);
  cr_assert_eq(due_date_parse("2000-02-29", &d), DUE_OK, "2000 is a leap year");
  char buf[16];
  due_date_format(D(2031, 7, 4), buf, sizeof buf);
  cr_assert_str_eq(buf, "2031-07-04");
}

Test(due, months_clamp_to_the_last_day)
{
  assert_date(add(D(2027, 1, 31), I(1, DUE_MONTH)), 2027, 2, 28);
  assert_date(add(D(2028, 1, 31), I(1, DUE_MONTH)), 2028, 2, 29);
  assert_date(add(D(2026, 3, 31), I(1, DUE_MONTH)), 2026, 4, 30);
  assert_date(add(D(2026, 8, 31), I(6, DUE_MONTH)), 2027, 2, 28);
  assert_date(add(D(2026, 11, 30), I(3, DUE_MONTH)), 2027, 2, 28);
  assert_date(add(D(2026, 12, 15), I(1, DUE_MONTH)), 2027, 1, 15);
  assert_date(add(D(2026, 5, 31), I(12, DUE_MONTH)), 2027, 5, 31);
  /* A leap day a year on is the last of February. */
  assert_date(add(D(2028, 2, 29), I(12, DUE_MONTH)), 2029, 2, 28);
  assert_date(add(D(2028, 2, 29), I(48, DUE_MONTH)), 2032, 2, 29);
}

Test(due, days_and_weeks_cross_month_and_leap_days)
{
  assert_date(add(D(2028, 2, 27), I(2, DUE_DAY)), 2028, 2, 29);
  assert_date(add(D(2027, 2, 27), I(2, DUE_DAY)), 2027, 3, 1);
  assert_date(add(D(2026, 12, 28), I(1, DUE_WEEK)), 2027, 1, 4);
  assert_date(add(D(2026, 1, 1), I(366, DUE_DAY)), 2027, 1, 2);
  assert_date(add(D(2028, 1, 1), I(366, DUE_DAY)), 2029, 1, 1);
  assert_date(add(D(2100, 2, 28), I(1, DUE_DAY)), 2100, 3, 1);
}

Test(due, add_refuses_nonsense)
{
  due_date out;
  cr_assert_eq(due_date_add(D(2026, 2, 30), I(1, DUE_DAY), &out), DUE_EINVAL);
  cr_assert_eq(due_date_add(D(2026, 2, 1), I(0, DUE_DAY), &out), DUE_EINVAL);
  cr_assert_eq(due_date_add(D(2026, 2, 1), I(1, 9), &out), DUE_EINVAL);
  cr_assert_eq(due_date_add(D(2199, 6, 1), I(1200, DUE_MONTH), &out), DUE_ERANGE);
}

Test(due, newly_qualified_steps_at_their_boundaries)
{
  due_date start = D(2027, 3, 1);
  size_t i = 99;
  /* 6 weeks from 1 March is 12 April; 6 months is 1 September. */
  cr_assert_eq(due_step_at(newly_qualified, 3, start, D(2027, 2, 1), &i), DUE_OK);
  cr_assert_eq(i, 0, "before the start: the first step");
  due_step_at(newly_qualified, 3, start, D(2027, 3, 1), &i);
  cr_assert_eq(i, 0);
  due_step_at(newly_qualified, 3, start, D(2027, 4, 11), &i);
  cr_assert_eq(i, 0, "the day before 6 weeks is still weekly");
  due_step_at(newly_qualified, 3, start, D(2027, 4, 12), &i);
  cr_assert_eq(i, 1, "the boundary day is fortnightly");
  due_step_at(newly_qualified, 3, start, D(2027, 8, 31), &i);
  cr_assert_eq(i, 1);
  due_step_at(newly_qualified, 3, start, D(2027, 9, 1), &i);
  cr_assert_eq(i, 2, "6 months on: monthly");
  due_step_at(newly_qualified, 3, start, D(2035, 1, 1), &i);
  cr_assert_eq(i, 2, "and monthly from then on");

  due_date next;
  due_next_date(newly_qualified, 3, start, D(2027, 4, 5), &next);
  assert_date(next, 2027, 4, 12);
  due_next_date(newly_qualified, 3, start, D(2027, 4, 12), &next);
  assert_date(next, 2027, 4, 26);
  due_next_date(newly_qualified, 3, start, D(2027, 8, 30), &next);
  assert_date(next, 2027, 9, 13);
  due_next_date(newly_qualified, 3, start, D(2027, 9, 1), &next);
  assert_date(next, 2027, 10, 1);
  due_next_date(newly_qualified, 3, start, D(2028, 1, 31), &next);
  assert_date(next, 2028, 2, 29);
}

Test(due, a_schedule_walked_from_the_start)
{
  /* Booking every session exactly when due, from the start. */
  due_date start = D(2027, 1, 4), at = start;
  static const due_date want[] = {{2027, 1, 11}, {2027, 1, 18}, {2027, 1, 25}, {2027, 2, 1},  {2027, 2, 8},
                                  {2027, 2, 15}, {2027, 3, 1},  {2027, 3, 15}, {2027, 3, 29}, {2027, 4, 12},
                                  {2027, 4, 26}, {2027, 5, 10}, {2027, 5, 24}, {2027, 6, 7},  {2027, 6, 21},
                                  {2027, 7, 5},  {2027, 8, 5},  {2027, 9, 5}};
  for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
    cr_assert_eq(due_next_date(newly_qualified, 3, start, at, &at), DUE_OK);
    assert_date(at, want[k].year, want[k].month, want[k].day);
  }
}

Test(due, every_days_is_a_one_step_rule)
{
  due_step every[] = {{{28, DUE_DAY}, {0, 0}}};
  size_t bad;
  cr_assert_eq(due_rule_check(every, 1, &bad), DUE_RULE_OK);
  due_date next;
  due_next_date(every, 1, D(2026, 1, 1), D(2026, 12, 20), &next);
  assert_date(next, 2027, 1, 17);
  /* As instants: the time of day is kept. */
  int64_t at = due_date_midnight(D(2026, 11, 2)) + 14 * 3600 + 30 * 60, due;
  cr_assert_eq(due_next_time(every, 1, D(2026, 1, 1), at, &due), DUE_OK);
  cr_assert_eq(due, due_date_midnight(D(2026, 11, 30)) + 14 * 3600 + 30 * 60);
  cr_assert_eq(due_next_time(every, 1, D(2026, 1, 1), due_date_midnight(D(2026, 1, 1)), &due), DUE_OK);
  cr_assert_eq(due, due_date_midnight(D(2026, 1, 29)));
}

Test(due, rule_check_names_the_step_at_fault)
{
  size_t bad = 99;
  cr_assert_eq(due_rule_check(newly_qualified, 3, &bad), DUE_RULE_OK);
  cr_assert_eq(due_rule_check(newly_qualified, 0, &bad), DUE_RULE_NO_STEPS);
  due_step many[DUE_STEPS_MAX + 1];
  memset(many, 0, sizeof many);
  cr_assert_eq(due_rule_check(many, DUE_STEPS_MAX + 1, &bad), DUE_RULE_TOO_MANY);

  due_step s[3];
  memcpy(s, newly_qualified, sizeof s);
  s[1].every.count = 0;
  cr_assert_eq(due_rule_check(s, 3, &bad), DUE_RULE_BAD_EVERY);
  cr_assert_eq(bad, 1);
  memcpy(s, newly_qualified, sizeof s);
  s[2].every.count = DUE_EVERY_MAX + 1;
  cr_assert_eq(due_rule_check(s, 3, &bad), DUE_RULE_BAD_EVERY);
  cr_assert_eq(bad, 2);
  memcpy(s, newly_qualified, sizeof s);
  s[0].every.unit = 4;
  cr_assert_eq(due_rule_check(s, 3, &bad), DUE_RULE_BAD_EVERY);
  memcpy(s, newly_qualified, sizeof s);
  s[1].until = (due_interval){0, 0};
  cr_assert_eq(due_rule_check(s, 3, &bad), DUE_RULE_MISSING_UNTIL);
  cr_assert_eq(bad, 1);
  memcpy(s, newly_qualified, sizeof s);
  s[2].until = (due_interval){1, DUE_MONTH};
  cr_assert_eq(due_rule_check(s, 3, &bad), DUE_RULE_LAST_UNTIL);
  cr_assert_eq(bad, 2);
  memcpy(s, newly_qualified, sizeof s);
  s[0].until = (due_interval){DUE_UNTIL_MAX + 1, DUE_DAY};
  cr_assert_eq(due_rule_check(s, 3, &bad), DUE_RULE_BAD_UNTIL);
  memcpy(s, newly_qualified, sizeof s);
  s[1].until = (due_interval){42, DUE_DAY}; /* 6 weeks again */
  cr_assert_eq(due_rule_check(s, 3, &bad), DUE_RULE_NOT_INCREASING);
  cr_assert_eq(bad, 1);
  /* Four weeks and a month are the same from a February start. */
  due_step feb[] = {{{1, DUE_WEEK}, {4, DUE_WEEK}}, {{2, DUE_WEEK}, {1, DUE_MONTH}}, {{1, DUE_MONTH}, {0, 0}}};
  cr_assert_eq(due_rule_check(feb, 3, &bad), DUE_RULE_NOT_INCREASING);
  feb[0].until.count = 3;
  cr_assert_eq(due_rule_check(feb, 3, &bad), DUE_RULE_OK);
}

Test(due, instants_outside_the_calendar_are_out_of_range)
{
  due_step every[] = {{{28, DUE_DAY}, {0, 0}}};
  int64_t due = 12345;
  /* INT64_MIN once overflowed negating it; now refused before arithmetic. */
  const int64_t bad[] = {INT64_MIN, INT64_MIN + 1, -1, due_date_midnight(D(DUE_YEAR_MAX + 1, 1, 1)), INT64_MAX};
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    cr_assert_eq(due_next_time(every, 1, D(2026, 1, 1), bad[k], &due), DUE_ERANGE, "%lld", (long long)bad[k]);
    cr_assert_eq(due, 12345, "nothing written for %lld", (long long)bad[k]);
  }
  cr_assert_eq(due_next_time(every, 1, D(2026, 1, 1), 0, &due), DUE_OK, "1970-01-01 is in the calendar");
  cr_assert_eq(due, 28 * 86400);
  cr_assert_eq(due_next_time(every, 1, D(2026, 1, 1), due_date_midnight(D(DUE_YEAR_MAX, 12, 31)), &due), DUE_ERANGE,
               "due past the calendar's last year");
}

Test(due, a_boundary_past_the_calendar_keeps_its_step)
{
  /* 1200 weeks from 2190 is past DUE_YEAR_MAX: the boundary is never
   * reached, so the first step stays in force, not the last. */
  const due_step far[] = {{{1, DUE_WEEK}, {1200, DUE_WEEK}}, {{1, DUE_MONTH}, {0, 0}}};
  size_t i = 99;
  cr_assert_eq(due_step_at(far, 2, D(2190, 1, 1), D(2195, 6, 1), &i), DUE_OK);
  cr_assert_eq(i, 0, "got step %zu", i);
  due_date next;
  cr_assert_eq(due_next_date(far, 2, D(2190, 1, 1), D(2195, 6, 1), &next), DUE_OK);
  assert_date(next, 2195, 6, 8);
  /* The same out of range at a later step reports that step. */
  const due_step later[] = {{{1, DUE_WEEK}, {6, DUE_WEEK}},
                            {{2, DUE_WEEK}, {1200, DUE_WEEK}},
                            {{1, DUE_MONTH}, {0, 0}}};
  cr_assert_eq(due_step_at(later, 3, D(2190, 1, 1), D(2195, 6, 1), &i), DUE_OK);
  cr_assert_eq(i, 1, "got step %zu", i);
}
