/* The events nobody's request causes, found by set-based queries on the
 * v8 indexes (sessions_start, actions_due, agreements_active) and marked
 * in event_emits in the same transaction as the events themselves. Each
 * query leaves out what is already marked, so every candidate it returns
 * is either emitted or marked superseded: re-running it yields the next
 * batch, and a restart resumes where a crash left off. */
#include "scheduler.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "events.h"
#include "log.h"
#include "store_agreements.h"
#include "store_audit.h"
#include "bounds.h"
#include "store_drafts.h"
#include "store_events.h"
#include "store_throttle.h"

/* A tick's bound: decisions (emitted or skipped) and arena use. The rest
 * waits for the next tick; a tick that failed on its own size would fail
 * again every time. The queued events (events.h) are in the arena, and
 * storing them takes about as much again, hence a third of it. */
#define SCHEDULER_TICK_MAX 20000
#define SCHEDULER_ARENA_MAX (ARENA_MAX / 3)
#define SCHEDULER_BATCH 512
#define SCHEDULER_PRUNE_EVERY_S 3600

typedef struct {
  call *c;
  size_t done, skipped; /* decisions, and how many of them were skips */
} tick;

static int tick_full(const tick *t)
{
  return t->done >= SCHEDULER_TICK_MAX || t->c->a->total >= SCHEDULER_ARENA_MAX;
}

static int64_t batch_limit(const tick *t)
{
  size_t left = SCHEDULER_TICK_MAX - t->done;
  return (int64_t)(left < SCHEDULER_BATCH ? left : SCHEDULER_BATCH);
}

/* On time means within two scheduler runs of its fire time (and a little
 * slack for a slow tick); later than that the server was not running. */
static int is_late(const call *c, int64_t fire_at)
{
  return c->now - fire_at > 2 * (int64_t)c->s->cfg->scheduler_s + SCHEDULER_LATE_SLACK_S;
}

/* ---- (a) session reminders ---- */

typedef struct {
  session_row s;
  int64_t set_at; /* when the session got its current start time */
} reminder_row;

/* Scheduled sessions whose reminder for lead ?2 has come (fire time
 * starts_at - lead) and that have not started, not yet marked. The start
 * time was set by the latest history row that names one (a booking or a
 * move); sessions older than the history have their creation. */
#define REMINDERS_DUE                                                                                              \
  "SELECT s.id, s.kind, s.supervisor_id, s.key_id, s.starts_at, s.ends_at, s.minutes, s.status, s.sequence,"       \
  " coalesce((SELECT max(h.at) FROM session_changes h WHERE h.session_id = s.id AND h.new_starts_at IS NOT NULL)," \
  "          s.created_at)"                                                                                        \
  " FROM sessions s WHERE s.status = 1 AND s.starts_at > ?1 AND s.starts_at <= ?1 + ?2"                            \
  " AND NOT EXISTS (SELECT 1 FROM event_emits e WHERE e.kind = ?3 AND e.object_id = s.id"                          \
  "                 AND e.fire_at = s.starts_at - ?2 AND e.lead = ?2)"                                             \
  " ORDER BY s.starts_at, s.id LIMIT ?4"

static rcode reminders_batch(tick *t, int64_t lead, reminder_row *v, size_t *n)
{
  sqlite3_stmt *st = db_prepare(t->c->s->db, REMINDERS_DUE);
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, t->c->now);
  sqlite3_bind_int64(st, 2, lead);
  sqlite3_bind_int(st, 3, REFLECT__V1__EVENT_KIND__EVENT_SESSION_REMINDER);
  sqlite3_bind_int64(st, 4, batch_limit(t));
  int step;
  *n = 0;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    reminder_row *r = &v[(*n)++];
    r->s = (session_row){.id = sqlite3_column_int64(st, 0),
                         .kind = sqlite3_column_int(st, 1),
                         .supervisor_id = sqlite3_column_int64(st, 2),
                         .key_id = sqlite3_column_int64(st, 3),
                         .starts_at = sqlite3_column_int64(st, 4),
                         .ends_at = sqlite3_column_int64(st, 5),
                         .minutes = sqlite3_column_int(st, 6),
                         .status = sqlite3_column_int(st, 7),
                         .sequence = sqlite3_column_int(st, 8)};
    r->set_at = sqlite3_column_int64(st, 9);
  }
  sqlite3_reset(st);
  return step == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

/* `shorter` is the next shorter lead (0: none). Its reminder fires later
 * than this one, so when it too has come this one is stale. */
static rcode reminders_for(tick *t, int64_t lead, int64_t shorter, reminder_row *v)
{
  call *c = t->c;
  while (!tick_full(t)) {
    size_t n;
    int64_t limit = batch_limit(t);
    int rc = reminders_batch(t, lead, v, &n);
    for (size_t i = 0; !rc && i < n && !tick_full(t); i++) {
      const session_row *s = &v[i].s;
      int64_t fire_at = s->starts_at - lead;
      int superseded = v[i].set_at > fire_at || (shorter && s->starts_at - shorter <= c->now);
      int late = !superseded && is_late(c, fire_at);
      if (!superseded) rc = events_session_reminder(c, s, lead, late);
      t->skipped += superseded != 0;
      if (!rc)
        rc = store_events_mark(c->s->db, REFLECT__V1__EVENT_KIND__EVENT_SESSION_REMINDER, s->id, fire_at, lead, c->now,
                               late, superseded);
      t->done++;
    }
    if (rc) return rc;
    if ((int64_t)n < limit) break;
  }
  return RC_OK;
}

/* Shortest lead first, so that the reminders a shorter one makes stale are
 * the ones left to mark. The config keeps them longest first. */
static rcode reminders(tick *t)
{
  const config *cfg = t->c->s->cfg;
  reminder_row *v = malloc(sizeof *v * SCHEDULER_BATCH);
  if (!v) return RC_EXHAUSTED;
  int rc = RC_OK;
  for (int i = cfg->n_reminder_leads - 1; !rc && i >= 0; i--)
    rc = reminders_for(t, cfg->reminder_leads[i], i + 1 < cfg->n_reminder_leads ? cfg->reminder_leads[i + 1] : 0, v);
  free(v);
  return rc;
}

/* ---- (b) actions due soon and overdue ---- */

#define ACTION_COLS                                                                                           \
  "SELECT a.id, a.session_id, a.owner_id, a.key_id, a.due_at, a.created_at, coalesce(a.case_id, 0), a.status" \
  " FROM actions a"
/* Open actions due within ?2 (SCHEDULER_DUE_SOON_S) of ?1; marked with
 * fire_at = due_at - ?2, lead ?2. */
#define ACTIONS_DUE_SOON                                                                              \
  ACTION_COLS " WHERE a.status = 1 AND a.due_at > ?1 AND a.due_at <= ?1 + ?2"                         \
              " AND NOT EXISTS (SELECT 1 FROM event_emits e WHERE e.kind = ?3 AND e.object_id = a.id" \
              "                 AND e.fire_at = a.due_at - ?2 AND e.lead = ?2)"                       \
              " ORDER BY a.due_at, a.id LIMIT ?4"
/* Open actions past due; marked with fire_at = due_at, lead 0 (?2 is
 * bound but unused, so both queries take the same parameters). */
#define ACTIONS_OVERDUE                                                                               \
  ACTION_COLS " WHERE a.status = 1 AND a.due_at <= ?1"                                                \
              " AND NOT EXISTS (SELECT 1 FROM event_emits e WHERE e.kind = ?3 AND e.object_id = a.id" \
              "                 AND e.fire_at = a.due_at AND e.lead = 0)"                             \
              " ORDER BY a.due_at, a.id LIMIT ?4"

static rcode actions_batch(tick *t, const char *sql, int kind, int64_t lead, action_row *v, size_t *n)
{
  sqlite3_stmt *st = db_prepare(t->c->s->db, sql);
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, t->c->now);
  sqlite3_bind_int64(st, 2, lead);
  sqlite3_bind_int(st, 3, kind);
  sqlite3_bind_int64(st, 4, batch_limit(t));
  int step;
  *n = 0;
  while ((step = sqlite3_step(st)) == SQLITE_ROW)
    v[(*n)++] = (action_row){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
                             sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
                             sqlite3_column_int64(st, 6), sqlite3_column_int(st, 7)};
  sqlite3_reset(st);
  return step == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

/* Due soon is skipped for an action set after its fire time (being told
 * of it said when it is due); overdue is late when it is sent long after
 * the later of its due time and its creation. */
static rcode actions_of(tick *t, int overdue, action_row *v)
{
  call *c = t->c;
  int kind = overdue ? REFLECT__V1__EVENT_KIND__EVENT_ACTION_OVERDUE : REFLECT__V1__EVENT_KIND__EVENT_ACTION_DUE_SOON;
  int64_t lead = overdue ? 0 : SCHEDULER_DUE_SOON_S;
  while (!tick_full(t)) {
    size_t n;
    int64_t limit = batch_limit(t);
    int rc = actions_batch(t, overdue ? ACTIONS_OVERDUE : ACTIONS_DUE_SOON, kind, lead, v, &n);
    for (size_t i = 0; !rc && i < n && !tick_full(t); i++) {
      const action_row *a = &v[i];
      int64_t fire_at = a->due_at - lead;
      int superseded = !overdue && a->created_at > fire_at;
      int late = !superseded && is_late(c, a->created_at > fire_at ? a->created_at : fire_at);
      if (!superseded) rc = events_action_due(c, a, overdue, late);
      t->skipped += superseded != 0;
      if (!rc) rc = store_events_mark(c->s->db, kind, a->id, fire_at, lead, c->now, late, superseded);
      t->done++;
    }
    if (rc) return rc;
    if ((int64_t)n < limit) break;
  }
  return RC_OK;
}

static rcode actions(tick *t)
{
  action_row *v = malloc(sizeof *v * SCHEDULER_BATCH);
  if (!v) return RC_EXHAUSTED;
  int rc = actions_of(t, 0, v);
  if (!rc) rc = actions_of(t, 1, v);
  free(v);
  return rc;
}

/* ---- (c) supervision overdue ---- */

/* Every active agreement (signed by the supervisee, not ended), a batch of
 * ids at a time. Whether one is due takes the agreement's rule and its
 * sessions (store_agreements_next_due), so it is not a single query. */
static rcode agreements_batch(db *d, int64_t after, int64_t *ids, size_t *n)
{
  sqlite3_stmt *st =
      db_prepare(d, "SELECT id FROM agreements WHERE supervisee_signed_at IS NOT NULL AND ended_at IS NULL AND id > ?1"
                    " ORDER BY id LIMIT ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, after);
  sqlite3_bind_int(st, 2, SCHEDULER_BATCH);
  int step;
  *n = 0;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) ids[(*n)++] = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return step == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

/* Once per (agreement, due time); late when sent long after the later of
 * the due time and the supervisee's signature (an agreement signed when
 * already overdue is news at signing, not late). */
static rcode supervision_one(tick *t, int64_t id)
{
  call *c = t->c;
  db *d = c->s->db;
  agreement_row a;
  int64_t due_at;
  int yes = 0;
  if (store_agreements_get(d, id, &a) || store_agreements_next_due(d, &a, c->now, &due_at, NULL)) return RC_INTERNAL;
  if (due_at > c->now) return RC_OK;
  int kind = REFLECT__V1__EVENT_KIND__EVENT_SUPERVISION_OVERDUE;
  if (store_events_emitted(d, kind, a.id, due_at, 0, &yes)) return RC_INTERNAL;
  if (yes) return RC_OK;
  int late = is_late(c, due_at > a.supervisee_signed_at ? due_at : a.supervisee_signed_at);
  int rc = events_supervision_overdue(c, a.id, a.supervisor_id, a.supervisee_id, due_at, late);
  if (!rc) rc = store_events_mark(d, kind, a.id, due_at, 0, c->now, late, 0);
  t->done++;
  return rc;
}

static rcode supervision(tick *t)
{
  int64_t ids[SCHEDULER_BATCH], after = 0;
  size_t n;
  do {
    int rc = agreements_batch(t->c->s->db, after, ids, &n);
    for (size_t i = 0; !rc && i < n && !tick_full(t); i++) rc = supervision_one(t, ids[i]);
    if (rc) return rc;
    if (n) after = ids[n - 1];
  } while (n == SCHEDULER_BATCH && !tick_full(t));
  return RC_OK;
}

/* ---- (d) pruning the outbox ---- */

/* Hourly is plenty for a bound in days; a rolled-back prune just waits an
 * hour more. Ticks never overlap (relay.h) but may run on different relay
 * threads, hence the atomic. */
static _Atomic int64_t last_prune;

static rcode prune(call *c)
{
  if (c->now - atomic_load(&last_prune) < SCHEDULER_PRUNE_EVERY_S) return RC_OK;
  int64_t deleted = 0;
  int rc = store_events_prune(c->s->db, c->now - (int64_t)c->s->cfg->event_keep_days * 86400, &deleted);
  if (!rc && deleted) log_line(LOG_INFO, "event=events_pruned rows=%lld", (long long)deleted);
  /* A draft may hold what was said about a child: it must not outlive
   * its use (store_drafts.h). */
  int64_t drafts = 0;
  if (!rc) rc = store_drafts_prune(c->s->db, c->now - (int64_t)REFLECT_DRAFTS_KEEP_DAYS * 86400, &drafts);
  if (!rc && drafts) log_line(LOG_INFO, "event=drafts_pruned rows=%lld", (long long)drafts);
  if (!rc) atomic_store(&last_prune, c->now);
  return rc;
}

/* Each finished hour of failed logins becomes one audit row per account
 * (store_throttle.h), so the log says how many and from how many devices
 * without a row per guess. A few per tick; the rest wait for the next. */
static rcode login_failure_hours(call *c)
{
  throttle_hour h[32];
  size_t n = 0;
  int rc = store_throttle_closed_hours(c->s->db, c->now, h, sizeof h / sizeof h[0], &n);
  for (size_t i = 0; !rc && i < n; i++) {
    char detail[160];
    snprintf(detail, sizeof detail, "hour=%lld;failures=%lld;devices=%lld%s;first=%lld;last=%lld",
             (long long)h[i].window, (long long)h[i].failures, (long long)h[i].devices, h[i].more_devices ? "+" : "",
             (long long)h[i].first_at, (long long)h[i].last_at);
    rc = store_audit_append(call_store(c), "login.failed.hour", h[i].account, detail);
    if (!rc) rc = store_throttle_forget_hour(c->s->db, h[i].window, h[i].account);
  }
  return rc;
}

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

rcode scheduler_tick(call *c)
{
  tick t = {c, 0, 0};
  double started = now_ms();
  events_batch_begin(c);
  int rc = reminders(&t);
  if (!rc) rc = actions(&t);
  if (!rc) rc = supervision(&t);
  int full = tick_full(&t);
  if (!rc) rc = events_batch_flush(c);
  if (!rc) rc = prune(c);
  if (!rc) rc = login_failure_hours(c);
  events_batch_end();
  /* Only ticks that did something: an idle one every second is noise. */
  if (!rc && t.done)
    log_line(LOG_INFO, "event=scheduler_tick emitted=%zu skipped=%zu rows=%lld full=%d ms=%.1f", t.done - t.skipped,
             t.skipped, c->events_last ? (long long)(c->events_last - c->events_first + 1) : 0LL, full,
             now_ms() - started);
  return rc;
}
