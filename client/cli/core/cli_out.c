/* Messages, tables and terminal-safe text for the reflect CLI. */
#include "cli_out.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli_json.h"
#include "wire.h"

void cli_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("reflect: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static void cli_out_of_memory(void)
{
  fputs("reflect: out of memory\n", stderr);
  exit(CLI_EXIT_REFUSED);
}

void *cli_xmalloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if (!p) cli_out_of_memory();
  return p;
}

void *cli_xrealloc(void *p, size_t n)
{
  void *q = realloc(p, n ? n : 1);
  if (!q) cli_out_of_memory();
  return q;
}

char *cli_text_clean(const char *s, int multiline)
{
  char *out = strdup(s ? s : "");
  if (!out) cli_out_of_memory();
  wire_clean_text(out, multiline ? WIRE_TEXT_MULTILINE : WIRE_TEXT_LINE);
  return out;
}

void cli_text_print(FILE *f, const char *s)
{
  char *clean = cli_text_clean(s, 1);
  fputs(clean, f);
  free(clean);
}

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
    t->cells = cli_xrealloc(t->cells, t->cap * t->ncols * sizeof *t->cells);
  }
  for (size_t i = 0; i < t->ncols; i++)
    t->cells[t->nrows * t->ncols + i] = cli_text_clean(cells[i], 0);
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

static void table_print_row(const cli_table *t, FILE *f, const char *const *cells,
                            const size_t *widths)
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
  size_t *widths = cli_xmalloc(t->ncols * sizeof *widths);
  for (size_t i = 0; i < t->ncols; i++) widths[i] = table_width(t->heads[i]);
  for (size_t r = 0; r < t->nrows; r++) {
    for (size_t i = 0; i < t->ncols; i++) {
      size_t w = table_width(t->cells[r * t->ncols + i]);
      if (w > widths[i]) widths[i] = w;
    }
  }
  table_print_row(t, f, t->heads, widths);
  for (size_t r = 0; r < t->nrows; r++)
    table_print_row(t, f, (const char *const *)&t->cells[r * t->ncols], widths);
  free(widths);
}

void cli_table_free(cli_table *t)
{
  for (size_t i = 0; i < t->nrows * t->ncols; i++) free(t->cells[i]);
  free(t->cells);
  memset(t, 0, sizeof *t);
}

int cli_print_id(const cli_ctx *ctx, uint64_t id)
{
  if (ctx->json) {
    cJSON *o = cJSON_CreateObject();
    cli_json_add_u64(o, "id", id);
    return cli_json_print(o);
  }
  printf("%" PRIu64 "\n", id);
  return CLI_EXIT_OK;
}

int cli_print_list(const cli_ctx *ctx, const cli_list_format *f, const void *list, size_t n)
{
  if (ctx->json) {
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(arr, f->json(list, i));
    return cli_json_print(arr);
  }
  cli_table t;
  cli_table_init(&t, f->ncols, f->heads);
  for (size_t i = 0; i < n; i++) f->row(ctx, list, i, &t);
  cli_table_print(&t, stdout);
  cli_table_free(&t);
  return CLI_EXIT_OK;
}
