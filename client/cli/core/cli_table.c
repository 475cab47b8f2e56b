/* Plain-text tables: left-aligned columns of cleaned cells. See
 * cli_out.h. */
#include <stdlib.h>
#include <string.h>

#include "cli_out.h"

void cli_table_init(cli_table *t, size_t ncols, const char *const *heads)
{
  memset(t, 0, sizeof *t);
  t->ncols = ncols;
  t->heads = heads;
}

void cli_table_add(cli_table *t, const char *const *cells)
{
  if (t->nrows == t->cap) {
    t->cap = t->cap ? 2 * t->cap : 16;
    t->cells = cli_mem_realloc(t->cells, t->cap * t->ncols * sizeof *t->cells);
  }
  for (size_t i = 0; i < t->ncols; i++) t->cells[t->nrows * t->ncols + i] = cli_text_clean(cells[i], 0);
  t->nrows++;
}

/* Columns are measured in code points: close enough for alignment
 * without a wcwidth table. */
static size_t table_width(const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xc0) != 0x80) n++;
  return n;
}

static void table_print_row(const cli_table *t, FILE *f, const char *const *cells, const size_t *widths)
{
  for (size_t i = 0; i < t->ncols; i++) {
    fputs(cells[i], f);
    if (i + 1 == t->ncols) break;
    for (size_t w = table_width(cells[i]); w < widths[i] + 2; w++) fputc(' ', f);
  }
  fputc('\n', f);
}

void cli_table_print(const cli_table *t, FILE *f)
{
  size_t *widths = cli_mem_alloc(t->ncols * sizeof *widths);
  for (size_t i = 0; i < t->ncols; i++) widths[i] = table_width(t->heads[i]);
  for (size_t r = 0; r < t->nrows; r++) {
    for (size_t i = 0; i < t->ncols; i++) {
      size_t w = table_width(t->cells[r * t->ncols + i]);
      if (w > widths[i]) widths[i] = w;
    }
  }
  table_print_row(t, f, t->heads, widths);
  for (size_t r = 0; r < t->nrows; r++) table_print_row(t, f, (const char *const *)&t->cells[r * t->ncols], widths);
  free(widths);
}

void cli_table_free(cli_table *t)
{
  for (size_t i = 0; i < t->nrows * t->ncols; i++) free(t->cells[i]);
  free(t->cells);
  memset(t, 0, sizeof *t);
}
