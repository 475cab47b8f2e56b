/* cli_csv: RFC 4180 rows, defused against spreadsheet formulas. */
#include "cli_csv.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int is_number(const char *s)
{
  if (!*s) return 0;
  char *end;
  strtod(s, &end);
  return *end == '\0';
}

static void field(FILE *f, const char *s)
{
  if (!s) s = "";
  int formula = strchr("=+-@\t\r", s[0]) && s[0] && !is_number(s);
  int quote = formula || strpbrk(s, ",\"\r\n") != NULL;
  if (quote) fputc('"', f);
  if (formula) fputc('\'', f);
  for (const char *p = s; *p; p++) {
    if (*p == '"') fputc('"', f);
    fputc(*p, f);
  }
  if (quote) fputc('"', f);
}

void cli_csv_row(FILE *f, const char *const *fields, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (i) fputc(',', f);
    field(f, fields[i]);
  }
  fputs("\r\n", f);
}

const char *cli_csv_u64(char *buf, size_t size, uint64_t v)
{
  snprintf(buf, size, "%" PRIu64, v);
  return buf;
}

const char *cli_csv_double(char *buf, size_t size, double v)
{
  snprintf(buf, size, "%.2f", v);
  char *dot = strchr(buf, '.');
  if (dot) {
    char *end = buf + strlen(buf) - 1;
    while (end > dot && *end == '0') *end-- = '\0';
    if (end == dot) *end = '\0';
  }
  return buf;
}
