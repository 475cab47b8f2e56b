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

/* Typographic punctuation and Unicode spaces, inserted by phones and word
 * processors, are word boundaries: a name next to them is still found. */
static redact_terms mia;

static void mia_setup(void)
{
  redact_terms_init(&mia);
  /* Added with a no-break space: still a full name and two words. */
  cr_assert_eq(redact_terms_add_name(&mia, "Mia\u00A0Hassan", "another child"), REDACT_OK);
  cr_assert_eq(redact_terms_add_name(&mia, "Zoë Brown", "third party"), REDACT_OK);
  cr_assert_eq(redact_terms_prepare(&mia, "Sam Jones"), REDACT_OK);
}

static void mia_teardown(void)
{
  redact_terms_free(&mia);
}

/* Redacts a copy of text in a heap block of exactly its size (NUL
 * included), so the sanitizer catches a read past the end. */
static void mia_expect(const char *text, const char *want, size_t want_reasons)
{
  size_t len = strlen(text);
  char *copy = malloc(len + 1);
  cr_assert_not_null(copy);
  memcpy(copy, text, len + 1);
  char *out = NULL;
  const char *rs[16];
  size_t n = 99;
  cr_assert_eq(redact_apply(&mia, copy, &out, rs, 16, &n), REDACT_OK, "from '%s'", text);
  cr_assert_str_eq(out, want, "from '%s'", text);
  cr_assert_eq(n, want_reasons, "from '%s': %zu reasons", text, n);
  free(out);
  free(copy);
}

TestSuite(redact_unicode, .init = mia_setup, .fini = mia_teardown);

#define R "[redacted: another child]"

Test(redact_unicode, typographic_apostrophe)
{
  mia_expect("Mia\u2019s coat", R "\u2019s coat", 1);
  mia_expect("Mia's coat", R "'s coat", 1);
}

Test(redact_unicode, curly_and_angle_quotes)
{
  mia_expect("\u201CMia\u201D", "\u201C" R "\u201D", 1);
  mia_expect("\u2018Hassan\u2019", "\u2018" R "\u2019", 1);
  mia_expect("\u00ABMia\u00BB", "\u00AB" R "\u00BB", 1);
  mia_expect("\u00A1Mia! \u00BFMia? Mia\u00B7Mia", "\u00A1" R "! \u00BF" R "? " R "\u00B7" R, 4);
  mia_expect("\u300CMia\u300D \uFF08Mia\uFF09", "\u300C" R "\u300D \uFF08" R "\uFF09", 2);
}

Test(redact_unicode, dashes)
{
  mia_expect("Mia\u2014said", R "\u2014said", 1);
  mia_expect("with Mia\u2013and", "with " R "\u2013and", 1);
  mia_expect("Mia\u00D7Mia", R "\u00D7" R, 2);
}

Test(redact_unicode, no_break_space_full_name_and_words)
{
  mia_expect("Mia\u00A0Hassan came", R " came", 1);
  mia_expect("Mia Hassan", R, 1);
  mia_expect("Mia \u2009\u00A0\n\u202F\u3000Hassan", R, 1);
  mia_expect("Mia\u200BHassan", R, 1);
  mia_expect("Mia\u00A0came", R "\u00A0came", 1);
  mia_expect("saw\u00A0Hassan", "saw\u00A0" R, 1);
  mia_expect("Mia\u00A0", R "\u00A0", 1);
}

Test(redact_unicode, name_at_end_after_no_break_space)
{
  mia_expect("seen by\u00A0Mia", "seen by\u00A0" R, 1);
  mia_expect("\u00A0Mia", "\u00A0" R, 1);
}

Test(redact_unicode, truncated_utf8_at_end)
{
  /* A cut-off sequence is a word character (never a false boundary) and
   * is never read past. */
  mia_expect("Mia \xE2\x80", R " \xE2\x80", 1);
  mia_expect("Mia \xF0\x9F\x98", R " \xF0\x9F\x98", 1);
  mia_expect("Mia\xE2\x80", "Mia\xE2\x80", 0);
  mia_expect("Mia\xC3", "Mia\xC3", 0);
  mia_expect("\xE2", "\xE2", 0);
  mia_expect("\xF0\x9F", "\xF0\x9F", 0);
  /* Stray and overlong bytes glue onto the word too. */
  mia_expect("Mia\x80 Mia\xC0\xA0 Mia\xED\xA0\x80", "Mia\x80 Mia\xC0\xA0 Mia\xED\xA0\x80", 0);
}

Test(redact_unicode, letters_still_glue)
{
  /* A letter with a diaeresis is part of the word: "Miaä" is not "Mia". */
  mia_expect("Mia\u00E4", "Mia\u00E4", 0);
  mia_expect("\u00E4Mia", "\u00E4Mia", 0);
  mia_expect("Mia\u0308", "Mia\u0308", 0);
  mia_expect("Zo\u00EB\u2019s and Zo\u00EB", "[redacted: third party]\u2019s and [redacted: third party]", 2);
  mia_expect("Zo\u00EBy", "Zo\u00EBy", 0);
}

Test(redact_unicode, terms_trimmed_of_punctuation)
{
  redact_terms u;
  redact_terms_init(&u);
  cr_assert_eq(redact_terms_add(&u, "\u201CCH-0099\u201D\u00A0", "another child"), REDACT_OK);
  cr_assert_eq(redact_terms_add_name(&u, "Kai\u2014Lee", "third party"), REDACT_OK);
  cr_assert_eq(redact_terms_prepare(&u, ""), REDACT_OK);
  char *out;
  const char *rs[8];
  size_t n;
  cr_assert_eq(redact_apply(&u, "ref \u00ABch-0099\u00BB; Lee\u2019s", &out, rs, 8, &n), REDACT_OK);
  cr_assert_str_eq(out, "ref \u00AB[redacted: another child]\u00BB; [redacted: third party]\u2019s");
  cr_assert_eq(n, 2);
  free(out);
  redact_terms_free(&u);
}
