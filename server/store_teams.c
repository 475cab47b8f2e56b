#include "store_teams.h"

int store_teams_oversees(db *d, int64_t manager, int64_t user, int *yes)
{
  *yes = 0;
  if (manager == user) return RC_OK;
  sqlite3_stmt *st = db_prepare(d, "SELECT " STORE_TEAMS_OVERSEES("?1", "?2"));
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, manager);
  sqlite3_bind_int64(st, 2, user);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *yes = sqlite3_column_int(st, 0) != 0;
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : RC_INTERNAL;
}

int store_teams_oversees_session(db *d, int64_t manager, const session_row *s, int *yes)
{
  *yes = 0;
  sqlite3_stmt *st = db_prepare(d,
      "SELECT " STORE_TEAMS_OVERSEES("?1", "?2") " OR EXISTS (SELECT 1 FROM session_members sm"
      " WHERE sm.session_id = ?3 AND sm.user_id <> ?1 AND " STORE_TEAMS_OVERSEES("?1", "sm.user_id") ")");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, manager);
  sqlite3_bind_int64(st, 2, s->supervisor_id == manager ? 0 : s->supervisor_id);
  sqlite3_bind_int64(st, 3, s->id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *yes = sqlite3_column_int(st, 0) != 0;
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : RC_INTERNAL;
}
