/*
 * rotate — replacing the master key (docs/architecture.md#d4-keys-and-encryption-at-rest:
 * rotation re-wraps data keys only).
 *
 * Contract:
 *  - rotate_master rewraps every live data key, the blind-index key (meta
 *    "index_key") and the key check (meta "key_check"; and for passphrase
 *    mode the new salt) from `old` to `fresh` in ONE write transaction on d.
 *    If anything fails it rolls back and the old key goes on working. The
 *    caller provides `fresh` (vault_create_random, or a new passphrase) and
 *    has given it old's index key (vault_copy_index_key).
 *  - Key-file mode, crash-safe order: the new key is first written to
 *    DIR/master.key.new (fsynced); the transaction commits; the old key is
 *    kept as DIR/retired-keys/master-<UTC time>.key (so backups made under
 *    it still restore) and master.key.new is renamed over master.key. At
 *    start, unseal_open_vault finishes a rotation that committed but did
 *    not rename (master.key fails the check, master.key.new passes) and
 *    removes a master.key.new that the database never adopted.
 *  - While serving, the server runs it inside keystate_swap, so requests
 *    wait (never fail) for the few milliseconds it takes.
 *  - Once the transaction has committed the database answers only to
 *    `fresh`, so rotate_master returns 0 from then on even if moving the
 *    key files fails (files_pending = 1, logged): the caller must adopt
 *    `fresh`, and the next start completes the files.
 *  - Test-only: REFLECT_ROTATE_CRASH_AFTER_COMMIT=1 in the environment makes
 *    rotate_master _exit(1) right after the commit, before any key file
 *    moves, so tests can reproduce a crash at the worst moment.
 * Returns 0, or -1 with a sentence in err.
 */
#ifndef REFLECT_ROTATE_H
#define REFLECT_ROTATE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "vault.h"

typedef struct {
  int64_t keys_rewrapped;
  char retired_path[1024]; /* where the old key file went ("" in passphrase mode) */
  int files_pending;       /* committed, but master.key.new is not in place yet */
} rotate_result;

/* new_passphrase: NULL keeps key-file mode (fresh came from
 * vault_create_random); otherwise the data directory is (or stays)
 * passphrase-sealed and fresh was derived from it with new_salt. */
/* The directory's seal mode ("keyfile" or "passphrase") from meta. */
int rotate_seal_mode(db *d, char *mode, size_t size);

int rotate_master(const char *data_dir, db *d, const vault *old, const vault *fresh, const uint8_t *new_salt,
                  rotate_result *out, char *err, size_t err_size);

/* Key-file mode, after a commit: keeps DIR/master.key as
 * DIR/retired-keys/master-<UTC time>.key (0600, never overwriting one) and
 * renames DIR/master.key.new over DIR/master.key, fsyncing both
 * directories. At every moment one of the files opens the database. Used
 * by rotate_master and by unseal_open_vault to finish a crashed one.
 * retired (may be NULL) receives the retired key's path. */
int rotate_finish_keyfile(const char *data_dir, char *retired, size_t retired_size, char *err, size_t err_size);

#define ROTATE_NEW_KEY "master.key.new"
#define ROTATE_RETIRED_DIR "retired-keys"

#endif
