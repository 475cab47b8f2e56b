/*
 * backup — online backups, restore, and scheduled backups with retention.
 *
 * Contract:
 *  - backup_make copies DIR/reflect.db with the SQLite online backup API
 *    (one consistent snapshot while the server writes) into `to`, written
 *    as to + ".partial" (0600, O_EXCL) and renamed into place only when
 *    complete and fsynced; an existing `to` is never overwritten. Content
 *    stays sealed exactly as stored. The copy gains a table
 *    backup_meta(key, value) with: made_at, version, schema, seal_mode,
 *    the key check, the server's CURVE key pair (secret sealed with
 *    vault_seal_secret(v, "backup.server_key")), the config file's text, and
 *    when backup_pass is given the master key exported under it
 *    (vault_export_master). The outcome (ok or the error) is recorded in the
 *    live database's backups table, and a keyed BLAKE2b seal over the
 *    copy's whole logical content and schema (backup_meta "content_mac",
 *    backup_seal.c). The server passes a vault_clone it owns, so no lock is
 *    held while copying; a rotation meanwhile makes the backup fail
 *    cleanly (its key check no longer matches).
 *  - backup_restore makes a NEW data directory from a backup file: refuses
 *    a non-empty target, opens the master key from key_file (the key the
 *    backup was made under: the current one, or a retired one), from the
 *    data passphrase (passphrase-sealed), or from backup_pass, checks it
 *    against the backup's key check, then checks the content seal (an
 *    edited row, trigger or view is refused before anything is written)
 *    and that the schema is exactly the one the migrations make, writes
 *    reflect.db (defensive mode; without
 *    backup_meta), master.key (key-file mode), server.key/server.pub and
 *    reflectd.conf, and runs verify_run over the result; any failure removes
 *    what it wrote.
 *  - backup_sched runs on its own thread when cfg->backup_dir is set:
 *    every cfg->backup_every_hours it makes DIR/reflect-<UTC time>.bak via
 *    backup_make (borrowing the vault from the keystate; skipped while
 *    sealed) and deletes the oldest scheduled files beyond cfg->backup_keep
 *    (recording removed_at). Stops promptly on backup_sched_stop.
 *    Test-only: the environment variable REFLECT_BACKUP_EVERY_SECONDS
 *    (1..86400) replaces every_hours, so a test need not wait hours; any
 *    other value is ignored with a warning. backup_sched_start with an
 *    empty cfg->backup_dir does nothing and returns 0 (*out NULL).
 * Functions return 0, or -1 with a sentence in err.
 */
#ifndef REFLECT_BACKUP_H
#define REFLECT_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "keystate.h"
#include "vault.h"
#include "verify.h"

typedef struct {
  int64_t at;
  int64_t bytes;
} backup_result;

int backup_make(const char *data_dir, const vault *v, const char *backup_pass, const char *to, int scheduled,
                backup_result *out, char *err, size_t err_size);

typedef struct {
  const char *key_file;    /* a master key file, or NULL */
  const char *passphrase;  /* the data directory's passphrase (passphrase-sealed), or NULL */
  const char *backup_pass; /* the backup's own passphrase, or NULL */
} backup_keys;

int backup_restore(const char *from, const char *data_dir, const backup_keys *k, char *err, size_t err_size);
/* The same, also giving verify_run's figures for the restored directory
 * (report may be NULL). Exactly one of k's three fields must be set. A
 * restore with the data passphrase keeps passphrase mode; with a key file
 * or the backup passphrase the new directory is in key-file mode. */
int backup_restore_report(const char *from, const char *data_dir, const backup_keys *k, verify_report *report,
                          char *err, size_t err_size);

typedef struct backup_sched backup_sched;
int backup_sched_start(const char *data_dir, const config *cfg, keystate *ks, backup_sched **out);
void backup_sched_stop(backup_sched *b);

#endif
