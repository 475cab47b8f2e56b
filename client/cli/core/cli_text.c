/* Server text made safe for a terminal. See cli_out.h. */
#include <stdlib.h>

#include "cli_out.h"
#include "wire.h"

char *cli_text_clean(const char *s, int multiline)
{
  char *out = cli_mem_strdup(s ? s : "");
  wire_clean_text(out, multiline ? WIRE_TEXT_MULTILINE : WIRE_TEXT_LINE);
  return out;
}

void cli_text_print(FILE *f, const char *s)
{
  char *clean = cli_text_clean(s, 1);
  fputs(clean, f);
  free(clean);
}
