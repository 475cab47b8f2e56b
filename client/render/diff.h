/*
 * diff — a line diff of two texts, printed in unified form: "---" and
 * "+++" header lines, then hunks "@@ -a,n +b,m @@" of ' ' context, '-'
 * removed and '+' added lines.
 *
 * Contract:
 *  - The shortest edit script (Myers' O(ND) algorithm) after the common
 *    beginning and end are set aside. Memory grows with the square of the
 *    number of differences, so beyond DIFF_MAX_EDITS the middle is shown
 *    as removed and added whole: still a correct diff, only not minimal.
 *  - Texts are split at '\n'; a final line without one is still a line.
 *    The texts are the caller's and are printed as given (make them safe
 *    for a terminal first).
 *  - diff_print returns DIFF_SAME (nothing printed), DIFF_CHANGED
 *    or DIFF_ENOMEM.
 *  - diff_lines gives the whole script instead, for a caller that draws it
 *    (the web gateway's revision diff): *out is malloc'd (the caller frees
 *    it), *count steps, each pointing into the texts, which must outlive
 *    it. It returns DIFF_SAME, DIFF_CHANGED or DIFF_ENOMEM (then *out is
 *    NULL).
 */
#ifndef REFLECT_RENDER_DIFF_H
#define REFLECT_RENDER_DIFF_H

#include <stdio.h>

enum { DIFF_SAME = 0, DIFF_CHANGED = 1, DIFF_ENOMEM = -1 };

#define DIFF_MAX_EDITS 1000

/* One step: ' ' a line both have, '-' one only the old text has, '+' one
 * only the new has; old_no and new_no count lines from 1 (0: not in it). */
typedef struct {
  char op;
  const char *s;
  size_t n;
  size_t old_no, new_no;
} diff_line;

int diff_lines(const char *old_text, const char *new_text, diff_line **out, size_t *count);

int diff_print(FILE *f, const char *old_label, const char *old_text, const char *new_label, const char *new_text,
               unsigned context);

#endif
