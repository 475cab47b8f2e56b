#include "store_throttle.h"

#include <stdio.h>
#include <string.h>

#include "rc.h"

rcode store_throttle_check(db *d, const char *key, int64_t *locked_until)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT locked_until FROM login_throttle WHERE key = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  *locked_until = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

rcode store_throttle_fail(db *d, const char *key, int64_t now, int max_failures, int64_t max_delay)
{
  /* Rows nobody has failed on for a day and that lock nothing are history:
   * sweep them here so guessed names cannot grow the table without end. */
  sqlite3_stmt *sweep = db_prepare(d, "DELETE FROM login_throttle WHERE updated_at < ?1 AND locked_until < ?2");
  if (!sweep) return RC_INTERNAL;
  sqlite3_bind_int64(sweep, 1, now - 86400);
  sqlite3_bind_int64(sweep, 2, now);
  int rc = rc_from_sqlite(db_step_done(sweep));
  if (rc) return rc;
  /* Reaching the threshold locks for 2 s, and each further failure doubles
   * it: 2, 4, 8 ... (2 s rather than 1 so a lock cannot lapse between two
   * attempts in the same instant just because a second ticked over). */
  sqlite3_stmt *st =
      db_prepare(d, "INSERT INTO login_throttle(key, failures, locked_until, updated_at) VALUES (?1, 1, 0, ?2)"
                    " ON CONFLICT(key) DO UPDATE SET failures = failures + 1, updated_at = ?2,"
                    "  locked_until = CASE WHEN failures + 1 < ?3 THEN 0"
                    "   ELSE ?2 + min(?4, 1 << min(failures + 2 - ?3, 30)) END");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now);
  sqlite3_bind_int(st, 3, max_failures);
  sqlite3_bind_int64(st, 4, max_delay);
  return rc_from_sqlite(db_step_done(st));
}

rcode store_throttle_clear(db *d, const char *key)
{
  sqlite3_stmt *st = db_prepare(d, "DELETE FROM login_throttle WHERE key = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  return rc_from_sqlite(db_step_done(st));
}

rcode store_throttle_familiar(db *d, int64_t user_id, const char *device, int *yes)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT 1 FROM familiar_devices WHERE user_id = ?1 AND device = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_text(st, 2, device, -1, SQLITE_STATIC);
  int rc = db_one_exists(st, yes);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

rcode store_throttle_remember(db *d, int64_t user_id, const char *device, int64_t now)
{
  sqlite3_stmt *st =
      db_prepare(d, "INSERT INTO familiar_devices(user_id, device, first_at, last_at) VALUES (?1, ?2, ?3, ?3)"
                    " ON CONFLICT(user_id, device) DO UPDATE SET last_at = ?3");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_text(st, 2, device, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, now);
  int rc = rc_from_sqlite(db_step_done(st));
  if (rc) return rc;
  /* A person uses a handful of devices; one who has used more than this
   * many forgets the least recently used, so the table stays bounded. */
  st = db_prepare(d,
                  "DELETE FROM familiar_devices WHERE user_id = ?1 AND device NOT IN"
                  " (SELECT device FROM familiar_devices WHERE user_id = ?1 ORDER BY last_at DESC, device LIMIT ?2)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int(st, 2, FAMILIAR_MAX);
  return rc_from_sqlite(db_step_done(st));
}

rcode store_throttle_count_failure(db *d, const char *account, const char *device, int64_t now, int *first)
{
  int64_t window = now - now % FAILURE_WINDOW_S;
  *first = 0;
  /* A device already counted this hour keeps its row; a new one gets its
   * own only while the account has fewer than FAILURE_DEVICES_MAX. */
  sqlite3_stmt *st =
      db_prepare(d, "SELECT (SELECT count(*) FROM login_failures WHERE window = ?1 AND account = ?2 AND device = ?3),"
                    " (SELECT count(*) FROM login_failures WHERE window = ?1 AND account = ?2 AND device <> '*')");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, window);
  sqlite3_bind_text(st, 2, account, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, device, -1, SQLITE_STATIC);
  int step = sqlite3_step(st);
  int known = step == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
  int devices = step == SQLITE_ROW ? sqlite3_column_int(st, 1) : 0;
  sqlite3_reset(st);
  if (step != SQLITE_ROW) return RC_INTERNAL;
  const char *row = known || devices < FAILURE_DEVICES_MAX ? device : "*";
  st = db_prepare(d, "INSERT INTO login_failures(window, account, device, failures, first_at, last_at) VALUES (?1, ?2, "
                     "?3, 1, ?4, ?4)"
                     " ON CONFLICT(window, account, device) DO UPDATE SET failures = failures + 1, last_at = ?4"
                     " RETURNING failures");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, window);
  sqlite3_bind_text(st, 2, account, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, row, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, now);
  int64_t failures = 0;
  int step2 = db_one_int64(st, &failures); /* RETURNING: the change is made by the first step */
  if (step2 != SQLITE_ROW) return rc_from_sqlite(step2) ? rc_from_sqlite(step2) : RC_INTERNAL;
  *first = failures == 1; /* the row was opened now */
  return RC_OK;
}

rcode store_throttle_closed_hours(db *d, int64_t now, throttle_hour *out, size_t max, size_t *n)
{
  sqlite3_stmt *st = db_prepare(
      d, "SELECT window, account, sum(failures), sum(device <> '*'), max(device = '*'), min(first_at), max(last_at)"
         " FROM login_failures WHERE window < ?1 GROUP BY window, account ORDER BY window, account LIMIT ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, now - now % FAILURE_WINDOW_S);
  sqlite3_bind_int64(st, 2, (int64_t)max);
  int step = SQLITE_DONE;
  *n = 0;
  while (*n < max && (step = sqlite3_step(st)) == SQLITE_ROW) {
    throttle_hour *h = &out[(*n)++];
    h->window = sqlite3_column_int64(st, 0);
    snprintf(h->account, sizeof h->account, "%s", (const char *)sqlite3_column_text(st, 1));
    h->failures = sqlite3_column_int64(st, 2);
    h->devices = sqlite3_column_int64(st, 3);
    h->more_devices = sqlite3_column_int(st, 4);
    h->first_at = sqlite3_column_int64(st, 5);
    h->last_at = sqlite3_column_int64(st, 6);
  }
  sqlite3_reset(st);
  return *n == max || step == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

rcode store_throttle_forget_hour(db *d, int64_t window, const char *account)
{
  sqlite3_stmt *st = db_prepare(d, "DELETE FROM login_failures WHERE window = ?1 AND account = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, window);
  sqlite3_bind_text(st, 2, account, -1, SQLITE_STATIC);
  return rc_from_sqlite(db_step_done(st));
}
