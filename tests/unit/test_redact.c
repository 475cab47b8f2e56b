/* redact: names and references found at word boundaries, case-insensitively,
 * across runs of white space, longest first, never the subject's own name. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"

#define SUBJECT "Amira Hassan"

static redact_terms t;
static const char *reasons[64];
static size_t n_reasons;

static void setup(void)
{
  redact_terms_init(&t);
  cr_assert_eq(redact_terms_add_name(&t, "Leo Hassan", "another child"), REDACT_OK);
  cr_assert_eq(redact_terms_add(&t, "CH-0042", "another child"), REDACT_OK);
  cr_assert_eq(redact_terms_add_name(&t, "Leila  Hassan", "third party (mother)"), REDACT_OK);
  cr_assert_eq(redact_terms_add_name(&t, "Zoë Brown", "third party"), REDACT_OK);
  cr_assert_eq(redact_terms_prepare(&t, SUBJECT), REDACT_OK);
}

static void teardown(void)
{
  redact_terms_free(&t);
}

/* The text redacted; the caller frees it. */
static char *run(const char *text)
{
  char *out = NULL;
  cr_assert_eq(redact_apply(&t, text, &out, reasons, 64, &n_reasons), REDACT_OK);
  cr_assert_not_null(out);
  return out;
}

static void expect(const char *text, const char *want, size_t want_reasons)
{
  char *out = run(text);
  cr_assert_str_eq(out, want, "from '%s'", text);
  cr_assert_eq(n_reasons, want_reasons, "from '%s': %zu reasons", text, n_reasons);
  free(out);
}

TestSuite(redact, .init = setup, .fini = teardown);

Test(redact, word_boundaries)
{
  expect("Leonard and Leopold met Leo.", "Leonard and Leopold met [redacted: another child].", 1);
  expect("XLeo Leo2 Leo_", "XLeo Leo2 [redacted: another child]_", 1);
}

Test(redact, case_insensitive)
{
  expect("LEO said leo", "[redacted: another child] said [redacted: another child]", 2);
}

Test(redact, multi_word_with_extra_spaces_longest_first)
{
  /* "Leo Hassan" as one term, not "Leo" plus the subject's surname. */
  expect("Leo   Hassan\tcame", "[redacted: another child]\tcame", 1);
  expect("leo\nhassan", "[redacted: another child]", 1);
  cr_assert_str_eq(reasons[0], "another child");
  expect("Leila Hassan", "[redacted: third party (mother)]", 1);
  cr_assert_str_eq(reasons[0], "third party (mother)");
}

Test(redact, subject_words_protected)
{
  /* Hassan alone is the subject's own name: it stays; Amira is never a term. */
  expect("Amira Hassan and Hassan", "Amira Hassan and Hassan", 0);
  expect("Amira and Leila", "Amira and [redacted: third party (mother)]", 1);
}

Test(redact, utf8_names)
{
  expect("Zoë came; zoë too; Zoëy not", "[redacted: third party] came; [redacted: third party] too; Zoëy not", 2);
  expect("Brown", "[redacted: third party]", 1);
  /* A byte >= 0x80 is part of a word: "Leoé" is not "Leo". */
  expect("Leoé", "Leoé", 0);
}

Test(redact, references_as_whole_tokens)
{
  expect("see ch-0042.", "see [redacted: another child].", 1);
  expect("CH-00421 and XCH-0042", "CH-00421 and XCH-0042", 0);
}

Test(redact, start_end_and_empty)
{
  expect("Leo", "[redacted: another child]", 1);
  expect("Leo went home with CH-0042", "[redacted: another child] went home with [redacted: another child]", 2);
  expect("", "", 0);
  expect("  ", "  ", 0);
}

Test(redact, reasons_bound_and_text_bound)
{
  char *out = (char *)1;
  const char *few[1];
  size_t n = 9;
  cr_assert_eq(redact_apply(&t, "Leo and Leo", &out, few, 1, &n), REDACT_E_REASONS);
  cr_assert_null(out);
  cr_assert_eq(n, 0);
  char *big = malloc(REDACT_TEXT_MAX + 2);
  memset(big, 'a', REDACT_TEXT_MAX + 1);
  big[REDACT_TEXT_MAX + 1] = '\0';
  cr_assert_eq(redact_apply(&t, big, &out, few, 1, &n), REDACT_E_TOO_LONG);
  free(big);
}

Test(redact, descriptive_words_and_short_words)
{
  redact_terms u;
  redact_terms_init(&u);
  cr_assert_eq(redact_terms_add_name(&u, "The Doyle family", "another child"), REDACT_OK);
  cr_assert_eq(redact_terms_add_name(&u, "Jo Ng", "third party"), REDACT_OK);
  cr_assert_eq(redact_terms_prepare(&u, ""), REDACT_OK);
  cr_assert_eq(redact_terms_add(&u, "late", "x"), REDACT_E_STATE, "no adds after prepare");
  char *out;
  const char *rs[8];
  size_t n;
  cr_assert_eq(redact_apply(&u, "the family saw Doyle; Jo and Jo Ng", &out, rs, 8, &n), REDACT_OK);
  cr_assert_str_eq(out, "the family saw [redacted: another child]; Jo and [redacted: third party]");
  cr_assert_eq(n, 2);
  free(out);
  redact_terms_free(&u);
}

/* 100,000 terms: each found, none confused with another, quickly. */
Test(redact, many_terms, .timeout = 30)
{
  redact_terms u;
  redact_terms_init(&u);
  char name[32];
  for (int i = 0; i < 50000; i++) {
    snprintf(name, sizeof name, "REF-%05d", i);
    cr_assert_eq(redact_terms_add(&u, name, "another child"), REDACT_OK);
    snprintf(name, sizeof name, "Kid%05d Smith", i);
    cr_assert_eq(redact_terms_add(&u, name, "third party"), REDACT_OK);
  }
  cr_assert_eq(redact_terms_add(&u, "one too many", "x"), REDACT_E_TOO_MANY);
  cr_assert_eq(redact_terms_prepare(&u, "Smith"), REDACT_OK);
  char *out;
  const char *rs[8];
  size_t n;
  cr_assert_eq(redact_apply(&u, "ref-49999, Kid00007  Smith, Kid7 Smith, Smith", &out, rs, 8, &n), REDACT_OK);
  cr_assert_str_eq(out, "[redacted: another child], [redacted: third party], Kid7 Smith, Smith");
  cr_assert_eq(n, 2);
  cr_assert_str_eq(rs[1], "third party");
  free(out);
  redact_terms_free(&u);
}
