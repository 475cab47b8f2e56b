/* rotate — see rotate.h. The order of file and database steps is what
 * makes a crash at any point recoverable: the new key exists on disk
 * before the database depends on it, and the old key is kept (retired)
 * before anything replaces it. */
#define _GNU_SOURCE
#include "rotate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "datadir.h"
#include "log.h"

/* Keys re-wrapped per read of data_keys: the rows are copied out before
 * they are updated, so the SELECT never runs over rows it is changing. */
#define ROTATE_BATCH 128
#define ROTATE_SUBJECT_MAX 128
#define ROTATE_WRAPPED_MAX 256

static int fsync_dir(const char *dir)
{
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

static int set_meta(db *d, const char *key, const void *value, size_t len)
{
  sqlite3_stmt *st = db_prepare(d, "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_blob(st, 2, value, (int)len, SQLITE_STATIC);
  int rc = db_step_done(st);
  sqlite3_clear_bindings(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

typedef struct {
  int64_t id;
  char subject[ROTATE_SUBJECT_MAX + 1];
  uint8_t wrapped[ROTATE_WRAPPED_MAX];
  size_t wrapped_len;
} key_row;

/* Reads up to ROTATE_BATCH live keys with id > after. -1 on a row that
 * cannot be a key this server wrote (it would fail to unwrap anyway). */
static int read_batch(db *d, int64_t after, key_row *rows, int *n)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT id, subject, wrapped FROM data_keys "
                                   "WHERE wrapped IS NOT NULL AND id > ?1 ORDER BY id LIMIT 128");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, after);
  int rc = 0, k = 0, s;
  while (k < ROTATE_BATCH && (s = sqlite3_step(st)) == SQLITE_ROW) {
    const char *subject = (const char *)sqlite3_column_text(st, 1);
    size_t slen = (size_t)sqlite3_column_bytes(st, 1), wlen = (size_t)sqlite3_column_bytes(st, 2);
    if (!subject || slen > ROTATE_SUBJECT_MAX || wlen > ROTATE_WRAPPED_MAX) {
      rc = -1;
      break;
    }
    rows[k].id = sqlite3_column_int64(st, 0);
    memcpy(rows[k].subject, subject, slen + 1);
    memcpy(rows[k].wrapped, sqlite3_column_blob(st, 2), wlen);
    rows[k].wrapped_len = wlen;
    k++;
  }
  sqlite3_reset(st);
  *n = k;
  return rc;
}

static int rewrap_all(db *d, const vault *old, const vault *fresh, int64_t *count, char *err, size_t err_size)
{
  key_row *rows = calloc(ROTATE_BATCH, sizeof *rows);
  if (!rows) {
    snprintf(err, err_size, "out of memory");
    return -1;
  }
  int64_t after = 0;
  int n = 0, rc = 0;
  *count = 0;
  do {
    if (read_batch(d, after, rows, &n)) {
      snprintf(err, err_size, "a data key row after id %lld is malformed", (long long)after);
      rc = -1;
      break;
    }
    for (int i = 0; i < n && !rc; i++) {
      uint8_t *w = NULL;
      size_t wlen = 0;
      int vrc = vault_rewrap_data_key(old, fresh, rows[i].id, rows[i].subject, rows[i].wrapped, rows[i].wrapped_len, &w,
                                      &wlen);
      if (vrc) {
        snprintf(err, err_size, "data key %lld does not open under the current master key: %s", (long long)rows[i].id,
                 vault_strerror(vrc));
        rc = -1;
        break;
      }
      sqlite3_stmt *st = db_prepare(d, "UPDATE data_keys SET wrapped = ?1 WHERE id = ?2");
      if (st) {
        sqlite3_bind_blob(st, 1, w, (int)wlen, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, rows[i].id);
      }
      free(w);
      if (!st || db_step_done(st) != SQLITE_DONE) {
        snprintf(err, err_size, "could not store re-wrapped data key %lld", (long long)rows[i].id);
        rc = -1;
        break;
      }
      after = rows[i].id;
      (*count)++;
    }
  } while (!rc && n == ROTATE_BATCH);
  free(rows);
  return rc;
}

static int rewrap_meta(db *d, const vault *fresh, const uint8_t *new_salt)
{
  uint8_t check[VAULT_CHECK_BYTES], *iw = NULL;
  size_t iw_len = 0;
  if (vault_make_check(fresh, check) || vault_wrap_index_key(fresh, &iw, &iw_len)) return -1;
  int rc = set_meta(d, "key_check", check, sizeof check) || set_meta(d, "index_key", iw, iw_len) ||
           (new_salt && set_meta(d, "passphrase_salt", new_salt, VAULT_SALT_BYTES));
  free(iw);
  return rc ? -1 : 0;
}

int rotate_finish_keyfile(const char *dir, char *retired, size_t retired_size, char *err, size_t err_size)
{
  char key[DATADIR_PATH_MAX], fresh[DATADIR_PATH_MAX], rdir[DATADIR_PATH_MAX], path[DATADIR_PATH_MAX];
  if (datadir_path(dir, DATADIR_MASTER_KEY, key, sizeof key) ||
      datadir_path(dir, ROTATE_NEW_KEY, fresh, sizeof fresh) ||
      datadir_path(dir, ROTATE_RETIRED_DIR, rdir, sizeof rdir)) {
    snprintf(err, err_size, "the data directory's path is too long");
    return -1;
  }
  if (mkdir(rdir, 0700) != 0 && errno != EEXIST) {
    snprintf(err, err_size, "cannot create %s: %s", rdir, strerror(errno));
    return -1;
  }
  time_t now = time(NULL);
  struct tm tm;
  char stamp[32];
  gmtime_r(&now, &tm);
  strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  /* link(), not rename(): master.key stays valid until the new key
   * replaces it in one atomic rename, so no crash leaves no key at all.
   * Two rotations in one second get a numbered suffix rather than
   * overwriting the first retired key. */
  int linked = 0;
  for (int i = 0; i < 100 && !linked; i++) {
    int n = i ? snprintf(path, sizeof path, "%s/master-%s-%d.key", rdir, stamp, i)
              : snprintf(path, sizeof path, "%s/master-%s.key", rdir, stamp);
    if (n < 0 || (size_t)n >= sizeof path) break;
    if (link(key, path) == 0) linked = 1;
    else if (errno != EEXIST) break;
  }
  if (!linked) {
    snprintf(err, err_size, "cannot keep the old key in %s: %s", rdir, strerror(errno));
    return -1;
  }
  if (fsync_dir(rdir) != 0 || rename(fresh, key) != 0 || fsync_dir(dir) != 0) {
    snprintf(err, err_size, "cannot move %s into place: %s", fresh, strerror(errno));
    return -1;
  }
  if (retired) snprintf(retired, retired_size, "%s", path);
  return 0;
}

int rotate_seal_mode(db *d, char *mode, size_t size)
{
  size_t n = 0;
  if (size == 0 || db_meta_get(d, "seal_mode", mode, size - 1, &n)) return -1;
  mode[n] = '\0';
  return 0;
}

int rotate_master(const char *dir, db *d, const vault *old, const vault *fresh, const uint8_t *new_salt,
                  rotate_result *out, char *err, size_t err_size)
{
  memset(out, 0, sizeof *out);
  if (err_size) err[0] = '\0';
  char mode[32], newkey[DATADIR_PATH_MAX];
  if (!old || !fresh || datadir_path(dir, ROTATE_NEW_KEY, newkey, sizeof newkey)) {
    snprintf(err, err_size, "invalid rotation request");
    return -1;
  }
  if (rotate_seal_mode(d, mode, sizeof mode)) {
    snprintf(err, err_size, "%s has no seal mode: not initialised by reflectd init?", dir);
    return -1;
  }
  int keyfile = strcmp(mode, "passphrase") != 0;
  /* Changing how the directory is sealed is not a rotation: refuse rather
   * than leave a key file nobody expects, or none where one is needed. */
  if (keyfile != (new_salt == NULL)) {
    snprintf(err, err_size,
             keyfile ? "%s uses a key file: a rotation cannot seal it with a passphrase"
                     : "%s is sealed with a passphrase: give the new passphrase",
             dir);
    return -1;
  }
  if (keyfile) {
    int vrc = vault_write_keyfile(fresh, newkey);
    if (vrc) {
      snprintf(err, err_size,
               vrc == VAULT_EEXIST ? "%s exists: another rotation is under way or crashed (restart "
                                     "the server to settle it)"
                                   : "cannot write %s: %s",
               newkey, vault_strerror(vrc));
      return -1;
    }
  }
  if (db_begin_write(d) != SQLITE_OK) {
    snprintf(err, err_size, "the database is busy or unwritable: %s", sqlite3_errmsg(db_handle(d)));
    if (keyfile) unlink(newkey);
    return -1;
  }
  if (rewrap_all(d, old, fresh, &out->keys_rewrapped, err, err_size) || rewrap_meta(d, fresh, new_salt) ||
      db_commit(d) != SQLITE_OK) {
    if (!*err) snprintf(err, err_size, "could not store the re-wrapped keys: %s", sqlite3_errmsg(db_handle(d)));
    db_rollback(d);
    if (keyfile) unlink(newkey);
    out->keys_rewrapped = 0;
    return -1;
  }
  const char *crash = getenv("REFLECT_ROTATE_CRASH_AFTER_COMMIT");
  if (crash && !strcmp(crash, "1")) _exit(1);
  if (keyfile) {
    char why[512] = "";
    if (rotate_finish_keyfile(dir, out->retired_path, sizeof out->retired_path, why, sizeof why)) {
      char q[600];
      out->files_pending = 1;
      log_line(LOG_ERROR, "event=rotation_files_pending error=%s hint=\"the next start completes it\"",
               log_quote(why, q, sizeof q));
    }
  }
  log_line(LOG_INFO, "event=rotated keys=%lld mode=%s", (long long)out->keys_rewrapped,
           keyfile ? "keyfile" : "passphrase");
  return 0;
}
