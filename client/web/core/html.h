/*
 * html — building a page in memory so that no value can become markup.
 *
 * Contract:
 *  - An html buffer grows up to its max (bytes) and then fails: every
 *    later write is dropped and html_failed() is nonzero, so a page that
 *    would be too large is answered as an error, never sent cut short.
 *  - Markup comes only from string literals: html_lit(h, "<p>") accepts a
 *    literal and nothing else (it is pasted between two "" at compile
 *    time, so a variable does not compile). Every value goes through
 *    html_txt (element text) or html_attr (a quoted attribute value), which
 *    escape & < > " ' ; html_int and html_uint write numbers; html_url
 *    writes a value as a percent-encoded URL path segment or query value.
 *  - Text that is not valid UTF-8, or holds control characters other than
 *    tab and line breaks, has those bytes replaced by U+FFFD, so a browser
 *    never guesses an encoding or is handed a NUL.
 *  - Memory: the buffer is malloc'd and owned by the html; html_free
 *    releases it (and wipes it: pages carry record content). html_take
 *    hands the bytes to the caller, who frees them with free().
 */
#ifndef REFLECT_WEB_HTML_H
#define REFLECT_WEB_HTML_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  char *buf;
  size_t len, cap, max;
  int failed;
} html;

void html_init(html *h, size_t max);
void html_free(html *h);
/* The bytes written so far (not NUL-terminated) and their length; the
 * html is left empty. NULL if it failed. */
char *html_take(html *h, size_t *len);
int html_failed(const html *h);

#define html_lit(h, literal) html_raw_((h), "" literal "", sizeof("" literal "") - 1)
void html_raw_(html *h, const char *s, size_t n);

void html_txt(html *h, const char *s);
/* The first n bytes of s, as html_txt. */
void html_txtn(html *h, const char *s, size_t n);
void html_attr(html *h, const char *s);
void html_int(html *h, int64_t v);
void html_uint(html *h, uint64_t v);
void html_url(html *h, const char *s);

#endif
