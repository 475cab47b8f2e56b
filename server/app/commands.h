/*
 * commands — the `reflectd` subcommands. Each takes the arguments after
 * its own name and returns the process exit code: 0 ok, 1 failed (a
 * one-line reason on stderr), 2 usage error.
 */
#ifndef REFLECT_COMMANDS_H
#define REFLECT_COMMANDS_H

#include <stddef.h>


enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
/* unseal/status/rotate-master-key talk to a running server over
 * its control socket (control.h); rotate-master-key, backup, verify and
 * audit also work on a stopped server's directory directly. */
int cmd_unseal(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_rotate(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_audit(int argc, char **argv);

/* Reads one line from stdin into buf without its newline; -1 on EOF or if
 * the line does not fit. Used for passwords and passphrases. */
int commands_read_line(char *buf, size_t size);

#endif
