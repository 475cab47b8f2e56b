/*
 * widgets — the GOV.UK Frontend components reflect-web's pages are made
 * of (inputs, text areas, dates, radios, summary lists, tags, buttons),
 * written as GOV.UK's own markup so the styles, the scripts and the
 * accessibility that comes with them apply, and every value escaped.
 *
 * Contract: error is NULL for a field without one; a field with one is
 * marked (its group, its input, aria-describedby) and shows it. A date
 * and time is five fields, ID-day, ID-month, ID-year, ID-hour, ID-minute,
 * read back by widgets_read_time in the gateway's zone.
 */
#ifndef REFLECT_WEB_WIDGETS_H
#define REFLECT_WEB_WIDGETS_H

#include <stdint.h>

#include "form.h"
#include "html.h"

typedef struct {
  const char *value, *label;
} widgets_choice;

void widgets_input(html *h, const char *id, const char *label, const char *hint, const char *value, const char *error,
                   const char *width_class);
void widgets_textarea(html *h, const char *id, const char *label, const char *hint, const char *value,
                      const char *error, int rows);
/* t is the value shown (0: empty); day_only leaves out the time. */
void widgets_date_time(html *h, const char *id, const char *legend, const char *hint, int64_t t, const char *error,
                       int day_only);
void widgets_radios(html *h, const char *name, const char *legend, const widgets_choice *choices, int n,
                    const char *selected, const char *error);
void widgets_select(html *h, const char *id, const char *label, const widgets_choice *choices, int n,
                    const char *selected);
void widgets_button(html *h, const char *text, const char *extra_class);

/* Reads a date (and time) given as widgets_date_time fields; on success
 * *out is the UTC time of that local time. Returns NULL, or what is
 * wrong, as a sentence for the error summary. */
const char *widgets_read_time(const form *f, const char *id, int day_only, int64_t *out);
/* A whole number in [min, max] from field name; NULL or what is wrong. */
const char *widgets_read_uint(const form *f, const char *name, const char *what, uint64_t min, uint64_t max,
                              uint64_t *out);

/* A number given in a query or a hidden field (an id, a revision): 1 to
 * max written as plain digits, else 0, which no record has. */
uint64_t widgets_id(const char *s, uint64_t max);

void widgets_summary_begin(html *h);
void widgets_summary_row(html *h, const char *key); /* then the value, then widgets_summary_row_end */
void widgets_summary_row_end(html *h);
void widgets_summary_end(html *h);

/* colour: "", "grey", "green", "red", "yellow", "blue", "orange", "purple" */
void widgets_tag(html *h, const char *text, const char *colour);

/* A GOV.UK table up to its body: the caption (a medium heading, or for
 * screen readers alone when hidden) and a header cell for each of the
 * NULL-terminated heads. Rows follow, then widgets_table_end. */
void widgets_table_begin(html *h, const char *caption, int hidden_caption, const char *const *heads);
void widgets_table_end(html *h);

#endif
