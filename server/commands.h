/*
 * commands — the `reflectd` subcommands. Each takes the arguments after
 * its own name and returns the process exit code: 0 ok, 1 failed (a
 * one-line reason on stderr), 2 usage error.
 */
#ifndef REFLECT_COMMANDS_H
#define REFLECT_COMMANDS_H

#include <stddef.h>

#include "db.h"
#include "vault.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
/* Issue 6. unseal/status/rotate-master-key talk to a running server over
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

/* Unseals a data directory: reads the seal mode from the database, opens
 * the key file or stretches the passphrase, and checks the key against
 * the stored check value so a wrong key is reported as such. Then adopts
 * the stored blind-index key (meta "index_key", after a rotation). In
 * key-file mode it also settles an interrupted rotation (rotate.h):
 * finishes one that committed, removes a master.key.new that never was.
 * Returns 0, COMMANDS_EWRONGKEY when the key or passphrase does not match
 * the database, or -1; err says why either way. */
enum { COMMANDS_EWRONGKEY = -2 };
int commands_open_vault(const char *data_dir, db *d, const char *passphrase, vault **out,
                        char *err, size_t err_size);
/* The directory's seal mode ("keyfile" or "passphrase") from meta. */
int commands_seal_mode(db *d, char *mode, size_t size);
/* Takes an exclusive flock on the data directory itself, held while a
 * server serves it (and while an offline rotation runs), so no two
 * processes that hold keys work on one directory at once. Returns 0 and
 * the fd to keep open, 1 if another process holds it, -1 on error. */
int commands_lock_dir(const char *data_dir, int *fd, char *err, size_t err_size);

#endif
