/* Parsing the text of a record into sections. Rendering and the template
 * are in record_render.c. */
#include "record_text.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "record_buf.h"

typedef Reflect__V1__RecordSection section;

enum { N_KEYS = 5 };
static const char *const key_names[N_KEYS] = {"situation", "analysis", "risk", "decision", "rationale"};
enum { KEY_DECISION = 3, KEY_RATIONALE = 4 };

static char **key_field(section *s, int key)
{
  char **fields[N_KEYS] = {&s->situation, &s->analysis, &s->risk, &s->decision, &s->rationale};
  return fields[key];
}

typedef struct {
  const char *file;
  char *err;
  size_t err_size;
  record_doc *out;
  int heads[RECORD_TEXT_SECTIONS_MAX]; /* the heading's line of each section */
  section *cur;                        /* the section being read, or NULL */
  int key;                             /* its current key (case sections), or -1 */
  int key_lines[N_KEYS];               /* where each key was given, 0 if not */
  record_buf text;                     /* the current text or key value */
  int lines;                           /* lines in text so far */
} parser;

static int fail(parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(parser *p, int line, const char *fmt, ...)
{
  int n = snprintf(p->err, p->err_size, "%s:%d: ", p->file, line);
  if (n >= 0 && (size_t)n < p->err_size) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err + n, p->err_size - (size_t)n, fmt, ap);
    va_end(ap);
  }
  return RECORD_TEXT_ESYNTAX;
}

static char *dup_n(const char *s, size_t n)
{
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

/* The text gathered so far, without leading blank lines or trailing white
 * space; a malloc'd copy (or NULL when out of memory). */
static char *take_text(parser *p)
{
  const char *s = p->text.p ? p->text.p : "";
  size_t n = p->text.len, start = 0;
  for (size_t i = 0; i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'); i++)
    if (s[i] == '\n') start = i + 1;
  while (n > start && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n')) n--;
  char *d = dup_n(s + start, n - start);
  record_buf_reset(&p->text);
  p->lines = 0;
  return d;
}

static void add_line(parser *p, const char *s, size_t n)
{
  if (p->lines++) record_buf_add(&p->text, "\n", 1);
  record_buf_add(&p->text, s, n);
}

static int end_key(parser *p)
{
  if (p->key < 0) return RECORD_TEXT_OK;
  char *v = take_text(p);
  if (!v) return RECORD_TEXT_ENOMEM;
  *key_field(p->cur, p->key) = v;
  p->key = -1;
  return RECORD_TEXT_OK;
}

static void free_section(section *s)
{
  char *fields[] = {s->text, s->case_reference, s->situation, s->analysis,
                    s->risk, s->decision,       s->rationale, s->member};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    if (fields[i] == protobuf_c_empty_string) continue;
    explicit_bzero(fields[i], strlen(fields[i]));
    free(fields[i]);
  }
  free(s->kpi_measurements);
  free(s);
}

/* Closes the current section: an empty text section is dropped; a case
 * section must say something, and pair its decision with a rationale. */
static int end_section(parser *p)
{
  section *s = p->cur;
  if (!s) return RECORD_TEXT_OK;
  int line = p->heads[p->out->n - 1];
  if (s->kind != REFLECT__V1__SECTION_KIND__SECTION_CASE) {
    char *t = take_text(p);
    if (!t) return RECORD_TEXT_ENOMEM;
    s->text = t;
    if (!*t && s->n_kpi_measurements) {
      p->cur = NULL;
      return fail(p, line, "[performance] cites measurements but says nothing about them");
    }
    if (!*t) {
      free_section(s);
      p->out->n--;
    }
    p->cur = NULL;
    return RECORD_TEXT_OK;
  }
  int rc = end_key(p);
  if (rc) return rc;
  p->cur = NULL;
  int any = 0;
  for (int k = 0; k < N_KEYS; k++) any |= **key_field(s, k) != '\0';
  if (!any)
    return fail(p, line, "[case %.64s] is empty: give at least its situation, or remove the heading",
                s->case_reference);
  if (*s->decision && !*s->rationale)
    return fail(p, p->key_lines[KEY_DECISION], "a decision needs its rationale: add 'rationale:' to [case %.64s]",
                s->case_reference);
  if (*s->rationale && !*s->decision)
    return fail(p, p->key_lines[KEY_RATIONALE], "a rationale explains a decision: add 'decision:' to [case %.64s]",
                s->case_reference);
  return RECORD_TEXT_OK;
}

static const struct {
  const char *name;
  Reflect__V1__SectionKind kind;
  int arg; /* the heading names a case or a member */
} headings[] = {
    {"wellbeing", REFLECT__V1__SECTION_KIND__SECTION_WELLBEING, 0},
    {"case", REFLECT__V1__SECTION_KIND__SECTION_CASE, 1},
    {"development", REFLECT__V1__SECTION_KIND__SECTION_DEVELOPMENT, 0},
    {"performance", REFLECT__V1__SECTION_KIND__SECTION_PERFORMANCE, 0},
    {"actions", REFLECT__V1__SECTION_KIND__SECTION_ACTIONS, 0},
    {"notes", REFLECT__V1__SECTION_KIND__SECTION_NOTES, 0},
    {"contribution", REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION, 1},
    {"mediation", REFLECT__V1__SECTION_KIND__SECTION_MEDIATION, 0},
};

#define KNOWN "wellbeing, case REFERENCE, development, performance, actions, notes, contribution USERNAME, mediation"

static int is_blank(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t') return 0;
  return 1;
}

/* Two references are the same case however they are typed (the server
 * compares them trimmed and upper-cased too). */
static int same_reference(const char *a, const char *b)
{
  return strcasecmp(a, b) == 0;
}

static int same_section(const section *a, const section *b)
{
  if (a->kind != b->kind) return 0;
  if (a->kind == REFLECT__V1__SECTION_KIND__SECTION_CASE) return same_reference(a->case_reference, b->case_reference);
  if (a->kind == REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION) return strcmp(a->member, b->member) == 0;
  return 1;
}

/* line[0..n) is "[...]" (trailing blanks already cut). */
static int start_section(parser *p, int lineno, const char *line, size_t n)
{
  int rc = end_section(p);
  if (rc) return rc;
  const char *in = line + 1, *end = line + n - 1;
  while (in < end && isspace((unsigned char)*in)) in++;
  while (end > in && isspace((unsigned char)end[-1])) end--;
  const char *name_end = in;
  while (name_end < end && !isspace((unsigned char)*name_end)) name_end++;
  const char *arg = name_end;
  while (arg < end && isspace((unsigned char)*arg)) arg++;
  size_t name_len = (size_t)(name_end - in), arg_len = (size_t)(end - arg);
  size_t h = 0;
  while (h < sizeof headings / sizeof headings[0] &&
         !(strlen(headings[h].name) == name_len && strncasecmp(headings[h].name, in, name_len) == 0))
    h++;
  if (h == sizeof headings / sizeof headings[0])
    return fail(p, lineno, "unknown section [%.*s] (the sections are: " KNOWN ")", (int)(end - in), in);
  if (headings[h].arg && !arg_len)
    return fail(p, lineno, "[%s] needs %s after it", headings[h].name,
                headings[h].kind == REFLECT__V1__SECTION_KIND__SECTION_CASE ? "the case's reference"
                                                                            : "the member's username");
  if (!headings[h].arg && arg_len) return fail(p, lineno, "[%s] takes nothing after its name", headings[h].name);
  if (p->out->n == RECORD_TEXT_SECTIONS_MAX)
    return fail(p, lineno, "a record has at most %d sections", RECORD_TEXT_SECTIONS_MAX);
  section *s = malloc(sizeof *s);
  char *a = headings[h].arg ? dup_n(arg, arg_len) : NULL;
  if (!s || (headings[h].arg && !a)) {
    free(s);
    free(a);
    return RECORD_TEXT_ENOMEM;
  }
  reflect__v1__record_section__init(s);
  s->kind = headings[h].kind;
  if (s->kind == REFLECT__V1__SECTION_KIND__SECTION_CASE) s->case_reference = a;
  else if (a) s->member = a;
  for (size_t i = 0; i < p->out->n; i++)
    if (same_section(p->out->sections[i], s)) {
      free_section(s);
      return fail(p, lineno, "duplicate section %.*s (the first is at line %d)", (int)n, line, p->heads[i]);
    }
  p->heads[p->out->n] = lineno;
  p->out->sections[p->out->n++] = s;
  p->cur = s;
  p->key = -1;
  memset(p->key_lines, 0, sizeof p->key_lines);
  return RECORD_TEXT_OK;
}

/* A line of a case section: a key with its first line, or more of one. */
static int case_line(parser *p, int lineno, const char *line, size_t n)
{
  size_t w = 0;
  while (w < n && isalpha((unsigned char)line[w])) w++;
  if (w > 0 && w < n && line[w] == ':') {
    int k = 0;
    while (k < N_KEYS && !(strlen(key_names[k]) == w && strncasecmp(key_names[k], line, w) == 0)) k++;
    if (k == N_KEYS)
      return fail(p, lineno,
                  "unknown key '%.*s:' in [case %.64s] (the keys are situation, analysis, risk, decision and "
                  "rationale; indent a line to continue the one above)",
                  (int)w, line, p->cur->case_reference);
    if (p->key_lines[k])
      return fail(p, lineno, "duplicate key '%s:' in [case %.64s] (the first is at line %d)", key_names[k],
                  p->cur->case_reference, p->key_lines[k]);
    int rc = end_key(p);
    if (rc) return rc;
    p->key = k;
    p->key_lines[k] = lineno;
    const char *v = line + w + 1;
    while (v < line + n && (*v == ' ' || *v == '\t')) v++;
    add_line(p, v, (size_t)(line + n - v));
    return RECORD_TEXT_OK;
  }
  if (p->key < 0) {
    if (is_blank(line, n)) return RECORD_TEXT_OK;
    return fail(p, lineno,
                "text in [case %.64s] before its first key (situation:, analysis:, risk:, decision: or "
                "rationale:)",
                p->cur->case_reference);
  }
  size_t indent = n >= 2 && line[0] == ' ' && line[1] == ' ' ? 2 : n >= 1 && line[0] == '\t' ? 1 : 0;
  add_line(p, line + indent, n - indent);
  return RECORD_TEXT_OK;
}

/* The ids after "cites:", separated by commas or blanks. */
static int cites_line(parser *p, int lineno, const char *s, size_t n)
{
  section *sec = p->cur;
  if (sec->kpi_measurements) return fail(p, lineno, "[performance] has one '" RECORD_TEXT_CITES "' line");
  sec->kpi_measurements = calloc(RECORD_TEXT_CITES_MAX, sizeof *sec->kpi_measurements);
  if (!sec->kpi_measurements) return RECORD_TEXT_ENOMEM;
  for (size_t i = 0; i < n;) {
    if (s[i] == ',' || s[i] == ' ' || s[i] == '\t') {
      i++;
      continue;
    }
    size_t j = i;
    uint64_t v = 0;
    int over = 0; /* past what an id can be, before v could wrap */
    for (; j < n && isdigit((unsigned char)s[j]); j++) {
      if (v > ((uint64_t)INT64_MAX - 9) / 10) over = 1;
      else v = v * 10 + (uint64_t)(s[j] - '0');
    }
    if (j == i || over || v == 0 || (j < n && s[j] != ',' && s[j] != ' ' && s[j] != '\t'))
      return fail(p, lineno, "'" RECORD_TEXT_CITES "' lists measurement ids, like 'cites: 12, 15'");
    if (sec->n_kpi_measurements == RECORD_TEXT_CITES_MAX)
      return fail(p, lineno, "[performance] cites at most %d measurements", RECORD_TEXT_CITES_MAX);
    for (size_t k = 0; k < sec->n_kpi_measurements; k++)
      if (sec->kpi_measurements[k] == v) return fail(p, lineno, "measurement %" PRIu64 " is cited twice", v);
    sec->kpi_measurements[sec->n_kpi_measurements++] = v;
    i = j;
  }
  return RECORD_TEXT_OK;
}

static int parse_line(parser *p, int lineno, const char *line, size_t n)
{
  if (n && line[n - 1] == '\r') n--;
  if (n && line[0] == '#') return RECORD_TEXT_OK;
  size_t t = n;
  while (t && (line[t - 1] == ' ' || line[t - 1] == '\t')) t--;
  if (t >= 2 && line[0] == '[' && line[t - 1] == ']') return start_section(p, lineno, line, t);
  if (!p->cur) {
    if (is_blank(line, n)) return RECORD_TEXT_OK;
    return fail(p, lineno, "text before the first section: start with a heading such as [notes]");
  }
  if (p->cur->kind == REFLECT__V1__SECTION_KIND__SECTION_CASE) return case_line(p, lineno, line, n);
  size_t cites = strlen(RECORD_TEXT_CITES);
  if (p->cur->kind == REFLECT__V1__SECTION_KIND__SECTION_PERFORMANCE && n >= cites &&
      strncmp(line, RECORD_TEXT_CITES, cites) == 0)
    return cites_line(p, lineno, line + cites, n - cites);
  size_t escape = n && line[0] == '\\';
  add_line(p, line + escape, n - escape);
  return RECORD_TEXT_OK;
}

int record_text_parse(const char *text, const char *file, record_doc *out, char *err, size_t err_size)
{
  out->n = 0;
  out->sections = calloc(RECORD_TEXT_SECTIONS_MAX, sizeof *out->sections);
  parser *p = calloc(1, sizeof *p);
  if (!out->sections || !p) {
    free(p);
    record_text_free(out);
    return RECORD_TEXT_ENOMEM;
  }
  *p = (parser){.file = file, .err = err, .err_size = err_size, .out = out, .key = -1};
  if (err_size) err[0] = '\0';
  int rc = RECORD_TEXT_OK, lineno = 1;
  for (const char *line = text; !rc && *line; lineno++) {
    const char *nl = strchr(line, '\n');
    size_t n = nl ? (size_t)(nl - line) : strlen(line);
    rc = parse_line(p, lineno, line, n);
    line += n + (nl != NULL);
  }
  if (!rc) rc = end_section(p);
  if (!rc && p->text.failed) rc = RECORD_TEXT_ENOMEM;
  if (!rc && out->n == 0) rc = RECORD_TEXT_EEMPTY;
  record_buf_wipe(&p->text);
  free(p);
  if (rc) record_text_free(out);
  return rc;
}

void record_text_free(record_doc *r)
{
  for (size_t i = 0; r->sections && i < r->n; i++) free_section(r->sections[i]);
  free(r->sections);
  r->sections = NULL;
  r->n = 0;
}
