/*
 * control_cmds — what the control socket's commands do (control.h has the
 * protocol): status, unseal, rotate, backup.
 *
 * Contract: control_cmds_handle runs one command on the control thread and
 * writes the whole reply ("ok" or "error: <sentence>", then key=value
 * lines, each ending in a newline) into reply. lines[0] is the command,
 * the rest its arguments; the caller wipes them afterwards (passphrases).
 * The ctx belongs to the control thread; it is only read here, except the
 * failed-unseal counter.
 */
#ifndef REFLECT_CONTROL_CMDS_H
#define REFLECT_CONTROL_CMDS_H

#include <stddef.h>

#include "config.h"
#include "keystate.h"
#include "stats.h"

#define CONTROL_MAX_LINES 4

typedef struct {
  char data_dir[1024];
  config cfg;
  keystate *keys;
  server_stats *stats;
  int stop_fd;        /* readable once the server stops: cuts a delay short */
  int failed_unseals; /* in a row: each one makes the next reply wait longer */
} control_ctx;

void control_cmds_handle(control_ctx *ctx, char **lines, size_t n, char *reply, size_t size);

#endif
