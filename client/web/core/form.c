#include "form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

static int hexval(char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes s[0..n) in place; returns the decoded length or -1. */
static long decode(char *s, size_t n)
{
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '+') c = ' ';
    else if (c == '%') {
      if (i + 2 >= n) return -1;
      int a = hexval(s[i + 1]), b = hexval(s[i + 2]);
      if (a < 0 || b < 0) return -1;
      c = (char)(a * 16 + b);
      i += 2;
    }
    s[o++] = c;
  }
  s[o] = '\0';
  return (long)o;
}

/* Browsers send a text area's line breaks as CRLF (the HTML form
 * encoding): Reflect's text ends lines with LF alone, so CRLF and a lone
 * CR become LF. In place; returns the new length. */
static size_t unix_lines(char *s, size_t n)
{
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\r') {
      s[o++] = '\n';
      if (i + 1 < n && s[i + 1] == '\n') i++;
    } else s[o++] = s[i];
  }
  s[o] = '\0';
  return o;
}

/* Valid UTF-8 without NUL (overlongs, surrogates and > U+10FFFF refused). */
static int valid_utf8(const unsigned char *s, size_t n)
{
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t k;
    uint32_t cp;
    if (c == 0) return 0;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) k = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) k = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) k = 4, cp = c & 0x07;
    else return 0;
    if (i + k > n) return 0;
    for (size_t j = 1; j < k; j++) {
      if ((s[i + j] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + j] & 0x3F);
    }
    if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
    i += k;
  }
  return 1;
}

int form_parse(const char *body, size_t len, size_t max_fields, form *out)
{
  *out = (form){0};
  size_t pairs = 0;
  for (size_t i = 0; i < len; i++) pairs += body[i] == '&';
  pairs++;
  if (pairs > max_fields) return FORM_ETOOMANY;
  out->mem = malloc(len + 1);
  out->fields = calloc(pairs, sizeof *out->fields);
  if (!out->mem || !out->fields) {
    form_free(out);
    return FORM_ENOMEM;
  }
  out->mem_len = len + 1;
  memcpy(out->mem, body, len);
  out->mem[len] = '\0';
  char *p = out->mem, *end = out->mem + len;
  while (p < end) {
    char *amp = memchr(p, '&', (size_t)(end - p));
    if (!amp) amp = end;
    if (amp > p) { /* "a=1&&b=2" has an empty pair: skipped */
      char *eq = memchr(p, '=', (size_t)(amp - p));
      char *name = p, *value = eq ? eq + 1 : amp;
      size_t nlen = (size_t)((eq ? eq : amp) - p), vlen = eq ? (size_t)(amp - value) : 0;
      /* Decoding shrinks, and the terminators land on '=' and '&' (or the
       * final NUL), so both fit where they are. */
      long dn = decode(name, nlen);
      long dv = eq ? decode(value, vlen) : 0;
      if (dv > 0) dv = (long)unix_lines(value, (size_t)dv);
      if (dn < 0 || dv < 0 || !valid_utf8((unsigned char *)name, (size_t)dn) ||
          (eq && !valid_utf8((unsigned char *)value, (size_t)dv))) {
        form_free(out);
        return FORM_EBAD;
      }
      out->fields[out->n++] = (form_field){name, eq ? value : ""}; /* "flag" alone: value "" */
    }
    p = amp + 1;
  }
  return FORM_OK;
}

const char *form_nth(const form *f, const char *name, size_t i)
{
  for (size_t k = 0; k < f->n; k++)
    if (strcmp(f->fields[k].name, name) == 0 && i-- == 0) return f->fields[k].value;
  return NULL;
}

const char *form_get(const form *f, const char *name)
{
  return form_nth(f, name, 0);
}

size_t form_count(const form *f, const char *name)
{
  size_t n = 0;
  for (size_t k = 0; k < f->n; k++) n += strcmp(f->fields[k].name, name) == 0;
  return n;
}

void form_free(form *f)
{
  if (f->mem) sodium_memzero(f->mem, f->mem_len);
  free(f->mem);
  free(f->fields);
  *f = (form){0};
}

static size_t encoded_len(const char *s)
{
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    n += (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
                 *p == '.' || *p == '~' || *p == ' '
             ? 1
             : 3;
  return n;
}

static char *encode_into(char *o, const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
        *p == '.' || *p == '~')
      *o++ = (char)*p;
    else if (*p == ' ') *o++ = '+';
    else {
      *o++ = '%';
      *o++ = hex[*p >> 4];
      *o++ = hex[*p & 15];
    }
  }
  return o;
}

char *form_encode(const form *f, const char *skip)
{
  size_t len = 1;
  for (size_t i = 0; i < f->n; i++)
    if (!skip || strcmp(f->fields[i].name, skip))
      len += encoded_len(f->fields[i].name) + encoded_len(f->fields[i].value) + 2;
  char *out = malloc(len), *o = out;
  if (!out) return NULL;
  for (size_t i = 0; i < f->n; i++) {
    if (skip && !strcmp(f->fields[i].name, skip)) continue;
    if (o != out) *o++ = '&';
    o = encode_into(o, f->fields[i].name);
    *o++ = '=';
    o = encode_into(o, f->fields[i].value);
  }
  *o = '\0';
  return out;
}
