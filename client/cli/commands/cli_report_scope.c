/* A report's team and period from the options, with the defaults filled
 * in: what every report command shares (cli_report_figures.c,
 * cli_survey.c), below them. See cli_reports.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_reports.h"
#include "cli_time.h"

#define DATE_LEN 10
#define PERIOD_DAYS 28 /* the default period: four weeks ending on --to */

/* Exactly YYYY-MM-DD with digits where digits go: enough to count back
 * from; whether it is a real date is the server's to say. */
static int date_fields(const char *s, int *y, int *m, int *d)
{
  if (strlen(s) != DATE_LEN || s[4] != '-' || s[7] != '-') return -1;
  for (int i = 0; i < DATE_LEN; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return -1;
  *y = atoi(s);
  *m = atoi(s + 5);
  *d = atoi(s + 8);
  return 0;
}

static int days_before(const char *date, int days, char *out, size_t size)
{
  int y, m, d;
  if (date_fields(date, &y, &m, &d)) return -1;
  struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d - days, .tm_hour = 12};
  time_t t = timegm(&tm);
  struct tm back;
  if (t == (time_t)-1 || !gmtime_r(&t, &back)) return -1;
  return strftime(out, size, "%Y-%m-%d", &back) == DATE_LEN ? 0 : -1;
}

int cli_report_scope_read(cli_ctx *ctx, const cli_args *a, cli_report_period *ra, Reflect__V1__ReportScope *scope)
{
  const char *from = cli_arg_value(a, "from"), *to = cli_arg_value(a, "to");
  int rc = cli_arg_require(ctx, a, "team");
  if (!rc) rc = cli_check_text(ctx, "--team", cli_arg_value(a, "team"), 120);
  if (!rc && from) rc = cli_check_text(ctx, "--from", from, 32);
  if (!rc && to) rc = cli_check_text(ctx, "--to", to, 32);
  if (rc) return rc;
  ra->csv = cli_arg_count(a, "csv") > 0;
  if (ra->csv && ctx->json) return cli_usage_error(ctx, "give --json or --csv, not both");
  if (!to) {
    /* Today where the organisation is, which is what the server counts in. */
    char now[CLI_TIME_MAX];
    if ((rc = cli_call_connect(ctx))) return rc;
    cli_time_format_local((int64_t)time(NULL), cli_zone(ctx), now, sizeof now);
    snprintf(ra->to, sizeof ra->to, "%.10s", now);
    to = ra->to;
  }
  if (!from) {
    if (days_before(to, PERIOD_DAYS - 1, ra->from, sizeof ra->from))
      return cli_usage_error(ctx, "--to must be a date, YYYY-MM-DD");
    from = ra->from;
  }
  scope->team = (char *)cli_arg_value(a, "team");
  scope->from = (char *)from;
  scope->to = (char *)to;
  return CLI_EXIT_OK;
}
