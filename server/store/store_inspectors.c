#include "store_inspectors.h"

#include "store_teams.h"

#define INSPECTORS_STR_(x) #x
#define INSPECTORS_STR(x) INSPECTORS_STR_(x)

rcode store_inspectors_grant(store_ctx *c, int64_t inspector, int64_t team, int *changed)
{
  sqlite3_stmt *st = db_prepare(c->db, "INSERT OR IGNORE INTO inspector_grants(user_id, team_id, granted_at, "
                                       "granted_by) VALUES (?1, ?2, ?3, ?4)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, inspector);
  sqlite3_bind_int64(st, 2, team);
  sqlite3_bind_int64(st, 3, c->now);
  sqlite3_bind_int64(st, 4, c->who->user_id);
  int rc = rc_from_sqlite(db_step_done(st));
  *changed = !rc && sqlite3_changes(db_handle(c->db)) > 0;
  return rc;
}

rcode store_inspectors_revoke(store_ctx *c, int64_t inspector, int64_t team, int *changed)
{
  sqlite3_stmt *st = db_prepare(c->db, "DELETE FROM inspector_grants WHERE user_id = ?1 AND team_id = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, inspector);
  sqlite3_bind_int64(st, 2, team);
  int rc = rc_from_sqlite(db_step_done(st));
  *changed = !rc && sqlite3_changes(db_handle(c->db)) > 0;
  return rc;
}

rcode store_inspectors_teams(store_ctx *c, int64_t inspector, char ***names, size_t *n)
{
  sqlite3_stmt *st = db_prepare(c->db, "SELECT t.name FROM inspector_grants g JOIN teams t ON t.id = g.team_id"
                                       " WHERE g.user_id = ?1 ORDER BY t.name LIMIT " INSPECTORS_STR(TEAM_LIST_MAX));
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, inspector);
  char **v = arena_alloc(c->a, sizeof *v * TEAM_LIST_MAX);
  if (!v) {
    sqlite3_reset(st);
    return RC_EXHAUSTED;
  }
  size_t k = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < TEAM_LIST_MAX) {
    v[k] = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 0));
    if (!v[k++]) {
      sqlite3_reset(st);
      return RC_EXHAUSTED;
    }
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return RC_INTERNAL;
  *names = v;
  *n = k;
  return RC_OK;
}

rcode store_inspectors_sees_session(db *d, int64_t inspector, const session_row *s, int *yes)
{
  sqlite3_stmt *st =
      db_prepare(d, "SELECT 1 FROM inspector_grants g JOIN team_members tm ON tm.team_id = g.team_id AND tm.manager = 0"
                    " WHERE g.user_id = ?1"
                    "   AND tm.user_id IN (SELECT user_id FROM session_members WHERE session_id = ?3) LIMIT 1");
  if (!st) return RC_INTERNAL;
  /* Whose supervision it is decides, not who supervised: a supervisor in
   * a granted team may also supervise people of a team that is not. The
   * same rule as the evidence pack's index. */
  sqlite3_bind_int64(st, 1, inspector);
  sqlite3_bind_int64(st, 3, s->id);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  *yes = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

rcode store_inspectors_latest_signed(db *d, const session_row *s, uint32_t *revision)
{
  /* The same signers as store_signoffs_status: the supervisor and every
   * member; a revision is frozen when none of them is missing. */
  sqlite3_stmt *st = db_prepare(
      d, "SELECT coalesce(max(r.revision), 0) FROM record_revisions r WHERE r.session_id = ?1 AND NOT EXISTS ("
         " SELECT 1 FROM (SELECT ?2 AS id UNION SELECT user_id FROM session_members WHERE session_id = ?1) sg"
         " WHERE NOT EXISTS (SELECT 1 FROM record_signoffs o WHERE o.session_id = ?1 AND o.revision = r.revision"
         "  AND o.user_id = sg.id))");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  sqlite3_bind_int64(st, 2, s->supervisor_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *revision = (uint32_t)sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : RC_INTERNAL;
}
