/* A usage error: the message, and where to read how the command is used. */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

int cli_usage_error(const cli_ctx *ctx, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("reflect: ", stderr);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\nhint: see '%s --help'\n", ctx->cmd);
  va_end(ap);
  return CLI_EXIT_USAGE;
}
