/*
 * cli_out — putting text in front of a person: messages, tables, and
 * server-supplied strings made safe for a terminal.
 *
 * Contract:
 *  - Everything the server sends is untrusted: it is valid UTF-8 (the wire
 *    layer checked) but may hold, from before the server refused them,
 *    control characters and bidirectional overrides that a terminal would
 *    act on. Outside --json, the CLI's client cleans every reply and event
 *    as it is decoded (client_set_clean_text, wire_clean_strings), so no
 *    printf of a reply field can pass one on; cli_text_clean, cli_text_print
 *    and the table clean again by the same rule (wire_clean_text) whatever
 *    they are given: '?' for a control or override, and a space for a tab
 *    or line break in a one-line field. --json output is escaped instead
 *    (cli_json.h).
 *  - cli_mem_alloc and friends print "reflect: out of memory" and exit(1) on
 *    failure: a one-shot CLI has nothing better to do, and it spares every
 *    caller (and cJSON, see cli_json.h) an error path.
 *  - A cli_table owns copies of the cells added to it until cli_table_free.
 *  - One header for several small files, each named for its prefix and
 *    calling only those below it: cli_mem.c and cli_error.c (nothing of
 *    the CLI), cli_text.c (cleaning), cli_table.c (tables of cleaned
 *    cells), cli_print.c (lists and ids, as tables or through cli_json).
 */
#ifndef REFLECT_CLI_OUT_H
#define REFLECT_CLI_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"

/* Prints "reflect: <message>\n" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* malloc, realloc and strdup that never return NULL (see above); the
 * memory is the caller's, released with free(). */
void *cli_mem_alloc(size_t n);
void *cli_mem_realloc(void *p, size_t n);
char *cli_mem_strdup(const char *s);

/* A malloc'd copy of s with control characters replaced; s may be NULL. */
char *cli_text_clean(const char *s, int multiline);
/* Writes s to f, cleaned as multi-line text, piped or not. */
void cli_text_print(FILE *f, const char *s);

typedef struct {
  size_t ncols, nrows, cap;
  const char *const *heads; /* not copied: string literals */
  char **cells;             /* row-major, cleaned copies */
} cli_table;

void cli_table_init(cli_table *t, size_t ncols, const char *const *heads);
/* Adds one row of ncols cells (NULL prints as empty). */
void cli_table_add(cli_table *t, const char *const *cells);
/* Left-aligned columns two spaces apart, under an upper-case head row. */
void cli_table_print(const cli_table *t, FILE *f);
void cli_table_free(cli_table *t);

/* How one kind of list is shown: as a table, or as a JSON array. The
 * callbacks get the reply's list message and an index into it. */
typedef struct {
  size_t ncols;
  const char *const *heads;
  void (*row)(const cli_ctx *ctx, const void *list, size_t i, cli_table *t);
  struct cJSON *(*json)(const void *list, size_t i);
} cli_list_format;

/* Prints n items of list per ctx->json; returns the exit code. */
int cli_print_list(const cli_ctx *ctx, const cli_list_format *f, const void *list, size_t n);

/* What commands that create something print: the id alone, or {"id": N}. */
int cli_print_id(const cli_ctx *ctx, uint64_t id);

#endif
