/* Rendering a record's sections as text, and the template the editor
 * starts from (see record_text.h for the format). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "record_buf.h"
#include "record_render.h"
#include "record_text.h"

const char *record_render_kind_name(int kind)
{
  static const char *const names[] = {"unknown", "wellbeing", "case",         "development", "performance",
                                      "actions", "notes",     "contribution", "mediation"};
  return kind > 0 && kind < (int)(sizeof names / sizeof names[0]) ? names[kind] : names[0];
}

/* Free text, a line at a time; a line the parser would take for a comment
 * or a heading (or, in a performance section, for its citations), or that
 * starts with the escape itself, is escaped. */
static void render_text(record_buf *b, const char *text, int performance)
{
  for (const char *line = text; *line;) {
    const char *nl = strchr(line, '\n');
    size_t n = nl ? (size_t)(nl - line) : strlen(line);
    if (line[0] == '#' || line[0] == '[' || line[0] == '\\' ||
        (performance && strncmp(line, RECORD_TEXT_CITES, strlen(RECORD_TEXT_CITES)) == 0))
      record_buf_add(b, "\\", 1);
    record_buf_add(b, line, n);
    record_buf_add(b, "\n", 1);
    line += n + (nl != NULL);
  }
}

/* "key: first line", then the rest indented so none of it reads as a key. */
static void render_value(record_buf *b, const char *key, const char *value)
{
  if (!*value) return;
  record_buf_str(b, key);
  record_buf_add(b, ":", 1);
  int first = 1;
  for (const char *line = value; *line;) {
    const char *nl = strchr(line, '\n');
    size_t n = nl ? (size_t)(nl - line) : strlen(line);
    if (n) record_buf_add(b, first ? " " : "  ", first ? 1 : 2);
    record_buf_add(b, line, n);
    record_buf_add(b, "\n", 1);
    first = 0;
    line += n + (nl != NULL);
  }
  if (first) record_buf_add(b, "\n", 1);
}

/* One line of a citation's description, made safe for a comment line. */
static void render_comment_text(record_buf *b, const char *s)
{
  for (; s && *s; s++) record_buf_add(b, *s == '\n' || *s == '\r' ? " " : s, 1);
}

static void render_number(record_buf *b, double v)
{
  char num[64];
  snprintf(num, sizeof num, "%g", v);
  record_buf_str(b, num);
}

/* "cites: 12, 15", then what each is as comments (the parser ignores
 * them, so an amendment keeps only the ids). */
static void render_cites(record_buf *b, const Reflect__V1__RecordSection *s)
{
  if (!s->n_kpi_measurements) return;
  char num[24];
  record_buf_str(b, RECORD_TEXT_CITES);
  for (size_t i = 0; i < s->n_kpi_measurements; i++) {
    snprintf(num, sizeof num, "%s%" PRIu64, i ? ", " : " ", s->kpi_measurements[i]);
    record_buf_str(b, num);
  }
  record_buf_add(b, "\n", 1);
  for (size_t i = 0; i < s->n_citations; i++) {
    const Reflect__V1__KpiCitation *k = s->citations[i];
    snprintf(num, sizeof num, "#   %" PRIu64 ": ", k->measurement_id);
    record_buf_str(b, num);
    render_comment_text(b, k->indicator);
    record_buf_str(b, ", ");
    render_comment_text(b, k->period);
    record_buf_str(b, ": ");
    render_number(b, k->value);
    record_buf_str(b, " ");
    render_comment_text(b, k->unit);
    if (k->has_target) {
      record_buf_str(b, " (target ");
      render_number(b, k->target);
      record_buf_str(b, ")");
    }
    record_buf_add(b, "\n", 1);
  }
}

static void render_section(record_buf *b, const Reflect__V1__RecordSection *s)
{
  record_buf_add(b, "[", 1);
  record_buf_str(b, record_render_kind_name(s->kind));
  const char *arg = s->kind == REFLECT__V1__SECTION_KIND__SECTION_CASE           ? s->case_reference
                    : s->kind == REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION ? s->member
                                                                                 : "";
  if (*arg) {
    record_buf_add(b, " ", 1);
    record_buf_str(b, arg);
  }
  record_buf_add(b, "]", 1);
  if (s->withheld) {
    record_buf_str(b, " (discussed; content withheld from you)\n");
    return;
  }
  record_buf_add(b, "\n", 1);
  if (s->kind != REFLECT__V1__SECTION_KIND__SECTION_CASE) {
    render_cites(b, s);
    render_text(b, s->text, s->kind == REFLECT__V1__SECTION_KIND__SECTION_PERFORMANCE);
    return;
  }
  render_value(b, "situation", s->situation);
  render_value(b, "analysis", s->analysis);
  render_value(b, "risk", s->risk);
  render_value(b, "decision", s->decision);
  render_value(b, "rationale", s->rationale);
}

/* editing: for the editor's text of an amendment, where a section whose
 * case was destroyed under retention cannot be carried over (there is
 * nothing left to carry, and no case by that reference): it stays only as
 * a comment saying a case was discussed there. */
static void render_all(record_buf *b, Reflect__V1__RecordSection *const *sections, size_t n, int editing)
{
  for (size_t i = 0; i < n; i++) {
    if (i) record_buf_add(b, "\n", 1);
    if (editing && sections[i]->destroyed) {
      record_buf_str(b, "# [case] discussed here; destroyed under retention, so not part of this revision\n");
      continue;
    }
    render_section(b, sections[i]);
  }
}

int record_render(Reflect__V1__RecordSection *const *sections, size_t n, char **out)
{
  record_buf b = {0};
  render_all(&b, sections, n, 0);
  *out = record_buf_take(&b);
  return *out ? RECORD_TEXT_OK : RECORD_TEXT_ENOMEM;
}

static const char help[] = "#\n"
                           "# Write under each heading; a heading left empty is skipped, and lines\n"
                           "# that start with '#' are ignored.\n"
                           "#   [wellbeing]          the impact of the work on the practitioner: only\n"
                           "#                        the two of you read it; a manager sees only that\n"
                           "#                        it was discussed\n"
                           "#   [case REFERENCE]     one for each child or family discussed, with:\n"
                           "#     situation:         what is happening\n"
                           "#     analysis:          what it means\n"
                           "#     risk:              the risk now\n"
                           "#     decision:          what was decided\n"
                           "#     rationale:         why (every decision needs its rationale)\n"
                           "#                        indent a line to continue the one above\n"
                           "#   [development]        learning and development\n"
                           "#   [performance]        indicators reviewed against targets; a first line\n"
                           "#                        \"cites: 12, 15\" cites those measurements\n"
                           "#   [actions]            actions agreed (set each with `reflect action add`)\n"
                           "#   [notes]              anything else; a group's shared notes\n"
                           "#   [contribution USER]  a group member's own contribution\n"
                           "# Saving an empty record writes nothing.\n\n";

int record_render_template(const char *title, int group, const char *const *members, size_t n_members,
                           Reflect__V1__RecordSection *const *sections, size_t n, char **out)
{
  record_buf b = {0};
  record_buf_str(&b, "# ");
  record_buf_str(&b, title);
  record_buf_str(&b, "\n");
  record_buf_str(&b, help);
  if (n) {
    render_all(&b, sections, n, 1);
  } else {
    static const char *const kinds[] = {"wellbeing", "development", "mediation", "performance", "actions", "notes"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
      record_buf_str(&b, i ? "\n[" : "[");
      record_buf_str(&b, kinds[i]);
      record_buf_str(&b, "]\n");
    }
    for (size_t i = 0; group && i < n_members; i++) {
      record_buf_str(&b, "\n[contribution ");
      record_buf_str(&b, members[i]);
      record_buf_str(&b, "]\n");
    }
  }
  *out = record_buf_take(&b);
  return *out ? RECORD_TEXT_OK : RECORD_TEXT_ENOMEM;
}
