/* Checking one line of text the user gave before it goes to the server. */
#include <string.h>

#include "cli.h"
#include "wire.h"

int cli_check_text(const cli_ctx *ctx, const char *what, const char *s, size_t max)
{
  if (!s || !*s) return cli_usage_error(ctx, "%s is empty", what);
  if (strlen(s) > max) return cli_usage_error(ctx, "%s is longer than %zu bytes", what, max);
  if (strpbrk(s, "\t\r\n") || wire_check_utf8(s, max) != WIRE_OK)
    return cli_usage_error(ctx, "%s must be one line of UTF-8 text without control characters", what);
  return CLI_EXIT_OK;
}
