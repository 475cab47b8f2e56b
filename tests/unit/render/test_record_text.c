/* A record as text: what the parser reads back is what was rendered; every
 * mistake is reported with its file and line. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record_render.h"
#include "record_text.h"

typedef Reflect__V1__RecordSection section;

static section text_section(Reflect__V1__SectionKind kind, const char *text, const char *member)
{
  section s = REFLECT__V1__RECORD_SECTION__INIT;
  s.kind = kind;
  s.text = (char *)text;
  if (member) s.member = (char *)member;
  return s;
}

static section case_section(const char *ref, const char *situation, const char *analysis, const char *risk,
                            const char *decision, const char *rationale)
{
  section s = REFLECT__V1__RECORD_SECTION__INIT;
  s.kind = REFLECT__V1__SECTION_KIND__SECTION_CASE;
  s.case_reference = (char *)ref;
  s.situation = (char *)situation;
  s.analysis = (char *)analysis;
  s.risk = (char *)risk;
  s.decision = (char *)decision;
  s.rationale = (char *)rationale;
  return s;
}

static void assert_same_sections(section *const *want, size_t n, const record_doc *got)
{
  cr_assert_eq(got->n, n, "sections: want %zu, got %zu", n, got->n);
  for (size_t i = 0; i < n; i++) {
    const section *a = want[i], *b = got->sections[i];
    cr_assert_eq(a->kind, b->kind, "section %zu kind", i);
    const char *fa[] = {a->text, a->case_reference, a->situation, a->analysis,
                        a->risk, a->decision,       a->rationale, a->member};
    const char *fb[] = {b->text, b->case_reference, b->situation, b->analysis,
                        b->risk, b->decision,       b->rationale, b->member};
    for (size_t f = 0; f < sizeof fa / sizeof fa[0]; f++) cr_assert_str_eq(fb[f], fa[f], "section %zu field %zu", i, f);
  }
}

Test(record_text, render_then_parse_gives_the_same_sections)
{
  section w =
      text_section(REFLECT__V1__SECTION_KIND__SECTION_WELLBEING,
                   "Tired after court.\n\n# not a comment: written by the worker\n[not a heading]\n\\ backslash", NULL);
  section k = case_section("CH-2026-1", "School absence rising.\n  - three days last week\n\nMum engaged.",
                           "Pattern since the move.", "medium", "Weekly visits for a month.",
                           "Absence is the first sign we saw last time:\nact early.");
  section k2 = case_section("FAM 7", "Stable.", "", "", "", "");
  section d = text_section(REFLECT__V1__SECTION_KIND__SECTION_DEVELOPMENT, "Court skills course.\n  indented", NULL);
  section c = text_section(REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION, "Shared a case study.", "pat");
  section n = text_section(REFLECT__V1__SECTION_KIND__SECTION_NOTES, "situation: not a key here", NULL);
  section *all[] = {&w, &k, &k2, &d, &c, &n};
  char *text;
  cr_assert_eq(record_render(all, 6, &text), RECORD_TEXT_OK);
  record_doc rec;
  char err[256];
  int rc = record_text_parse(text, "rec.txt", &rec, err, sizeof err);
  cr_assert_eq(rc, RECORD_TEXT_OK, "%s\n---\n%s", err, text);
  assert_same_sections(all, 6, &rec);
  /* And rendering what was parsed gives the same text again. */
  char *again;
  cr_assert_eq(record_render(rec.sections, rec.n, &again), RECORD_TEXT_OK);
  cr_assert_str_eq(again, text);
  record_text_free(&rec);
  free(again);
  free(text);
}

Test(record_text, an_amendment_template_parses_back_to_the_record)
{
  section w = text_section(REFLECT__V1__SECTION_KIND__SECTION_WELLBEING, "Fine.", NULL);
  section k = case_section("CH-1", "Absent.", "", "high", "Visit.", "Absent three times.");
  section *all[] = {&w, &k};
  char *text;
  cr_assert_eq(record_render_template("Amending session 4", 0, NULL, 0, all, 2, &text), RECORD_TEXT_OK);
  cr_assert(strstr(text, "# Amending session 4\n"), "%s", text);
  record_doc rec;
  char err[256];
  cr_assert_eq(record_text_parse(text, "t", &rec, err, sizeof err), RECORD_TEXT_OK, "%s", err);
  assert_same_sections(all, 2, &rec);
  record_text_free(&rec);
  free(text);
}

Test(record_text, a_new_template_left_alone_writes_nothing)
{
  const char *members[] = {"pat", "quinn"};
  char *text;
  cr_assert_eq(record_render_template("Group session 9", 1, members, 2, NULL, 0, &text), RECORD_TEXT_OK);
  cr_assert(strstr(text, "\n[wellbeing]\n") && strstr(text, "\n[notes]\n"), "%s", text);
  cr_assert(strstr(text, "[contribution pat]\n") && strstr(text, "[contribution quinn]\n"), "%s", text);
  record_doc rec;
  char err[256];
  cr_assert_eq(record_text_parse(text, "t", &rec, err, sizeof err), RECORD_TEXT_EEMPTY);
  cr_assert_eq(record_text_parse("", "t", &rec, err, sizeof err), RECORD_TEXT_EEMPTY);
  cr_assert_eq(record_text_parse("# only\n#comments\n\n", "t", &rec, err, sizeof err), RECORD_TEXT_EEMPTY);
  free(text);
}

Test(record_text, comments_blank_headings_crlf_and_continuations)
{
  const char *text = "# header\r\n"
                     "\r\n"
                     "[Wellbeing]  \r\n"
                     "\r\n"
                     "Busy week.\r\n"
                     "# an aside, not kept\r\n"
                     "Better now.\r\n"
                     "\r\n"
                     "[development]\r\n"
                     "\r\n"
                     "[case  ch-9 ]\r\n"
                     "Situation:   New referral.\r\n"
                     "still the situation: indented\r\n"
                     "\tand a tab\r\n"
                     "decision: Assess.\r\n"
                     "rationale:\r\n"
                     "  Policy says so.\r\n";
  record_doc rec;
  char err[256];
  int rc = record_text_parse(text, "t", &rec, err, sizeof err);
  cr_assert_eq(rc, RECORD_TEXT_OK, "%s", err);
  cr_assert_eq(rec.n, 2, "the empty [development] heading is dropped");
  cr_assert_str_eq(rec.sections[0]->text, "Busy week.\nBetter now.");
  cr_assert_eq(rec.sections[1]->kind, REFLECT__V1__SECTION_KIND__SECTION_CASE);
  cr_assert_str_eq(rec.sections[1]->case_reference, "ch-9");
  cr_assert_str_eq(rec.sections[1]->situation, "New referral.\nstill the situation: indented\nand a tab");
  cr_assert_str_eq(rec.sections[1]->decision, "Assess.");
  cr_assert_str_eq(rec.sections[1]->rationale, "Policy says so.");
  record_text_free(&rec);
}

static void assert_error(const char *text, const char *where, const char *needle)
{
  record_doc rec;
  char err[512];
  int rc = record_text_parse(text, "rec.txt", &rec, err, sizeof err);
  cr_assert_eq(rc, RECORD_TEXT_ESYNTAX, "expected an error for:\n%s", text);
  cr_assert_eq(strncmp(err, where, strlen(where)), 0, "expected '%s' at the start of: %s", where, err);
  cr_assert(strstr(err, needle), "expected '%s' in: %s", needle, err);
}

Test(record_text, every_mistake_is_reported_with_its_line)
{
  assert_error("\nHello there\n[notes]\nx\n", "rec.txt:2: ", "text before the first section");
  assert_error("[notes]\nx\n\n[feelings]\n", "rec.txt:4: ", "unknown section [feelings]");
  assert_error("[case A-1]\nsituation: x\nnote: y\n", "rec.txt:3: ", "unknown key 'note:'");
  assert_error("[case A-1]\nsituation: x\ndecision: y\n\n[notes]\nz\n",
               "rec.txt:3: ", "a decision needs its rationale");
  assert_error("[case A-1]\nrationale: y\n", "rec.txt:2: ", "explains a decision");
  assert_error("[notes]\na\n\n[notes]\nb\n", "rec.txt:4: ", "duplicate section [notes] (the first is at line 1)");
  assert_error("[case ch-1]\nrisk: low\n[case CH-1]\nrisk: high\n", "rec.txt:3: ", "duplicate section");
  assert_error("[contribution pat]\na\n[contribution pat]\nb\n", "rec.txt:3: ", "duplicate section");
  assert_error("[case A]\nrisk: low\nrisk: high\n", "rec.txt:3: ", "duplicate key 'risk:'");
  assert_error("[case]\nrisk: low\n", "rec.txt:1: ", "needs the case's reference");
  assert_error("[contribution]\nx\n", "rec.txt:1: ", "needs the member's username");
  assert_error("[notes please]\nx\n", "rec.txt:1: ", "takes nothing after its name");
  assert_error("[case A]\nWe talked.\n", "rec.txt:2: ", "before its first key");
  assert_error("[case A]\n\n[notes]\nx\n", "rec.txt:1: ", "[case A] is empty");
}

Test(record_text, more_sections_than_a_record_may_have)
{
  char *text = malloc(70 * 32);
  size_t n = 0;
  for (int i = 0; i < 65; i++) n += (size_t)sprintf(text + n, "[contribution u%d]\nx\n", i);
  assert_error(text, "rec.txt:129: ", "at most 64 sections");
  free(text);
}

Test(record_text, a_withheld_wellbeing_section_says_so)
{
  section w = text_section(REFLECT__V1__SECTION_KIND__SECTION_WELLBEING, "", NULL);
  w.withheld = 1;
  section n = text_section(REFLECT__V1__SECTION_KIND__SECTION_NOTES, "Caseload reviewed.", NULL);
  section *all[] = {&w, &n};
  char *text;
  cr_assert_eq(record_render(all, 2, &text), RECORD_TEXT_OK);
  cr_assert_str_eq(text, "[wellbeing] (discussed; content withheld from you)\n\n[notes]\nCaseload reviewed.\n");
  free(text);
}

/* A performance section's citations: "cites: 12, 15" round-trips, what
 * each measurement is shows as comments the parser ignores, a text line
 * that only looks like a citations line is escaped, and bad lists are
 * refused with their line. */
Test(record_text, performance_citations_round_trip)
{
  section p = text_section(REFLECT__V1__SECTION_KIND__SECTION_PERFORMANCE,
                           "Plans slipped in March.\ncites: this line is text, not ids", NULL);
  uint64_t ids[] = {12, 15};
  p.kpi_measurements = ids;
  p.n_kpi_measurements = 2;
  Reflect__V1__KpiCitation c1 = REFLECT__V1__KPI_CITATION__INIT, c2 = REFLECT__V1__KPI_CITATION__INIT;
  c1.measurement_id = 12, c1.indicator = "Plans\nin 28 days", c1.period = "2026-03-01", c1.value = 80;
  c1.unit = "%", c1.has_target = 1, c1.target = 90;
  c2.measurement_id = 15, c2.indicator = "Visits", c2.period = "2026-03-02", c2.value = 3.5, c2.unit = "visits";
  Reflect__V1__KpiCitation *cites[] = {&c1, &c2};
  p.citations = cites;
  p.n_citations = 2;
  section *all[] = {&p};
  char *text;
  cr_assert_eq(record_render(all, 1, &text), RECORD_TEXT_OK);
  cr_assert_str_eq(text, "[performance]\ncites: 12, 15\n#   12: Plans in 28 days, 2026-03-01: 80 % (target 90)\n"
                         "#   15: Visits, 2026-03-02: 3.5 visits\nPlans slipped in March.\n"
                         "\\cites: this line is text, not ids\n");
  record_doc rec;
  char err[256];
  int rc = record_text_parse(text, "rec.txt", &rec, err, sizeof err);
  cr_assert_eq(rc, RECORD_TEXT_OK, "%s", err);
  assert_same_sections(all, 1, &rec);
  cr_assert_eq(rec.sections[0]->n_kpi_measurements, 2);
  cr_assert_eq(rec.sections[0]->kpi_measurements[0], 12);
  cr_assert_eq(rec.sections[0]->kpi_measurements[1], 15);
  record_text_free(&rec);
  free(text);
  /* Citations belong to the performance section only; elsewhere it is text. */
  rc = record_text_parse("[notes]\ncites: 3\n", "rec.txt", &rec, err, sizeof err);
  cr_assert_eq(rc, RECORD_TEXT_OK, "%s", err);
  cr_assert_eq(rec.sections[0]->n_kpi_measurements, 0);
  cr_assert_str_eq(rec.sections[0]->text, "cites: 3");
  record_text_free(&rec);
  assert_error("[performance]\ncites: 12, x\nok\n", "rec.txt:2: ", "lists measurement ids");
  assert_error("[performance]\ncites: 0\nok\n", "rec.txt:2: ", "lists measurement ids");
  assert_error("[performance]\ncites: 99999999999999999999\nok\n", "rec.txt:2: ", "lists measurement ids");
  assert_error("[performance]\ncites: 4, 4\nok\n", "rec.txt:2: ", "cited twice");
  assert_error("[performance]\ncites: 4\ncites: 5\nok\n", "rec.txt:3: ", "one 'cites:' line");
  assert_error("[performance]\ncites: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\nok\n", "rec.txt:2: ", "at most 16");
  assert_error("[performance]\ncites: 7\n\n[notes]\nx\n", "rec.txt:1: ", "says nothing about them");
}
