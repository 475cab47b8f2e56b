/* The one way the CLI tells a person what went wrong. See cli_out.h. */
#include <stdarg.h>
#include <stdio.h>

#include "cli_out.h"

void cli_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("reflect: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}
