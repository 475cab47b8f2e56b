/*
 * serve_setup — the steps of `reflectd serve` that are not serving: reading
 * a passphrase file, and the work due once the server holds its keys
 * (at start, or when `reflectd unseal` installs them over the control
 * socket).
 *
 * Contract:
 *  - serve_setup_read_passphrase_file reads the first line of a regular file
 *    into the caller's buffer (one trailing newline stripped). A file that
 *    group or others may read is refused unless it lies under
 *    $CREDENTIALS_DIRECTORY (systemd's LoadCredential= directory, private
 *    to the service whatever the file's mode). The caller wipes buf.
 *  - serve_setup_keys_ready does the data fix-ups that need keys, on a
 *    short-lived connection of its own: chains audit rows written before
 *    the chain existed (audit_chain_catch_up; logs event=audit_chained
 *    rows=N), and moves the case sections of record revisions written
 *    before schema v14 under their cases' keys (store_records_reseal, a
 *    batch per transaction, then a WAL checkpoint; logs
 *    event=records_resealed revisions=N skipped=M when there were any).
 *    It runs before the server serves with those keys: at start, or at
 *    unseal before the keys are installed. Failure is logged, not fatal:
 *    the server can serve, `reflectd audit verify` reports unchained rows
 *    and `reflectd verify` revisions still to move, and the next start
 *    tries again.
 * Both return 0, or -1 with a sentence in err (serve_setup_keys_ready: logged).
 */
#ifndef REFLECT_SERVE_SETUP_H
#define REFLECT_SERVE_SETUP_H

#include <stddef.h>

#include "config.h"
#include "vault.h"

int serve_setup_read_passphrase_file(const char *path, char *buf, size_t size, char *err, size_t err_size);
int serve_setup_keys_ready(const char *data_dir, const config *cfg, const vault *v);

#endif
