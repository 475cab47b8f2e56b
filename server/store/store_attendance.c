#include "store_attendance.h"

rcode store_attendance_get(db *d, int64_t session_id, int64_t user_id, attendance_row *out)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT attendance, coalesce(attendance_signed_at, 0) FROM session_members"
                                   " WHERE session_id = ?1 AND user_id = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, session_id);
  sqlite3_bind_int64(st, 2, user_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *out = (attendance_row){sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1)};
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : rc == SQLITE_DONE ? RC_NOT_FOUND : RC_INTERNAL;
}

/* Steps an UPDATE that must change exactly one row. */
static rcode change_one(store_ctx *c, sqlite3_stmt *st)
{
  int rc = rc_from_sqlite(db_step_done(st));
  if (!rc && sqlite3_changes(db_handle(c->db)) != 1) return RC_PRECONDITION;
  return rc;
}

rcode store_attendance_set(store_ctx *c, int64_t session_id, int64_t user_id, int attendance)
{
  sqlite3_stmt *st = db_prepare(c->db, "UPDATE session_members SET attendance = ?3, attendance_at = ?4"
                                       " WHERE session_id = ?1 AND user_id = ?2 AND attendance_signed_at IS NULL");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, session_id);
  sqlite3_bind_int64(st, 2, user_id);
  sqlite3_bind_int(st, 3, attendance);
  sqlite3_bind_int64(st, 4, c->now);
  return change_one(c, st);
}

rcode store_attendance_sign(store_ctx *c, int64_t session_id, int64_t user_id)
{
  sqlite3_stmt *st =
      db_prepare(c->db, "UPDATE session_members SET attendance_signed_at = ?3"
                        " WHERE session_id = ?1 AND user_id = ?2 AND attendance <> 0 AND attendance_signed_at IS NULL");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, session_id);
  sqlite3_bind_int64(st, 2, user_id);
  sqlite3_bind_int64(st, 3, c->now);
  return change_one(c, st);
}

const char *store_attendance_name(int attendance)
{
  switch (attendance) {
  case ATTENDANCE_PRESENT: return "present";
  case ATTENDANCE_ABSENT: return "absent";
  default: return "unknown";
  }
}
