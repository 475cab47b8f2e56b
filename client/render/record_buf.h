/*
 * record_buf — a growable text buffer for building and reading record
 * text. Header-only: the record text and diff modules share it.
 *
 * Contract: a zeroed record_buf is empty and ready. An allocation
 * failure sets `failed` and makes later additions no-ops, so callers check
 * once at the end. The buffer owns p; record_buf_wipe wipes and frees
 * it (record text is confidential); record_buf_take hands p (always
 * NUL-terminated) to the caller.
 */
#ifndef REFLECT_RENDER_RECORD_BUF_H
#define REFLECT_RENDER_RECORD_BUF_H

#include <stdlib.h>
#include <string.h>

typedef struct {
  char *p;
  size_t len, cap;
  int failed;
} record_buf;

static inline void record_buf_add(record_buf *b, const char *s, size_t n)
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

static inline void record_buf_str(record_buf *b, const char *s)
{
  record_buf_add(b, s, strlen(s));
}

/* Empties the buffer, keeping its memory (wiped) for reuse. */
static inline void record_buf_reset(record_buf *b)
{
  if (b->p) explicit_bzero(b->p, b->cap);
  b->len = 0;
}

static inline void record_buf_wipe(record_buf *b)
{
  record_buf_reset(b);
  free(b->p);
  b->p = NULL;
  b->cap = 0;
}

/* The text, or NULL (and the buffer freed) if any addition failed. */
static inline char *record_buf_take(record_buf *b)
{
  if (!b->failed && !b->p) record_buf_add(b, "", 0);
  if (b->failed) {
    record_buf_wipe(b);
    return NULL;
  }
  char *p = b->p;
  b->p = NULL;
  b->len = b->cap = 0;
  return p;
}

#endif
