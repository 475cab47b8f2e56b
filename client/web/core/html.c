#include "html.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

void html_init(html *h, size_t max)
{
  *h = (html){.max = max};
}

void html_free(html *h)
{
  if (h->buf) {
    sodium_memzero(h->buf, h->cap);
    free(h->buf);
  }
  *h = (html){0};
}

char *html_take(html *h, size_t *len)
{
  if (h->failed) return NULL;
  char *b = h->buf;
  *len = h->len;
  if (!b) b = calloc(1, 1); /* an empty page is still a page */
  size_t max = h->max;
  *h = (html){.max = max};
  return b;
}

int html_failed(const html *h)
{
  return h->failed;
}

/* Room for n more bytes, growing by doubling; old contents are wiped
 * before they are freed, as they may hold record text. */
static int room(html *h, size_t n)
{
  if (h->failed) return 0;
  if (n > h->max || h->len > h->max - n) {
    h->failed = 1;
    return 0;
  }
  if (h->len + n <= h->cap) return 1;
  size_t cap = h->cap ? h->cap : 4096;
  while (cap < h->len + n) cap *= 2;
  if (cap > h->max) cap = h->max;
  char *b = malloc(cap);
  if (!b) {
    h->failed = 1;
    return 0;
  }
  if (h->buf) {
    memcpy(b, h->buf, h->len);
    sodium_memzero(h->buf, h->cap);
    free(h->buf);
  }
  h->buf = b;
  h->cap = cap;
  return 1;
}

void html_raw_(html *h, const char *s, size_t n)
{
  if (!room(h, n)) return;
  memcpy(h->buf + h->len, s, n);
  h->len += n;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
  unsigned c = s[0];
  size_t k;
  uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) k = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) k = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) k = 4, cp = c & 0x07;
  else return 0;
  if (k > n) return 0;
  for (size_t i = 1; i < k; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return k;
}

static void escaped(html *h, const char *s, size_t n)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n && !h->failed) {
    size_t start = i;
    /* The common case: a run of bytes that need nothing. */
    while (i < n && p[i] >= 0x20 && p[i] < 0x7F && p[i] != '&' && p[i] != '<' && p[i] != '>' && p[i] != '"' &&
           p[i] != '\'')
      i++;
    if (i > start) html_raw_(h, s + start, i - start);
    if (i >= n) break;
    unsigned char c = p[i];
    switch (c) {
    case '&':
      html_lit(h, "&amp;");
      i++;
      continue;
    case '<':
      html_lit(h, "&lt;");
      i++;
      continue;
    case '>':
      html_lit(h, "&gt;");
      i++;
      continue;
    case '"':
      html_lit(h, "&quot;");
      i++;
      continue;
    case '\'':
      html_lit(h, "&#39;");
      i++;
      continue;
    case '\t':
    case '\n':
      html_raw_(h, (const char *)&p[i], 1);
      i++;
      continue;
    case '\r': i++; continue; /* CRLF from a form reads as LF */
    default: break;
    }
    if (c < 0x20 || c == 0x7F) {
      html_lit(h, "\xEF\xBF\xBD");
      i++;
      continue;
    }
    size_t k = utf8_len(p + i, n - i);
    if (!k) {
      html_lit(h, "\xEF\xBF\xBD");
      i++;
      continue;
    }
    /* C1 controls (U+0080..U+009F) are as unwelcome as C0 ones. */
    if (k == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0) html_lit(h, "\xEF\xBF\xBD");
    else html_raw_(h, s + i, k);
    i += k;
  }
}

void html_txt(html *h, const char *s)
{
  if (s) escaped(h, s, strlen(s));
}

void html_txtn(html *h, const char *s, size_t n)
{
  if (s) escaped(h, s, strnlen(s, n));
}

void html_attr(html *h, const char *s)
{
  html_txt(h, s);
}

void html_int(html *h, int64_t v)
{
  char b[24];
  int n = snprintf(b, sizeof b, "%" PRId64, v);
  html_raw_(h, b, (size_t)n);
}

void html_uint(html *h, uint64_t v)
{
  char b[24];
  int n = snprintf(b, sizeof b, "%" PRIu64, v);
  html_raw_(h, b, (size_t)n);
}

void html_url(html *h, const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && !h->failed; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
        *p == '.' || *p == '~') {
      html_raw_(h, (const char *)p, 1);
    } else {
      char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
      html_raw_(h, e, 3);
    }
  }
}
