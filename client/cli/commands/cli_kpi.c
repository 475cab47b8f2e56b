/* What the kpi commands (cli_kpis.c, cli_kpi_report.c) share: reading a
 * number and the practitioner or team a KPI is about. See cli_kpi.h. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_kpi.h"

int cli_kpi_number(const cli_ctx *ctx, const char *what, const char *s, double *out)
{
  /* strtod alone would take " 1", "0x1p3", "inf" and "1e999" (as HUGE_VAL). */
  size_t len = strlen(s);
  int ok = len > 0 && len <= 64 && strspn(s, "+-0123456789.eE") == len &&
           (isdigit((unsigned char)s[0]) || s[0] == '-' || s[0] == '+' || s[0] == '.');
  char *end = NULL;
  errno = 0;
  double v = ok ? strtod(s, &end) : 0;
  if (!ok || errno || !end || *end || !isfinite(v))
    return cli_usage_error(ctx, "%s must be a number, like 12 or 87.5 (not '%.32s')", what, s);
  *out = v;
  return CLI_EXIT_OK;
}

int cli_kpi_subject(const cli_ctx *ctx, const cli_args *a, int required, char **practitioner, char **team)
{
  const char *p = cli_arg_value(a, "practitioner"), *t = cli_arg_value(a, "team");
  if (p && t) return cli_usage_error(ctx, "give --practitioner or --team, not both");
  if (required && !p && !t) return cli_usage_error(ctx, "give --practitioner USER or --team TEAM");
  int rc = p ? cli_check_text(ctx, "--practitioner", p, 256) : t ? cli_check_text(ctx, "--team", t, 256) : 0;
  *practitioner = (char *)(p ? p : "");
  *team = (char *)(t ? t : "");
  return rc;
}
