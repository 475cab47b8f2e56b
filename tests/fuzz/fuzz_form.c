/* libFuzzer target: reflect-web's untrusted text paths. Any bytes as a
 * url-encoded form body (client/web/core/form.c): parsing never reads out
 * of bounds or leaks, and when it succeeds, encoding the fields again and
 * parsing that gives the same fields; every value written through the HTML
 * escaper (html.c) leaves no markup character and no invalid UTF-8 behind. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "html.h"

static int clean_html(const char *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (p[i] == '<' || p[i] == '>' || p[i] == '"' || p[i] == '\'' || p[i] == '\0') return 0;
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  form f;
  if (form_parse((const char *)data, size, 512, &f) != FORM_OK) return 0;
  char *again = form_encode(&f, NULL);
  if (!again) abort();
  form g;
  if (form_parse(again, strlen(again), 512, &g) != FORM_OK || g.n != f.n) abort();
  for (size_t i = 0; i < f.n; i++)
    if (strcmp(f.fields[i].name, g.fields[i].name) || strcmp(f.fields[i].value, g.fields[i].value)) abort();
  html h;
  html_init(&h, 4 * 1024 * 1024);
  for (size_t i = 0; i < f.n; i++) {
    html_txt(&h, f.fields[i].name);
    html_attr(&h, f.fields[i].value);
  }
  size_t len = 0;
  char *out = html_take(&h, &len);
  if (!out || !clean_html(out, len)) abort();
  free(out);
  html_free(&h);
  form_free(&f);
  form_free(&g);
  free(again);
  return 0;
}
