#include "store_agenda.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store_decisions.h"
#include "store_teams.h"

#define DAY_SECONDS 86400

typedef struct {
  case_row k;
  int64_t last_at, last_session; /* 0 if never discussed */
  uint32_t days;
  uint64_t score;
} candidate;

static int risk_weight(int risk)
{
  switch (risk) {
  case RISK_HIGH: return 3;
  case RISK_MEDIUM: return 2;
  default: return 1;
  }
}

static const char *risk_word(int risk)
{
  switch (risk) {
  case RISK_HIGH: return "high";
  case RISK_MEDIUM: return "medium";
  default: return "low";
  }
}

/* Highest score first; then higher risk; then the older case. */
static int by_priority(const void *pa, const void *pb)
{
  const candidate *a = pa, *b = pb;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  if (a->k.risk != b->k.risk) return a->k.risk > b->k.risk ? -1 : 1;
  return a->k.id < b->k.id ? -1 : a->k.id > b->k.id;
}

/* Open cases of the session's members, before the caller's view is applied. */
static rcode read_candidates(store_ctx *c, const session_row *s, candidate *v, size_t *n)
{
  sqlite3_stmt *st =
      db_prepare(c->db,
                 "SELECT " STORE_CASES_COLS " FROM cases"
                 " WHERE open = 1 AND allocated_id IN (SELECT user_id FROM session_members WHERE session_id = ?1)"
                 " ORDER BY id LIMIT 1000");
  if (!st) return RC_INTERNAL;
  _Static_assert(AGENDA_CANDIDATES_MAX == 1000, "the LIMIT above");
  sqlite3_bind_int64(st, 1, s->id);
  *n = 0;
  int rc = SQLITE_DONE;
  while (*n < AGENDA_CANDIDATES_MAX && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    candidate *k = &v[(*n)++];
    *k = (candidate){0};
    store_cases_read_row(st, &k->k);
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

/* The same rules as the rest of the server: store_cases for supervision,
 * store_teams for a manager's oversight. */
static int caller_sees(store_ctx *c, const case_row *k, int *yes)
{
  int rc = store_cases_visible(c->db, c->who->user_id, k, yes);
  if (!rc && !*yes && c->who->role == ROLE_MANAGER)
    rc = store_teams_oversees(c->db, c->who->user_id, k->allocated_id, yes);
  return rc;
}

static void score(candidate *k, int64_t now)
{
  int64_t since = k->last_session ? k->last_at : k->k.created_at;
  int64_t days = now > since ? (now - since) / DAY_SECONDS : 0;
  k->days = days > UINT32_MAX ? UINT32_MAX : (uint32_t)days;
  k->score = (uint64_t)k->days * (uint64_t)risk_weight(k->k.risk);
}

static void days_text(char *buf, size_t size, uint32_t days, const char *unit_suffix)
{
  if (days == 0) snprintf(buf, size, "less than a day%s", unit_suffix);
  else snprintf(buf, size, "%u day%s%s", days, days == 1 ? "" : "s", unit_suffix);
}

/* "high risk, never discussed (opened 30 days ago)" or "medium risk, last
 * discussed 2026-10-01 (52 days)". */
static char *why(store_ctx *c, const candidate *k)
{
  char days[48];
  if (!k->last_session) {
    days_text(days, sizeof days, k->days, " ago");
    return arena_printf(c->a, "%s risk, never discussed (opened %s)", risk_word(k->k.risk), days);
  }
  time_t t = (time_t)k->last_at;
  struct tm tm;
  char date[16] = "?";
  if (gmtime_r(&t, &tm)) strftime(date, sizeof date, "%Y-%m-%d", &tm);
  days_text(days, sizeof days, k->days, "");
  return arena_printf(c->a, "%s risk, last discussed %s (%s)", risk_word(k->k.risk), date, days);
}

static rcode to_item(store_ctx *c, const candidate *k, agenda_item *out)
{
  *out = (agenda_item){.k = k->k, .last_at = k->last_at, .last_session = k->last_session, .days_since = k->days};
  return (out->why = why(c, k)) ? RC_OK : RC_EXHAUSTED;
}

rcode store_agenda_cases(store_ctx *c, const session_row *s, agenda_item **out, size_t *n)
{
  candidate *v = arena_alloc(c->a, sizeof *v * AGENDA_CANDIDATES_MAX);
  if (!v) return RC_EXHAUSTED;
  size_t all = 0, kept = 0;
  int rc = read_candidates(c, s, v, &all);
  /* Filtered after the scan: the checks run statements of their own. */
  for (size_t i = 0; !rc && i < all; i++) {
    int yes = 0;
    rc = caller_sees(c, &v[i].k, &yes);
    if (rc || !yes) continue;
    v[kept] = v[i];
    rc = store_decisions_last_discussed(c->db, v[kept].k.id, &v[kept].last_at, &v[kept].last_session);
    score(&v[kept++], c->now);
  }
  if (rc) return rc;
  qsort(v, kept, sizeof *v, by_priority);
  if (kept > AGENDA_CASES_MAX) kept = AGENDA_CASES_MAX;
  agenda_item *list = arena_alloc(c->a, sizeof *list * (kept ? kept : 1));
  if (!list) return RC_EXHAUSTED;
  for (size_t i = 0; !rc && i < kept; i++) rc = to_item(c, &v[i], &list[i]);
  if (rc) return rc;
  *out = list;
  *n = kept;
  return RC_OK;
}
