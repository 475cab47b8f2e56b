/* A record as text: what the parser reads back is what was rendered; every
 * mistake is reported with its file and line; the line diff is exact. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_diff.h"
#include "cli_record_render.h"
#include "cli_record_text.h"

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

static void assert_same_sections(section *const *want, size_t n, const cli_record *got)
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
  cr_assert_eq(cli_record_render(all, 6, &text), CLI_RECORD_OK);
  cli_record rec;
  char err[256];
  int rc = cli_record_text_parse(text, "rec.txt", &rec, err, sizeof err);
  cr_assert_eq(rc, CLI_RECORD_OK, "%s\n---\n%s", err, text);
  assert_same_sections(all, 6, &rec);
  /* And rendering what was parsed gives the same text again. */
  char *again;
  cr_assert_eq(cli_record_render(rec.sections, rec.n, &again), CLI_RECORD_OK);
  cr_assert_str_eq(again, text);
  cli_record_text_free(&rec);
  free(again);
  free(text);
}

Test(record_text, an_amendment_template_parses_back_to_the_record)
{
  section w = text_section(REFLECT__V1__SECTION_KIND__SECTION_WELLBEING, "Fine.", NULL);
  section k = case_section("CH-1", "Absent.", "", "high", "Visit.", "Absent three times.");
  section *all[] = {&w, &k};
  char *text;
  cr_assert_eq(cli_record_render_template("Amending session 4", 0, NULL, 0, all, 2, &text), CLI_RECORD_OK);
  cr_assert(strstr(text, "# Amending session 4\n"), "%s", text);
  cli_record rec;
  char err[256];
  cr_assert_eq(cli_record_text_parse(text, "t", &rec, err, sizeof err), CLI_RECORD_OK, "%s", err);
  assert_same_sections(all, 2, &rec);
  cli_record_text_free(&rec);
  free(text);
}

Test(record_text, a_new_template_left_alone_writes_nothing)
{
  const char *members[] = {"pat", "quinn"};
  char *text;
  cr_assert_eq(cli_record_render_template("Group session 9", 1, members, 2, NULL, 0, &text), CLI_RECORD_OK);
  cr_assert(strstr(text, "\n[wellbeing]\n") && strstr(text, "\n[notes]\n"), "%s", text);
  cr_assert(strstr(text, "[contribution pat]\n") && strstr(text, "[contribution quinn]\n"), "%s", text);
  cli_record rec;
  char err[256];
  cr_assert_eq(cli_record_text_parse(text, "t", &rec, err, sizeof err), CLI_RECORD_EEMPTY);
  cr_assert_eq(cli_record_text_parse("", "t", &rec, err, sizeof err), CLI_RECORD_EEMPTY);
  cr_assert_eq(cli_record_text_parse("# only\n#comments\n\n", "t", &rec, err, sizeof err), CLI_RECORD_EEMPTY);
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
  cli_record rec;
  char err[256];
  int rc = cli_record_text_parse(text, "t", &rec, err, sizeof err);
  cr_assert_eq(rc, CLI_RECORD_OK, "%s", err);
  cr_assert_eq(rec.n, 2, "the empty [development] heading is dropped");
  cr_assert_str_eq(rec.sections[0]->text, "Busy week.\nBetter now.");
  cr_assert_eq(rec.sections[1]->kind, REFLECT__V1__SECTION_KIND__SECTION_CASE);
  cr_assert_str_eq(rec.sections[1]->case_reference, "ch-9");
  cr_assert_str_eq(rec.sections[1]->situation, "New referral.\nstill the situation: indented\nand a tab");
  cr_assert_str_eq(rec.sections[1]->decision, "Assess.");
  cr_assert_str_eq(rec.sections[1]->rationale, "Policy says so.");
  cli_record_text_free(&rec);
}

static void assert_error(const char *text, const char *where, const char *needle)
{
  cli_record rec;
  char err[512];
  int rc = cli_record_text_parse(text, "rec.txt", &rec, err, sizeof err);
  cr_assert_eq(rc, CLI_RECORD_ESYNTAX, "expected an error for:\n%s", text);
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
  cr_assert_eq(cli_record_render(all, 2, &text), CLI_RECORD_OK);
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
  cr_assert_eq(cli_record_render(all, 1, &text), CLI_RECORD_OK);
  cr_assert_str_eq(text, "[performance]\ncites: 12, 15\n#   12: Plans in 28 days, 2026-03-01: 80 % (target 90)\n"
                         "#   15: Visits, 2026-03-02: 3.5 visits\nPlans slipped in March.\n"
                         "\\cites: this line is text, not ids\n");
  cli_record rec;
  char err[256];
  int rc = cli_record_text_parse(text, "rec.txt", &rec, err, sizeof err);
  cr_assert_eq(rc, CLI_RECORD_OK, "%s", err);
  assert_same_sections(all, 1, &rec);
  cr_assert_eq(rec.sections[0]->n_kpi_measurements, 2);
  cr_assert_eq(rec.sections[0]->kpi_measurements[0], 12);
  cr_assert_eq(rec.sections[0]->kpi_measurements[1], 15);
  cli_record_text_free(&rec);
  free(text);
  /* Citations belong to the performance section only; elsewhere it is text. */
  rc = cli_record_text_parse("[notes]\ncites: 3\n", "rec.txt", &rec, err, sizeof err);
  cr_assert_eq(rc, CLI_RECORD_OK, "%s", err);
  cr_assert_eq(rec.sections[0]->n_kpi_measurements, 0);
  cr_assert_str_eq(rec.sections[0]->text, "cites: 3");
  cli_record_text_free(&rec);
  assert_error("[performance]\ncites: 12, x\nok\n", "rec.txt:2: ", "lists measurement ids");
  assert_error("[performance]\ncites: 0\nok\n", "rec.txt:2: ", "lists measurement ids");
  assert_error("[performance]\ncites: 99999999999999999999\nok\n", "rec.txt:2: ", "lists measurement ids");
  assert_error("[performance]\ncites: 4, 4\nok\n", "rec.txt:2: ", "cited twice");
  assert_error("[performance]\ncites: 4\ncites: 5\nok\n", "rec.txt:3: ", "one 'cites:' line");
  assert_error("[performance]\ncites: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\nok\n", "rec.txt:2: ", "at most 16");
  assert_error("[performance]\ncites: 7\n\n[notes]\nx\n", "rec.txt:1: ", "says nothing about them");
}

static char *diff(const char *a, const char *b, int *rc)
{
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&out, &len);
  cr_assert_not_null(f);
  *rc = cli_diff_print(f, "old", a, "new", b, 3);
  fclose(f);
  return out;
}

Test(record_diff, identical_texts_print_nothing)
{
  int rc;
  char *out = diff("a\nb\n", "a\nb\n", &rc);
  cr_assert_eq(rc, CLI_DIFF_SAME);
  cr_assert_str_eq(out, "");
  free(out);
  out = diff("", "", &rc);
  cr_assert_eq(rc, CLI_DIFF_SAME);
  free(out);
}

Test(record_diff, a_changed_line_with_context)
{
  int rc;
  char *out = diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", &rc);
  cr_assert_eq(rc, CLI_DIFF_CHANGED);
  cr_assert_str_eq(out, "--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  free(out);
}

Test(record_diff, insertions_and_deletions_at_the_ends)
{
  int rc;
  char *out = diff("b\nc\n", "a\nb\nc\n", &rc);
  cr_assert_str_eq(out, "--- old\n+++ new\n@@ -1,2 +1,3 @@\n+a\n b\n c\n");
  free(out);
  out = diff("a\nb\nc\n", "a\nb\n", &rc);
  cr_assert_str_eq(out, "--- old\n+++ new\n@@ -1,3 +1,2 @@\n a\n b\n-c\n");
  free(out);
  out = diff("", "x\ny", &rc);
  cr_assert_str_eq(out, "--- old\n+++ new\n@@ -0,0 +1,2 @@\n+x\n+y\n");
  free(out);
}

Test(record_diff, far_apart_changes_make_two_hunks_and_near_ones_one)
{
  int rc;
  char *out = diff("a\n1\n2\n3\n4\n5\n6\n7\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\nB\n", &rc);
  cr_assert_str_eq(out, "--- old\n+++ new\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -6,4 +6,4 @@\n 5\n 6\n 7\n-b\n+B\n");
  free(out);
  out = diff("a\n1\n2\n3\n4\n5\n6\nb\n", "A\n1\n2\n3\n4\n5\n6\nB\n", &rc);
  cr_assert_str_eq(out, "--- old\n+++ new\n@@ -1,8 +1,8 @@\n-a\n+A\n 1\n 2\n 3\n 4\n 5\n 6\n-b\n+B\n");
  free(out);
}

Test(record_diff, the_script_is_the_shortest)
{
  int rc;
  /* Myers' classic example: abcabba -> cbabac takes 5 edits. */
  char *out = diff("a\nb\nc\na\nb\nb\na\n", "c\nb\na\nb\na\nc\n", &rc);
  int minus = 0, plus = 0;
  for (char *l = out; l && *l; l = strchr(l, '\n') + 1) {
    if (!strncmp(l, "---", 3) || !strncmp(l, "+++", 3)) continue;
    minus += *l == '-';
    plus += *l == '+';
  }
  cr_assert_eq(minus + plus, 5, "%s", out);
  free(out);
}

Test(record_diff, beyond_the_edit_bound_the_middle_is_replaced_whole)
{
  size_t n = CLI_DIFF_MAX_EDITS + 10;
  char *a = malloc(n * 8 + 1), *b = malloc(n * 8 + 1);
  size_t la = 0, lb = 0;
  for (size_t i = 0; i < n; i++) {
    la += (size_t)sprintf(a + la, "a%zu\n", i);
    lb += (size_t)sprintf(b + lb, "b%zu\n", i);
  }
  int rc;
  char *out = diff(a, b, &rc);
  cr_assert_eq(rc, CLI_DIFF_CHANGED);
  char head[64];
  snprintf(head, sizeof head, "@@ -1,%zu +1,%zu @@\n-a0\n", n, n);
  cr_assert(strstr(out, head), "%.200s", out);
  free(out);
  free(a);
  free(b);
}
