#include "db.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db_schema.h"
#include "log.h"

/* Statements are cached by the address of their SQL literal, so the cache
 * holds at most one entry per literal in the code: it grows on demand up
 * to a bound far above that, and never evicts (a caller may be stepping a
 * statement while it prepares another). */
#define DB_STMT_CACHE_MAX 1024
#define DB_BUSY_TIMEOUT_MS 5000

struct db {
  sqlite3 *h;
  struct db_cached {
    const char *sql;
    sqlite3_stmt *st;
  } * cache;
  int n_cached, cap_cached;
  int in_write;
};

/* One writer at a time across all of this process's connections. */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

int db_schema_version(void)
{
  return db_schema_count;
}

static int exec(sqlite3 *h, const char *sql, char *err, size_t err_size)
{
  char *msg = NULL;
  int rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK) {
    snprintf(err, err_size, "%s", msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

static int user_version(sqlite3 *h, int *out)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) return -1;
  int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -1;
  if (!rc) *out = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return rc;
}

static int migrate(sqlite3 *h, char *err, size_t err_size)
{
  int v;
  if (user_version(h, &v)) {
    snprintf(err, err_size, "not a Reflect database, or it is corrupt: %s", sqlite3_errmsg(h));
    return -1;
  }
  if (v > db_schema_count) {
    snprintf(err, err_size,
             "the database has schema version %d but this reflectd knows only up to %d; "
             "upgrade reflectd",
             v, db_schema_count);
    return -1;
  }
  for (; v < db_schema_count; v++) {
    char sql[64];
    pthread_mutex_lock(&write_lock);
    int rc = exec(h, "BEGIN IMMEDIATE", err, err_size);
    /* Another connection may have migrated while we waited for the lock. */
    int now_at = v;
    if (!rc && user_version(h, &now_at)) rc = -1;
    if (!rc && now_at > v) {
      exec(h, "ROLLBACK", err, err_size);
      pthread_mutex_unlock(&write_lock);
      v = now_at - 1;
      continue;
    }
    if (!rc) rc = exec(h, db_schema_migrations[v], err, err_size);
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
    if (!rc) rc = exec(h, sql, err, err_size);
    if (!rc) rc = exec(h, "COMMIT", err, err_size);
    if (rc) sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&write_lock);
    if (rc) return -1;
    log_line(LOG_INFO, "event=migrated schema=%d", v + 1);
  }
  return 0;
}

int db_open(const char *data_dir, int mode, int synchronous_full, db **out, char *err, size_t err_size)
{
  char path[4096];
  *out = NULL;
  if (snprintf(path, sizeof path, "%s/%s", data_dir, DB_FILE_NAME) >= (int)sizeof path) {
    snprintf(err, err_size, "data directory path too long");
    return -1;
  }
  struct stat sb;
  if (mode == DB_OPEN && stat(path, &sb) != 0) {
    snprintf(err, err_size, "no database at %s (run `reflectd init --data %s` first)", path, data_dir);
    return -1;
  }
  db *d = calloc(1, sizeof *d);
  if (!d) {
    snprintf(err, err_size, "out of memory");
    return -1;
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW |
              (mode == DB_CREATE ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path, &d->h, flags, NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, err_size, "cannot open %s: %s", path, d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
    db_close(d);
    return -1;
  }
  sqlite3_extended_result_codes(d->h, 1);
  sqlite3_busy_timeout(d->h, DB_BUSY_TIMEOUT_MS);
  /* secure_delete: freed pages are zeroed, so a crypto-shredded key or a
   * deleted token does not linger in free pages. */
  char pragmas[256];
  snprintf(pragmas, sizeof pragmas,
           "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;"
           "PRAGMA secure_delete=ON; PRAGMA trusted_schema=OFF;",
           synchronous_full ? "FULL" : "NORMAL");
  if (exec(d->h, pragmas, err, err_size) || migrate(d->h, err, err_size)) {
    char detail[256];
    snprintf(detail, sizeof detail, "%s", err);
    int damaged = (sqlite3_errcode(d->h) & 0xff) == SQLITE_NOTADB || (sqlite3_errcode(d->h) & 0xff) == SQLITE_CORRUPT;
    snprintf(err, err_size, "%s: %s%s", path, detail,
             damaged ? " (the database is damaged: restore it from a backup)" : "");
    db_close(d);
    return -1;
  }
  *out = d;
  return 0;
}

void db_close(db *d)
{
  if (!d) return;
  for (int i = 0; i < d->n_cached; i++) sqlite3_finalize(d->cache[i].st);
  free(d->cache);
  if (d->in_write) db_rollback(d);
  sqlite3_close(d->h);
  free(d);
}

sqlite3 *db_handle(db *d)
{
  return d->h;
}

sqlite3_stmt *db_prepare(db *d, const char *sql)
{
  for (int i = 0; i < d->n_cached; i++) {
    if (d->cache[i].sql == sql) {
      sqlite3_reset(d->cache[i].st);
      sqlite3_clear_bindings(d->cache[i].st);
      return d->cache[i].st;
    }
  }
  sqlite3_stmt *st;
  if (sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
    log_line(LOG_ERROR, "event=prepare_failed error=\"%s\"", sqlite3_errmsg(d->h));
    return NULL;
  }
  if (d->n_cached == d->cap_cached) {
    int cap = d->cap_cached ? d->cap_cached * 2 : 64;
    struct db_cached *bigger = cap <= DB_STMT_CACHE_MAX ? realloc(d->cache, sizeof *bigger * (size_t)cap) : NULL;
    if (!bigger) {
      /* Only a bug (SQL built at run time) or no memory gets here. */
      log_line(LOG_ERROR, "event=stmt_cache_full cached=%d", d->n_cached);
      sqlite3_finalize(st);
      return NULL;
    }
    d->cache = bigger;
    d->cap_cached = cap;
  }
  d->cache[d->n_cached].sql = sql;
  d->cache[d->n_cached].st = st;
  d->n_cached++;
  return st;
}

int db_step_done(sqlite3_stmt *st)
{
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc;
}

int db_one_int64(sqlite3_stmt *st, int64_t *out)
{
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc;
}

int db_one_int(sqlite3_stmt *st, int *out)
{
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *out = sqlite3_column_int(st, 0);
  sqlite3_reset(st);
  return rc;
}

int db_one_exists(sqlite3_stmt *st, int *yes)
{
  int rc = sqlite3_step(st);
  *yes = rc == SQLITE_ROW;
  sqlite3_reset(st);
  return rc;
}

int db_settle(db *d, char *what, size_t what_size)
{
  int dirty = 0;
  if (what_size) what[0] = '\0';
  for (sqlite3_stmt *st = sqlite3_next_stmt(d->h, NULL); st; st = sqlite3_next_stmt(d->h, st)) {
    if (!sqlite3_stmt_busy(st)) continue;
    if (!dirty && what_size) snprintf(what, what_size, "%s", sqlite3_sql(st));
    dirty = 1;
    sqlite3_reset(st);
  }
  if (!sqlite3_get_autocommit(d->h)) {
    if (!dirty && what_size) snprintf(what, what_size, "an open transaction");
    dirty = 1;
    if (d->in_write) db_rollback(d);
    else sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
  }
  return dirty;
}

void db_settle_after(db *d, const char *unit, int op)
{
  char what[256], quoted[300];
  if (!db_settle(d, what, sizeof what)) return;
  log_quote(what, quoted, sizeof quoted);
#ifdef REFLECT_STRICT_DB
  log_line(LOG_ERROR, "event=db_leftover unit=%s op=%d sql=%s action=abort", unit, op, quoted);
  abort();
#else
  static atomic_uchar reported[1024];
  if (op >= 0 && op < (int)sizeof reported && atomic_exchange(&reported[op], 1)) return;
  log_line(LOG_ERROR, "event=db_leftover unit=%s op=%d sql=%s action=reset", unit, op, quoted);
#endif
}

int db_next_id(db *d, const char *sql, int64_t *id)
{
  sqlite3_stmt *st = db_prepare(d, sql);
  if (!st) return SQLITE_ERROR;
  int rc = db_one_int64(st, id);
  return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

int db_begin_read(db *d)
{
  sqlite3_stmt *st = db_prepare(d, "BEGIN");
  return st ? db_step_done(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR : SQLITE_ERROR;
}

void db_end_read(db *d)
{
  sqlite3_stmt *st = db_prepare(d, "COMMIT");
  if (!st || db_step_done(st) != SQLITE_DONE) sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
}

int db_begin_write(db *d)
{
  pthread_mutex_lock(&write_lock);
  int rc = sqlite3_exec(d->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    pthread_mutex_unlock(&write_lock);
    return rc;
  }
  d->in_write = 1;
  return SQLITE_OK;
}

int db_commit(db *d)
{
  int rc = sqlite3_exec(d->h, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK) { sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL); }
  d->in_write = 0;
  pthread_mutex_unlock(&write_lock);
  return rc;
}

void db_rollback(db *d)
{
  if (!d->in_write) return;
  sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
  d->in_write = 0;
  pthread_mutex_unlock(&write_lock);
}

int db_meta_get(db *d, const char *key, void *buf, size_t size, size_t *len)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT value FROM meta WHERE key = ?1");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int rc = -1;
  if (sqlite3_step(st) == SQLITE_ROW) {
    size_t n = (size_t)sqlite3_column_bytes(st, 0);
    if (n <= size) {
      memcpy(buf, sqlite3_column_blob(st, 0), n);
      *len = n;
      rc = 0;
    }
  }
  sqlite3_reset(st);
  return rc;
}
