/* backup_make: an online copy of the live database (backup.h). */
#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backup_file.h"
#include "datadir.h"
#include "db.h"
#include "log.h"

/* The live database may be busy with a checkpoint; a few seconds of
 * polite retries, then a clear failure rather than a hang. */
#define STEP_RETRY_MS 50
#define STEP_RETRIES 200

int backup_fsync_dir_of(const char *path)
{
  char copy[DATADIR_PATH_MAX];
  if (snprintf(copy, sizeof copy, "%s", path) >= (int)sizeof copy) return -1;
  int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

int backup_read_small(const char *path, size_t max, uint8_t **out, size_t *len, int *missing)
{
  *out = NULL;
  *len = 0;
  if (missing) *missing = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT && missing) {
      *missing = 1;
      return 0;
    }
    return -1;
  }
  struct stat sb;
  uint8_t *buf = NULL;
  if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size < 0 || (size_t)sb.st_size > max ||
      !(buf = malloc((size_t)sb.st_size + 1))) {
    close(fd);
    return -1;
  }
  size_t got = 0;
  while (got < (size_t)sb.st_size) {
    ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(fd);
  if (got != (size_t)sb.st_size) {
    free(buf);
    return -1;
  }
  buf[got] = '\0';
  *out = buf;
  *len = got;
  return 0;
}

int backup_copy_db(sqlite3 *src, sqlite3 *dst, char *err, size_t err_size)
{
  sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
  if (!b) {
    snprintf(err, err_size, "cannot start the copy: %s", sqlite3_errmsg(dst));
    return -1;
  }
  int rc, tries = 0;
  /* One step of -1 copies every page under one read transaction, so the
   * copy is a single consistent snapshot whatever the server writes. */
  while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    if (++tries > STEP_RETRIES) break;
    struct timespec ts = {0, STEP_RETRY_MS * 1000000L};
    nanosleep(&ts, NULL);
  }
  int frc = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE || frc != SQLITE_OK) {
    snprintf(err, err_size, "the copy failed: %s", rc == SQLITE_DONE ? sqlite3_errstr(frc) : sqlite3_errstr(rc));
    return -1;
  }
  return 0;
}

static int put_meta(sqlite3 *h, const char *key, const void *value, size_t len)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(h, "INSERT INTO backup_meta(key, value) VALUES (?1, ?2)", -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  /* A zero-length blob must still be a blob, never NULL (NOT NULL). */
  sqlite3_bind_blob(st, 2, len ? value : "", (int)len, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* Reads meta(key) of the copy into buf; -1 if absent or not size bytes. */
static int copy_meta(sqlite3 *h, const char *key, void *buf, size_t size, size_t *len)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(h, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) != SQLITE_OK) return -1;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int rc = -1;
  if (sqlite3_step(st) == SQLITE_ROW && (size_t)sqlite3_column_bytes(st, 0) <= size) {
    *len = (size_t)sqlite3_column_bytes(st, 0);
    if (*len) memcpy(buf, sqlite3_column_blob(st, 0), *len);
    rc = 0;
  }
  sqlite3_finalize(st);
  return rc;
}

/* Everything the restore needs beside the database: key check, key pair
 * (secret sealed), config, and optionally the master key under a passphrase. */
typedef struct {
  char secret[64], pub[64];
  uint8_t *sealed_secret, *export, *conf;
  size_t sealed_len, export_len, conf_len;
} extras;

static void extras_free(extras *x)
{
  sodium_memzero(x->secret, sizeof x->secret);
  free(x->sealed_secret);
  free(x->export);
  free(x->conf);
}

static int extras_gather(const char *dir, const vault *v, const char *backup_pass, extras *x, char *err,
                         size_t err_size)
{
  char path[DATADIR_PATH_MAX];
  uint8_t *pub = NULL;
  size_t pub_len = 0;
  int missing = 0;
  if (datadir_read_secret(dir, DATADIR_SERVER_KEY, x->secret, sizeof x->secret, err, err_size)) return -1;
  if (strlen(x->secret) != BACKUP_Z85_KEY_LEN) {
    snprintf(err, err_size, "%s/%s is not a Z85 CURVE secret key", dir, DATADIR_SERVER_KEY);
    return -1;
  }
  if (datadir_path(dir, DATADIR_SERVER_PUB, path, sizeof path) || backup_read_small(path, 63, &pub, &pub_len, NULL)) {
    snprintf(err, err_size, "cannot read %s/%s", dir, DATADIR_SERVER_PUB);
    return -1;
  }
  snprintf(x->pub, sizeof x->pub, "%.*s", (int)pub_len, (const char *)pub);
  free(pub);
  x->pub[strcspn(x->pub, "\r\n")] = '\0';
  if (strlen(x->pub) != BACKUP_Z85_KEY_LEN) {
    snprintf(err, err_size, "%s/%s is not a Z85 CURVE public key", dir, DATADIR_SERVER_PUB);
    return -1;
  }
  if (datadir_path(dir, "reflectd.conf", path, sizeof path) ||
      backup_read_small(path, BACKUP_CONFIG_MAX, &x->conf, &x->conf_len, &missing)) {
    snprintf(err, err_size, "cannot read %s/reflectd.conf (a regular file of at most %d bytes)", dir,
             BACKUP_CONFIG_MAX);
    return -1;
  }
  if (vault_seal_secret(v, BACKUP_SECRET_PURPOSE, (const uint8_t *)x->secret, BACKUP_Z85_KEY_LEN, &x->sealed_secret,
                        &x->sealed_len)) {
    snprintf(err, err_size, "cannot seal the server key");
    return -1;
  }
  if (backup_pass && *backup_pass &&
      vault_export_master(v, backup_pass, strlen(backup_pass), &x->export, &x->export_len)) {
    snprintf(err, err_size, "cannot seal the master key under the backup passphrase");
    return -1;
  }
  return 0;
}

/* Turns the fresh copy into a backup file: one file (no WAL) with backup_meta. */
static int finish_copy(sqlite3 *h, const vault *v, const extras *x, char *err, size_t err_size)
{
  sqlite3_stmt *st;
  int ok = sqlite3_prepare_v2(h, "PRAGMA journal_mode=DELETE", -1, &st, NULL) == SQLITE_OK &&
           sqlite3_step(st) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "delete");
  sqlite3_finalize(st);
  if (!ok) {
    snprintf(err, err_size, "cannot take the copy out of WAL mode: %s", sqlite3_errmsg(h));
    return -1;
  }
  uint8_t check[VAULT_CHECK_BYTES], stored[VAULT_CHECK_BYTES];
  char mode[32] = "";
  size_t n = 0, mode_len = 0;
  /* A rotation between acquiring v and the snapshot would pair data keys
   * wrapped under one master key with a check of another. */
  if (copy_meta(h, "key_check", stored, sizeof stored, &n) || n != sizeof stored ||
      vault_verify_check(v, stored) != VAULT_OK) {
    snprintf(err, err_size,
             "the database's key check does not match the server's key (a rotation meanwhile?); try again");
    return -1;
  }
  if (copy_meta(h, "seal_mode", mode, sizeof mode - 1, &mode_len) ||
      (strcmp(mode, "keyfile") && strcmp(mode, "passphrase")) || vault_make_check(v, check)) {
    snprintf(err, err_size, "the database has no valid seal mode");
    return -1;
  }
  char made_at[24], schema[16];
  int user_version = 0;
  if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    user_version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  snprintf(made_at, sizeof made_at, "%lld", (long long)time(NULL));
  snprintf(schema, sizeof schema, "%d", user_version);
  ok = user_version >= 1 &&
       sqlite3_exec(h, "PRAGMA synchronous=FULL; BEGIN; " BACKUP_META_SQL, NULL, NULL, NULL) == SQLITE_OK;
  /* A live database a restore would refuse (an object its migrations do
   * not make) is reported now, not on the day the backup is needed. */
  char why[256] = "";
  if (ok && backup_seal_schema_check(h, user_version, why, sizeof why)) {
    sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
    snprintf(err, err_size, "the live database cannot be backed up: %s", why);
    return -1;
  }
  ok = ok && !put_meta(h, "format", BACKUP_FORMAT, strlen(BACKUP_FORMAT)) &&
       !put_meta(h, "made_at", made_at, strlen(made_at)) &&
       !put_meta(h, "version", REFLECT_VERSION, strlen(REFLECT_VERSION)) &&
       !put_meta(h, "schema", schema, strlen(schema)) && !put_meta(h, "seal_mode", mode, strlen(mode)) &&
       !put_meta(h, "key_check", check, sizeof check) && !put_meta(h, "server_pub", x->pub, BACKUP_Z85_KEY_LEN) &&
       !put_meta(h, "server_key", x->sealed_secret, x->sealed_len) && !put_meta(h, "config", x->conf, x->conf_len) &&
       (!x->export || !put_meta(h, "master_export", x->export, x->export_len));
  /* The seal comes last: it covers every row above (within this
   * transaction) and everything the copy holds. */
  uint8_t mac[VAULT_MAC_BYTES];
  if (ok && backup_seal_content_mac(h, v, mac, why, sizeof why)) {
    sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
    snprintf(err, err_size, "cannot seal the backup: %s", why);
    return -1;
  }
  ok = ok && !put_meta(h, BACKUP_MAC_KEY, mac, sizeof mac);
  if (!ok || sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    snprintf(err, err_size, "cannot write backup_meta: %s", sqlite3_errmsg(h));
    sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
    return -1;
  }
  return 0;
}

/* The live database's record of the attempt: status shows it and the
 * scheduler finds the files it may delete through it. */
static void record_outcome(const char *dir, const char *to, int64_t at, int64_t bytes, int scheduled, const char *error)
{
  char err[256];
  db *d = NULL;
  int ok = 0;
  if (!db_open(dir, DB_OPEN, 1, &d, err, sizeof err) && !db_begin_write(d)) {
    sqlite3_stmt *st = db_prepare(d, "INSERT INTO backups(at, path, bytes, scheduled, ok, error) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (st) {
      sqlite3_bind_int64(st, 1, at);
      sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 3, bytes);
      sqlite3_bind_int(st, 4, scheduled ? 1 : 0);
      sqlite3_bind_int(st, 5, error ? 0 : 1);
      sqlite3_bind_text(st, 6, error ? error : "", -1, SQLITE_STATIC);
    }
    ok = st && db_step_done(st) == SQLITE_DONE && !db_commit(d);
    if (!ok) db_rollback(d);
  }
  if (!ok) log_line(LOG_WARN, "event=backup_not_recorded hint=\"the backups table could not be written\"");
  db_close(d);
}

static int make_copy(const char *dir, const vault *v, const extras *x, const char *partial, char *err, size_t err_size)
{
  char live[DATADIR_PATH_MAX];
  sqlite3 *src = NULL, *dst = NULL;
  int rc = -1;
  if (datadir_path(dir, DB_FILE_NAME, live, sizeof live)) {
    snprintf(err, err_size, "data directory path too long");
    return -1;
  }
  if (sqlite3_open_v2(live, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
    snprintf(err, err_size, "cannot open %s: %s", live, src ? sqlite3_errmsg(src) : "out of memory");
    goto out;
  }
  sqlite3_busy_timeout(src, 5000);
  if (sqlite3_open_v2(partial, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
    snprintf(err, err_size, "cannot open %s: %s", partial, dst ? sqlite3_errmsg(dst) : "out of memory");
    goto out;
  }
  if (backup_copy_db(src, dst, err, err_size) || finish_copy(dst, v, x, err, err_size)) goto out;
  rc = 0;
out:
  sqlite3_close(src);
  if (sqlite3_close(dst) != SQLITE_OK && !rc) {
    snprintf(err, err_size, "cannot close the copy");
    rc = -1;
  }
  return rc;
}

int backup_make(const char *data_dir, const vault *v, const char *backup_pass, const char *to, int scheduled,
                backup_result *out, char *err, size_t err_size)
{
  char partial[DATADIR_PATH_MAX];
  struct stat sb;
  extras x = {0};
  int64_t at = (int64_t)time(NULL), bytes = 0;
  int rc = -1, created = 0;
  if (out) *out = (backup_result){at, 0};
  if (!data_dir || !v || !to || !*to || snprintf(partial, sizeof partial, "%s.partial", to) >= (int)sizeof partial) {
    snprintf(err, err_size, "no backup target, or its path is too long");
    return -1;
  }
  if (lstat(to, &sb) == 0) {
    snprintf(err, err_size, "%s already exists: a backup never overwrites a file", to);
    return -1;
  }
  if (extras_gather(data_dir, v, backup_pass, &x, err, err_size)) goto out;
  int fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    snprintf(err, err_size, "cannot create %s: %s", partial, strerror(errno));
    goto out;
  }
  close(fd);
  created = 1;
  if (make_copy(data_dir, v, &x, partial, err, err_size)) goto out;
  /* The copy must be on disk before its name says it is complete; link
   * (not rename) so a file that appeared at `to` meanwhile is kept. */
  fd = open(partial, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 || fsync(fd) || fstat(fd, &sb)) {
    snprintf(err, err_size, "cannot flush %s to disk: %s", partial, strerror(errno));
    if (fd >= 0) close(fd);
    goto out;
  }
  close(fd);
  bytes = (int64_t)sb.st_size;
  if (link(partial, to)) {
    snprintf(err, err_size, "cannot name the backup %s: %s", to, strerror(errno));
    goto out;
  }
  unlink(partial);
  created = 0;
  if (backup_fsync_dir_of(to)) {
    snprintf(err, err_size, "cannot flush the directory of %s", to);
    goto out;
  }
  rc = 0;
out:
  if (created) unlink(partial);
  extras_free(&x);
  record_outcome(data_dir, to, at, bytes, scheduled, rc ? err : NULL);
  if (out) *out = (backup_result){at, bytes};
  return rc;
}
