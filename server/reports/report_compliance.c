/* report_compliance: for each agreement in force over the period whose
 * supervisee is one of the team's people, when supervision was last held,
 * when it is next due, and how often it fell due in the period and was met
 * on time. The frequency rule is the agreement's own (due.h), applied as
 * store_agreements_next_due applies it, so this report, `reflect due` and
 * the scheduler's overdue events never disagree. */
#include <stdlib.h>
#include <string.h>

#include "due.h"
#include "report_people.h"
#include "reports.h"
#include "store_agreements.h"
#include "store_rules.h"
#include "store_users.h"

#define DAY 86400

/* Signed by the supervisee (a signature is not backdated, so when it was
 * given does not bound the period: the agreement says when it starts), not
 * ended before the period began. A version superseded by a successor signed within the period is
 * left out: the chain is one relationship and its newest version speaks for
 * it (sessions under every version count for it), so it is not counted
 * twice. */
static const char agreements_sql[] =
    "SELECT a.id FROM agreements a"
    " JOIN team_members tm ON tm.user_id = a.supervisee_id AND tm.team_id = ?1 AND tm.manager = 0"
    " WHERE a.supervisee_signed_at IS NOT NULL"
    "   AND (a.ended_at IS NULL OR a.ended_at >= ?2)"
    "   AND NOT EXISTS (SELECT 1 FROM agreements n WHERE n.supersedes = a.id"
    "                   AND n.supervisee_signed_at IS NOT NULL AND n.supervisee_signed_at < ?3)"
    " ORDER BY a.id LIMIT ?4";

/* The held sessions that count for an agreement, as
 * store_agreements_sessions counts them: individual sessions of the pair
 * from the agreement's start, under one of its versions or under none. */
#define HELD_SQL                                                                          \
  "WITH RECURSIVE chain(id, up) AS (SELECT id, supersedes FROM agreements WHERE id = ?3"  \
  " UNION ALL SELECT a.id, a.supersedes FROM agreements a JOIN chain ON a.id = chain.up)" \
  " SELECT s.starts_at FROM sessions s JOIN session_members m ON m.session_id = s.id"     \
  " WHERE s.supervisor_id = ?1 AND m.user_id = ?2 AND s.kind = 1 AND s.status = 2"        \
  "   AND (s.agreement_id IS NULL OR s.agreement_id IN (SELECT id FROM chain))"           \
  "   AND s.starts_at >= ?4 AND s.starts_at < ?5"

#define AGREEMENTS_MAX (REPORTS_PEOPLE_MAX * 4)

typedef struct {
  due_step steps[DUE_STEPS_MAX];
  size_t n;
  due_date start;
  int64_t since; /* when sessions start to count */
} schedule;

/* The last held session in [from, to): its start, or 0. */
static rcode last_held(db *d, const agreement_row *a, int64_t from, int64_t to, int64_t *at)
{
  sqlite3_stmt *st = db_prepare(d, HELD_SQL " ORDER BY s.starts_at DESC LIMIT 1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, a->supervisor_id);
  sqlite3_bind_int64(st, 2, a->supervisee_id);
  sqlite3_bind_int64(st, 3, a->id);
  sqlite3_bind_int64(st, 4, from);
  sqlite3_bind_int64(st, 5, to);
  int r = sqlite3_step(st);
  *at = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return r == SQLITE_ROW || r == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

/* The end of a due instant's day: due dates are computed in UTC (due.h
 * reads instants as UTC), so "by the end of the due day" is before the
 * next UTC midnight. The same day boundary as the due date itself. */
static int64_t end_of_due_day(int64_t due)
{
  int64_t days = due >= 0 ? due / DAY : -((-due + DAY - 1) / DAY);
  return (days + 1) * DAY;
}

/* Walks the period: from the last held session before it (or the
 * agreement's start), each next due instant in [start, as_of) is an
 * occasion, on time if a held session came by the end of its day; the walk
 * goes on from that session. A missed occasion is not the end of it: the
 * next one falls due an interval after the missed date (or after a late
 * session, if one came before then), so someone left unsupervised for three
 * months under a monthly rule has three missed occasions, and someone
 * already overdue when the period starts has theirs counted in it. Held
 * sessions are read in order, one ahead. */
static rcode count_occasions(db *d, const report_scope *sc, const agreement_row *a, const schedule *sch, int64_t before,
                             int64_t until, uint32_t *occasions, uint32_t *on_time)
{
  int64_t anchor = before ? before : due_date_midnight(sch->start);
  sqlite3_stmt *st = db_prepare(d, HELD_SQL " ORDER BY s.starts_at");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, a->supervisor_id);
  sqlite3_bind_int64(st, 2, a->supervisee_id);
  sqlite3_bind_int64(st, 3, a->id);
  sqlite3_bind_int64(st, 4, sc->start > sch->since ? sc->start : sch->since);
  sqlite3_bind_int64(st, 5, until);
  int rc = RC_OK, have = 0, exhausted = 0;
  int64_t held = 0; /* the first held session after anchor, once read */
  for (;;) {
    int64_t due, after;
    if (due_next_time(sch->steps, sch->n, sch->start, anchor, &due)) {
      rc = RC_INTERNAL;
      break;
    }
    if (due >= until) break;
    if (have && held <= anchor) have = 0;
    while (!have && !exhausted) {
      int r = sqlite3_step(st);
      if (r == SQLITE_DONE) exhausted = 1;
      else if (r != SQLITE_ROW) {
        rc = RC_INTERNAL;
        break;
      } else if ((held = sqlite3_column_int64(st, 0)) > anchor) have = 1;
    }
    if (rc) break;
    int met = have && held < end_of_due_day(due);
    if (due >= sc->start) {
      (*occasions)++;
      if (met) (*on_time)++;
    }
    if (met) {
      anchor = held;
      continue;
    }
    if (due_next_time(sch->steps, sch->n, sch->start, due, &after)) {
      rc = RC_INTERNAL;
      break;
    }
    anchor = have && held < after ? held : due;
  }
  sqlite3_reset(st);
  return rc;
}

static rcode fill_line(call *c, const report_scope *sc, const agreement_row *a, const report_person *who,
                       Reflect__V1__ComplianceLine *l)
{
  db *d = c->s->db;
  schedule sch;
  user_row sup;
  if (store_rules_agreement_steps(d, a->rule_id, a->every_days, sch.steps, &sch.n) ||
      store_agreements_counts_from(d, a, &sch.since) || due_date_parse(a->starts_on, &sch.start) ||
      store_users_get(d, a->supervisor_id, &sup))
    return call_fail(c, RC_INTERNAL, NULL, "could not read agreement %lld", (long long)a->id);
  reflect__v1__compliance_line__init(l);
  l->agreement_id = (uint64_t)a->id;
  l->supervisee = (char *)who->username;
  l->name = who->name;
  if (!(l->supervisor = arena_strdup(c->a, sup.username))) return RC_EXHAUSTED;
  /* Held up to as_of, not up to now: a report on a past period must not
   * see the sessions that came after it. At as_of = now this is exactly
   * store_agreements_next_due. */
  int64_t held, before, due;
  if (last_held(d, a, sch.since, sc->as_of, &held) || last_held(d, a, sch.since, sc->start, &before))
    return call_fail(c, RC_INTERNAL, NULL, "could not read sessions");
  if (due_next_time(sch.steps, sch.n, sch.start, held ? held : due_date_midnight(sch.start), &due))
    return call_fail(c, RC_INTERNAL, NULL, "could not work out when supervision is due");
  l->last_held = held;
  l->next_due = due;
  /* An agreement that ended (someone moved to another supervisor) owes
   * nothing after its end: no occasions, and it is not overdue. */
  int ended = a->ended_at && a->ended_at <= sc->as_of;
  int64_t until = ended ? a->ended_at : sc->as_of;
  l->overdue_days = !ended && due < sc->as_of ? (uint32_t)((sc->as_of - due) / DAY) : 0;
  if (count_occasions(d, sc, a, &sch, before, until, &l->due_occasions, &l->on_time))
    return call_fail(c, RC_INTERNAL, NULL, "could not count due occasions");
  return RC_OK;
}

static int by_overdue(const void *x, const void *y)
{
  const Reflect__V1__ComplianceLine *a = *(Reflect__V1__ComplianceLine *const *)x;
  const Reflect__V1__ComplianceLine *b = *(Reflect__V1__ComplianceLine *const *)y;
  if (a->overdue_days != b->overdue_days) return a->overdue_days > b->overdue_days ? -1 : 1;
  int k = strcmp(a->supervisee, b->supervisee);
  if (k) return k;
  return a->agreement_id < b->agreement_id ? -1 : a->agreement_id > b->agreement_id;
}

rcode report_compliance(call *c, const report_scope *sc, Reflect__V1__ComplianceReport *out)
{
  report_person *people;
  size_t n_people;
  rcode rc = report_people_list(c, sc->team_id, &people, &n_people);
  if (rc) return rc;
  out->scope = report_scope_wire(c, sc);
  out->as_of = sc->as_of;
  out->lines = arena_alloc(c->a, sizeof *out->lines * AGREEMENTS_MAX);
  if (!out->scope || !out->lines) return RC_EXHAUSTED;
  sqlite3_stmt *st = db_prepare(c->s->db, agreements_sql);
  if (!st) return call_fail(c, RC_INTERNAL, NULL, "could not read agreements");
  sqlite3_bind_int64(st, 1, sc->team_id);
  sqlite3_bind_int64(st, 2, sc->start);
  sqlite3_bind_int64(st, 3, sc->end);
  sqlite3_bind_int64(st, 4, AGREEMENTS_MAX);
  /* Ids first, then the work: each line runs queries of its own. */
  int64_t *ids = arena_alloc(c->a, sizeof *ids * AGREEMENTS_MAX);
  size_t n = 0;
  int r = SQLITE_DONE;
  while (ids && (r = sqlite3_step(st)) == SQLITE_ROW) ids[n++] = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  if (!ids) return RC_EXHAUSTED;
  if (r != SQLITE_DONE) return call_fail(c, RC_INTERNAL, NULL, "could not read agreements");
  for (size_t i = 0; i < n; i++) {
    agreement_row a;
    if (store_agreements_get(c->s->db, ids[i], &a)) return call_fail(c, RC_INTERNAL, NULL, "could not read agreements");
    long who = report_people_find(people, n_people, a.supervisee_id);
    if (who < 0) continue;
    /* A version made later than this one may start later too: before its
     * own start nothing was due under it. */
    int64_t since;
    if (store_agreements_counts_from(c->s->db, &a, &since)) return call_fail(c, RC_INTERNAL, NULL, "bad agreement");
    if (since >= sc->end) continue;
    Reflect__V1__ComplianceLine *l = arena_alloc(c->a, sizeof *l);
    if (!l) return RC_EXHAUSTED;
    if ((rc = fill_line(c, sc, &a, &people[who], l))) return rc;
    out->lines[out->n_lines++] = l;
    out->due_occasions += l->due_occasions;
    out->on_time += l->on_time;
  }
  qsort(out->lines, out->n_lines, sizeof *out->lines, by_overdue);
  out->on_time_percent = out->due_occasions ? 100.0 * out->on_time / out->due_occasions : 0;
  return RC_OK;
}
