/*
 * redact — finds other people's names and references in a text and
 * replaces each with "[redacted: REASON]". Pure: no database, no I/O, so it
 * can be tested on its own and reasoned about exactly.
 *
 * Matching: only ASCII letters compare case-insensitively (other UTF-8
 * bytes exactly, so "Zoë" finds "zoë" but not "ZOË"). A match starts and
 * ends at a word boundary, so "Leo" is not found inside "Leonard" or
 * "Leoé". Boundaries are decided on UTF-8 code points: a word character is
 * an ASCII letter or digit, or a code point from U+00C0 up except U+00D7,
 * U+00F7 and the punctuation/symbol/space blocks U+2000-U+2BFF,
 * U+3000-U+303F, U+FE10-U+FE6F, U+FF00-U+FF0F, U+FF1A-U+FF20,
 * U+FF3B-U+FF40 and U+FF5B-U+FF65; U+0080-U+00BF (no-break space, «, »,
 * ¡, ¿, ·...) are not word characters. So "Mia’s", “Mia”, «Mia» and
 * "Mia—" all contain "Mia". A byte that does not start a valid UTF-8
 * sequence (including one cut short by the end of the text) is a word
 * character: it never splits a word. A boundary is the text start/end or
 * a code point that is not a word character. A run of white space inside
 * a term matches any run of white space in the text; white space is ASCII
 * white space (newlines included), U+00A0, U+2000-U+200B, U+202F, U+205F
 * and U+3000, in any mix ("Mia" U+00A0 "Hassan" is the full name). At
 * each position the longest term wins.
 *
 * Terms: redact_terms_add_name adds a person's full name and also each of
 * its words (runs of word characters) of 3+ bytes ("Leo Hassan" is found
 * as "Leo" or "Hassan"), except a few words that describe rather than name
 * ("the", "family"...).
 * redact_terms_add adds a text as one whole token (a case reference).
 * redact_terms_prepare then drops every term made only of words of the
 * subject's own name, so the subject's name survives even where a
 * sibling shares it (the sibling's full name is still redacted). Words of
 * fewer than 3 bytes are found only inside a full name. A common word that
 * is also someone's name ("Will", "Hope") is redacted wherever it appears:
 * over-redaction is the safe side for a subject access extract.
 *
 * A term is kept once: adding the same (normalised) term again changes
 * nothing, so the first reason given for it is the one shown.
 *
 * Corpus: when the texts to be redacted are known before the terms are
 * gathered (a subject access extract), redact_corpus indexes their words
 * and redact_terms_restrict makes the terms keep only what occurs in them:
 * a term is added only if it matches somewhere in the corpus exactly as
 * redact_apply would match it. redact_apply then gives the same output for
 * those texts as with every term, and the number of terms is bounded by
 * the texts, not by how many names exist elsewhere. Apply a restricted set
 * only to texts in its corpus.
 *
 * Bounds: a text of at most REDACT_TEXT_MAX bytes, at most REDACT_TERMS_MAX
 * terms of at most REDACT_TERM_MAX bytes, reasons of at most
 * REDACT_REASON_MAX bytes (longer ones are cut); the output is at most
 * REDACT_OUTPUT_MAX bytes. Beyond a bound a call fails with REDACT_E_*. A
 * corpus ignores a text over REDACT_TEXT_MAX (redact_apply refuses it, so
 * none of its words can be shown) and words over REDACT_TERM_MAX (no term
 * is that long).
 *
 * Memory: redact_terms owns copies of every term and reason (freed by
 * redact_terms_free). redact_apply returns a malloc'd string the caller
 * frees; the reasons it reports point into the terms and live as long as
 * they do. A corpus borrows its texts: they must outlive its last use.
 */
#ifndef REFLECT_REDACT_H
#define REFLECT_REDACT_H

#include <stddef.h>

#define REDACT_TEXT_MAX (64u * 1024u)
#define REDACT_TERMS_MAX 100000u
#define REDACT_TERM_MAX 512u
#define REDACT_REASON_MAX 96u
#define REDACT_OUTPUT_MAX (1024u * 1024u)

enum {
  REDACT_OK = 0,
  REDACT_E_NOMEM = 1,
  REDACT_E_TOO_MANY = 2, /* more than REDACT_TERMS_MAX terms */
  REDACT_E_TOO_LONG = 3, /* text over REDACT_TEXT_MAX, or output over REDACT_OUTPUT_MAX */
  REDACT_E_REASONS = 4,  /* more replacements than the caller's bound */
  REDACT_E_STATE = 5,    /* applied before prepare, or added after */
};

typedef struct redact_term redact_term;
typedef struct redact_occurrence redact_occurrence;

/* The words of the texts a restricted term set will be applied to. */
typedef struct {
  const char **texts; /* borrowed */
  size_t *lens;
  size_t n_texts, cap_texts;
  redact_occurrence *occ; /* every word: where it is, and the same word's previous occurrence */
  size_t n_occ, cap_occ;
  size_t *slots; /* open addressing: distinct word -> its latest occurrence (+1; 0 empty) */
  size_t n_slots, n_words;
} redact_corpus;

typedef struct {
  redact_term **v;
  size_t n, cap;
  /* While adding: every term by its text, so each is kept once. */
  size_t *seen; /* open-addressing table of term indexes (+1; 0 empty) */
  size_t n_seen;
  const redact_corpus *corpus; /* if set, only terms occurring in it are added */
  /* Built by redact_terms_prepare: terms grouped by their first word. */
  size_t *slots; /* open-addressing table of group starts (+1; 0 empty) */
  size_t n_slots;
  int prepared;
} redact_terms;

void redact_corpus_init(redact_corpus *c);
void redact_corpus_free(redact_corpus *c);
/* Indexes the words of text (borrowed; NULL or empty adds nothing). */
int redact_corpus_add(redact_corpus *c, const char *text);

void redact_terms_init(redact_terms *t);
/* From now on, t keeps only terms occurring in corpus (which must outlive
 * the adds; prepare and apply do not use it). */
void redact_terms_restrict(redact_terms *t, const redact_corpus *corpus);
void redact_terms_free(redact_terms *t);
/* text as one term (leading and trailing non-word characters are ignored,
 * white space runs become one space; an empty result adds nothing). */
int redact_terms_add(redact_terms *t, const char *text, const char *reason);
/* A person's full name and each of its words of 3+ bytes. */
int redact_terms_add_name(redact_terms *t, const char *name, const char *reason);
/* Every term of `from` (prepared or not), with its reason: whole names
 * are copied as they are, not split again. */
int redact_terms_add_all(redact_terms *t, const redact_terms *from);
/* Drops terms made only of words of `subject` (the subject's own name),
 * orders the rest longest first, and indexes them. Call once, after the
 * last add. */
int redact_terms_prepare(redact_terms *t, const char *subject);

/* Replaces every occurrence in text; *out is malloc'd (caller frees). The
 * reason of each replacement, in order, goes to reasons[0..*n_reasons);
 * more than max_reasons replacements fail with REDACT_E_REASONS and no
 * output. */
int redact_apply(const redact_terms *t, const char *text, char **out, const char **reasons, size_t max_reasons,
                 size_t *n_reasons);

#endif
