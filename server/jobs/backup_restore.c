/* backup_restore: a new data directory from an untrusted backup file (backup.h). */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "backup.h"
#include "backup_file.h"
#include "unseal.h"
#include "config.h"
#include "datadir.h"
#include "db.h"

#define META_ROWS_MAX 16

/* What backup_meta and meta of the file say, each checked for size. */
typedef struct {
  char seal_mode[16], pub[BACKUP_Z85_KEY_LEN + 1];
  uint8_t check[VAULT_CHECK_BYTES], salt[VAULT_SALT_BYTES], mac[VAULT_MAC_BYTES];
  uint8_t *sealed_key, *export, *conf;
  size_t sealed_len, export_len, conf_len;
  int schema, has_salt, has_mac;
} meta_in;

static void meta_free(meta_in *m)
{
  free(m->sealed_key);
  free(m->export);
  free(m->conf);
}

static int is_z85(const char *s, size_t n)
{
  static const char set[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  for (size_t i = 0; i < n; i++)
    if (!s[i] || !strchr(set, s[i])) return 0;
  return 1;
}

static int one_text(sqlite3 *h, const char *sql, char *buf, size_t size)
{
  sqlite3_stmt *st;
  int rc = -1;
  if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
    snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
    rc = 0;
  }
  sqlite3_finalize(st);
  return rc;
}

/* Copies a row's value if its size is within [min, max]; *out malloc'd when dup. */
static int take(sqlite3_stmt *st, size_t min, size_t max, void *buf, uint8_t **dup, size_t *len)
{
  size_t n = (size_t)sqlite3_column_bytes(st, 1);
  if (n < min || n > max || sqlite3_column_type(st, 1) != SQLITE_BLOB) return -1;
  const void *p = sqlite3_column_blob(st, 1);
  if (dup) {
    if (!(*dup = malloc(n + 1))) return -1;
    if (n) memcpy(*dup, p, n);
    (*dup)[n] = '\0';
  } else if (n) {
    memcpy(buf, p, n);
  }
  if (len) *len = n;
  return 0;
}

static int read_backup_meta(sqlite3 *h, meta_in *m, char *err, size_t err_size)
{
  char tmp[64];
  if (one_text(h, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = 'backup_meta'", tmp, sizeof tmp)) {
    snprintf(err, err_size, "not a Reflect backup: it has no backup_meta (a plain database copy?)");
    return -1;
  }
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(h, "SELECT key, value FROM backup_meta", -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, err_size, "not a Reflect backup: backup_meta cannot be read");
    return -1;
  }
  int rows = 0, bad = 0, seen = 0, step;
  char fmt[32] = "", schema[16] = "";
  while (!bad && (step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *k = (const char *)sqlite3_column_text(st, 0);
    if (++rows > META_ROWS_MAX || !k) {
      bad = 1;
      break;
    }
    if (!strcmp(k, "format")) {
      bad = take(st, 1, sizeof fmt - 1, fmt, NULL, NULL);
      seen |= 1;
    } else if (!strcmp(k, "made_at") || !strcmp(k, "version")) {
      bad = take(st, 1, 31, tmp, NULL, NULL);
    } else if (!strcmp(k, "schema")) {
      bad = take(st, 1, sizeof schema - 1, schema, NULL, NULL);
      seen |= 2;
    } else if (!strcmp(k, "seal_mode")) {
      bad = take(st, 1, sizeof m->seal_mode - 1, m->seal_mode, NULL, NULL);
      seen |= 4;
    } else if (!strcmp(k, "key_check")) {
      bad = take(st, VAULT_CHECK_BYTES, VAULT_CHECK_BYTES, m->check, NULL, NULL);
      seen |= 8;
    } else if (!strcmp(k, "server_pub")) {
      bad = take(st, BACKUP_Z85_KEY_LEN, BACKUP_Z85_KEY_LEN, m->pub, NULL, NULL);
      seen |= 16;
    } else if (!strcmp(k, "server_key")) {
      bad = m->sealed_key || take(st, 1, 4096, NULL, &m->sealed_key, &m->sealed_len);
      seen |= 32;
    } else if (!strcmp(k, "config")) {
      bad = m->conf || take(st, 0, BACKUP_CONFIG_MAX, NULL, &m->conf, &m->conf_len);
      seen |= 64;
    } else if (!strcmp(k, "master_export")) {
      bad = m->export || take(st, 1, 4096, NULL, &m->export, &m->export_len);
    } else if (!strcmp(k, BACKUP_MAC_KEY)) {
      bad = m->has_mac || take(st, VAULT_MAC_BYTES, VAULT_MAC_BYTES, m->mac, NULL, NULL);
      m->has_mac = 1;
    } else {
      bad = 1; /* deny what we do not know */
    }
  }
  sqlite3_finalize(st);
  m->schema = atoi(schema);
  if (bad || seen != 127 || strcmp(fmt, BACKUP_FORMAT) || m->schema < 1 || m->schema > 100000 ||
      (strcmp(m->seal_mode, "keyfile") && strcmp(m->seal_mode, "passphrase")) || !is_z85(m->pub, BACKUP_Z85_KEY_LEN) ||
      memchr(m->conf, '\0', m->conf_len)) {
    snprintf(err, err_size, "not a Reflect backup: backup_meta is incomplete or malformed");
    return -1;
  }
  return 0;
}

/* The untrusted file: SQLite, intact, a backup of a schema we know. */
static int check_file(const char *from, sqlite3 **out, meta_in *m, char *err, size_t err_size)
{
  char head[100];
  struct stat sb;
  int fd = open(from, O_RDONLY | O_CLOEXEC);
  ssize_t got = fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? read(fd, head, sizeof head) : -1;
  if (fd >= 0) close(fd);
  if (got < 0) {
    snprintf(err, err_size, "cannot read %s: %s", from, fd < 0 ? strerror(errno) : "not a regular file");
    return -1;
  }
  /* Bytes 18-19 are 1 for a rollback-journal database, as every backup is. */
  if (got != (ssize_t)sizeof head || memcmp(head, "SQLite format 3", 16) || head[18] != 1 || head[19] != 1) {
    snprintf(err, err_size, "%s is not a Reflect backup (not a one-file SQLite database)", from);
    return -1;
  }
  if (backup_seal_open_untrusted(from, out)) {
    snprintf(err, err_size, "cannot open %s as a database", from);
    return -1;
  }
  char ok[64] = "";
  if (one_text(*out, "PRAGMA integrity_check(1)", ok, sizeof ok) || strcmp(ok, "ok")) {
    snprintf(err, err_size, "%s is damaged (SQLite integrity check failed): not restorable", from);
    return -1;
  }
  if (read_backup_meta(*out, m, err, err_size)) return -1;
  char uv[16] = "";
  if (one_text(*out, "PRAGMA user_version", uv, sizeof uv) || atoi(uv) != m->schema) {
    snprintf(err, err_size, "not a Reflect backup: its schema version does not match backup_meta");
    return -1;
  }
  if (m->schema > db_schema_version()) {
    snprintf(err, err_size,
             "the backup has schema version %d but this reflectd knows only up to %d; restore it with a newer reflectd",
             m->schema, db_schema_version());
    return -1;
  }
  if (backup_seal_schema_check(*out, m->schema, err, err_size)) return -1;
  sqlite3_stmt *st;
  uint8_t dbcheck[VAULT_CHECK_BYTES + 1];
  int same = 0;
  if (sqlite3_prepare_v2(*out, "SELECT key, value FROM meta WHERE key IN ('key_check', 'passphrase_salt')", -1, &st,
                         NULL) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      const char *k = (const char *)sqlite3_column_text(st, 0);
      if (k && !strcmp(k, "key_check"))
        same = !take(st, VAULT_CHECK_BYTES, VAULT_CHECK_BYTES, dbcheck, NULL, NULL) &&
               !memcmp(dbcheck, m->check, VAULT_CHECK_BYTES);
      else if (k && !strcmp(k, "passphrase_salt"))
        m->has_salt = !take(st, VAULT_SALT_BYTES, VAULT_SALT_BYTES, m->salt, NULL, NULL);
    }
  }
  sqlite3_finalize(st);
  if (!same || (!strcmp(m->seal_mode, "passphrase") && !m->has_salt)) {
    snprintf(err, err_size, "not a Reflect backup: its database's key check or salt does not match backup_meta");
    return -1;
  }
  return 0;
}

static const char WRONG_KEY[] = "this backup was made under a different master key; give the key file it was made "
                                "under (after a rotation the old key is in DIR/retired-keys/)";

static int open_key(const backup_keys *k, const meta_in *m, vault **v, char *err, size_t err_size)
{
  int locked = 0, rc;
  if (k->key_file) {
    if ((rc = vault_open_keyfile(k->key_file, v, &locked))) {
      snprintf(err, err_size, "cannot open the key file %s: %s", k->key_file, vault_strerror(rc));
      return -1;
    }
  } else if (k->passphrase) {
    if (strcmp(m->seal_mode, "passphrase")) {
      snprintf(err, err_size, "this backup was made under a key file, not a passphrase: give --key");
      return -1;
    }
    if (vault_open_passphrase(k->passphrase, strlen(k->passphrase), m->salt, v, &locked)) {
      snprintf(err, err_size, "could not derive the master key");
      return -1;
    }
  } else {
    if (!m->export) {
      snprintf(err, err_size, "this backup carries no key under a backup passphrase; give --key or --passphrase-stdin");
      return -1;
    }
    rc = vault_import_master(m->export, m->export_len, k->backup_pass, strlen(k->backup_pass), v, &locked);
    if (rc) {
      snprintf(err, err_size, rc == VAULT_EINTEGRITY ? "wrong backup passphrase" : "cannot open the backup's key: %s",
               vault_strerror(rc));
      return -1;
    }
  }
  if (vault_verify_check(*v, m->check) != VAULT_OK) {
    vault_close(*v);
    *v = NULL;
    snprintf(err, err_size, "%s", k->key_file ? WRONG_KEY : "wrong passphrase for this backup");
    return -1;
  }
  return 0;
}

static const char *const made_files[] = {DB_FILE_NAME,        DB_FILE_NAME "-wal",
                                         DB_FILE_NAME "-shm", DB_FILE_NAME "-journal",
                                         DATADIR_MASTER_KEY,  DATADIR_SERVER_KEY,
                                         DATADIR_SERVER_PUB,  CONFIG_FILE_NAME};

static void remove_made(const char *dir, int made_dir)
{
  char path[DATADIR_PATH_MAX];
  for (size_t i = 0; i < sizeof made_files / sizeof made_files[0]; i++)
    if (!datadir_path(dir, made_files[i], path, sizeof path)) unlink(path);
  if (made_dir) rmdir(dir);
}

/* The database, without backup_meta, back in WAL mode; key-file mode when
 * the restore did not use the data passphrase. The files the original's
 * scheduler made are not the new directory's to delete: a restored copy
 * started for a check must never prune the live server's backups. */
static int write_db(const char *dir, sqlite3 *src, const vault *v, const meta_in *m, int to_keyfile, char *err,
                    size_t err_size)
{
  char path[DATADIR_PATH_MAX];
  sqlite3 *dst = NULL;
  if (datadir_path(dir, DB_FILE_NAME, path, sizeof path)) return -1;
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    snprintf(err, err_size, "cannot create %s: %s", path, strerror(errno));
    return -1;
  }
  close(fd);
  int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK ? 0 : -1;
  if (rc) snprintf(err, err_size, "cannot open %s", path);
  /* Before any statement: whatever the copy holds, its schema may not
   * run code or be written around while this connection prepares it. */
  if (!rc && (sqlite3_db_config(dst, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) != SQLITE_OK ||
              sqlite3_db_config(dst, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) != SQLITE_OK)) {
    snprintf(err, err_size, "cannot make %s defensive", path);
    rc = -1;
  }
  if (!rc) rc = backup_copy_db(src, dst, err, err_size);
  /* The pages just copied are the ones sealed: a file changed between the
   * check and the copy is caught here, before anything acts on it. */
  if (!rc) rc = backup_seal_verify(dst, v, m->mac, err, err_size);
  if (!rc &&
      sqlite3_exec(dst,
                   to_keyfile ? "BEGIN; DROP TABLE backup_meta; DELETE FROM meta WHERE key = 'passphrase_salt';"
                                "UPDATE meta SET value = CAST('keyfile' AS BLOB) WHERE key = 'seal_mode';"
                                "UPDATE backups SET scheduled = 0 WHERE scheduled = 1; COMMIT;"
                              : "BEGIN; DROP TABLE backup_meta; UPDATE backups SET scheduled = 0 WHERE scheduled = 1;"
                                "COMMIT;",
                   NULL, NULL, NULL) != SQLITE_OK) {
    snprintf(err, err_size, "cannot prepare the restored database: %s", sqlite3_errmsg(dst));
    rc = -1;
  }
  char mode[16] = "";
  if (!rc && (one_text(dst, "PRAGMA journal_mode=WAL", mode, sizeof mode) || strcmp(mode, "wal"))) {
    snprintf(err, err_size, "cannot put the restored database in WAL mode");
    rc = -1;
  }
  if (sqlite3_close(dst) != SQLITE_OK && !rc) rc = -1;
  return rc;
}

static int write_files(const char *dir, const vault *v, const meta_in *m, int to_keyfile, char *err, size_t err_size)
{
  char path[DATADIR_PATH_MAX], line[BACKUP_Z85_KEY_LEN + 2];
  uint8_t *secret = NULL;
  size_t len = 0;
  int rc;
  if (to_keyfile && (datadir_path(dir, DATADIR_MASTER_KEY, path, sizeof path) || vault_write_keyfile(v, path))) {
    snprintf(err, err_size, "cannot write %s/%s", dir, DATADIR_MASTER_KEY);
    return -1;
  }
  if (vault_open_secret(v, BACKUP_SECRET_PURPOSE, m->sealed_key, m->sealed_len, &secret, &len)) {
    snprintf(err, err_size, "the backup's server key does not open under its master key");
    return -1;
  }
  char pub_check[BACKUP_Z85_KEY_LEN + 1];
  if (len != BACKUP_Z85_KEY_LEN || !is_z85((const char *)secret, len) ||
      zmq_curve_public(pub_check, (const char *)secret) || memcmp(pub_check, m->pub, BACKUP_Z85_KEY_LEN)) {
    vault_free_plain(secret, len);
    snprintf(err, err_size, "the backup's server key pair does not match");
    return -1;
  }
  snprintf(line, sizeof line, "%s\n", (const char *)secret);
  vault_free_plain(secret, len);
  rc = datadir_write_file(dir, DATADIR_SERVER_KEY, line, 0600, err, err_size);
  sodium_memzero(line, sizeof line);
  snprintf(line, sizeof line, "%s\n", m->pub);
  /* Modes are set explicitly: reflectd runs under umask 077. */
  if (!rc) rc = datadir_write_file(dir, DATADIR_SERVER_PUB, line, 0644, err, err_size);
  if (!rc && !datadir_path(dir, DATADIR_SERVER_PUB, path, sizeof path)) rc = chmod(path, 0644);
  /* A directory that had no reflectd.conf gets none: defaults apply. */
  if (!rc && m->conf_len) {
    rc = datadir_write_file(dir, CONFIG_FILE_NAME, (const char *)m->conf, 0640, err, err_size);
    if (!rc && !datadir_path(dir, CONFIG_FILE_NAME, path, sizeof path)) rc = chmod(path, 0640);
  }
  config cfg;
  config_defaults(&cfg);
  if (!rc && config_load(dir, &cfg, err, err_size)) {
    char why[400];
    snprintf(why, sizeof why, "%s", err);
    snprintf(err, err_size, "the backup's reflectd.conf is not valid here: %s", why);
    rc = -1;
  }
  return rc;
}

/* Opens the new directory the way `reflectd serve` will and checks it all. */
static int verify_new(const char *dir, const backup_keys *k, int to_keyfile, verify_report *r, char *err,
                      size_t err_size)
{
  db *d = NULL;
  vault *v = NULL;
  int rc = -1;
  if (db_open(dir, DB_OPEN, 1, &d, err, err_size) ||
      unseal_open_vault(dir, d, to_keyfile ? NULL : k->passphrase, &v, err, err_size))
    goto out;
  if (verify_run(d, v, r, err, err_size)) goto out;
  if (!r->ok) {
    snprintf(err, err_size, "the restored data does not verify: %s", r->first_failure);
    goto out;
  }
  rc = 0;
out:
  vault_close(v);
  db_close(d);
  return rc;
}

int backup_restore_report(const char *from, const char *data_dir, const backup_keys *k, verify_report *report,
                          char *err, size_t err_size)
{
  int given = !!k->key_file + !!k->passphrase + !!k->backup_pass;
  if (!from || !data_dir || given != 1) {
    snprintf(err, err_size, "give exactly one of a key file, the data passphrase or the backup passphrase");
    return -1;
  }
  verify_report local;
  if (!report) report = &local;
  memset(report, 0, sizeof *report);
  meta_in m = {0};
  sqlite3 *src = NULL;
  vault *v = NULL;
  struct stat sb;
  int made_dir = stat(data_dir, &sb) != 0, wrote = 0, rc = -1;
  /* The seal is checked as soon as the key is known, before anything is
   * written: only the master key's holder can have made it. */
  if (check_file(from, &src, &m, err, err_size) || open_key(k, &m, &v, err, err_size) ||
      backup_seal_verify(src, v, m.has_mac ? m.mac : NULL, err, err_size))
    goto out;
  int to_keyfile = !k->passphrase;
  if (datadir_create(data_dir, err, err_size)) {
    made_dir = 0;
    goto out;
  }
  wrote = 1;
  if (write_db(data_dir, src, v, &m, to_keyfile, err, err_size) ||
      write_files(data_dir, v, &m, to_keyfile, err, err_size))
    goto out;
  sqlite3_close(src);
  src = NULL;
  if (verify_new(data_dir, k, to_keyfile, report, err, err_size)) goto out;
  rc = 0;
out:
  sqlite3_close(src);
  vault_close(v);
  meta_free(&m);
  if (rc && wrote) remove_made(data_dir, made_dir);
  return rc;
}

int backup_restore(const char *from, const char *data_dir, const backup_keys *k, char *err, size_t err_size)
{
  return backup_restore_report(from, data_dir, k, NULL, err, err_size);
}
