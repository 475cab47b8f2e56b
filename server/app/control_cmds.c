/* control_cmds — see control_cmds.h. */
#define _GNU_SOURCE
#include "control_cmds.h"

#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backup.h"
#include "commands.h"
#include "unseal.h"
#include "control.h"
#include "db.h"
#include "log.h"
#include "rotate.h"
#include "serve_setup.h"

/* The longest wait after failed unseals (1, 2, 4 ... seconds). */
#define UNSEAL_DELAY_MAX_S 30
#define NEW_PASSPHRASE_MIN 8

static int64_t mono_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void fail(char *reply, size_t size, const char *why)
{
  snprintf(reply, size, "error: %s\n", why);
}

static int64_t file_size(const char *dir, const char *name)
{
  char path[1200];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* Control characters in a stored path would break the line protocol. */
static void clean_value(char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f) *s = '?';
}

/* The newest backups row, read straight from the file: it is clear data,
 * readable while sealed, and status must not take the write lock. */
static void last_backup(const char *dir, int64_t *at, char *path, size_t size, int *ok)
{
  char file[1200];
  sqlite3 *h = NULL;
  snprintf(file, sizeof file, "%s/%s", dir, DB_FILE_NAME);
  *at = 0;
  *ok = 0;
  path[0] = '\0';
  if (sqlite3_open_v2(file, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
    sqlite3_busy_timeout(h, 1000);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h, "SELECT at, path, ok FROM backups ORDER BY id DESC LIMIT 1", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      *at = sqlite3_column_int64(st, 0);
      snprintf(path, size, "%s",
               (const char *)sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
      *ok = sqlite3_column_int(st, 2) != 0;
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  clean_value(path);
}

static void ctl_status(control_ctx *c, char *reply, size_t size)
{
  const server_stats *s = c->stats;
  int64_t at, now = (int64_t)time(NULL);
  int ok;
  char path[1024];
  last_backup(c->data_dir, &at, path, sizeof path, &ok);
  snprintf(reply, size,
           "ok\nversion=%s\npid=%ld\nuptime_s=%lld\nsealed=%s\nclients=%lld\nsubscribers=%lld\n"
           "refused_handshakes=%llu\nrequests_served=%llu\n"
           "refused_busy=%llu\nqueue_now=%lld\nqueue_peak=%lld\ndb_bytes=%lld\nlast_backup_at=%lld\n"
           "last_backup_path=%s\nlast_backup_ok=%s\ndata_dir=%s\n",
           REFLECT_VERSION, (long)getpid(), (long long)(now - s->started_at), keystate_sealed(c->keys) ? "yes" : "no",
           (long long)atomic_load(&s->clients), (long long)atomic_load(&s->subscribers),
           (unsigned long long)atomic_load(&s->refused_handshakes), (unsigned long long)atomic_load(&s->served),
           (unsigned long long)atomic_load(&s->refused_busy), (long long)atomic_load(&s->queued),
           (long long)atomic_load(&s->queued_peak),
           (long long)(file_size(c->data_dir, DB_FILE_NAME) + file_size(c->data_dir, DB_FILE_NAME "-wal")),
           (long long)at, path, at ? (ok ? "yes" : "no") : "", c->data_dir);
}

static int install_vault(void *arg, const vault *current, vault **next)
{
  if (current) return 1;
  *next = arg;
  return 0;
}

/* Waits seconds, or less if the server stops meanwhile. */
static void pause_for(control_ctx *c, int seconds)
{
  struct pollfd p = {c->stop_fd, POLLIN, 0};
  int r = poll(&p, 1, seconds * 1000);
  (void)r;
}

static void ctl_unseal(control_ctx *c, char **lines, size_t n, char *reply, size_t size)
{
  if (n != 2 || !*lines[1]) {
    fail(reply, size, "unseal takes the passphrase on the next line");
    return;
  }
  if (!keystate_sealed(c->keys)) {
    fail(reply, size, "already unsealed");
    return;
  }
  int64_t t0 = mono_ms();
  char err[512];
  db *d = NULL;
  vault *v = NULL;
  /* Argon2id runs here, with no lock held: requests keep getting their
   * quick UNAVAILABLE meanwhile. */
  int rc = db_open(c->data_dir, DB_OPEN, c->cfg.synchronous_full, &d, err, sizeof err);
  if (rc == 0) rc = unseal_open_vault(c->data_dir, d, lines[1], &v, err, sizeof err);
  db_close(d);
  if (rc == UNSEAL_EWRONGKEY) {
    c->failed_unseals++;
    int delay = c->failed_unseals >= 6 ? UNSEAL_DELAY_MAX_S : 1 << (c->failed_unseals - 1);
    log_line(LOG_WARN, "event=unseal_failed reason=wrong_passphrase failures=%d delay_s=%d", c->failed_unseals, delay);
    pause_for(c, delay);
    fail(reply, size, "wrong passphrase");
    return;
  }
  if (rc) {
    fail(reply, size, err);
    return;
  }
  /* The fix-ups that need keys run before the keys are installed, so no
   * request (and no retention run) ever sees the data before them: a case
   * shredded meanwhile would otherwise still be readable in a record not
   * yet moved. Requests keep getting UNAVAILABLE until it is done. */
  serve_setup_keys_ready(c->data_dir, &c->cfg, v);
  if (keystate_swap(c->keys, install_vault, v) != 0) {
    vault_close(v);
    fail(reply, size, "already unsealed");
    return;
  }
  c->failed_unseals = 0;
  int64_t ms = mono_ms() - t0;
  log_line(LOG_INFO, "event=unsealed ms=%lld", (long long)ms);
  snprintf(reply, size, "ok\nms=%lld\n", (long long)ms);
}

typedef struct {
  const char *dir;
  db *d;
  vault *fresh;
  const uint8_t *salt;
  rotate_result res;
  int adopted;
  char err[512];
} rotate_job;

static int rotate_in_lock(void *arg, const vault *current, vault **next)
{
  rotate_job *j = arg;
  if (!current) {
    snprintf(j->err, sizeof j->err, "the server is sealed: unseal it first");
    return -1;
  }
  if (vault_copy_index_key(j->fresh, current) != VAULT_OK) {
    snprintf(j->err, sizeof j->err, "out of memory");
    return -1;
  }
  if (rotate_master(j->dir, j->d, current, j->fresh, j->salt, &j->res, j->err, sizeof j->err)) return -1;
  *next = j->fresh;
  j->adopted = 1;
  return 0;
}

static void ctl_rotate(control_ctx *c, char **lines, size_t n, char *reply, size_t size)
{
  int64_t t0 = mono_ms();
  char mode[32] = "";
  rotate_job j = {.dir = c->data_dir};
  uint8_t salt[VAULT_SALT_BYTES];
  if (keystate_sealed(c->keys)) {
    fail(reply, size, "the server is sealed: unseal it first");
    return;
  }
  if (db_open(c->data_dir, DB_OPEN, c->cfg.synchronous_full, &j.d, j.err, sizeof j.err) ||
      rotate_seal_mode(j.d, mode, sizeof mode)) {
    if (!j.err[0]) snprintf(j.err, sizeof j.err, "the database has no seal mode");
    fail(reply, size, j.err);
    db_close(j.d);
    return;
  }
  int passphrase = !strcmp(mode, "passphrase");
  const char *why = NULL;
  if (passphrase && n != 3) why = "this directory is sealed with a passphrase: send the new one twice";
  else if (passphrase && strcmp(lines[1], lines[2])) why = "the two new passphrases differ";
  else if (passphrase && strlen(lines[1]) < NEW_PASSPHRASE_MIN)
    why = "the new passphrase is too short (8 or more characters)";
  else if (!passphrase && n != 1) why = "this directory uses a key file: rotate takes no lines";
  /* The new key is made (or stretched) before the lock: requests wait only
   * for the re-wrap itself. */
  int vrc = VAULT_OK;
  if (!why && passphrase) {
    vault_new_salt(salt);
    j.salt = salt;
    vrc = vault_open_passphrase(lines[1], strlen(lines[1]), salt, &j.fresh, NULL);
  } else if (!why) {
    vrc = vault_create_random(&j.fresh, NULL);
  }
  if (!why && vrc) why = "could not make the new master key";
  if (why) {
    fail(reply, size, why);
    db_close(j.d);
    return;
  }
  int64_t t1 = mono_ms();
  int rc = keystate_swap(c->keys, rotate_in_lock, &j);
  int64_t locked_ms = mono_ms() - t1;
  if (!j.adopted) vault_close(j.fresh);
  db_close(j.d);
  if (rc) {
    log_line(LOG_ERROR, "event=rotation_failed");
    fail(reply, size, j.err);
    return;
  }
  log_line(LOG_INFO, "event=rotation_done keys=%lld locked_ms=%lld", (long long)j.res.keys_rewrapped,
           (long long)locked_ms);
  snprintf(reply, size, "ok\nkeys_rewrapped=%lld\nretired=%s\nfiles_pending=%d\nms=%lld\nlocked_ms=%lld\n",
           (long long)j.res.keys_rewrapped, j.res.retired_path, j.res.files_pending, (long long)(mono_ms() - t0),
           (long long)locked_ms);
}

static void ctl_backup(control_ctx *c, char **lines, size_t n, char *reply, size_t size)
{
  if (n < 2 || n > 3 || lines[1][0] != '/') {
    fail(reply, size, "backup takes an absolute target path, then the backup passphrase or an empty line");
    return;
  }
  const char *pass = n == 3 && lines[2][0] ? lines[2] : NULL;
  char err[512];
  backup_result res = {0};
  int64_t t0 = mono_ms();
  /* A copy of the keys, so the (long) backup holds no lock: a rotation
   * meanwhile goes ahead, and the backup notices it (backup.c refuses a
   * copy whose key check is no longer this key's). */
  const vault *cur = keystate_acquire(c->keys);
  if (!cur) {
    fail(reply, size, "the server is sealed: unseal it first");
    return;
  }
  vault *v = NULL;
  int crc = vault_clone(cur, &v);
  keystate_release(c->keys);
  if (crc) {
    fail(reply, size, "out of memory");
    return;
  }
  int rc = backup_make(c->data_dir, v, pass, lines[1], 0, &res, err, sizeof err);
  vault_close(v);
  if (rc) {
    fail(reply, size, err);
    return;
  }
  char path[CONTROL_LINE_MAX];
  snprintf(path, sizeof path, "%s", lines[1]);
  clean_value(path);
  snprintf(reply, size, "ok\npath=%s\nbytes=%lld\nat=%lld\nms=%lld\n", path, (long long)res.bytes, (long long)res.at,
           (long long)(mono_ms() - t0));
}

void control_cmds_handle(control_ctx *c, char **lines, size_t n, char *reply, size_t size)
{
  const char *cmd = n ? lines[0] : "";
  if (!strcmp(cmd, "status")) ctl_status(c, reply, size);
  else if (!strcmp(cmd, "unseal")) ctl_unseal(c, lines, n, reply, size);
  else if (!strcmp(cmd, "rotate")) ctl_rotate(c, lines, n, reply, size);
  else if (!strcmp(cmd, "backup")) ctl_backup(c, lines, n, reply, size);
  else fail(reply, size, "unknown command (status, unseal, rotate, backup)");
  if (strcmp(cmd, "status"))
    log_line(LOG_INFO, "event=control_command command=%s ok=%d",
             !strcmp(cmd, "unseal") || !strcmp(cmd, "rotate") || !strcmp(cmd, "backup") ? cmd : "unknown",
             !strncmp(reply, "ok\n", 3));
}
