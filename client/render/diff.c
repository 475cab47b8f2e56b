#include "diff.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *s;
  size_t n;
} line;

/* One step of the script: ' ' both keep a line, '-' old loses one, '+' new
 * gains one; a and b are where in each text the step happens. */
typedef struct {
  char op;
  size_t a, b;
} edit;

static line *split(const char *text, size_t *count)
{
  size_t n = 0;
  for (const char *p = text; *p; p++) n += *p == '\n';
  if (*text && text[strlen(text) - 1] != '\n') n++;
  line *v = malloc(sizeof *v * (n ? n : 1));
  if (!v) return NULL;
  size_t i = 0;
  for (const char *p = text; *p; i++) {
    const char *nl = strchr(p, '\n');
    v[i].s = p;
    v[i].n = nl ? (size_t)(nl - p) : strlen(p);
    p += v[i].n + (nl != NULL);
  }
  *count = n;
  return v;
}

static int same(const line *x, const line *y)
{
  return x->n == y->n && memcmp(x->s, y->s, x->n) == 0;
}

/* Myers' greedy forward search over a[0..n) and b[0..m); trace receives V
 * for each d (V for d starts at d*d and covers k = -d..d). Returns the edit
 * distance, or -1 if it exceeds dmax. */
static int myers_search(const line *a, int n, const line *b, int m, int dmax, int *v, int *trace)
{
  int off = dmax + 1;
  v[off + 1] = 0;
  for (int d = 0; d <= dmax; d++) {
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1] : v[off + k - 1] + 1;
      int y = x - k;
      while (x < n && y < m && same(&a[x], &b[y])) x++, y++;
      v[off + k] = x;
      trace[d * d + k + d] = x;
      if (x >= n && y >= m) return d;
    }
  }
  return -1;
}

/* Walks the trace back from (n, m), writing the script backwards from
 * out[count - 1] down to out[0]. */
static void myers_backtrack(int n, int m, int dist, const int *trace, size_t a0, size_t b0, edit *out, size_t count)
{
  int x = n, y = m;
  size_t w = count;
  for (int d = dist; d > 0; d--) {
    const int *prev = &trace[(d - 1) * (d - 1)];
    int k = x - y;
    int down = k == -d || (k != d && prev[k - 1 + d - 1] < prev[k + 1 + d - 1]);
    int pk = down ? k + 1 : k - 1;
    int px = prev[pk + d - 1], py = px - pk;
    int mx = down ? px : px + 1;
    while (x > mx) {
      x--, y--;
      out[--w] = (edit){' ', a0 + (size_t)x, b0 + (size_t)y};
    }
    out[--w] = (edit){down ? '+' : '-', a0 + (size_t)px, b0 + (size_t)py};
    x = px, y = py;
  }
  while (x > 0) {
    x--, y--;
    out[--w] = (edit){' ', a0 + (size_t)x, b0 + (size_t)y};
  }
}

/* The whole script into *out (malloc'd), *ne steps. */
static int diff_script(const line *a, size_t na, const line *b, size_t nb, edit **out, size_t *ne)
{
  size_t pre = 0, suf = 0;
  while (pre < na && pre < nb && same(&a[pre], &b[pre])) pre++;
  while (suf < na - pre && suf < nb - pre && same(&a[na - 1 - suf], &b[nb - 1 - suf])) suf++;
  size_t n = na - pre - suf, m = nb - pre - suf, total = na + nb - pre - suf;
  edit *e = malloc(sizeof *e * (total ? total : 1));
  if (!e) return DIFF_ENOMEM;
  size_t k = 0;
  for (size_t i = 0; i < pre; i++) e[k++] = (edit){' ', i, i};
  int dist, dmax = n + m < DIFF_MAX_EDITS ? (int)(n + m) : DIFF_MAX_EDITS;
  int *v = calloc((size_t)dmax * 2 + 3, sizeof *v);
  int *trace = malloc(sizeof *trace * ((size_t)dmax + 1) * ((size_t)dmax + 1));
  if (!v || !trace) {
    free(v);
    free(trace);
    free(e);
    return DIFF_ENOMEM;
  }
  dist = myers_search(a + pre, (int)n, b + pre, (int)m, dmax, v, trace);
  if (dist >= 0) {
    /* dist edits, and (n + m - dist) / 2 lines kept in between. */
    size_t steps = (n + m + (size_t)dist) / 2;
    myers_backtrack((int)n, (int)m, dist, trace, pre, pre, e + k, steps);
    k += steps;
  } else {
    for (size_t i = 0; i < n; i++) e[k++] = (edit){'-', pre + i, pre};
    for (size_t i = 0; i < m; i++) e[k++] = (edit){'+', pre + n, pre + i};
  }
  free(v);
  free(trace);
  for (size_t i = 0; i < suf; i++) e[k++] = (edit){' ', na - suf + i, nb - suf + i};
  *out = e;
  *ne = k;
  return DIFF_SAME;
}

static void print_range(FILE *f, size_t start, size_t count)
{
  if (count == 1) fprintf(f, "%zu", start + 1);
  else if (count == 0) fprintf(f, "%zu,0", start);
  else fprintf(f, "%zu,%zu", start + 1, count);
}

static void print_hunks(FILE *f, const edit *e, size_t ne, const line *a, const line *b, size_t context)
{
  size_t i = 0;
  for (;;) {
    while (i < ne && e[i].op == ' ') i++;
    if (i == ne) return;
    size_t start = i > context ? i - context : 0, end = i;
    for (;;) {
      while (end < ne && e[end].op != ' ') end++;
      size_t j = end;
      while (j < ne && e[j].op == ' ') j++;
      if (j == ne || j - end > 2 * context) break;
      end = j;
    }
    size_t stop = end + context < ne ? end + context : ne, na = 0, nb = 0;
    for (size_t k = start; k < stop; k++) {
      na += e[k].op != '+';
      nb += e[k].op != '-';
    }
    fputs("@@ -", f);
    print_range(f, e[start].a, na);
    fputs(" +", f);
    print_range(f, e[start].b, nb);
    fputs(" @@\n", f);
    for (size_t k = start; k < stop; k++) {
      const line *l = e[k].op == '+' ? &b[e[k].b] : &a[e[k].a];
      fprintf(f, "%c%.*s\n", e[k].op, (int)l->n, l->s);
    }
    i = stop;
  }
}

int diff_lines(const char *old_text, const char *new_text, diff_line **out, size_t *count)
{
  *out = NULL;
  *count = 0;
  size_t na = 0, nb = 0, ne = 0;
  line *a = split(old_text, &na), *b = split(new_text, &nb);
  edit *e = NULL;
  int rc = a && b ? diff_script(a, na, b, nb, &e, &ne) : DIFF_ENOMEM;
  diff_line *d = rc == DIFF_SAME ? malloc(sizeof *d * (ne ? ne : 1)) : NULL;
  if (rc == DIFF_SAME && !d) rc = DIFF_ENOMEM;
  for (size_t i = 0; rc != DIFF_ENOMEM && i < ne; i++) {
    const line *l = e[i].op == '+' ? &b[e[i].b] : &a[e[i].a];
    d[i] = (diff_line){e[i].op, l->s, l->n, e[i].op == '+' ? 0 : e[i].a + 1, e[i].op == '-' ? 0 : e[i].b + 1};
    if (e[i].op != ' ') rc = DIFF_CHANGED;
  }
  free(a);
  free(b);
  free(e);
  if (rc == DIFF_ENOMEM) {
    free(d);
    return rc;
  }
  *out = d;
  *count = ne;
  return rc;
}

int diff_print(FILE *f, const char *old_label, const char *old_text, const char *new_label, const char *new_text,
               unsigned context)
{
  size_t na = 0, nb = 0, ne = 0;
  line *a = split(old_text, &na), *b = split(new_text, &nb);
  edit *e = NULL;
  int rc = a && b ? diff_script(a, na, b, nb, &e, &ne) : DIFF_ENOMEM;
  int changed = 0;
  for (size_t i = 0; rc == DIFF_SAME && i < ne; i++) changed |= e[i].op != ' ';
  if (changed) {
    fprintf(f, "--- %s\n+++ %s\n", old_label, new_label);
    print_hunks(f, e, ne, a, b, context);
    rc = DIFF_CHANGED;
  }
  free(a);
  free(b);
  free(e);
  return rc;
}
