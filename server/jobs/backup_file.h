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
 *   content_mac   VAULT_MAC_BYTES: backup_seal_content_mac of the file, made
 *                 last; a restore recomputes it before writing anything
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

#include "vault.h"

#define BACKUP_FORMAT "reflect-backup-1"
#define BACKUP_SECRET_PURPOSE "backup.server_key"
#define BACKUP_Z85_KEY_LEN 40
#define BACKUP_CONFIG_MAX 65536
#define BACKUP_MAC_KEY "content_mac"
#define BACKUP_MAC_PURPOSE "backup.content"
/* Exactly as stored in sqlite_schema, so a restore can insist on it. */
#define BACKUP_META_SQL "CREATE TABLE backup_meta(key TEXT PRIMARY KEY, value BLOB NOT NULL)"

/* fsyncs the directory holding path, so a rename or link there is durable. */
int backup_fsync_dir_of(const char *path);
/* Reads a regular file of at most max bytes (not following a symlink);
 * with missing non-NULL, a file that does not exist sets *missing = 1. */
int backup_read_small(const char *path, size_t max, uint8_t **out, size_t *len, int *missing);
/* Copies every page of src's main database into dst's, in one snapshot,
 * retrying (bounded) while src is busy. */
int backup_copy_db(sqlite3 *src, sqlite3 *dst, char *err, size_t err_size);
/* Opens an untrusted file read-only and immutable (never locked or
 * written), defensive and with trusted_schema off; *out may need closing
 * even on failure. */
int backup_seal_open_untrusted(const char *path, sqlite3 **out);
/* The keyed seal (vault_mac_init, purpose BACKUP_MAC_PURPOSE) over what
 * a restore takes from the file: user_version; every table but
 * backup_meta in name order, each row in rowid (WITHOUT ROWID: primary
 * key) order with every value type-tagged and length-prefixed; the
 * sqlite_schema rows (type, name, tbl_name, sql) in name order; and every
 * backup_meta row but content_mac in key order. Without the master key
 * no one can make one, so a file copied from a genuine backup and then
 * edited (a role raised, a password hash swapped) no longer matches. */
int backup_seal_content_mac(sqlite3 *h, const vault *v, uint8_t out[VAULT_MAC_BYTES], char *err, size_t err_size);
/* Defence in depth: h's schema must be exactly what this binary's
 * migrations 1..version make (no extra trigger, view, index or table,
 * none changed), plus backup_meta exactly as BACKUP_META_SQL. */
int backup_seal_schema_check(sqlite3 *h, int version, char *err, size_t err_size);
/* Recomputes h's seal under v and compares it (constant time) with
 * expected (VAULT_MAC_BYTES; NULL: the file has none, which is refused). */
int backup_seal_verify(sqlite3 *h, const vault *v, const uint8_t *expected, char *err, size_t err_size);

#endif
