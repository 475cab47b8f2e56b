/*
 * unseal — opening a data directory's keys, and holding the directory.
 *
 * Contract: the caller owns the vault unseal_open_vault returns
 * (vault_free) and the fd unseal_lock_dir returns (close releases the
 * lock). Error text goes to err; nothing is logged but a settled rotation.
 */
#ifndef REFLECT_UNSEAL_H
#define REFLECT_UNSEAL_H

#include <stddef.h>

#include "db.h"
#include "vault.h"

/* Unseals a data directory: reads the seal mode from the database, opens
 * the key file or stretches the passphrase, and checks the key against
 * the stored check value so a wrong key is reported as such. Then adopts
 * the stored blind-index key (meta "index_key", after a rotation). In
 * key-file mode it also settles an interrupted rotation (rotate.h):
 * finishes one that committed, removes a master.key.new that never was.
 * Returns 0, UNSEAL_EWRONGKEY when the key or passphrase does not match
 * the database, or -1; err says why either way. */
enum { UNSEAL_EWRONGKEY = -2 };
int unseal_open_vault(const char *data_dir, db *d, const char *passphrase, vault **out, char *err, size_t err_size);
/* Takes an exclusive flock on the data directory itself, held while a
 * server serves it (and while an offline rotation runs), so no two
 * processes that hold keys work on one directory at once. Returns 0 and
 * the fd to keep open, 1 if another process holds it, -1 on error. */
int unseal_lock_dir(const char *data_dir, int *fd, char *err, size_t err_size);

#endif
