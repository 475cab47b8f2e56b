/*
 * backup_file — what a backup file is, shared by backup.c (making one),
 * backup_restore.c (checking and restoring one) and backup_sched.c.
 *
 * A backup file is a SQLite database in rollback-journal mode (one file)
 * holding the live database's pages exactly as stored (sealed), plus a
 * table backup_meta(key TEXT PRIMARY KEY, value BLOB NOT NULL):
 *   format        "reflect-backup-1"
 *   made_at       Unix seconds, decimal
 *   version       the reflectd version that made it
 *   schema        PRAGMA user_version of the copy, decimal
 *   seal_mode     "keyfile" or "passphrase"
 *   key_check     VAULT_CHECK_BYTES made by the master key
 *   server_pub    the CURVE public key, 40 Z85 characters
 *   server_key    the CURVE secret key sealed with vault_seal_secret
 *                 (purpose BACKUP_SECRET_PURPOSE)
 *   config        the text of reflectd.conf (may be empty)
 *   master_export optional: vault_export_master under a backup passphrase
 * Nothing else is allowed in backup_meta.
 *
 * Helpers: return 0 or -1 (backup_copy_db with a sentence in err).
 * backup_read_small's *out is malloc'd (NUL-terminated), the caller frees.
 */
#ifndef REFLECT_BACKUP_FILE_H
#define REFLECT_BACKUP_FILE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define BACKUP_FORMAT "reflect-backup-1"
#define BACKUP_SECRET_PURPOSE "backup.server_key"
#define BACKUP_Z85_KEY_LEN 40
#define BACKUP_CONFIG_MAX 65536

/* fsyncs the directory holding path, so a rename or link there is durable. */
int backup_fsync_dir_of(const char *path);
/* Reads a regular file of at most max bytes (not following a symlink);
 * with missing non-NULL, a file that does not exist sets *missing = 1. */
int backup_read_small(const char *path, size_t max, uint8_t **out, size_t *len, int *missing);
/* Copies every page of src's main database into dst's, in one snapshot,
 * retrying (bounded) while src is busy. */
int backup_copy_db(sqlite3 *src, sqlite3 *dst, char *err, size_t err_size);

#endif
