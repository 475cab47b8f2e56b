#include "store_teams.h"

/* A limit spelled once, in the header, and pasted into SQL literals. */
#define SQL_NUM_(x) #x
#define SQL_NUM(x) SQL_NUM_(x)

rcode store_teams_oversees(db *d, int64_t manager, int64_t user, int *yes)
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

rcode store_teams_oversees_session(db *d, int64_t manager, const session_row *s, int *yes)
{
  *yes = 0;
  sqlite3_stmt *st =
      db_prepare(d, "SELECT " STORE_TEAMS_OVERSEES("?1", "?2") " OR EXISTS (SELECT 1 FROM session_members sm"
                                                               " WHERE sm.session_id = ?3 AND sm.user_id <> ?1 "
                                                               "AND " STORE_TEAMS_OVERSEES("?1", "sm.user_id") ")");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, manager);
  sqlite3_bind_int64(st, 2, s->supervisor_id == manager ? 0 : s->supervisor_id);
  sqlite3_bind_int64(st, 3, s->id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *yes = sqlite3_column_int(st, 0) != 0;
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : RC_INTERNAL;
}

rcode store_teams_add(store_ctx *c, const char *name, int64_t *id_out)
{
  int64_t id;
  if (store_teams_find(c->db, name, &id) == RC_OK) return RC_EXISTS;
  if (db_next_id(c->db, "SELECT coalesce(max(id), 0) + 1 FROM teams", &id)) return RC_INTERNAL;
  sqlite3_stmt *st = db_prepare(c->db, "INSERT INTO teams(id, name, created_at, created_by) VALUES (?1, ?2, ?3, ?4)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, c->now);
  sqlite3_bind_int64(st, 4, c->who->user_id);
  int rc = db_step_done(st);
  if (rc == SQLITE_CONSTRAINT_UNIQUE) return RC_EXISTS;
  rc = rc_from_sqlite(rc);
  if (!rc) *id_out = id;
  return rc;
}

rcode store_teams_find(db *d, const char *name, int64_t *id)
{
  /* "North" and "north" would be two teams only to a computer. */
  sqlite3_stmt *st = db_prepare(d, "SELECT id FROM teams WHERE name = ?1 COLLATE NOCASE ORDER BY id LIMIT 1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  int rc = db_one_int64(st, id);
  return rc == SQLITE_ROW ? RC_OK : rc == SQLITE_DONE ? RC_NOT_FOUND : RC_INTERNAL;
}

rcode store_teams_membership(db *d, int64_t team, int64_t user, int *in, int *manager)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT manager FROM team_members WHERE team_id = ?1 AND user_id = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, team);
  sqlite3_bind_int64(st, 2, user);
  int rc = sqlite3_step(st);
  *in = rc == SQLITE_ROW;
  *manager = *in && sqlite3_column_int(st, 0) != 0;
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

rcode store_teams_size(db *d, int64_t team, int *n)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT count(*) FROM team_members WHERE team_id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, team);
  int rc = db_one_int(st, n);
  return rc == SQLITE_ROW ? RC_OK : RC_INTERNAL;
}

rcode store_teams_put(store_ctx *c, int64_t team, int64_t user, int manager)
{
  sqlite3_stmt *st =
      db_prepare(c->db,
                 "INSERT INTO team_members(team_id, user_id, manager, added_at, added_by) VALUES (?1, ?2, ?3, ?4, ?5)"
                 " ON CONFLICT(team_id, user_id) DO UPDATE SET manager = excluded.manager");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, team);
  sqlite3_bind_int64(st, 2, user);
  sqlite3_bind_int(st, 3, manager != 0);
  sqlite3_bind_int64(st, 4, c->now);
  sqlite3_bind_int64(st, 5, c->who->user_id);
  return rc_from_sqlite(db_step_done(st));
}

rcode store_teams_remove(store_ctx *c, int64_t team, int64_t user)
{
  sqlite3_stmt *st = db_prepare(c->db, "DELETE FROM team_members WHERE team_id = ?1 AND user_id = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, team);
  sqlite3_bind_int64(st, 2, user);
  int rc = rc_from_sqlite(db_step_done(st));
  if (!rc && sqlite3_changes(db_handle(c->db)) == 0) return RC_NOT_FOUND;
  return rc;
}

/* A team's managers and members, by username. */
static rcode load_people(store_ctx *c, team_row *t)
{
  sqlite3_stmt *st = db_prepare(c->db,
                                "SELECT u.username, tm.manager FROM team_members tm JOIN users u ON u.id = tm.user_id"
                                " WHERE tm.team_id = ?1 ORDER BY u.username LIMIT " SQL_NUM(TEAM_MAX_PEOPLE));
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, t->id);
  t->managers = arena_alloc(c->a, sizeof *t->managers * TEAM_MAX_PEOPLE);
  t->members = arena_alloc(c->a, sizeof *t->members * TEAM_MAX_PEOPLE);
  int rc = t->managers && t->members ? RC_OK : RC_EXHAUSTED;
  while (rc == RC_OK && t->n_managers + t->n_members < TEAM_MAX_PEOPLE && sqlite3_step(st) == SQLITE_ROW) {
    char *name = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 0));
    if (!name) rc = RC_EXHAUSTED;
    else if (sqlite3_column_int(st, 1)) t->managers[t->n_managers++] = name;
    else t->members[t->n_members++] = name;
  }
  sqlite3_reset(st);
  return rc;
}

rcode store_teams_list(store_ctx *c, int64_t manager, team_row **out, size_t *n)
{
  sqlite3_stmt *st = db_prepare(c->db,
                                "SELECT t.id, t.name, t.created_at FROM teams t"
                                " WHERE ?1 = 0 OR EXISTS (SELECT 1 FROM team_members m JOIN users u ON u.id = m.user_id"
                                "   WHERE m.team_id = t.id AND m.user_id = ?1 AND m.manager = 1 AND u.role = 2)"
                                " ORDER BY t.name COLLATE NOCASE, t.id LIMIT " SQL_NUM(TEAM_LIST_MAX));
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, manager);
  team_row *v = arena_alloc(c->a, sizeof *v * TEAM_LIST_MAX);
  size_t k = 0;
  int rc = v ? RC_OK : RC_EXHAUSTED;
  while (rc == RC_OK && k < TEAM_LIST_MAX && sqlite3_step(st) == SQLITE_ROW) {
    team_row *t = &v[k++];
    t->id = sqlite3_column_int64(st, 0);
    t->name = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 1));
    t->created_at = sqlite3_column_int64(st, 2);
    if (!t->name) rc = RC_EXHAUSTED;
  }
  sqlite3_reset(st);
  /* People are read after the scan: the statement above must be reset first. */
  for (size_t i = 0; rc == RC_OK && i < k; i++) rc = load_people(c, &v[i]);
  if (rc) return rc;
  *out = v;
  *n = k;
  return RC_OK;
}
