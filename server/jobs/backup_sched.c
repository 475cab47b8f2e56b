/* Scheduled backups with keep-N retention, on their own thread (backup.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backup.h"
#include "datadir.h"
#include "db.h"
#include "log.h"

/* While sealed, look again this often: an unseal should not wait a day. */
#define SEALED_RETRY_S 60
/* Removals per run, so a run stays short; any rest go next time. */
#define PRUNE_MAX 16

struct backup_sched {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int stop;
  char dir[DATADIR_PATH_MAX];
  config cfg;
  keystate *ks;
  int64_t every_s;
};

static int64_t interval_s(const config *cfg)
{
  const char *env = getenv("REFLECT_BACKUP_EVERY_SECONDS");
  if (env && *env) {
    char *end;
    long v = strtol(env, &end, 10);
    if (!*end && v >= 1 && v <= 86400) return v;
    log_line(LOG_WARN, "event=backup_interval_ignored hint=\"REFLECT_BACKUP_EVERY_SECONDS takes 1..86400\"");
  }
  return (int64_t)cfg->backup_every_hours * 3600;
}

/* The newest successful backup of any kind, or 0. */
static int64_t newest_backup(const char *dir)
{
  char err[256];
  db *d = NULL;
  int64_t at = 0;
  if (db_open(dir, DB_OPEN, 1, &d, err, sizeof err) == 0 && db_begin_read(d) == 0) {
    sqlite3_stmt *st = db_prepare(d, "SELECT coalesce(max(at), 0) FROM backups WHERE ok = 1");
    if (st && sqlite3_step(st) == SQLITE_ROW) at = sqlite3_column_int64(st, 0);
    if (st) sqlite3_reset(st);
    db_end_read(d);
  }
  db_close(d);
  return at;
}

/* Only a file this scheduler named, in its own directory, may be removed:
 * the table is data, and data must not choose what gets deleted. */
static int ours(const backup_sched *b, const char *path)
{
  size_t n = strlen(b->cfg.backup_dir);
  if (strncmp(path, b->cfg.backup_dir, n) || path[n] != '/') return 0;
  const char *name = path + n + 1;
  if (strlen(name) != strlen("reflect-YYYYMMDDTHHMMSSZ.bak") || strncmp(name, "reflect-", 8) ||
      strcmp(name + 24, ".bak"))
    return 0;
  for (const char *p = name + 8; p < name + 24; p++)
    if (!((*p >= '0' && *p <= '9') || (p == name + 16 && *p == 'T') || (p == name + 23 && *p == 'Z'))) return 0;
  return 1;
}

static void prune(backup_sched *b)
{
  char err[256];
  db *d = NULL;
  if (db_open(b->dir, DB_OPEN, 1, &d, err, sizeof err)) {
    log_line(LOG_WARN, "event=backup_prune_failed error=\"cannot open the database\"");
    return;
  }
  int64_t ids[PRUNE_MAX];
  char paths[PRUNE_MAX][DATADIR_PATH_MAX];
  int n = 0, kept = 0;
  if (db_begin_read(d) == 0) {
    sqlite3_stmt *st = db_prepare(d, "SELECT id, path FROM backups WHERE scheduled = 1 AND ok = 1 AND "
                                     "removed_at IS NULL ORDER BY at DESC, id DESC LIMIT 1016");
    while (st && n < PRUNE_MAX && sqlite3_step(st) == SQLITE_ROW) {
      if (kept++ < b->cfg.backup_keep) continue;
      const char *p = (const char *)sqlite3_column_text(st, 1);
      if (!p || snprintf(paths[n], sizeof paths[n], "%s", p) >= (int)sizeof paths[n]) continue;
      ids[n++] = sqlite3_column_int64(st, 0);
    }
    if (st) sqlite3_reset(st);
    db_end_read(d);
  }
  for (int i = 0; i < n; i++) {
    char q[300];
    if (!ours(b, paths[i])) {
      log_line(LOG_WARN, "event=backup_prune_refused id=%lld path=%s", (long long)ids[i],
               log_quote(paths[i], q, sizeof q));
      continue;
    }
    if (unlink(paths[i]) && errno != ENOENT) {
      log_line(LOG_WARN, "event=backup_prune_failed path=%s error=\"%s\"", log_quote(paths[i], q, sizeof q),
               strerror(errno));
      continue;
    }
    sqlite3_stmt *st = NULL;
    int ok = db_begin_write(d) == 0 &&
             (st = db_prepare(d, "UPDATE backups SET removed_at = ?1 WHERE id = ?2 AND removed_at IS NULL")) != NULL;
    if (st) {
      sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
      sqlite3_bind_int64(st, 2, ids[i]);
    }
    ok = ok && db_step_done(st) == SQLITE_DONE && db_commit(d) == 0;
    if (!ok) db_rollback(d);
    log_line(ok ? LOG_INFO : LOG_WARN, "event=%s path=%s", ok ? "backup_removed" : "backup_remove_unrecorded",
             log_quote(paths[i], q, sizeof q));
  }
  db_close(d);
}

static void run_once(backup_sched *b)
{
  /* Works from a copy of the keys, holding no lock (see vault_clone). */
  const vault *cur = keystate_acquire(b->ks);
  if (!cur) {
    log_line(LOG_INFO, "event=backup_skipped reason=sealed");
    return;
  }
  vault *v = NULL;
  int crc = vault_clone(cur, &v);
  keystate_release(b->ks);
  if (crc) {
    log_line(LOG_ERROR, "event=backup_failed error=\"out of memory\"");
    return;
  }
  char path[DATADIR_PATH_MAX], name[40], err[512], q[600];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(name, sizeof name, "reflect-%Y%m%dT%H%M%SZ.bak", &tm);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  backup_result res = {0};
  int rc = datadir_path(b->cfg.backup_dir, name, path, sizeof path)
               ? -1
               : backup_make(b->dir, v, NULL, path, 1, &res, err, sizeof err);
  vault_close(v);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ms = (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
  if (rc) {
    log_line(LOG_ERROR, "event=backup_failed error=%s", log_quote(err, q, sizeof q));
    return;
  }
  log_line(LOG_INFO, "event=backup_done path=%s bytes=%lld ms=%ld", log_quote(path, q, sizeof q), (long long)res.bytes,
           ms);
  prune(b);
}

static void *sched_main(void *arg)
{
  backup_sched *b = arg;
  int64_t newest = newest_backup(b->dir), now = (int64_t)time(NULL);
  int64_t wait_s = newest && newest + b->every_s > now ? newest + b->every_s - now : 0;
  pthread_mutex_lock(&b->mu);
  while (!b->stop) {
    struct timespec due;
    clock_gettime(CLOCK_MONOTONIC, &due);
    due.tv_sec += (time_t)wait_s;
    while (!b->stop && pthread_cond_timedwait(&b->cv, &b->mu, &due) != ETIMEDOUT) {}
    if (b->stop) break;
    pthread_mutex_unlock(&b->mu);
    int sealed = keystate_sealed(b->ks);
    run_once(b);
    wait_s = sealed && b->every_s > SEALED_RETRY_S ? SEALED_RETRY_S : b->every_s;
    pthread_mutex_lock(&b->mu);
  }
  pthread_mutex_unlock(&b->mu);
  return NULL;
}

int backup_sched_start(const char *data_dir, const config *cfg, keystate *ks, backup_sched **out)
{
  *out = NULL;
  if (!cfg->backup_dir[0]) return 0;
  backup_sched *b = calloc(1, sizeof *b);
  if (!b || snprintf(b->dir, sizeof b->dir, "%s", data_dir) >= (int)sizeof b->dir) {
    free(b);
    return -1;
  }
  b->cfg = *cfg;
  b->ks = ks;
  b->every_s = interval_s(cfg);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_mutex_init(&b->mu, NULL);
  pthread_cond_init(&b->cv, &ca);
  pthread_condattr_destroy(&ca);
  if (pthread_create(&b->thread, NULL, sched_main, b)) {
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
    free(b);
    return -1;
  }
  char q[CONFIG_PATH_MAX + 8];
  log_line(LOG_INFO, "event=backup_scheduled dir=%s every_s=%lld keep=%d", log_quote(cfg->backup_dir, q, sizeof q),
           (long long)b->every_s, cfg->backup_keep);
  *out = b;
  return 0;
}

void backup_sched_stop(backup_sched *b)
{
  if (!b) return;
  pthread_mutex_lock(&b->mu);
  b->stop = 1;
  pthread_cond_signal(&b->cv);
  pthread_mutex_unlock(&b->mu);
  pthread_join(b->thread, NULL);
  pthread_cond_destroy(&b->cv);
  pthread_mutex_destroy(&b->mu);
  free(b);
}
