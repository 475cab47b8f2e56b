/* The line diff: the script is the shortest, hunks are grouped as in
 * unified diffs, a bound keeps memory finite, and the structured form the
 * web gateway draws agrees with the printed one. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

static char *diff(const char *a, const char *b, int *rc)
{
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&out, &len);
  cr_assert_not_null(f);
  *rc = diff_print(f, "old", a, "new", b, 3);
  fclose(f);
  return out;
}

Test(record_diff, identical_texts_print_nothing)
{
  int rc;
  char *out = diff("a\nb\n", "a\nb\n", &rc);
  cr_assert_eq(rc, DIFF_SAME);
  cr_assert_str_eq(out, "");
  free(out);
  out = diff("", "", &rc);
  cr_assert_eq(rc, DIFF_SAME);
  free(out);
}

Test(record_diff, a_changed_line_with_context)
{
  int rc;
  char *out = diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", &rc);
  cr_assert_eq(rc, DIFF_CHANGED);
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
  size_t n = DIFF_MAX_EDITS + 10;
  char *a = malloc(n * 8 + 1), *b = malloc(n * 8 + 1);
  size_t la = 0, lb = 0;
  for (size_t i = 0; i < n; i++) {
    la += (size_t)sprintf(a + la, "a%zu\n", i);
    lb += (size_t)sprintf(b + lb, "b%zu\n", i);
  }
  int rc;
  char *out = diff(a, b, &rc);
  cr_assert_eq(rc, DIFF_CHANGED);
  char head[64];
  snprintf(head, sizeof head, "@@ -1,%zu +1,%zu @@\n-a0\n", n, n);
  cr_assert(strstr(out, head), "%.200s", out);
  free(out);
  free(a);
  free(b);
}

Test(record_diff, the_structured_script_numbers_both_sides)
{
  diff_line *d = NULL;
  size_t n = 0;
  cr_assert_eq(diff_lines("a\nb\nc\n", "a\nB\nc\nd", &d, &n), DIFF_CHANGED);
  const char *want_ops = " -+ +";
  cr_assert_eq(n, strlen(want_ops));
  size_t old_no[] = {1, 2, 0, 3, 0}, new_no[] = {1, 0, 2, 3, 4};
  for (size_t i = 0; i < n; i++) {
    cr_assert_eq(d[i].op, want_ops[i], "step %zu is '%c'", i, d[i].op);
    cr_assert_eq(d[i].old_no, old_no[i], "step %zu", i);
    cr_assert_eq(d[i].new_no, new_no[i], "step %zu", i);
  }
  cr_assert_eq(d[2].n, 1);
  cr_assert_eq(d[2].s[0], 'B');
  cr_assert_eq(d[4].n, 1, "a last line without a newline is still a line");
  free(d);
  cr_assert_eq(diff_lines("same\n", "same\n", &d, &n), DIFF_SAME);
  cr_assert_eq(n, 1);
  free(d);
  cr_assert_eq(diff_lines("", "", &d, &n), DIFF_SAME);
  cr_assert_eq(n, 0);
  free(d);
}
