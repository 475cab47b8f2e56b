/* cli_watch — `reflect watch` (cli_watch.c), following the user's events. */
#ifndef REFLECT_CLI_WATCH_H
#define REFLECT_CLI_WATCH_H

#include "cli.h"

extern const cli_command cli_cmd_watch;

#endif
