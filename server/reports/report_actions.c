/* report_actions: the actions owned by a team's people — open, overdue and
 * how those closed in the period were closed. Actions are counted, never
 * opened: nothing sealed is read here. */
#include "report_people.h"
#include "reports.h"

/* Status values are the wire's ActionStatus (1 open, 2 done, 3 cancelled).
 * "Open at as_of" is judged from created_at/closed_at, so a report on a past
 * period counts an action closed since as still open then. The period's
 * closures are those in [start, as_of]: closed_at is taken at the moment of
 * closing, so nothing later than as_of can have been closed "in" it. */
static const char actions_sql[] =
    "SELECT"
    " coalesce(sum(created_at <= ?2 AND (status = 1 OR closed_at > ?2)), 0),"
    " coalesce(sum(created_at <= ?2 AND (status = 1 OR closed_at > ?2) AND due_at < ?2), 0),"
    " coalesce(sum(status = 2 AND closed_at BETWEEN ?3 AND ?2 AND closed_at <= due_at), 0),"
    " coalesce(sum(status = 2 AND closed_at BETWEEN ?3 AND ?2 AND closed_at > due_at), 0),"
    " coalesce(sum(status = 3 AND closed_at BETWEEN ?3 AND ?2), 0)"
    " FROM actions WHERE owner_id = ?1";

static Reflect__V1__ActionsLine *new_line(call *c, const char *person, const char *name)
{
  Reflect__V1__ActionsLine *l = arena_alloc(c->a, sizeof *l);
  if (!l) return NULL;
  reflect__v1__actions_line__init(l);
  l->person = arena_strdup(c->a, person);
  l->name = arena_strdup(c->a, name ? name : "");
  return l->person && l->name ? l : NULL;
}

static rcode count_person(db *d, const report_scope *sc, int64_t owner, Reflect__V1__ActionsLine *l)
{
  sqlite3_stmt *st = db_prepare(d, actions_sql);
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, owner);
  sqlite3_bind_int64(st, 2, sc->as_of);
  sqlite3_bind_int64(st, 3, sc->start);
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW) {
    l->open = (uint32_t)sqlite3_column_int64(st, 0);
    l->overdue = (uint32_t)sqlite3_column_int64(st, 1);
    l->done_on_time = (uint32_t)sqlite3_column_int64(st, 2);
    l->done_late = (uint32_t)sqlite3_column_int64(st, 3);
    l->cancelled = (uint32_t)sqlite3_column_int64(st, 4);
  }
  sqlite3_reset(st);
  return r == SQLITE_ROW ? RC_OK : RC_INTERNAL;
}

rcode report_actions(call *c, const report_scope *sc, Reflect__V1__ActionsReport *out)
{
  report_person *people;
  size_t n;
  rcode rc = report_people_list(c, sc->team_id, &people, &n);
  if (rc) return rc;
  out->scope = report_scope_wire(c, sc);
  out->as_of = sc->as_of;
  out->team = new_line(c, sc->team_name, sc->team_name);
  out->people = n ? arena_alloc(c->a, sizeof *out->people * n) : NULL;
  if (!out->scope || !out->team || (n && !out->people)) return RC_EXHAUSTED;
  Reflect__V1__ActionsLine *t = out->team;
  for (size_t i = 0; i < n; i++) {
    Reflect__V1__ActionsLine *l = new_line(c, people[i].username, people[i].name);
    if (!l) return RC_EXHAUSTED;
    if (count_person(c->s->db, sc, people[i].id, l)) return call_fail(c, RC_INTERNAL, NULL, "could not count actions");
    t->open += l->open;
    t->overdue += l->overdue;
    t->done_on_time += l->done_on_time;
    t->done_late += l->done_late;
    t->cancelled += l->cancelled;
    out->people[out->n_people++] = l;
  }
  return RC_OK;
}
