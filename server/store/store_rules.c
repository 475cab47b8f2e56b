#include "store_rules.h"

rcode store_rules_add(store_ctx *c, const char *name, const char *description, const due_step *steps, size_t n,
                      int64_t *id)
{
  db *d = c->db;
  int rc = rc_from_sqlite(db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM frequency_rules", id));
  if (rc) return rc;
  sqlite3_stmt *st = db_prepare(d, "INSERT INTO frequency_rules(id, name, description, created_at, created_by) VALUES "
                                   "(?1, ?2, ?3, ?4, ?5)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, *id);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, description, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, c->now);
  sqlite3_bind_int64(st, 5, c->who->user_id);
  rc = db_step_done(st);
  if (rc == SQLITE_CONSTRAINT_UNIQUE) return RC_EXISTS;
  if ((rc = rc_from_sqlite(rc))) return rc;
  st = db_prepare(d, "INSERT INTO frequency_steps(rule_id, ordinal, every_count, every_unit, until_count, until_unit)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st) return RC_INTERNAL;
  for (size_t i = 0; i < n; i++) {
    sqlite3_bind_int64(st, 1, *id);
    sqlite3_bind_int64(st, 2, (int64_t)i);
    sqlite3_bind_int64(st, 3, steps[i].every.count);
    sqlite3_bind_int(st, 4, steps[i].every.unit);
    if (steps[i].until.count) {
      sqlite3_bind_int64(st, 5, steps[i].until.count);
      sqlite3_bind_int(st, 6, steps[i].until.unit);
    } else {
      sqlite3_bind_null(st, 5);
      sqlite3_bind_null(st, 6);
    }
    if ((rc = rc_from_sqlite(db_step_done(st)))) return rc;
  }
  return RC_OK;
}

rcode store_rules_find(db *d, const char *name, int64_t *id)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT id FROM frequency_rules WHERE name = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  int rc = db_one_int64(st, id);
  return rc == SQLITE_ROW ? RC_OK : rc == SQLITE_DONE ? RC_NOT_FOUND : RC_INTERNAL;
}

rcode store_rules_steps(db *d, int64_t rule_id, due_step *steps, size_t *n)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT every_count, every_unit, coalesce(until_count, 0), coalesce(until_unit, 0) "
                                   "FROM frequency_steps"
                                   " WHERE rule_id = ?1 ORDER BY ordinal");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, rule_id);
  int rc;
  *n = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < DUE_STEPS_MAX) {
    steps[*n] = (due_step){{(uint32_t)sqlite3_column_int(st, 0), sqlite3_column_int(st, 1)},
                           {(uint32_t)sqlite3_column_int(st, 2), sqlite3_column_int(st, 3)}};
    (*n)++;
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return RC_INTERNAL;
  return *n ? RC_OK : RC_NOT_FOUND;
}

rcode store_rules_agreement_steps(db *d, int64_t rule_id, uint32_t every_days, due_step *steps, size_t *n)
{
  if (rule_id) return store_rules_steps(d, rule_id, steps, n);
  steps[0] = (due_step){{every_days, DUE_DAY}, {0, 0}};
  *n = 1;
  return RC_OK;
}

rcode store_rules_list(store_ctx *c, rule_row **out, size_t *n)
{
  sqlite3_stmt *st = db_prepare(c->db,
                                "SELECT r.id, r.name, r.description, r.created_at, u.username FROM frequency_rules r"
                                " JOIN users u ON u.id = r.created_by ORDER BY r.name LIMIT 500");
  if (!st) return RC_INTERNAL;
  rule_row *v = arena_alloc(c->a, sizeof *v * RULE_LIST_MAX);
  size_t k = 0;
  int rc = v ? RC_OK : RC_EXHAUSTED;
  while (!rc && k < RULE_LIST_MAX && sqlite3_step(st) == SQLITE_ROW) {
    rule_row *m = &v[k++];
    m->id = sqlite3_column_int64(st, 0);
    m->name = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 1));
    m->description = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 2));
    m->created_at = sqlite3_column_int64(st, 3);
    m->created_by = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 4));
    if (!m->name || !m->description || !m->created_by) rc = RC_EXHAUSTED;
  }
  sqlite3_reset(st);
  /* Steps are read once the scan is over: they need statements of their own. */
  for (size_t i = 0; !rc && i < k; i++) {
    rc = store_rules_steps(c->db, v[i].id, v[i].steps, &v[i].n_steps);
    if (rc == RC_NOT_FOUND) rc = RC_INTERNAL; /* a rule has at least one step */
  }
  if (rc) return rc;
  *out = v;
  *n = k;
  return RC_OK;
}
