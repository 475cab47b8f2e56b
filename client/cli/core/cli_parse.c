/* Reading a number the user gave, strictly. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "cli.h"

int cli_parse_u64(const cli_ctx *ctx, const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
  /* strtoull alone would take " 7", "+7" and even "-1" (as 2^64-1). */
  char *end = NULL;
  errno = 0;
  unsigned long long v = (s && s[0] >= '0' && s[0] <= '9') ? strtoull(s, &end, 10) : 0;
  if (!end || *end != '\0' || errno == ERANGE || v < min || v > max)
    return cli_usage_error(ctx, "%s must be a whole number from %" PRIu64 " to %" PRIu64, what, min, max);
  *out = v;
  return CLI_EXIT_OK;
}
