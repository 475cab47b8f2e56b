/*
 * cli_editor — letting a person write longer text in their own editor, the
 * way `git commit` does: the text goes into a private temporary file, the
 * editor named by $VISUAL, else $EDITOR, else vi, runs on it through
 * /bin/sh (so the variable may carry arguments), and the caller reads back
 * what was saved.
 *
 * Contract:
 *  - cli_editor_open makes the file with mkstemp (mode 0600) in $TMPDIR
 *    (else /tmp) and writes `initial` to it. cli_editor_close overwrites
 *    whatever the file holds by then with zeros and removes it; call it
 *    whenever open succeeded, whatever happened in between: supervision
 *    notes must not be left behind in /tmp.
 *  - cli_editor_run waits for the editor; it may run more than once on the
 *    same file (to fix a mistake). The editor shares the terminal.
 *  - Each returns CLI_EXIT_OK, or prints why not and returns
 *    CLI_EXIT_REFUSED (a local failure).
 */
#ifndef REFLECT_CLI_EDITOR_H
#define REFLECT_CLI_EDITOR_H

#include <limits.h>

#include "cli.h"

typedef struct {
  char path[PATH_MAX];
  int open;
} cli_editor_file;

int cli_editor_open(cli_editor_file *f, const char *initial);
int cli_editor_run(const cli_editor_file *f);
void cli_editor_close(cli_editor_file *f);

#endif
