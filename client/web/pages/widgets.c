#include "widgets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void error_message(html *h, const char *id, const char *error)
{
  if (!error) return;
  html_lit(h, "<p id=\"");
  html_attr(h, id);
  html_lit(h, "-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> ");
  html_txt(h, error);
  html_lit(h, "</p>\n");
}

static void hint_text(html *h, const char *id, const char *hint)
{
  if (!hint) return;
  html_lit(h, "<div id=\"");
  html_attr(h, id);
  html_lit(h, "-hint\" class=\"govuk-hint\">");
  html_txt(h, hint);
  html_lit(h, "</div>\n");
}

static void described_by(html *h, const char *id, const char *hint, const char *error)
{
  if (!hint && !error) return;
  html_lit(h, " aria-describedby=\"");
  if (hint) {
    html_attr(h, id);
    html_lit(h, "-hint");
  }
  if (hint && error) html_lit(h, " ");
  if (error) {
    html_attr(h, id);
    html_lit(h, "-error");
  }
  html_lit(h, "\"");
}

static void group_begin(html *h, const char *error)
{
  html_lit(h, "<div class=\"govuk-form-group");
  if (error) html_lit(h, " govuk-form-group--error");
  html_lit(h, "\">\n");
}

static void label(html *h, const char *id, const char *text)
{
  html_lit(h, "<label class=\"govuk-label govuk-label--s\" for=\"");
  html_attr(h, id);
  html_lit(h, "\">");
  html_txt(h, text);
  html_lit(h, "</label>\n");
}

void widgets_input(html *h, const char *id, const char *text, const char *hint, const char *value, const char *error,
                   const char *width_class)
{
  group_begin(h, error);
  label(h, id, text);
  hint_text(h, id, hint);
  error_message(h, id, error);
  html_lit(h, "<input class=\"govuk-input");
  if (width_class) {
    html_lit(h, " ");
    html_attr(h, width_class);
  }
  if (error) html_lit(h, " govuk-input--error");
  html_lit(h, "\" id=\"");
  html_attr(h, id);
  html_lit(h, "\" name=\"");
  html_attr(h, id);
  html_lit(h, "\" type=\"text\" value=\"");
  html_attr(h, value ? value : "");
  html_lit(h, "\"");
  described_by(h, id, hint, error);
  html_lit(h, ">\n</div>\n");
}

void widgets_textarea(html *h, const char *id, const char *text, const char *hint, const char *value, const char *error,
                      int rows)
{
  group_begin(h, error);
  label(h, id, text);
  hint_text(h, id, hint);
  error_message(h, id, error);
  html_lit(h, "<textarea class=\"govuk-textarea");
  if (error) html_lit(h, " govuk-textarea--error");
  html_lit(h, "\" id=\"");
  html_attr(h, id);
  html_lit(h, "\" name=\"");
  html_attr(h, id);
  html_lit(h, "\" rows=\"");
  html_int(h, rows);
  html_lit(h, "\"");
  described_by(h, id, hint, error);
  /* A textarea's first line break is dropped by the parser: one more
   * keeps text that starts with a blank line as it was. */
  html_lit(h, ">\n");
  html_txt(h, value ? value : "");
  html_lit(h, "</textarea>\n</div>\n");
}

static void date_item(html *h, const char *id, const char *part, const char *text, const char *width, int value,
                      int error)
{
  char full[96];
  snprintf(full, sizeof full, "%s-%s", id, part);
  html_lit(h, "<div class=\"govuk-date-input__item\">\n<div class=\"govuk-form-group\">\n"
              "<label class=\"govuk-label govuk-date-input__label\" for=\"");
  html_attr(h, full);
  html_lit(h, "\">");
  html_txt(h, text);
  html_lit(h, "</label>\n<input class=\"govuk-input govuk-date-input__input ");
  html_attr(h, width);
  if (error) html_lit(h, " govuk-input--error");
  html_lit(h, "\" id=\"");
  html_attr(h, full);
  html_lit(h, "\" name=\"");
  html_attr(h, full);
  html_lit(h, "\" type=\"text\" inputmode=\"numeric\" value=\"");
  if (value >= 0) {
    char v[16];
    snprintf(v, sizeof v, strcmp(part, "minute") == 0 ? "%02d" : "%d", value);
    html_attr(h, v);
  }
  html_lit(h, "\">\n</div>\n</div>\n");
}

void widgets_date_time(html *h, const char *id, const char *legend, const char *hint, int64_t t, const char *error,
                       int day_only)
{
  struct tm tm = {0};
  time_t tt = (time_t)t;
  int have = t && localtime_r(&tt, &tm);
  group_begin(h, error);
  html_lit(h, "<fieldset class=\"govuk-fieldset\" role=\"group\"");
  char key[96];
  snprintf(key, sizeof key, "%s", id);
  described_by(h, key, hint, error);
  html_lit(h, ">\n<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">");
  html_txt(h, legend);
  html_lit(h, "</legend>\n");
  hint_text(h, id, hint);
  error_message(h, id, error);
  html_lit(h, "<div class=\"govuk-date-input\" id=\"");
  html_attr(h, id);
  html_lit(h, "\">\n");
  date_item(h, id, "day", "Day", "govuk-input--width-2", have ? tm.tm_mday : -1, error != NULL);
  date_item(h, id, "month", "Month", "govuk-input--width-2", have ? tm.tm_mon + 1 : -1, error != NULL);
  date_item(h, id, "year", "Year", "govuk-input--width-4", have ? tm.tm_year + 1900 : -1, error != NULL);
  if (!day_only) {
    date_item(h, id, "hour", "Hour", "govuk-input--width-2", have ? tm.tm_hour : -1, error != NULL);
    date_item(h, id, "minute", "Minute", "govuk-input--width-2", have ? tm.tm_min : -1, error != NULL);
  }
  html_lit(h, "</div>\n</fieldset>\n</div>\n");
}

void widgets_radios(html *h, const char *name, const char *legend, const widgets_choice *choices, int n,
                    const char *selected, const char *error)
{
  group_begin(h, error);
  html_lit(h, "<fieldset class=\"govuk-fieldset\"");
  described_by(h, name, NULL, error);
  html_lit(h, ">\n<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">");
  html_txt(h, legend);
  html_lit(h, "</legend>\n");
  error_message(h, name, error);
  html_lit(h, "<div class=\"govuk-radios\" data-module=\"govuk-radios\">\n");
  for (int i = 0; i < n; i++) {
    char id[96];
    snprintf(id, sizeof id, i ? "%s-%d" : "%s", name, i);
    html_lit(h, "<div class=\"govuk-radios__item\">\n<input class=\"govuk-radios__input\" id=\"");
    html_attr(h, id);
    html_lit(h, "\" name=\"");
    html_attr(h, name);
    html_lit(h, "\" type=\"radio\" value=\"");
    html_attr(h, choices[i].value);
    html_lit(h, "\"");
    if (selected && strcmp(selected, choices[i].value) == 0) html_lit(h, " checked");
    html_lit(h, ">\n<label class=\"govuk-label govuk-radios__label\" for=\"");
    html_attr(h, id);
    html_lit(h, "\">");
    html_txt(h, choices[i].label);
    html_lit(h, "</label>\n</div>\n");
  }
  html_lit(h, "</div>\n</fieldset>\n</div>\n");
}

void widgets_select(html *h, const char *id, const char *text, const widgets_choice *choices, int n,
                    const char *selected)
{
  group_begin(h, NULL);
  label(h, id, text);
  html_lit(h, "<select class=\"govuk-select\" id=\"");
  html_attr(h, id);
  html_lit(h, "\" name=\"");
  html_attr(h, id);
  html_lit(h, "\">\n");
  for (int i = 0; i < n; i++) {
    html_lit(h, "<option value=\"");
    html_attr(h, choices[i].value);
    html_lit(h, "\"");
    if (selected && strcmp(selected, choices[i].value) == 0) html_lit(h, " selected");
    html_lit(h, ">");
    html_txt(h, choices[i].label);
    html_lit(h, "</option>\n");
  }
  html_lit(h, "</select>\n</div>\n");
}

void widgets_button(html *h, const char *text, const char *extra_class)
{
  html_lit(h, "<button type=\"submit\" class=\"govuk-button");
  if (extra_class) {
    html_lit(h, " ");
    html_attr(h, extra_class);
  }
  html_lit(h, "\" data-module=\"govuk-button\">");
  html_txt(h, text);
  html_lit(h, "</button>\n");
}

/* A whole number of at most 9 digits from field id-part; -1 if absent or
 * not one. */
static long number_field(const form *f, const char *id, const char *part)
{
  char name[96];
  snprintf(name, sizeof name, "%s-%s", id, part);
  const char *v = form_get(f, name);
  if (!v) return -1;
  while (*v == ' ') v++;
  size_t n = strspn(v, "0123456789");
  if (!n || n > 9 || strspn(v + n, " ") != strlen(v + n)) return -1;
  return strtol(v, NULL, 10);
}

void widgets_table_begin(html *h, const char *caption, int hidden_caption, const char *const *heads)
{
  html_lit(h, "<table class=\"govuk-table\">\n<caption class=\"govuk-table__caption ");
  if (hidden_caption) html_lit(h, "govuk-visually-hidden\">");
  else html_lit(h, "govuk-table__caption--m\">");
  html_txt(h, caption);
  html_lit(h, "</caption>\n<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
  for (; *heads; heads++) {
    html_lit(h, "<th scope=\"col\" class=\"govuk-table__header\">");
    html_txt(h, *heads);
    html_lit(h, "</th>");
  }
  html_lit(h, "</tr></thead>\n<tbody class=\"govuk-table__body\">\n");
}

void widgets_table_end(html *h)
{
  html_lit(h, "</tbody>\n</table>\n");
}

const char *widgets_read_time(const form *f, const char *id, int day_only, int64_t *out)
{
  long d = number_field(f, id, "day"), m = number_field(f, id, "month"), y = number_field(f, id, "year");
  long hh = day_only ? 12 : number_field(f, id, "hour"), mm = day_only ? 0 : number_field(f, id, "minute");
  if (d < 0 && m < 0 && y < 0) return "Enter a date";
  if (d < 1 || d > 31 || m < 1 || m > 12 || y < 2000 || y > 2200) return "Enter a real date, for example 27 3 2027";
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return "Enter a time on the 24-hour clock, for example 14 30";
  struct tm tm = {.tm_year = (int)y - 1900,
                  .tm_mon = (int)m - 1,
                  .tm_mday = (int)d,
                  .tm_hour = (int)hh,
                  .tm_min = (int)mm,
                  .tm_isdst = -1};
  struct tm want = tm;
  time_t t = mktime(&tm);
  /* mktime rolls 31 April into 1 May: a date that moved is not real. */
  if (t == (time_t)-1 || tm.tm_mday != want.tm_mday || tm.tm_mon != want.tm_mon)
    return "Enter a real date, for example 27 3 2027";
  *out = (int64_t)t;
  return NULL;
}

const char *widgets_read_uint(const form *f, const char *name, const char *what, uint64_t min, uint64_t max,
                              uint64_t *out)
{
  static __thread char why[160];
  const char *v = form_get(f, name);
  size_t n = v ? strspn(v, "0123456789") : 0;
  if (!v || !*v) {
    snprintf(why, sizeof why, "Enter %s", what);
    return why;
  }
  if (!n || n > 19 || v[n]) {
    snprintf(why, sizeof why, "Enter %s as a whole number", what);
    return why;
  }
  errno = 0;
  unsigned long long x = strtoull(v, NULL, 10);
  if (errno || x < min || x > max) {
    snprintf(why, sizeof why, "Enter %s from %llu to %llu", what, (unsigned long long)min, (unsigned long long)max);
    return why;
  }
  *out = x;
  return NULL;
}

void widgets_summary_begin(html *h)
{
  html_lit(h, "<dl class=\"govuk-summary-list\">\n");
}

void widgets_summary_row(html *h, const char *key)
{
  html_lit(h, "<div class=\"govuk-summary-list__row\">\n<dt class=\"govuk-summary-list__key\">");
  html_txt(h, key);
  html_lit(h, "</dt>\n<dd class=\"govuk-summary-list__value\">");
}

void widgets_summary_row_end(html *h)
{
  html_lit(h, "</dd>\n</div>\n");
}

void widgets_summary_end(html *h)
{
  html_lit(h, "</dl>\n");
}

void widgets_tag(html *h, const char *text, const char *colour)
{
  html_lit(h, "<strong class=\"govuk-tag");
  if (colour && *colour) {
    html_lit(h, " govuk-tag--");
    html_attr(h, colour);
  }
  html_lit(h, "\">");
  html_txt(h, text);
  html_lit(h, "</strong>");
}

uint64_t widgets_id(const char *s, uint64_t max)
{
  size_t n = s ? strspn(s, "0123456789") : 0;
  if (!n || n > 19 || s[n] || s[0] == '0') return 0;
  unsigned long long v = strtoull(s, NULL, 10);
  return v <= max ? (uint64_t)v : 0;
}
