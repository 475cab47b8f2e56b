/* report_balance: how a team's people were supervised over the period —
 * held individual and group sessions — and how the recorded discussion
 * divides between the functions of supervision (Morrison). Records are
 * opened here, wellbeing included, only to be measured: lengths leave the
 * server, never text, and the opened text lives in a scratch arena wiped
 * as soon as each record has been measured. */
#include <string.h>

#include "report_people.h"
#include "reports.h"
#include "store_records.h"
#include "store_sessions.h"

#define BALANCE_PAIRS_MAX 50000

typedef struct {
  uint64_t management, development, support, mediation, other;
} shares;

static size_t len(const char *s)
{
  return s ? strlen(s) : 0;
}

static void measure(const record_section *sec, size_t n, shares *out)
{
  for (size_t i = 0; i < n; i++) {
    const record_section *x = &sec[i];
    switch (x->kind) {
    case SECTION_CASE:
      /* What was destroyed under retention is not there to measure. */
      if (x->destroyed) break;
      out->management += len(x->situation) + len(x->analysis) + len(x->risk) + len(x->decision) + len(x->rationale);
      break;
    case SECTION_PERFORMANCE:
    case SECTION_ACTIONS: out->management += len(x->text); break;
    case SECTION_DEVELOPMENT: out->development += len(x->text); break;
    case SECTION_WELLBEING: out->support += len(x->text); break;
    case SECTION_MEDIATION: out->mediation += len(x->text); break;
    default: out->other += len(x->text); break;
    }
  }
}

/* The latest revision of the session's record, measured; a session with no
 * record measures nothing. */
static rcode measure_session(call *c, int64_t id, shares *out)
{
  memset(out, 0, sizeof *out);
  session_row s;
  if (store_sessions_get(c->s->db, id, &s)) return RC_INTERNAL;
  arena scratch = {0}, *keep = c->a;
  record_read rec;
  c->a = &scratch;
  int rc = store_records_read(call_store(c), &s, 0, 1, &rec);
  if (!rc) measure(rec.sections, rec.n_sections, out);
  c->a = keep;
  arena_reset(&scratch);
  return rc == RC_NOT_FOUND ? RC_OK : rc;
}

static void add(shares *to, const shares *x)
{
  to->management += x->management;
  to->development += x->development;
  to->support += x->support;
  to->mediation += x->mediation;
  to->other += x->other;
}

/* Fills a line's shares and flags: a function below its minimum share of
 * the classified discussion (management, development, support, mediation)
 * is crowded out; with nothing classified there is nothing to judge. */
static rcode finish(call *c, Reflect__V1__BalanceLine *l, const shares *x)
{
  Reflect__V1__FunctionShares *f = arena_alloc(c->a, sizeof *f);
  if (!f) return RC_EXHAUSTED;
  reflect__v1__function_shares__init(f);
  f->management = x->management;
  f->development = x->development;
  f->support = x->support;
  f->mediation = x->mediation;
  f->other = x->other;
  l->shares = f;
  uint64_t classified = x->management + x->development + x->support + x->mediation;
  if (classified) {
    l->support_crowded_out = x->support * 100 < (uint64_t)c->s->cfg->min_support_percent * classified;
    l->development_crowded_out = x->development * 100 < (uint64_t)c->s->cfg->min_development_percent * classified;
  }
  return RC_OK;
}

static Reflect__V1__BalanceLine *new_line(call *c, const char *person, const char *name)
{
  Reflect__V1__BalanceLine *l = arena_alloc(c->a, sizeof *l);
  if (!l) return NULL;
  reflect__v1__balance_line__init(l);
  l->person = arena_strdup(c->a, person);
  l->name = arena_strdup(c->a, name ? name : "");
  return l->person && l->name ? l : NULL;
}

rcode report_balance(call *c, const report_scope *sc, Reflect__V1__BalanceReport *out)
{
  report_person *people;
  size_t n;
  rcode rc = report_people_list(c, sc->team_id, &people, &n);
  if (rc) return rc;
  out->scope = report_scope_wire(c, sc);
  out->min_support_percent = (uint32_t)c->s->cfg->min_support_percent;
  out->min_development_percent = (uint32_t)c->s->cfg->min_development_percent;
  out->team = new_line(c, sc->team_name, sc->team_name);
  out->people = n ? arena_alloc(c->a, sizeof *out->people * n) : NULL;
  shares *per = n ? arena_alloc(c->a, sizeof *per * n) : NULL;
  if (!out->scope || !out->team || (n && (!out->people || !per))) return RC_EXHAUSTED;
  for (size_t i = 0; i < n; i++)
    if (!(out->people[out->n_people++] = new_line(c, people[i].username, people[i].name))) return RC_EXHAUSTED;

  /* Who counts in which held session: a member of an individual session,
   * or of a group one unless recorded absent (attendance 2). Ordered by
   * session so each record is measured once, however many it counts for. */
  sqlite3_stmt *st =
      db_prepare(c->s->db,
                 "SELECT s.id, s.kind, m.user_id FROM sessions s JOIN session_members m ON m.session_id = s.id"
                 " JOIN team_members tm ON tm.user_id = m.user_id AND tm.team_id = ?1 AND tm.manager = 0"
                 " WHERE s.status = 2 AND s.starts_at >= ?2 AND s.starts_at < ?3 AND (s.kind = 1 OR m.attendance <> 2)"
                 " ORDER BY s.id LIMIT ?4");
  if (!st) return call_fail(c, RC_INTERNAL, NULL, "could not read sessions");
  sqlite3_bind_int64(st, 1, sc->team_id);
  sqlite3_bind_int64(st, 2, sc->start);
  sqlite3_bind_int64(st, 3, sc->end);
  sqlite3_bind_int64(st, 4, BALANCE_PAIRS_MAX + 1);
  shares team = {0}, cur = {0};
  int64_t last = 0;
  size_t rows = 0;
  int r;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    if (++rows > BALANCE_PAIRS_MAX) break;
    int64_t id = sqlite3_column_int64(st, 0);
    int kind = sqlite3_column_int(st, 1);
    long who = report_people_find(people, n, sqlite3_column_int64(st, 2));
    if (who < 0) continue;
    if (id != last) {
      if (measure_session(c, id, &cur)) {
        rc = call_fail(c, RC_INTERNAL, NULL, "could not read a record");
        break;
      }
      add(&team, &cur);
      if (kind == 1) out->team->individual++;
      else out->team->group++;
      last = id;
    }
    if (kind == 1) out->people[who]->individual++;
    else out->people[who]->group++;
    add(&per[who], &cur);
  }
  sqlite3_reset(st);
  if (rc) return rc;
  if (r != SQLITE_DONE && r != SQLITE_ROW) return call_fail(c, RC_INTERNAL, NULL, "could not read sessions");
  if (rows > BALANCE_PAIRS_MAX)
    return call_fail(c, RC_EXHAUSTED, "scope", "too many sessions for one report; choose a shorter period");
  for (size_t i = 0; i < n; i++)
    if (finish(c, out->people[i], &per[i])) return RC_EXHAUSTED;
  return finish(c, out->team, &team) ? RC_EXHAUSTED : RC_OK;
}
