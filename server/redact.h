/*
 * redact — finds other people's names and references in a text and
 * replaces each with "[redacted: REASON]". Pure: no database, no I/O, so it
 * can be tested on its own and reasoned about exactly.
 *
 * Matching: ASCII letters compare case-insensitively (UTF-8 bytes exactly,
 * so "Zoë" finds "zoë" but not "ZOË"); a match starts and ends at a word
 * boundary (text start/end, or a byte that is not an ASCII letter/digit
 * and not a byte >= 0x80), so "Leo" is not found inside "Leonard"; a run
 * of white space inside a term matches any run of white space in the text
 * (newlines included). At each position the longest term wins.
 *
 * Terms: redact_terms_add_name adds a person's full name and also each of
 * its words of 3+ bytes ("Leo Hassan" is found as "Leo" or "Hassan"),
 * except a few words that describe rather than name ("the", "family"...).
 * redact_terms_add adds a text as one whole token (a case reference).
 * redact_terms_prepare then drops every term made only of words of the
 * subject's own name, so the subject's name survives even where a
 * sibling shares it (the sibling's full name is still redacted). Words of
 * fewer than 3 bytes are found only inside a full name. A common word that
 * is also someone's name ("Will", "Hope") is redacted wherever it appears:
 * over-redaction is the safe side for a subject access extract.
 *
 * Bounds: a text of at most REDACT_TEXT_MAX bytes, at most REDACT_TERMS_MAX
 * terms of at most REDACT_TERM_MAX bytes, reasons of at most
 * REDACT_REASON_MAX bytes (longer ones are cut); the output is at most
 * REDACT_OUTPUT_MAX bytes. Beyond a bound a call fails with REDACT_E_*.
 *
 * Memory: redact_terms owns copies of every term and reason (freed by
 * redact_terms_free). redact_apply returns a malloc'd string the caller
 * frees; the reasons it reports point into the terms and live as long as
 * they do.
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
  REDACT_E_TOO_MANY = 2,   /* more than REDACT_TERMS_MAX terms */
  REDACT_E_TOO_LONG = 3,   /* text over REDACT_TEXT_MAX, or output over REDACT_OUTPUT_MAX */
  REDACT_E_REASONS = 4,    /* more replacements than the caller's bound */
  REDACT_E_STATE = 5,      /* applied before prepare, or added after */
};

typedef struct redact_term redact_term;

typedef struct {
  redact_term **v;
  size_t n, cap;
  /* Built by redact_terms_prepare: terms grouped by their first word. */
  size_t *slots;     /* open-addressing table of group starts (+1; 0 empty) */
  size_t n_slots;
  int prepared;
} redact_terms;

void redact_terms_init(redact_terms *t);
void redact_terms_free(redact_terms *t);
/* text as one term (leading and trailing non-word bytes are ignored; an
 * empty result adds nothing). */
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
