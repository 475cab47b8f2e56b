/* retention: the retain-until date (case years, the looked-after rule,
 * leap days, the organisation's zone). Pure dates: links reflectd_domain
 * alone. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "retention.h"

/* The defaults of config_defaults (core/config.c): 25 years, age 75. */
static retention_policy pol;

static void zone(void)
{
  setenv("TZ", "Europe/London", 1);
  tzset();
  pol = (retention_policy){.case_years = 25, .looked_after_age = 75};
}

static int64_t utc(int y, int m, int d, int hh, int mm)
{
  struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = hh, .tm_min = mm};
  return (int64_t)timegm(&tm);
}

static const char *until(int years, int64_t closed, int looked_after, const char *dob)
{
  static char out[11];
  pol.case_years = years;
  memset(out, 'x', sizeof out);
  int rc = retention_until(&pol, closed, looked_after, dob, out);
  return rc ? "error" : out;
}

TestSuite(retention_until, .init = zone);

Test(retention_until, case_years_from_the_closing_day)
{
  cr_assert_str_eq(until(25, utc(2026, 11, 22, 12, 0), 0, ""), "2051-11-22");
  cr_assert_str_eq(until(0, utc(2026, 11, 22, 12, 0), 0, NULL), "2026-11-22");
}

Test(retention_until, leap_day_becomes_28_february)
{
  cr_assert_str_eq(until(25, utc(2024, 2, 29, 12, 0), 0, ""), "2049-02-28");
  cr_assert_str_eq(until(4, utc(2024, 2, 29, 12, 0), 0, ""), "2028-02-29");
  cr_assert_str_eq(until(100, utc(2000, 2, 29, 12, 0), 0, ""), "2100-02-28"); /* 2100 is not leap */
}

Test(retention_until, the_closing_day_is_in_the_organisations_zone)
{
  /* 23:30 UTC on 30 June is 00:30 on 1 July in London (BST). */
  cr_assert_str_eq(until(1, utc(2026, 6, 30, 23, 30), 0, ""), "2027-07-01");
  cr_assert_str_eq(until(1, utc(2026, 12, 31, 23, 30), 0, ""), "2027-12-31"); /* GMT in winter */
}

Test(retention_until, looked_after_later_than_case_years)
{
  cr_assert_str_eq(until(0, utc(2026, 11, 22, 12, 0), 1, "2010-05-01"), "2085-12-31");
  cr_assert_str_eq(until(25, utc(2026, 11, 22, 12, 0), 1, "2010-05-01"), "2085-12-31");
  /* Born on 31 December: the end of the year is the birthday itself. */
  cr_assert_str_eq(until(0, utc(2026, 1, 2, 12, 0), 1, "2010-12-31"), "2085-12-31");
}

Test(retention_until, looked_after_earlier_than_case_years)
{
  cr_assert_str_eq(until(25, utc(2026, 11, 22, 12, 0), 1, "1950-01-01"), "2051-11-22");
  /* The same year: the end of it is later than a June anniversary. */
  cr_assert_str_eq(until(0, utc(2025, 6, 1, 12, 0), 1, "1950-03-03"), "2025-12-31");
}

Test(retention_until, the_mark_and_the_date_of_birth_both_count)
{
  /* No date of birth: nothing to count from, case years alone. */
  cr_assert_str_eq(until(25, utc(2026, 11, 22, 12, 0), 1, ""), "2051-11-22");
  cr_assert_str_eq(until(25, utc(2026, 11, 22, 12, 0), 1, NULL), "2051-11-22");
  /* Not looked after: the date of birth does not extend anything. */
  cr_assert_str_eq(until(0, utc(2026, 11, 22, 12, 0), 0, "2010-05-01"), "2026-11-22");
  pol.looked_after_age = 18;
  cr_assert_str_eq(until(0, utc(2026, 11, 22, 12, 0), 1, "2010-05-01"), "2028-12-31");
}

Test(retention_until, a_bad_date_of_birth_is_refused)
{
  cr_assert_str_eq(until(0, utc(2026, 11, 22, 12, 0), 1, "2010-5-01"), "error");
  cr_assert_str_eq(until(0, utc(2026, 11, 22, 12, 0), 1, "20100501xx"), "error");
  cr_assert_str_eq(until(0, utc(2026, 11, 22, 12, 0), 1, "abcd-05-01"), "error");
}
