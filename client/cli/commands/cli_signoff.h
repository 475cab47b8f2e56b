/*
 * cli_signoff — signing a record, commenting on it (a note, a recorded
 * disagreement, its resolution), and its revision history.
 */
#ifndef REFLECT_CLI_SIGNOFF_H
#define REFLECT_CLI_SIGNOFF_H

#include "cli.h"

extern const cli_command cli_record_sign, cli_record_comment, cli_record_history;

#endif
