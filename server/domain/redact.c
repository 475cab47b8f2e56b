#include "redact.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A term is kept normalised: ASCII lower case, white space runs as one
 * space, no non-word code points at either end; first_len is the byte
 * length of its first word (run of word code points). */
struct redact_term {
  size_t len, first_len, order;
  char *reason;
  char text[];
};

/* A word of a corpus text: text[pos, pos + len) of texts[text]; prev is
 * the same word's previous occurrence (+1; 0 none). */
struct redact_occurrence {
  size_t text, pos, len, prev;
};

/* What decode reports for a byte that does not start a valid UTF-8
 * sequence: beyond Unicode, so is_word counts it as a word character. */
#define CP_INVALID 0x110000u

/* Decodes the code point at s[i] (i < len) into *cp and returns its length
 * in bytes. An invalid or truncated sequence is one byte, CP_INVALID;
 * nothing at or beyond s[len] is read. */
static size_t decode(const char *text, size_t len, size_t i, uint32_t *cp)
{
  const unsigned char *s = (const unsigned char *)text;
  uint32_t c = s[i], min;
  size_t n;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    c &= 0x1F;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    c &= 0x0F;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    c &= 0x07;
    min = 0x10000;
  } else {
    *cp = CP_INVALID;
    return 1;
  }
  if (n > len - i) {
    *cp = CP_INVALID;
    return 1;
  }
  for (size_t k = 1; k < n; k++) {
    if ((s[i + k] & 0xC0) != 0x80) {
      *cp = CP_INVALID;
      return 1;
    }
    c = c << 6 | (s[i + k] & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
    *cp = CP_INVALID;
    return 1;
  }
  *cp = c;
  return n;
}

/* ASCII letters and digits, and code points from U+00C0 up except the two
 * Latin-1 operators and the punctuation, symbol and space blocks. */
static int is_word(uint32_t c)
{
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (c < 0xC0 || c == 0xD7 || c == 0xF7) return 0;
  if (c >= 0x2000 && c <= 0x2BFF) return 0;
  if (c >= 0x3000 && c <= 0x303F) return 0;
  if (c >= 0xFE10 && c <= 0xFE6F) return 0;
  if (c >= 0xFF00 && c <= 0xFF0F) return 0;
  if (c >= 0xFF1A && c <= 0xFF20) return 0;
  if (c >= 0xFF3B && c <= 0xFF40) return 0;
  if (c >= 0xFF5B && c <= 0xFF65) return 0;
  return 1;
}

static int is_space(uint32_t c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0xA0 ||
         (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* 1 if a word code point starts at s[i] (i < len); its length to *n. */
static int word_at(const char *s, size_t len, size_t i, size_t *n)
{
  uint32_t c;
  *n = decode(s, len, i, &c);
  return is_word(c);
}

/* 1 if a white-space code point starts at s[i] (i < len); its length to *n. */
static int space_at(const char *s, size_t len, size_t i, size_t *n)
{
  uint32_t c;
  *n = decode(s, len, i, &c);
  return is_space(c);
}

/* The end of the run of word code points starting at s[i] (i itself if
 * none starts there). */
static size_t word_end(const char *s, size_t len, size_t i)
{
  size_t n;
  while (i < len && word_at(s, len, i, &n)) i += n;
  return i;
}

/* The first position from i where a word code point starts, or len. */
static size_t next_word(const char *s, size_t len, size_t i)
{
  size_t n;
  while (i < len && !word_at(s, len, i, &n)) i += n;
  return i;
}

static unsigned char lower(unsigned char b)
{
  return b >= 'A' && b <= 'Z' ? (unsigned char)(b - 'A' + 'a') : b;
}

/* FNV-1a over the lower-cased word. */
static uint64_t word_hash(const char *w, size_t n)
{
  uint64_t h = 1469598103934665603u;
  for (size_t i = 0; i < n; i++) h = (h ^ lower((unsigned char)w[i])) * 1099511628211u;
  return h;
}

/* Where a match of the (normalised) term at s[i] ends, or 0 for none: the
 * single definition of "this term occurs here", shared by redact_apply and
 * the corpus. */
static size_t match_text(const char *term, size_t tlen, const char *s, size_t len, size_t i)
{
  size_t p = i, n;
  for (size_t k = 0; k < tlen; k++) {
    if (term[k] == ' ') {
      if (p >= len || !space_at(s, len, p, &n)) return 0;
      while (p < len && space_at(s, len, p, &n)) p += n;
    } else if (p >= len || lower((unsigned char)s[p]) != (unsigned char)term[k]) {
      return 0;
    } else {
      p++;
    }
  }
  return p == len || !word_at(s, len, p, &n) ? p : 0;
}

void redact_corpus_init(redact_corpus *c)
{
  memset(c, 0, sizeof *c);
}

void redact_corpus_free(redact_corpus *c)
{
  free(c->texts);
  free(c->lens);
  free(c->occ);
  free(c->slots);
  redact_corpus_init(c);
}

static int same_word(const char *a, size_t an, const char *b, size_t bn)
{
  if (an != bn) return 0;
  for (size_t k = 0; k < an; k++)
    if (lower((unsigned char)a[k]) != lower((unsigned char)b[k])) return 0;
  return 1;
}

/* The slot of word w: its entry, or the empty one where it would go. The
 * table is never full (at most half used). */
static size_t corpus_slot(const redact_corpus *c, const char *w, size_t n)
{
  size_t mask = c->n_slots - 1, h = (size_t)(word_hash(w, n) & mask);
  for (; c->slots[h]; h = (h + 1) & mask) {
    const redact_occurrence *o = &c->occ[c->slots[h] - 1];
    if (same_word(c->texts[o->text] + o->pos, o->len, w, n)) break;
  }
  return h;
}

/* Room for one more distinct word, keeping the table at most half full. */
static int corpus_reserve(redact_corpus *c)
{
  if ((c->n_words + 1) * 2 <= c->n_slots) return REDACT_OK;
  size_t n = c->n_slots ? c->n_slots * 2 : 256;
  size_t *old = c->slots, old_n = c->n_slots;
  c->slots = calloc(n, sizeof *c->slots);
  if (!c->slots) {
    c->slots = old;
    return REDACT_E_NOMEM;
  }
  c->n_slots = n;
  for (size_t i = 0; i < old_n; i++) {
    if (!old[i]) continue;
    const redact_occurrence *o = &c->occ[old[i] - 1];
    c->slots[corpus_slot(c, c->texts[o->text] + o->pos, o->len)] = old[i];
  }
  free(old);
  return REDACT_OK;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
  if (need <= *cap) return REDACT_OK;
  size_t n = *cap ? *cap * 2 : 64;
  while (n < need) n *= 2;
  void *q = realloc(*p, n * size);
  if (!q) return REDACT_E_NOMEM;
  *p = q;
  *cap = n;
  return REDACT_OK;
}

int redact_corpus_add(redact_corpus *c, const char *text)
{
  size_t len = text ? strnlen(text, REDACT_TEXT_MAX + 1) : 0;
  if (len == 0 || len > REDACT_TEXT_MAX) return REDACT_OK;
  size_t cap = c->cap_texts;
  int rc = grow((void **)&c->texts, &cap, c->n_texts + 1, sizeof *c->texts);
  if (!rc) {
    cap = c->cap_texts;
    rc = grow((void **)&c->lens, &cap, c->n_texts + 1, sizeof *c->lens);
  }
  if (rc) return rc;
  c->cap_texts = cap;
  size_t t = c->n_texts++;
  c->texts[t] = text;
  c->lens[t] = len;
  for (size_t i = next_word(text, len, 0), j; i < len; i = next_word(text, len, j)) {
    j = word_end(text, len, i);
    if (j - i > REDACT_TERM_MAX) continue; /* no term's first word is this long */
    rc = grow((void **)&c->occ, &c->cap_occ, c->n_occ + 1, sizeof *c->occ);
    if (!rc) rc = corpus_reserve(c);
    if (rc) return rc;
    size_t h = corpus_slot(c, text + i, j - i);
    if (!c->slots[h]) c->n_words++;
    c->occ[c->n_occ] = (redact_occurrence){t, i, j - i, c->slots[h]};
    c->slots[h] = ++c->n_occ;
  }
  return REDACT_OK;
}

/* 1 if the normalised term matches somewhere in the corpus, exactly where
 * redact_apply could match it: at a word equal to its first word. */
static int corpus_has(const redact_corpus *c, const char *term, size_t len, size_t first_len)
{
  if (!c->n_slots) return 0;
  for (size_t o = c->slots[corpus_slot(c, term, first_len)]; o; o = c->occ[o - 1].prev) {
    const redact_occurrence *x = &c->occ[o - 1];
    if (match_text(term, len, c->texts[x->text], c->lens[x->text], x->pos)) return 1;
  }
  return 0;
}

void redact_terms_init(redact_terms *t)
{
  memset(t, 0, sizeof *t);
}

void redact_terms_restrict(redact_terms *t, const redact_corpus *corpus)
{
  t->corpus = corpus;
}

/* Terms are other people's names: wiped before the memory is reused. */
static void wipe(void *p, size_t n)
{
  volatile unsigned char *v = p;
  while (n--) *v++ = 0;
}

void redact_terms_free(redact_terms *t)
{
  for (size_t i = 0; i < t->n; i++) {
    wipe(t->v[i]->text, t->v[i]->len + 1 + strlen(t->v[i]->reason));
    free(t->v[i]);
  }
  free(t->v);
  free(t->seen);
  free(t->slots);
  redact_terms_init(t);
}

/* Normalises src into dst (at least REDACT_TERM_MAX + 1 bytes); 0 if it is
 * too long. */
static int normalise(const char *src, char *dst, size_t *len)
{
  size_t slen = strlen(src), i = next_word(src, slen, 0), n = 0, last_word_end = 0, k;
  while (i < slen) {
    if (space_at(src, slen, i, &k)) {
      while (i < slen && space_at(src, slen, i, &k)) i += k;
      if (n == REDACT_TERM_MAX) return 0;
      dst[n++] = ' ';
      continue;
    }
    int word = word_at(src, slen, i, &k);
    if (k > REDACT_TERM_MAX - n) return 0;
    for (size_t e = i + k; i < e; i++) dst[n++] = (char)lower((unsigned char)src[i]);
    if (word) last_word_end = n;
  }
  *len = last_word_end;
  dst[last_word_end] = '\0';
  return 1;
}

/* FNV-1a over a normalised term. */
static uint64_t term_hash(const char *s, size_t n)
{
  uint64_t h = 1469598103934665603u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211u;
  return h;
}

/* The slot of a term's text in t->seen: its entry, or the empty one. */
static size_t seen_slot(const redact_terms *t, const char *norm, size_t len)
{
  size_t mask = t->n_seen - 1, h = (size_t)(term_hash(norm, len) & mask);
  for (; t->seen[h]; h = (h + 1) & mask) {
    const redact_term *m = t->v[t->seen[h] - 1];
    if (m->len == len && !memcmp(m->text, norm, len)) break;
  }
  return h;
}

/* Room in t->seen for one more term, at most half full. */
static int seen_reserve(redact_terms *t)
{
  if ((t->n + 1) * 2 <= t->n_seen) return REDACT_OK;
  size_t n = t->n_seen ? t->n_seen * 2 : 128;
  size_t *seen = calloc(n, sizeof *seen);
  if (!seen) return REDACT_E_NOMEM;
  free(t->seen);
  t->seen = seen;
  t->n_seen = n;
  for (size_t i = 0; i < t->n; i++) t->seen[seen_slot(t, t->v[i]->text, t->v[i]->len)] = i + 1;
  return REDACT_OK;
}

int redact_terms_add(redact_terms *t, const char *text, const char *reason)
{
  if (t->prepared) return REDACT_E_STATE;
  char norm[REDACT_TERM_MAX + 1];
  size_t len;
  if (!normalise(text, norm, &len)) return REDACT_E_TOO_LONG;
  if (!len) return REDACT_OK;
  int rc = seen_reserve(t);
  if (rc) return rc;
  size_t slot = seen_slot(t, norm, len), first_len = word_end(norm, len, 0);
  /* Already there (with the reason given first), or nowhere in the texts. */
  if (t->seen[slot] || (t->corpus && !corpus_has(t->corpus, norm, len, first_len))) {
    wipe(norm, len);
    return REDACT_OK;
  }
  if (t->n >= REDACT_TERMS_MAX) return REDACT_E_TOO_MANY;
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 64;
    redact_term **v = realloc(t->v, cap * sizeof *v);
    if (!v) return REDACT_E_NOMEM;
    t->v = v;
    t->cap = cap;
  }
  size_t rlen = strnlen(reason, REDACT_REASON_MAX);
  redact_term *m = malloc(sizeof *m + len + 1 + rlen + 1);
  if (!m) return REDACT_E_NOMEM;
  m->len = len;
  m->first_len = first_len;
  m->order = t->n;
  memcpy(m->text, norm, len + 1);
  wipe(norm, len);
  m->reason = m->text + len + 1;
  memcpy(m->reason, reason, rlen);
  m->reason[rlen] = '\0';
  t->v[t->n++] = m;
  t->seen[slot] = t->n;
  return REDACT_OK;
}

int redact_terms_add_all(redact_terms *t, const redact_terms *from)
{
  for (size_t i = 0; i < from->n; i++) {
    int rc = redact_terms_add(t, from->v[i]->text, from->v[i]->reason);
    if (rc) return rc;
  }
  return REDACT_OK;
}

/* Words that describe a household rather than name anyone: redacting them
 * everywhere would blank out ordinary prose ("The Doyle family"). */
static int descriptive(const char *w, size_t n)
{
  static const char *const words[] = {"the", "and", "family", "children", "household", "siblings", "twins", NULL};
  for (size_t i = 0; words[i]; i++)
    if (strlen(words[i]) == n && !memcmp(words[i], w, n)) return 1;
  return 0;
}

int redact_terms_add_name(redact_terms *t, const char *name, const char *reason)
{
  int rc = redact_terms_add(t, name, reason);
  char norm[REDACT_TERM_MAX + 1];
  size_t len;
  if (rc || !normalise(name, norm, &len)) return rc ? rc : REDACT_E_TOO_LONG;
  for (size_t i = next_word(norm, len, 0), j; i < len; i = next_word(norm, len, j)) {
    j = word_end(norm, len, i);
    if (j - i >= 3 && j - i < len && !descriptive(norm + i, j - i)) {
      char word[REDACT_TERM_MAX + 1];
      memcpy(word, norm + i, j - i);
      word[j - i] = '\0';
      rc = redact_terms_add(t, word, reason);
      wipe(word, j - i);
      if (rc) return rc;
    }
  }
  return REDACT_OK;
}

/* 1 if every word of the term is a word of the (normalised) subject. */
static int only_subject_words(const redact_term *m, const char *subject, size_t slen)
{
  for (size_t i = next_word(m->text, m->len, 0), j; i < m->len; i = next_word(m->text, m->len, j)) {
    j = word_end(m->text, m->len, i);
    int found = 0;
    for (size_t a = next_word(subject, slen, 0), b; !found && a < slen; a = next_word(subject, slen, b)) {
      b = word_end(subject, slen, a);
      found = b - a == j - i && !memcmp(subject + a, m->text + i, j - i);
    }
    if (!found) return 0;
  }
  return 1;
}

static int term_cmp(const void *pa, const void *pb)
{
  const redact_term *a = *(redact_term *const *)pa, *b = *(redact_term *const *)pb;
  size_t n = a->first_len < b->first_len ? a->first_len : b->first_len;
  int c = memcmp(a->text, b->text, n);
  if (c) return c;
  if (a->first_len != b->first_len) return a->first_len < b->first_len ? -1 : 1;
  if (a->len != b->len) return a->len > b->len ? -1 : 1; /* longest first */
  return a->order < b->order ? -1 : a->order > b->order;
}

int redact_terms_prepare(redact_terms *t, const char *subject)
{
  if (t->prepared) return REDACT_E_STATE;
  /* No more adds: the index of texts goes (terms are about to move). */
  free(t->seen);
  t->seen = NULL;
  t->n_seen = 0;
  char snorm[REDACT_TERM_MAX + 1];
  size_t slen = 0;
  if (!normalise(subject, snorm, &slen)) slen = 0;
  size_t kept = 0;
  for (size_t i = 0; i < t->n; i++) {
    if (slen && only_subject_words(t->v[i], snorm, slen)) {
      wipe(t->v[i]->text, t->v[i]->len);
      free(t->v[i]);
    } else t->v[kept++] = t->v[i];
  }
  t->n = kept;
  if (t->n) qsort(t->v, t->n, sizeof *t->v, term_cmp);
  size_t slots = 8;
  while (slots < t->n * 2) slots *= 2;
  t->slots = calloc(slots, sizeof *t->slots);
  if (!t->slots) return REDACT_E_NOMEM;
  t->n_slots = slots;
  for (size_t i = 0; i < t->n; i++) {
    const redact_term *m = t->v[i];
    if (i && m->first_len == t->v[i - 1]->first_len && !memcmp(m->text, t->v[i - 1]->text, m->first_len)) continue;
    size_t h = (size_t)(word_hash(m->text, m->first_len) & (slots - 1));
    while (t->slots[h]) h = (h + 1) & (slots - 1);
    t->slots[h] = i + 1;
  }
  t->prepared = 1;
  return REDACT_OK;
}

/* The index of the first (longest) term whose first word is w, or n. */
static size_t group_find(const redact_terms *t, const char *w, size_t n)
{
  size_t h = (size_t)(word_hash(w, n) & (t->n_slots - 1));
  for (; t->slots[h]; h = (h + 1) & (t->n_slots - 1)) {
    const redact_term *m = t->v[t->slots[h] - 1];
    if (m->first_len != n) continue;
    size_t k = 0;
    while (k < n && (unsigned char)m->text[k] == lower((unsigned char)w[k])) k++;
    if (k == n) return t->slots[h] - 1;
  }
  return t->n;
}

/* Where a match of m at s[i] ends, or 0 for none. */
static size_t match_at(const redact_term *m, const char *s, size_t len, size_t i)
{
  return match_text(m->text, m->len, s, len, i);
}

typedef struct {
  char *p;
  size_t n, cap;
} buf;

static int buf_put(buf *b, const char *s, size_t n)
{
  if (b->n + n > REDACT_OUTPUT_MAX) return REDACT_E_TOO_LONG;
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + n + 1) cap *= 2;
    /* Not realloc: the old block holds record content and is wiped first. */
    char *p = malloc(cap);
    if (!p) return REDACT_E_NOMEM;
    if (b->p) {
      memcpy(p, b->p, b->n + 1);
      wipe(b->p, b->cap);
      free(b->p);
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
  return REDACT_OK;
}

int redact_apply(const redact_terms *t, const char *text, char **out, const char **reasons, size_t max_reasons,
                 size_t *n_reasons)
{
  *out = NULL;
  *n_reasons = 0;
  if (!t->prepared) return REDACT_E_STATE;
  size_t len = strnlen(text, REDACT_TEXT_MAX + 1);
  if (len > REDACT_TEXT_MAX) return REDACT_E_TOO_LONG;
  buf b = {0};
  int rc = buf_put(&b, "", 0);
  size_t copied = 0, i = 0, n;
  int after_word = 0; /* the code point before text[i] is a word one */
  while (!rc && i < len) {
    int word = word_at(text, len, i, &n);
    if (!word || after_word) {
      after_word = word;
      i += n;
      continue;
    }
    size_t j = word_end(text, len, i);
    const redact_term *hit = NULL;
    size_t end = 0;
    size_t g0 = j - i <= REDACT_TERM_MAX ? group_find(t, text + i, j - i) : t->n;
    for (size_t g = g0; g < t->n; g++) {
      const redact_term *m = t->v[g];
      if (g > g0 && (m->first_len != t->v[g0]->first_len || memcmp(m->text, t->v[g0]->text, m->first_len))) break;
      if ((end = match_at(m, text, len, i))) {
        hit = m;
        break;
      }
    }
    after_word = 1; /* a word ends at j, and a term always ends with one */
    if (!hit) {
      i = j;
      continue;
    }
    if (*n_reasons == max_reasons) {
      rc = REDACT_E_REASONS;
      break;
    }
    reasons[(*n_reasons)++] = hit->reason;
    rc = buf_put(&b, text + copied, i - copied);
    if (!rc) rc = buf_put(&b, "[redacted: ", 11);
    if (!rc) rc = buf_put(&b, hit->reason, strlen(hit->reason));
    if (!rc) rc = buf_put(&b, "]", 1);
    copied = i = end;
  }
  if (!rc) rc = buf_put(&b, text + copied, len - copied);
  if (rc) {
    if (b.p) wipe(b.p, b.cap);
    free(b.p);
    *n_reasons = 0;
    return rc;
  }
  *out = b.p;
  return REDACT_OK;
}
