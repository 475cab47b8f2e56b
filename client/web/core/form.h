/*
 * form — an application/x-www-form-urlencoded body (or a query string),
 * decoded into name/value pairs.
 *
 * Contract:
 *  - form_parse copies the bytes it is given (the caller's stay theirs),
 *    decodes '+' and %XX, turns CRLF (and a lone CR) in a value into LF,
 *    and keeps the pairs in order. It refuses
 *    (FORM_EBAD) a malformed escape, a name or value that is not valid
 *    UTF-8 or holds a NUL, and more than max_fields pairs (FORM_ETOOMANY).
 *    The size of the body is the caller's bound (the HTTP layer's).
 *  - form_get returns the first value of a name, form_nth the i-th, NULL
 *    when absent; values are NUL-terminated and live until form_free,
 *    which wipes them (they may be a password or record text).
 */
#ifndef REFLECT_WEB_FORM_H
#define REFLECT_WEB_FORM_H

#include <stddef.h>

enum { FORM_OK = 0, FORM_EBAD = -1, FORM_ETOOMANY = -2, FORM_ENOMEM = -3 };

typedef struct {
  const char *name, *value;
} form_field;

typedef struct {
  form_field *fields;
  size_t n;
  char *mem;
  size_t mem_len;
} form;

int form_parse(const char *body, size_t len, size_t max_fields, form *out);
const char *form_get(const form *f, const char *name);
const char *form_nth(const form *f, const char *name, size_t i);
size_t form_count(const form *f, const char *name);
void form_free(form *f);
/* The fields back as application/x-www-form-urlencoded (as a browser
 * would send them), leaving out any named skip (the CSRF token): a
 * malloc'd string the caller frees (and should wipe: it is what a person
 * typed). NULL when out of memory. */
char *form_encode(const form *f, const char *skip);

#endif
