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

/* A term is kept once, whoever names it again; the first reason
 * given stays (a child's own third party before the same name elsewhere). */
Test(redact_terms, each_term_once)
{
  redact_terms u;
  redact_terms_init(&u);
  cr_assert_eq(redact_terms_add_name(&u, "Leo Hassan", "third party (uncle)"), REDACT_OK);
  size_t once = u.n;
  cr_assert_eq(once, 3, "the full name and its two words");
  for (int i = 0; i < 1000; i++) {
    cr_assert_eq(redact_terms_add_name(&u, "LEO\u00A0  hassan", "another child"), REDACT_OK);
    cr_assert_eq(redact_terms_add(&u, "Hassan", "third party"), REDACT_OK);
  }
  cr_assert_eq(u.n, once, "the same name again adds nothing: %zu terms", u.n);
  cr_assert_eq(redact_terms_add_name(&u, "Mia Hassan", "another child"), REDACT_OK);
  cr_assert_eq(u.n, once + 2, "only what is new: the full name and Mia");
  cr_assert_eq(redact_terms_prepare(&u, ""), REDACT_OK);
  char *out;
  const char *rs[4];
  size_t n;
  cr_assert_eq(redact_apply(&u, "Leo Hassan; Hassan", &out, rs, 4, &n), REDACT_OK);
  cr_assert_str_eq(out, "[redacted: third party (uncle)]; [redacted: third party (uncle)]");
  free(out);
  redact_terms_free(&u);
}

/* 50 three-letter words of 7 letters that spell nothing in the texts
 * below: a hostile tester's flood (199 bytes a name). */
static void flood_name(char *name, unsigned k)
{
  static const char letters[] = "qxzjvkw";
  size_t o = 0;
  for (unsigned w = 0; w < 50; w++) {
    unsigned v = (k * 50 + w) * 2654435761u;
    name[o++] = letters[v % 7];
    name[o++] = letters[v / 7 % 7];
    name[o++] = letters[v / 49 % 7];
    name[o++] = w < 49 ? ' ' : '\0';
  }
}

#define TEXT_1 "Amira may visit Leo Hassan; Zoë Brown (her carer) agrees."
#define TEXT_2 "CH-0042 is closed. Kai came alone"

/* Before, 2,100 long names were more terms than a redaction may hold
 * (REDACT_E_TOO_MANY, which failed every extract); restricted to the
 * texts to be redacted, only what occurs in them is kept, and those texts
 * come out exactly as with every term. */
Test(redact_corpus, keeps_only_what_occurs_in_the_texts, .timeout = 60)
{
  char t1[] = TEXT_1, t2[] = TEXT_2;
  redact_corpus corpus;
  redact_corpus_init(&corpus);
  cr_assert_eq(redact_corpus_add(&corpus, t1), REDACT_OK);
  cr_assert_eq(redact_corpus_add(&corpus, t2), REDACT_OK);
  cr_assert_eq(redact_corpus_add(&corpus, NULL), REDACT_OK);
  redact_terms all, some;
  redact_terms_init(&all);
  redact_terms_init(&some);
  redact_terms_restrict(&some, &corpus);
  int too_many = 0;
  char name[256];
  for (unsigned k = 0; k < 2100; k++) {
    flood_name(name, k);
    int rc = redact_terms_add_name(&all, name, "third party");
    cr_assert(rc == REDACT_OK || rc == REDACT_E_TOO_MANY);
    too_many |= rc == REDACT_E_TOO_MANY;
    cr_assert_eq(redact_terms_add_name(&some, name, "third party"), REDACT_OK);
  }
  cr_assert_not(too_many, "deduplicated, the flood's 343 distinct words fit");
  cr_assert_eq(some.n, 0, "none of the flood is in the texts: %zu terms kept", some.n);
  const char *const names[][2] = {{"Leo Hassan", "another child"},
                                  {"Zoë Brown", "third party"},
                                  {"Bartholomew Quist", "another child"},
                                  {"Hassan Leo", "third party"},
                                  {"Kai", "third party"}};
  for (size_t i = 0; i < 5; i++) {
    cr_assert_eq(redact_terms_add_name(&all, names[i][0], names[i][1]), REDACT_OK);
    cr_assert_eq(redact_terms_add_name(&some, names[i][0], names[i][1]), REDACT_OK);
  }
  cr_assert_eq(redact_terms_add(&all, "CH-0042", "another child"), REDACT_OK);
  cr_assert_eq(redact_terms_add(&some, "CH-0042", "another child"), REDACT_OK);
  cr_assert_eq(redact_terms_add(&some, "CH-0043", "another child"), REDACT_OK);
  /* leo hassan, leo, hassan, zoë brown, zoë, brown, kai, ch-0042: not
   * Bartholomew, Quist, "hassan leo" or CH-0043. */
  cr_assert_eq(some.n, 8, "%zu terms kept", some.n);
  cr_assert_eq(redact_terms_prepare(&all, "Amira"), REDACT_OK);
  cr_assert_eq(redact_terms_prepare(&some, "Amira"), REDACT_OK);
  const char *texts[] = {t1, t2};
  for (int i = 0; i < 2; i++) {
    char *a, *b;
    const char *ra[16], *rb[16];
    size_t na, nb;
    cr_assert_eq(redact_apply(&all, texts[i], &a, ra, 16, &na), REDACT_OK);
    cr_assert_eq(redact_apply(&some, texts[i], &b, rb, 16, &nb), REDACT_OK);
    cr_assert_str_eq(a, b);
    cr_assert_eq(na, nb);
    for (size_t k = 0; k < na; k++) cr_assert_str_eq(ra[k], rb[k]);
    free(a);
    free(b);
  }
  redact_terms_free(&all);
  redact_terms_free(&some);
  redact_corpus_free(&corpus);
}

/* Texts a redaction refuses anyway add nothing to a corpus: no term is
 * needed for them. */
Test(redact_corpus, ignores_what_apply_refuses)
{
  char *big = malloc(REDACT_TEXT_MAX + 8);
  memset(big, 'a', REDACT_TEXT_MAX + 7);
  memcpy(big, "Leo ", 4);
  big[REDACT_TEXT_MAX + 7] = '\0';
  redact_corpus corpus;
  redact_corpus_init(&corpus);
  cr_assert_eq(redact_corpus_add(&corpus, big), REDACT_OK);
  cr_assert_eq(corpus.n_texts, 0);
  cr_assert_eq(redact_corpus_add(&corpus, ""), REDACT_OK);
  cr_assert_eq(corpus.n_texts, 0);
  redact_terms u;
  redact_terms_init(&u);
  redact_terms_restrict(&u, &corpus);
  cr_assert_eq(redact_terms_add_name(&u, "Leo Hassan", "another child"), REDACT_OK);
  cr_assert_eq(u.n, 0);
  redact_terms_free(&u);
  redact_corpus_free(&corpus);
  free(big);
}

/* The same output as with every term, over many texts and names drawn
 * from a small vocabulary with every kind of boundary (a fixed seed: the
 * same cases each run). */
static unsigned rnd_state = 12345u;
static unsigned rnd(unsigned n)
{
  rnd_state = rnd_state * 1103515245u + 12345u;
  return (rnd_state >> 16) % n;
}

Test(redact_corpus, same_output_as_every_term, .timeout = 60)
{
  static const char *const words[] = {"Leo",    "leo",   "LEO",     "Hassan",    "Mia", "Zoë",
                                      "zoë",    "Brown", "Leonard", "Ng",        "Jo",  "CH-0042",
                                      "family", "the",   "Amira",   "x\xE2\x80", "Kai"};
  static const char *const gaps[] = {" ", "  ", "\n", "\u00A0", ", ", "\u2019s ", "\u2014", "; ", "\t", "é"};
  const size_t nw = sizeof words / sizeof *words, ng = sizeof gaps / sizeof *gaps;
  for (int round = 0; round < 300; round++) {
    char texts[4][400];
    redact_corpus corpus;
    redact_corpus_init(&corpus);
    for (int i = 0; i < 4; i++) {
      size_t o = 0;
      texts[i][0] = '\0';
      for (unsigned k = 0, n = 1 + rnd(12); k < n; k++)
        o += (size_t)snprintf(texts[i] + o, sizeof texts[i] - o, "%s%s", words[rnd((unsigned)nw)],
                              gaps[rnd((unsigned)ng)]);
      cr_assert_eq(redact_corpus_add(&corpus, texts[i]), REDACT_OK);
    }
    redact_terms all, some;
    redact_terms_init(&all);
    redact_terms_init(&some);
    redact_terms_restrict(&some, &corpus);
    for (unsigned k = 0, n = 1 + rnd(8); k < n; k++) {
      char name[80];
      snprintf(name, sizeof name, "%s%s%s", words[rnd((unsigned)nw)], rnd(2) ? " " : "\u00A0",
               rnd(3) ? words[rnd((unsigned)nw)] : "");
      const char *reason = rnd(2) ? "another child" : "third party";
      int whole = rnd(4) == 0;
      cr_assert_eq(whole ? redact_terms_add(&all, name, reason) : redact_terms_add_name(&all, name, reason), REDACT_OK);
      cr_assert_eq(whole ? redact_terms_add(&some, name, reason) : redact_terms_add_name(&some, name, reason),
                   REDACT_OK);
    }
    cr_assert_leq(some.n, all.n);
    cr_assert_eq(redact_terms_prepare(&all, "Amira Hassan"), REDACT_OK);
    cr_assert_eq(redact_terms_prepare(&some, "Amira Hassan"), REDACT_OK);
    for (int i = 0; i < 4; i++) {
      char *a, *b;
      const char *ra[64], *rb[64];
      size_t na, nb;
      cr_assert_eq(redact_apply(&all, texts[i], &a, ra, 64, &na), REDACT_OK);
      cr_assert_eq(redact_apply(&some, texts[i], &b, rb, 64, &nb), REDACT_OK);
      cr_assert_str_eq(a, b, "round %d text '%s'", round, texts[i]);
      cr_assert_eq(na, nb);
      for (size_t k = 0; k < na; k++) cr_assert_str_eq(ra[k], rb[k]);
      free(a);
      free(b);
    }
    redact_terms_free(&all);
    redact_terms_free(&some);
    redact_corpus_free(&corpus);
  }
}
