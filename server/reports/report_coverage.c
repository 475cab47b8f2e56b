/* report_coverage: open cases on the caseloads of a team's people that
 * have not been discussed in supervision within the window their risk
 * level requires (config [reports]). Cases appear by reference only: the
 * reference is opened for the cases listed, never the child's name. */
#include <stdlib.h>

#include "report_people.h"
#include "reports.h"
#include "store_cases.h"
#include "store_decisions.h"
#include "store_users.h"
#include "store_keys.h"

#define DAY 86400
#define COVERAGE_CASES_MAX 20000

typedef struct {
  int64_t id, key_id, allocated_id, since;
  int risk;
  uint32_t days_since, window, over;
  int64_t last;
} case_fig;

static uint32_t window_for(const config *cfg, int risk)
{
  switch (risk) {
  case REFLECT__V1__RISK_LEVEL__RISK_HIGH: return (uint32_t)cfg->coverage_high_days;
  case REFLECT__V1__RISK_LEVEL__RISK_MEDIUM: return (uint32_t)cfg->coverage_medium_days;
  default: return (uint32_t)cfg->coverage_low_days;
  }
}

static int worst_first(const void *x, const void *y)
{
  const case_fig *a = x, *b = y;
  if (a->over != b->over) return a->over > b->over ? -1 : 1;
  if (a->risk != b->risk) return a->risk > b->risk ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id;
}

static rcode open_reference(call *c, const case_fig *k, char **out)
{
  sqlite3_stmt *st = db_prepare(c->s->db, "SELECT reference FROM cases WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, k->id);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_reset(st);
    return RC_INTERNAL;
  }
  size_t len = (size_t)sqlite3_column_bytes(st, 0);
  char *blob = arena_strndup(c->a, sqlite3_column_blob(st, 0), len);
  sqlite3_reset(st);
  if (!blob) return RC_EXHAUSTED;
  store_slot slot = {"cases", k->id, "reference", k->key_id, 0, NULL};
  return store_keys_open(c->s->db, c->s->vault, c->ring, &slot, blob, len, c->a, out);
}

/* When a case was last discussed as it stood at as_of: the same rule as
 * store_decisions_last_discussed (the latest revision of each record
 * counts), which answers for now; only a report on a past period, with a
 * discussion since, needs the bounded question. */
static rcode last_discussed(db *d, int64_t case_id, int64_t as_of, int64_t *at)
{
  int64_t session;
  if (store_decisions_last_discussed(d, case_id, at, &session)) return RC_INTERNAL;
  if (*at <= as_of) return RC_OK;
  sqlite3_stmt *st =
      db_prepare(d, "SELECT max(s.starts_at) FROM case_discussions cd JOIN sessions s ON s.id = cd.session_id"
                    " WHERE cd.case_id = ?1 AND s.starts_at <= ?2"
                    "   AND cd.revision = (SELECT max(r.revision) FROM record_revisions r WHERE r.session_id = "
                    "cd.session_id)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, case_id);
  sqlite3_bind_int64(st, 2, as_of);
  int r = sqlite3_step(st);
  *at = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return r == SQLITE_ROW ? RC_OK : RC_INTERNAL;
}

static rcode add_line(call *c, const case_fig *k, Reflect__V1__CoverageReport *out)
{
  Reflect__V1__CoverageLine *l = arena_alloc(c->a, sizeof *l);
  user_row u;
  if (!l) return RC_EXHAUSTED;
  reflect__v1__coverage_line__init(l);
  l->case_id = (uint64_t)k->id;
  l->risk = (Reflect__V1__RiskLevel)k->risk;
  l->last_discussed = k->last;
  l->days_since = k->days_since;
  l->window_days = k->window;
  l->days_over = k->over;
  rcode rc = store_users_get(c->s->db, k->allocated_id, &u);
  if (!rc && !(l->worker = arena_strdup(c->a, u.username))) return RC_EXHAUSTED;
  if (!rc) rc = open_reference(c, k, &l->reference);
  if (rc) return call_fail(c, rc, NULL, "could not read case %lld", (long long)k->id);
  out->lines[out->n_lines++] = l;
  return RC_OK;
}

rcode report_coverage(call *c, const report_scope *sc, Reflect__V1__CoverageReport *out)
{
  out->scope = report_scope_wire(c, sc);
  out->as_of = sc->as_of;
  if (!out->scope) return RC_EXHAUSTED;
  /* Open now and opened by as_of: whether a case was open on a past day
   * is not kept, so a closed case drops out of every report. */
  sqlite3_stmt *st =
      db_prepare(c->s->db, "SELECT c.id, c.key_id, c.allocated_id, c.created_at, c.risk FROM cases c"
                           " JOIN team_members tm ON tm.user_id = c.allocated_id AND tm.team_id = ?1 AND tm.manager = 0"
                           " WHERE c.open = 1 AND c.shredded_at IS NULL AND c.created_at <= ?2 ORDER BY c.id LIMIT ?3");
  if (!st) return call_fail(c, RC_INTERNAL, NULL, "could not read cases");
  sqlite3_bind_int64(st, 1, sc->team_id);
  sqlite3_bind_int64(st, 2, sc->as_of);
  sqlite3_bind_int64(st, 3, COVERAGE_CASES_MAX + 1);
  case_fig *k = malloc(sizeof *k * (COVERAGE_CASES_MAX + 1));
  size_t n = 0;
  int r = SQLITE_DONE;
  while (k && n <= COVERAGE_CASES_MAX && (r = sqlite3_step(st)) == SQLITE_ROW) {
    k[n] = (case_fig){.id = sqlite3_column_int64(st, 0),
                      .key_id = sqlite3_column_int64(st, 1),
                      .allocated_id = sqlite3_column_int64(st, 2),
                      .since = sqlite3_column_int64(st, 3),
                      .risk = sqlite3_column_int(st, 4)};
    n++;
  }
  sqlite3_reset(st);
  rcode rc = RC_OK;
  if (!k) return RC_EXHAUSTED;
  if (r != SQLITE_DONE && r != SQLITE_ROW) rc = call_fail(c, RC_INTERNAL, NULL, "could not read cases");
  else if (n > COVERAGE_CASES_MAX)
    rc = call_fail(c, RC_EXHAUSTED, "scope.team", "a report covers at most %d cases", COVERAGE_CASES_MAX);
  size_t over = 0;
  for (size_t i = 0; !rc && i < n; i++) {
    if (last_discussed(c->s->db, k[i].id, sc->as_of, &k[i].last)) {
      rc = call_fail(c, RC_INTERNAL, NULL, "could not read when cases were discussed");
      break;
    }
    int64_t from = k[i].last ? k[i].last : k[i].since;
    k[i].days_since = from < sc->as_of ? (uint32_t)((sc->as_of - from) / DAY) : 0;
    k[i].window = window_for(c->s->cfg, k[i].risk);
    k[i].over = k[i].days_since > k[i].window ? k[i].days_since - k[i].window : 0;
    if (k[i].over) over++;
  }
  out->open_cases = (uint32_t)n;
  out->within_window = (uint32_t)(n - over);
  if (!rc && over && !(out->lines = arena_alloc(c->a, sizeof *out->lines * over))) rc = RC_EXHAUSTED;
  if (!rc) qsort(k, n, sizeof *k, worst_first);
  for (size_t i = 0; !rc && i < over; i++) rc = add_line(c, &k[i], out);
  free(k);
  return rc;
}
