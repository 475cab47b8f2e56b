/*
 * cli_signoff — signing a record, commenting on it (a note, a recorded
 * disagreement, its resolution), and its revision history.
 */
#ifndef REFLECT_CLI_SIGNOFF_H
#define REFLECT_CLI_SIGNOFF_H

#include "cli.h"

/* "note: ", "DISAGREEMENT: ", "resolution: " — a prefix for display. */
const char *cli_comment_kind_name(Reflect__V1__CommentKind kind);

extern const cli_command cli_record_sign, cli_record_comment, cli_record_history;

#endif
