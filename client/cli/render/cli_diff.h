/*
 * cli_diff — a line diff of two texts, printed in unified form: "---" and
 * "+++" header lines, then hunks "@@ -a,n +b,m @@" of ' ' context, '-'
 * removed and '+' added lines.
 *
 * Contract:
 *  - The shortest edit script (Myers' O(ND) algorithm) after the common
 *    beginning and end are set aside. Memory grows with the square of the
 *    number of differences, so beyond CLI_DIFF_MAX_EDITS the middle is shown
 *    as removed and added whole: still a correct diff, only not minimal.
 *  - Texts are split at '\n'; a final line without one is still a line.
 *    The texts are the caller's and are printed as given (make them safe
 *    for a terminal first).
 *  - cli_diff_print returns CLI_DIFF_SAME (nothing printed), CLI_DIFF_CHANGED
 *    or CLI_DIFF_ENOMEM.
 */
#ifndef REFLECT_CLI_DIFF_H
#define REFLECT_CLI_DIFF_H

#include <stdio.h>

enum { CLI_DIFF_SAME = 0, CLI_DIFF_CHANGED = 1, CLI_DIFF_ENOMEM = -1 };

#define CLI_DIFF_MAX_EDITS 1000

int cli_diff_print(FILE *f, const char *old_label, const char *old_text, const char *new_label, const char *new_text,
                   unsigned context);

#endif
