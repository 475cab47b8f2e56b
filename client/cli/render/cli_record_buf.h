/*
 * cli_record_buf — a growable text buffer for building and reading record
 * text. Header-only: the record text and diff modules share it.
 *
 * Contract: a zeroed cli_record_buf is empty and ready. An allocation
 * failure sets `failed` and makes later additions no-ops, so callers check
 * once at the end. The buffer owns p; cli_record_buf_wipe wipes and frees
 * it (record text is confidential); cli_record_buf_take hands p (always
 * NUL-terminated) to the caller.
 */
#ifndef REFLECT_CLI_RECORD_BUF_H
#define REFLECT_CLI_RECORD_BUF_H

#include <stdlib.h>
#include <string.h>

typedef struct {
  char *p;
  size_t len, cap;
  int failed;
} cli_record_buf;

static inline void cli_record_buf_add(cli_record_buf *b, const char *s, size_t n)
{
  if (b->failed) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) cap *= 2;
    char *q = malloc(cap);
    if (!q) {
      b->failed = 1;
      return;
    }
    if (b->p) {
      memcpy(q, b->p, b->len);
      explicit_bzero(b->p, b->cap);
      free(b->p);
    }
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static inline void cli_record_buf_str(cli_record_buf *b, const char *s)
{
  cli_record_buf_add(b, s, strlen(s));
}

/* Empties the buffer, keeping its memory (wiped) for reuse. */
static inline void cli_record_buf_reset(cli_record_buf *b)
{
  if (b->p) explicit_bzero(b->p, b->cap);
  b->len = 0;
}

static inline void cli_record_buf_wipe(cli_record_buf *b)
{
  cli_record_buf_reset(b);
  free(b->p);
  b->p = NULL;
  b->cap = 0;
}

/* The text, or NULL (and the buffer freed) if any addition failed. */
static inline char *cli_record_buf_take(cli_record_buf *b)
{
  if (!b->failed && !b->p) cli_record_buf_add(b, "", 0);
  if (b->failed) {
    cli_record_buf_wipe(b);
    return NULL;
  }
  char *p = b->p;
  b->p = NULL;
  b->len = b->cap = 0;
  return p;
}

#endif
