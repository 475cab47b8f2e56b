/* Allocation that cannot fail: out of memory ends the process. See
 * cli_out.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_out.h"

static void mem_out(void)
{
  fputs("reflect: out of memory\n", stderr);
  exit(CLI_EXIT_REFUSED);
}

void *cli_mem_alloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if (!p) mem_out();
  return p;
}

void *cli_mem_realloc(void *p, size_t n)
{
  void *q = realloc(p, n ? n : 1);
  if (!q) mem_out();
  return q;
}

char *cli_mem_strdup(const char *s)
{
  size_t n = strlen(s) + 1;
  return memcpy(cli_mem_alloc(n), s, n);
}
