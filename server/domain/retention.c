/* Retention dates: civil dates in the organisation's zone (the process's
 * TZ), pure arithmetic so the store and the shredding job share them. */
#include "retention.h"

#include <string.h>
#include <time.h>

static int is_leap(int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* By hand rather than snprintf: the year is checked to 4 digits, and the
 * output never depends on a locale. */
static void format_ymd(int y, int m, int d, char out[11])
{
  int v[3] = {y, m, d}, w[3] = {4, 2, 2}, p = 0;
  for (int i = 0; i < 3; i++) {
    if (i) out[p++] = '-';
    for (int k = w[i] - 1, x = v[i]; k >= 0; k--, x /= 10) out[p + k] = (char)('0' + x % 10);
    p += w[i];
  }
  out[p] = '\0';
}

static int local_ymd(int64_t t, int *y, int *m, int *d)
{
  time_t tt = (time_t)t;
  struct tm tm;
  if (!localtime_r(&tt, &tm)) return -1;
  *y = tm.tm_year + 1900;
  *m = tm.tm_mon + 1;
  *d = tm.tm_mday;
  return *y >= 1 && *y <= 9999 ? 0 : -1;
}

void retention_format_date(int64_t t, char out[11])
{
  int y, m, d;
  if (local_ymd(t, &y, &m, &d)) {
    y = 1970;
    m = 1;
    d = 1;
  }
  format_ymd(y, m, d, out);
}

/* Exactly YYYY-MM-DD with digits where digits belong; only the year is used. */
static int dob_year(const char *s, int *year)
{
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return -1;
  int y = 0;
  for (int i = 0; i < 10; i++) {
    if (i == 4 || i == 7) continue;
    if (s[i] < '0' || s[i] > '9') return -1;
    if (i < 4) y = y * 10 + (s[i] - '0');
  }
  *year = y;
  return y >= 1 ? 0 : -1;
}

int retention_until(const retention_policy *p, int64_t closed_at, int looked_after, const char *date_of_birth,
                    char out[11])
{
  int y, m, d;
  if (local_ymd(closed_at, &y, &m, &d)) return -1;
  y += p->case_years;
  /* Kept for whole years: a case closed on 29 February is kept until the
   * 28th in a year without one, never into March. */
  if (m == 2 && d == 29 && !is_leap(y)) d = 28;
  if (looked_after && date_of_birth && *date_of_birth) {
    int born;
    if (dob_year(date_of_birth, &born)) return -1;
    /* "Until their 75th birthday", rounded up to the end of that year:
     * never a day earlier than the birthday itself, and the date kept in
     * clear (retain_until) then reveals only the birth year, not the date
     * of birth that is sealed under the case's key. */
    int ly = born + p->looked_after_age;
    if (ly > y || (ly == y && (m < 12 || d < 31))) {
      y = ly;
      m = 12;
      d = 31;
    }
  }
  if (y > 9999) return -1;
  format_ymd(y, m, d, out);
  return 0;
}
