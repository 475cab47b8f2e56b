#include "store_kpis.h"
#include "store_keys.h"

#include <stdio.h>
#include <string.h>

#define SQL_NUM_(x) #x
#define SQL_NUM(x) SQL_NUM_(x)
/* A team has at most TEAM_MAX_PEOPLE (store_teams.h), so at most as many agreements. */
#define AGREEMENTS_MAX 100

/* A subject binds as two parameters, one of them NULL, compared with IS. */
static void bind_subject(sqlite3_stmt *st, int param, const kpi_subject *who)
{
  if (who->user_id) sqlite3_bind_int64(st, param, who->user_id);
  else sqlite3_bind_null(st, param);
  if (who->team_id) sqlite3_bind_int64(st, param + 1, who->team_id);
  else sqlite3_bind_null(st, param + 1);
}

static char *col_text(store_ctx *c, sqlite3_stmt *st, int i)
{
  const char *t = (const char *)sqlite3_column_text(st, i);
  return arena_strdup(c->a, t ? t : "");
}

rcode store_kpis_goal_add(store_ctx *c, const char *name, const char *description, int64_t *id)
{
  if (db_next_id(c->db, "SELECT coalesce(max(id), 0) + 1 FROM kpi_goals", id)) return RC_INTERNAL;
  sqlite3_stmt *st =
      db_prepare(c->db,
                 "INSERT INTO kpi_goals(id, name, description, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, *id);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, description, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, c->now);
  sqlite3_bind_int64(st, 5, c->who->user_id);
  int rc = db_step_done(st);
  return rc == SQLITE_CONSTRAINT_UNIQUE ? RC_EXISTS : rc_from_sqlite(rc);
}

rcode store_kpis_goal_exists(db *d, int64_t id, int *yes)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT 1 FROM kpi_goals WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  *yes = rc == SQLITE_ROW;
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

rcode store_kpis_goal_list(store_ctx *c, kpi_goal **out, size_t *n)
{
  sqlite3_stmt *st = db_prepare(c->db,
                                "SELECT g.id, g.name, g.description, g.created_at, u.username FROM kpi_goals g"
                                " JOIN users u ON u.id = g.created_by ORDER BY g.id LIMIT " SQL_NUM(KPI_LIST_MAX));
  if (!st) return RC_INTERNAL;
  kpi_goal *v = arena_alloc(c->a, sizeof *v * KPI_LIST_MAX);
  size_t k = 0;
  int rc = v ? RC_OK : RC_EXHAUSTED, step = SQLITE_DONE;
  while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
    kpi_goal *g = &v[k++];
    g->id = sqlite3_column_int64(st, 0);
    g->name = col_text(c, st, 1);
    g->description = col_text(c, st, 2);
    g->created_at = sqlite3_column_int64(st, 3);
    g->created_by = col_text(c, st, 4);
    if (!g->name || !g->description || !g->created_by) rc = RC_EXHAUSTED;
  }
  sqlite3_reset(st);
  if (!rc && step != SQLITE_DONE && step != SQLITE_ROW) rc = RC_INTERNAL;
  if (rc) return rc;
  *out = v;
  *n = k;
  return RC_OK;
}

rcode store_kpis_indicator_add(store_ctx *c, const kpi_indicator *in, int64_t *id, uint32_t *version)
{
  db *d = c->db;
  *version = 1;
  if (in->id == 0) {
    if (db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM kpi_indicators", id)) return RC_INTERNAL;
  } else {
    sqlite3_stmt *st = db_prepare(d, "SELECT max(version) FROM kpi_indicators WHERE id = ?1");
    if (!st) return RC_INTERNAL;
    sqlite3_bind_int64(st, 1, in->id);
    int step = sqlite3_step(st);
    int found = step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
    int64_t latest = found ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (step != SQLITE_ROW) return RC_INTERNAL;
    if (!found) return RC_NOT_FOUND;
    if (latest >= UINT32_MAX) return RC_PRECONDITION;
    *id = in->id;
    *version = (uint32_t)latest + 1;
  }
  sqlite3_stmt *st =
      db_prepare(d,
                 "INSERT INTO kpi_indicators(id, version, name, definition, measured_how, unit, scale_min, scale_max,"
                 " direction, period, goal_id, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                 " ?11, ?12, ?13)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, *id);
  sqlite3_bind_int64(st, 2, *version);
  sqlite3_bind_text(st, 3, in->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, in->definition, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, in->measured_how, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, in->unit, -1, SQLITE_STATIC);
  sqlite3_bind_double(st, 7, in->scale_min);
  sqlite3_bind_double(st, 8, in->scale_max);
  sqlite3_bind_int(st, 9, (int)in->direction);
  sqlite3_bind_int(st, 10, (int)in->period);
  sqlite3_bind_int64(st, 11, in->goal_id);
  sqlite3_bind_int64(st, 12, c->now);
  sqlite3_bind_int64(st, 13, c->who->user_id);
  return rc_from_sqlite(db_step_done(st));
}

#define INDICATOR_SELECT                                                                            \
  "SELECT i.id, i.version, i.name, i.definition, i.measured_how, i.unit, i.scale_min, i.scale_max," \
  " i.direction, i.period, i.goal_id, g.name, i.created_at, u.username FROM kpi_indicators i"       \
  " JOIN kpi_goals g ON g.id = i.goal_id JOIN users u ON u.id = i.created_by"

static rcode read_indicators(store_ctx *c, sqlite3_stmt *st, size_t max, kpi_indicator **out, size_t *n)
{
  kpi_indicator *v = arena_alloc(c->a, sizeof *v * max);
  size_t k = 0;
  int rc = v ? RC_OK : RC_EXHAUSTED, step = SQLITE_DONE;
  while (!rc && k < max && (step = sqlite3_step(st)) == SQLITE_ROW) {
    kpi_indicator *x = &v[k++];
    x->id = sqlite3_column_int64(st, 0);
    x->version = (uint32_t)sqlite3_column_int64(st, 1);
    x->name = col_text(c, st, 2);
    x->definition = col_text(c, st, 3);
    x->measured_how = col_text(c, st, 4);
    x->unit = col_text(c, st, 5);
    x->scale_min = sqlite3_column_double(st, 6);
    x->scale_max = sqlite3_column_double(st, 7);
    x->direction = (kpi_direction)sqlite3_column_int(st, 8);
    x->period = (kpi_period)sqlite3_column_int(st, 9);
    x->goal_id = sqlite3_column_int64(st, 10);
    x->goal = col_text(c, st, 11);
    x->created_at = sqlite3_column_int64(st, 12);
    x->created_by = col_text(c, st, 13);
    if (!x->name || !x->definition || !x->measured_how || !x->unit || !x->goal || !x->created_by) rc = RC_EXHAUSTED;
  }
  sqlite3_reset(st);
  if (!rc && step != SQLITE_DONE && step != SQLITE_ROW) rc = RC_INTERNAL;
  if (rc) return rc;
  *out = v;
  *n = k;
  return RC_OK;
}

rcode store_kpis_indicator_get(store_ctx *c, int64_t id, uint32_t version, kpi_indicator *out)
{
  sqlite3_stmt *st = db_prepare(c->db, INDICATOR_SELECT
                                " WHERE i.id = ?1 AND i.version = CASE WHEN ?2 = 0"
                                "  THEN (SELECT max(version) FROM kpi_indicators x WHERE x.id = ?1) ELSE ?2 END");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, version);
  kpi_indicator *v;
  size_t n = 0;
  int rc = read_indicators(c, st, 1, &v, &n);
  if (rc) return rc;
  if (!n) return RC_NOT_FOUND;
  *out = v[0];
  return RC_OK;
}

rcode store_kpis_indicator_list(store_ctx *c, int64_t id, kpi_indicator **out, size_t *n)
{
  sqlite3_stmt *st =
      db_prepare(c->db, INDICATOR_SELECT
                 " WHERE (?1 = 0 AND i.version = (SELECT max(version) FROM kpi_indicators x WHERE x.id = i.id))"
                 "    OR i.id = ?1 ORDER BY i.id, i.version LIMIT " SQL_NUM(KPI_LIST_MAX));
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  return read_indicators(c, st, KPI_LIST_MAX, out, n);
}

rcode store_kpis_target_add(store_ctx *c, const kpi_target_row *t, int64_t *id)
{
  if (db_next_id(c->db, "SELECT coalesce(max(id), 0) + 1 FROM kpi_targets", id)) return RC_INTERNAL;
  sqlite3_stmt *st = db_prepare(c->db, "INSERT INTO kpi_targets(id, indicator_id, user_id, team_id, baseline, "
                                       "target, from_day, set_at, set_by)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, *id);
  sqlite3_bind_int64(st, 2, t->indicator_id);
  bind_subject(st, 3, &t->who);
  sqlite3_bind_double(st, 5, t->baseline);
  sqlite3_bind_double(st, 6, t->target);
  sqlite3_bind_text(st, 7, t->from, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, c->now);
  sqlite3_bind_int64(st, 9, c->who->user_id);
  return rc_from_sqlite(db_step_done(st));
}

#define TARGET_SELECT                                                                                \
  "SELECT id, indicator_id, coalesce(user_id, 0), coalesce(team_id, 0), baseline, target, from_day," \
  " set_at, set_by FROM kpi_targets"

static rcode read_target(sqlite3_stmt *st, kpi_target_row *out)
{
  int step = sqlite3_step(st);
  if (step == SQLITE_ROW) {
    out->id = sqlite3_column_int64(st, 0);
    out->indicator_id = sqlite3_column_int64(st, 1);
    out->who.user_id = sqlite3_column_int64(st, 2);
    out->who.team_id = sqlite3_column_int64(st, 3);
    out->baseline = sqlite3_column_double(st, 4);
    out->target = sqlite3_column_double(st, 5);
    snprintf(out->from, sizeof out->from, "%.10s", (const char *)sqlite3_column_text(st, 6));
    out->set_at = sqlite3_column_int64(st, 7);
    out->set_by = sqlite3_column_int64(st, 8);
  }
  sqlite3_reset(st);
  return step == SQLITE_ROW ? RC_OK : step == SQLITE_DONE ? RC_NOT_FOUND : RC_INTERNAL;
}

rcode store_kpis_target_get(db *d, int64_t id, kpi_target_row *out)
{
  sqlite3_stmt *st = db_prepare(d, TARGET_SELECT " WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  return read_target(st, out);
}

rcode store_kpis_target_in_force(db *d, int64_t indicator, const kpi_subject *who, const char *day, kpi_target_row *out,
                                 int *found)
{
  sqlite3_stmt *st = db_prepare(d, TARGET_SELECT
                                " WHERE indicator_id = ?1 AND user_id IS ?2 AND team_id IS ?3 AND from_day <= ?4"
                                " ORDER BY from_day DESC, id DESC LIMIT 1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, indicator);
  bind_subject(st, 2, who);
  sqlite3_bind_text(st, 4, day, -1, SQLITE_STATIC);
  int rc = read_target(st, out);
  *found = rc == RC_OK;
  return rc == RC_NOT_FOUND ? RC_OK : rc;
}

rcode store_kpis_agree(store_ctx *c, int64_t target_id)
{
  sqlite3_stmt *st = db_prepare(c->db, "INSERT INTO kpi_agreements(target_id, user_id, at) VALUES (?1, ?2, ?3)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, target_id);
  sqlite3_bind_int64(st, 2, c->who->user_id);
  sqlite3_bind_int64(st, 3, c->now);
  int rc = db_step_done(st);
  return rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE ? RC_EXISTS : rc_from_sqlite(rc);
}

rcode store_kpis_agreed(db *d, const kpi_target_row *t, int *yes)
{
  /* For a team: how many non-manager members there are, and how many of
   * them have agreed; for a practitioner the same sum over one person. */
  sqlite3_stmt *st = db_prepare(d,
                                "SELECT count(*), sum(EXISTS (SELECT 1 FROM kpi_agreements a WHERE a.target_id = ?1 "
                                "AND a.user_id = p.uid))"
                                " FROM (SELECT ?2 AS uid WHERE ?2 IS NOT NULL"
                                "       UNION SELECT user_id FROM team_members WHERE team_id = ?3 AND manager = 0) p");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, t->id);
  bind_subject(st, 2, &t->who);
  int step = sqlite3_step(st);
  *yes = step == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0 &&
         sqlite3_column_int64(st, 0) == sqlite3_column_int64(st, 1);
  sqlite3_reset(st);
  return step == SQLITE_ROW ? RC_OK : RC_INTERNAL;
}

static rcode subject_names(store_ctx *c, const kpi_subject *who, char **user, char **team)
{
  sqlite3_stmt *st =
      db_prepare(c->db, "SELECT (SELECT username FROM users WHERE id = ?1), (SELECT name FROM teams WHERE id = ?2)");
  if (!st) return RC_INTERNAL;
  bind_subject(st, 1, who);
  int step = sqlite3_step(st);
  if (step == SQLITE_ROW) {
    *user = col_text(c, st, 0);
    *team = col_text(c, st, 1);
  }
  sqlite3_reset(st);
  if (step != SQLITE_ROW) return RC_INTERNAL;
  return *user && *team ? RC_OK : RC_EXHAUSTED;
}

rcode store_kpis_target_view(store_ctx *c, const kpi_target_row *t, kpi_target_view *out)
{
  kpi_target_view m = {.row = *t};
  kpi_agreement *ag = arena_alloc(c->a, sizeof *ag * AGREEMENTS_MAX);
  if (!ag) return RC_EXHAUSTED;
  int rc = subject_names(c, &t->who, &m.practitioner, &m.team);
  if (rc) return rc;
  sqlite3_stmt *st =
      db_prepare(c->db, "SELECT (SELECT name FROM kpi_indicators i WHERE i.id = ?1 ORDER BY version DESC LIMIT 1),"
                        " (SELECT username FROM users WHERE id = ?2)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, t->indicator_id);
  sqlite3_bind_int64(st, 2, t->set_by);
  int step = sqlite3_step(st);
  if (step == SQLITE_ROW) {
    m.indicator = col_text(c, st, 0);
    m.set_by = col_text(c, st, 1);
  }
  sqlite3_reset(st);
  if (step != SQLITE_ROW) return RC_INTERNAL;
  st =
      db_prepare(c->db,
                 "SELECT u.username, a.at FROM kpi_agreements a JOIN users u ON u.id = a.user_id WHERE a.target_id = ?1"
                 " ORDER BY a.at, u.id LIMIT " SQL_NUM(AGREEMENTS_MAX));
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, t->id);
  size_t k = 0;
  while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
    kpi_agreement *a = &ag[k++];
    a->user = col_text(c, st, 0);
    a->at = sqlite3_column_int64(st, 1);
    if (!a->user) rc = RC_EXHAUSTED;
  }
  sqlite3_reset(st);
  if (rc) return rc;
  if (!m.indicator || !m.set_by) return RC_EXHAUSTED;
  m.agreed = ag;
  m.n_agreed = k;
  *out = m;
  return RC_OK;
}

/* What a measurement's evidence is bound to: everything that says whose,
 * which and when, so a sealed note cannot be moved to another row. */
static void evidence_context(char *buf, size_t size, const kpi_measurement_row *m)
{
  snprintf(buf, size, "indicator=%lld;version=%u;user=%lld;team=%lld;period=%s;by=%lld;at=%lld",
           (long long)m->indicator_id, m->version, (long long)m->who.user_id, (long long)m->who.team_id, m->period,
           (long long)m->recorded_by, (long long)m->recorded_at);
}

rcode store_kpis_measurement_add(store_ctx *c, kpi_measurement_row *m, const char *evidence)
{
  db *d = c->db;
  char subject[40];
  if (m->who.user_id) snprintf(subject, sizeof subject, "user:%lld", (long long)m->who.user_id);
  else snprintf(subject, sizeof subject, "team:%lld", (long long)m->who.team_id);
  int rc = store_keys_ensure(d, c->vault, c->ring, c->now, subject, &m->key_id);
  if (!rc && db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM kpi_measurements", &m->id)) rc = RC_INTERNAL;
  if (rc) return rc;
  m->recorded_at = c->now;
  m->recorded_by = c->who->user_id;
  sqlite3_stmt *st = db_prepare(
      d, "INSERT INTO kpi_measurements(id, indicator_id, indicator_version, user_id, team_id, period_day, value,"
         " target_id, recorded_at, recorded_by, key_id, evidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
         " ?11, ?12)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, m->id);
  sqlite3_bind_int64(st, 2, m->indicator_id);
  sqlite3_bind_int64(st, 3, m->version);
  bind_subject(st, 4, &m->who);
  sqlite3_bind_text(st, 6, m->period, -1, SQLITE_STATIC);
  sqlite3_bind_double(st, 7, m->value);
  if (m->target_id) sqlite3_bind_int64(st, 8, m->target_id);
  sqlite3_bind_int64(st, 9, m->recorded_at);
  sqlite3_bind_int64(st, 10, m->recorded_by);
  sqlite3_bind_int64(st, 11, m->key_id);
  if (*evidence) {
    char context[200];
    evidence_context(context, sizeof context, m);
    store_slot slot = {"kpi_measurements", m->id, "evidence", m->key_id, 0, context};
    rc = store_keys_bind_sealed(d, c->vault, c->ring, st, 12, &slot, evidence);
  }
  if (!rc) rc = rc_from_sqlite(db_step_done(st));
  else sqlite3_reset(st);
  sqlite3_clear_bindings(st); /* frees the sealed blob now */
  return rc;
}

#define MEASUREMENT_SELECT                                                                               \
  "SELECT m.id, m.indicator_id, m.indicator_version, coalesce(m.user_id, 0), coalesce(m.team_id, 0),"    \
  " m.period_day, m.value, coalesce(m.target_id, 0), m.recorded_at, m.recorded_by, m.key_id, m.evidence" \
  " FROM kpi_measurements m"

static void read_measurement(sqlite3_stmt *st, kpi_measurement_row *out)
{
  out->id = sqlite3_column_int64(st, 0);
  out->indicator_id = sqlite3_column_int64(st, 1);
  out->version = (uint32_t)sqlite3_column_int64(st, 2);
  out->who.user_id = sqlite3_column_int64(st, 3);
  out->who.team_id = sqlite3_column_int64(st, 4);
  snprintf(out->period, sizeof out->period, "%.10s", (const char *)sqlite3_column_text(st, 5));
  out->value = sqlite3_column_double(st, 6);
  out->target_id = sqlite3_column_int64(st, 7);
  out->recorded_at = sqlite3_column_int64(st, 8);
  out->recorded_by = sqlite3_column_int64(st, 9);
  out->key_id = sqlite3_column_int64(st, 10);
}

rcode store_kpis_measurement_get(db *d, int64_t id, kpi_measurement_row *out)
{
  sqlite3_stmt *st = db_prepare(d, MEASUREMENT_SELECT " WHERE m.id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  int step = sqlite3_step(st);
  if (step == SQLITE_ROW) read_measurement(st, out);
  sqlite3_reset(st);
  return step == SQLITE_ROW ? RC_OK : step == SQLITE_DONE ? RC_NOT_FOUND : RC_INTERNAL;
}

static rcode username_of(store_ctx *c, int64_t id, char **out)
{
  sqlite3_stmt *st = db_prepare(c->db, "SELECT username FROM users WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  int step = sqlite3_step(st);
  if (step == SQLITE_ROW) *out = col_text(c, st, 0);
  sqlite3_reset(st);
  if (step != SQLITE_ROW) return RC_INTERNAL;
  return *out ? RC_OK : RC_EXHAUSTED;
}

/* Fills the view from a row: names and the stored target. Evidence is
 * not opened: reports carry figures only (they run in a read transaction,
 * where a read of sealed text could not be audited first). */
static rcode measurement_view(store_ctx *c, const kpi_measurement_row *row, kpi_measurement_view *out)
{
  kpi_measurement_view m = {.row = *row};
  int rc = subject_names(c, &row->who, &m.practitioner, &m.team);
  if (!rc && row->target_id) {
    kpi_target_row t;
    rc = store_kpis_target_get(c->db, row->target_id, &t);
    m.has_target = !rc;
    if (!rc) {
      m.target = t.target;
      m.baseline = t.baseline;
    }
  }
  if (!rc) rc = username_of(c, row->recorded_by, &m.recorded_by);
  if (rc) return rc;
  *out = m;
  return RC_OK;
}

rcode store_kpis_recent(store_ctx *c, int64_t indicator, const kpi_subject *who, size_t max, kpi_measurement_view **out,
                        size_t *n)
{
  if (max > KPI_PERIODS_MAX) max = KPI_PERIODS_MAX;
  sqlite3_stmt *st =
      db_prepare(c->db, MEASUREMENT_SELECT
                 " WHERE m.indicator_id = ?1 AND m.user_id IS ?2 AND m.team_id IS ?3"
                 "  AND m.id = (SELECT max(x.id) FROM kpi_measurements x WHERE x.indicator_id = ?1 AND x.user_id IS ?2"
                 "              AND x.team_id IS ?3 AND x.period_day = m.period_day)"
                 " ORDER BY m.period_day DESC LIMIT ?4");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, indicator);
  bind_subject(st, 2, who);
  sqlite3_bind_int64(st, 4, (int64_t)max);
  kpi_measurement_row rows[KPI_PERIODS_MAX];
  size_t k = 0;
  int step = SQLITE_DONE;
  while (k < max && (step = sqlite3_step(st)) == SQLITE_ROW) read_measurement(st, &rows[k++]);
  sqlite3_reset(st);
  if (step != SQLITE_ROW && step != SQLITE_DONE) return RC_INTERNAL;
  /* Names and targets are read with other statements, once st is reset. */
  kpi_measurement_view *v = arena_alloc(c->a, sizeof *v * (k ? k : 1));
  int rc = v ? RC_OK : RC_EXHAUSTED;
  for (size_t i = 0; !rc && i < k; i++) rc = measurement_view(c, &rows[k - 1 - i], &v[i]);
  if (rc) return rc;
  *out = v;
  *n = k;
  return RC_OK;
}

rcode store_kpis_subject_indicators(store_ctx *c, const kpi_subject *who, int64_t **ids, size_t *n)
{
  sqlite3_stmt *st = db_prepare(c->db,
                                "SELECT indicator_id FROM kpi_targets WHERE user_id IS ?1 AND team_id IS ?2"
                                " UNION SELECT indicator_id FROM kpi_measurements WHERE user_id IS ?1 AND team_id IS ?2"
                                " ORDER BY 1 LIMIT " SQL_NUM(KPI_LIST_MAX));
  if (!st) return RC_INTERNAL;
  bind_subject(st, 1, who);
  int64_t *v = arena_alloc(c->a, sizeof *v * KPI_LIST_MAX);
  size_t k = 0;
  int step = SQLITE_DONE;
  while (v && k < KPI_LIST_MAX && (step = sqlite3_step(st)) == SQLITE_ROW) v[k++] = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  if (!v) return RC_EXHAUSTED;
  if (step != SQLITE_DONE && step != SQLITE_ROW) return RC_INTERNAL;
  *ids = v;
  *n = k;
  return RC_OK;
}
