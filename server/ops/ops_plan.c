/* Booking ahead from an agreement: `session plan` proposes the next
 * sessions with a supervisee from their agreement's rule, says which would
 * clash, and with book=true books them all exactly as `session add` would,
 * or none.
 *
 * Wall-clock times: a supervisor who meets at 10:00 meets at 10:00 after
 * the clocks change. Proposals therefore step through civil dates in the
 * organisation's zone with localtime_r/mktime, which read TZ: `reflectd
 * serve` sets TZ to the configured zone once, before any thread exists
 * (setenv is not thread-safe; localtime_r and mktime are). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "due.h"
#include "ops.h"
#include "session_rules.h"
#include "store_agreements.h"
#include "store_rules.h"
#include "store_schedule.h"

#define PLAN_MAX 26
#define PLAN_ROOM_MAX 200

typedef struct {
  const Reflect__V1__SessionPlanRequest *in;
  user_row u;
  agreement_row a;
  uint32_t minutes;
  uint8_t room_index[VAULT_INDEX_BYTES];
  int has_room;
  int64_t starts[PLAN_MAX];
  Reflect__V1__PlannedSession **out;
} plan;

static due_date local_date(int64_t t, struct tm *tm)
{
  time_t tt = (time_t)t;
  localtime_r(&tt, tm);
  return (due_date){tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday};
}

/* d at the wall-clock time of day of `clock`. */
static int64_t at_time_of_day(due_date d, const struct tm *clock)
{
  struct tm tm = {.tm_year = d.year - 1900,
                  .tm_mon = d.month - 1,
                  .tm_mday = d.day,
                  .tm_hour = clock->tm_hour,
                  .tm_min = clock->tm_min,
                  .tm_isdst = -1};
  return (int64_t)mktime(&tm);
}

/* With no first start given: when the next session is due after the last
 * one held, at its time of day; if that has passed, the first such time
 * from now on (an overdue session is booked as soon as may be). */
static rcode first_start(call *c, plan *p, const due_step *steps, size_t n, due_date start, int64_t *first)
{
  if (p->in->first) {
    rcode rc = session_rules_check_time(c, "first", p->in->first);
    if (!rc && p->in->first <= c->now)
      rc = call_fail(c, RC_INVALID, "first", "the first start must be in the future: plan books ahead");
    *first = p->in->first;
    return rc;
  }
  agreement_sessions ps;
  int64_t since;
  /* The same sessions as `reflect due` counts: one held before this
   * agreement started says nothing about when its next is due. */
  if (store_agreements_counts_from(c->s->db, &p->a, &since) ||
      store_agreements_sessions(c->s->db, &p->a, since, c->now, &ps))
    return call_fail(c, RC_INTERNAL, NULL, "could not read the sessions held");
  if (!ps.last_held_id)
    return call_fail(c, RC_PRECONDITION, "first",
                     "no session with '%s' has been held under this agreement yet, so there is no time of day to "
                     "follow: "
                     "give the first start (--from)",
                     p->u.username);
  struct tm held, now;
  due_date next, today = local_date(c->now, &now);
  if (due_next_date(steps, n, start, local_date(ps.last_held_at, &held), &next))
    return call_fail(c, RC_INTERNAL, NULL, "could not work out when the next session is due");
  *first = at_time_of_day(next, &held);
  if (*first <= c->now) {
    *first = at_time_of_day(today, &held);
    if (*first <= c->now && due_date_add(today, (due_interval){1, DUE_DAY}, &next) == DUE_OK)
      *first = at_time_of_day(next, &held);
  }
  return RC_OK;
}

/* The proposals: the first, then each one the step in force later. */
static rcode propose(call *c, plan *p)
{
  due_step steps[DUE_STEPS_MAX];
  size_t n;
  due_date start;
  if (store_rules_agreement_steps(c->s->db, p->a.rule_id, p->a.every_days, steps, &n) ||
      due_date_parse(p->a.starts_on, &start))
    return call_fail(c, RC_INTERNAL, NULL, "could not read agreement %lld's frequency", (long long)p->a.id);
  rcode rc = first_start(c, p, steps, n, start, &p->starts[0]);
  if (rc) return rc;
  struct tm clock;
  local_date(p->starts[0], &clock);
  for (uint32_t k = 1; k < p->in->count; k++) {
    struct tm prev;
    due_date d;
    if (due_next_date(steps, n, start, local_date(p->starts[k - 1], &prev), &d))
      return call_fail(c, RC_INVALID, "count", "the plan runs past the calendar");
    p->starts[k] = at_time_of_day(d, &clock);
  }
  for (uint32_t k = 0; k < p->in->count; k++)
    if (session_rules_check_time(c, "count", p->starts[k])) return RC_INVALID;
  return RC_OK;
}

/* session_rules_check_clashes describes a clash as a failure of the call; a proposal
 * only reports it, so the description is taken and the status restored. */
static rcode clash_text(call *c, const plan *p, int64_t start, const char **text)
{
  Reflect__V1__Status *st = c->rep->status, saved = *st;
  int64_t people[2] = {p->a.supervisor_id, p->a.supervisee_id};
  rcode rc = session_rules_check_clashes(c, people, 2, start, start + (int64_t)p->minutes * 60,
                                         p->has_room ? p->room_index : NULL, 0);
  *text = "";
  if (rc != RC_PRECONDITION) return rc;
  *text = st->message;
  *st = saved;
  return RC_OK;
}

static rcode fill(call *c, plan *p, int book)
{
  for (uint32_t k = 0; k < p->in->count; k++) {
    Reflect__V1__PlannedSession *m = p->out[k];
    rcode rc = clash_text(c, p, p->starts[k], (const char **)&m->clash);
    if (rc) return rc;
    if (!book || !*m->clash) continue;
    char when[DUE_TIME_MAX];
    due_format_local(p->starts[k], when, sizeof when);
    return call_fail(c, RC_PRECONDITION, "first", "nothing was booked: session %u of the plan (%s) clashes: %s", k + 1,
                     when, m->clash);
  }
  return RC_OK;
}

static rcode plan_book_tx(call *c, void *arg)
{
  plan *p = arg;
  /* Every clash is checked before anything is booked, so the refusal names
   * the first one whatever the order. */
  rcode rc = fill(c, p, 1);
  for (uint32_t k = 0; !rc && k < p->in->count; k++) {
    int64_t id = 0;
    rc = session_rules_book(c, &p->a.supervisee_id, 1, p->a.id, p->starts[k], p->minutes, p->in->room,
                            p->has_room ? p->room_index : NULL, &id);
    p->out[k]->session_id = (uint64_t)id;
  }
  return rc;
}

static rcode check_request(call *c, plan *p)
{
  const Reflect__V1__SessionPlanRequest *in = p->in;
  rcode rc = RC_OK;
  if (in->count < 1 || in->count > PLAN_MAX)
    rc = call_fail(c, RC_INVALID, "count", "a plan has 1 to %d sessions", PLAN_MAX);
  if (!rc && in->minutes) rc = session_rules_check_minutes(c, in->minutes);
  if (!rc && strlen(in->room) > PLAN_ROOM_MAX)
    rc = call_fail(c, RC_INVALID, "room", "room may have at most %d bytes", PLAN_ROOM_MAX);
  if (rc) return rc;
  /* The same refusal for a name that is nobody's, or not someone the
   * caller supervises (ops.h). */
  char refusal[160];
  snprintf(refusal, sizeof refusal, "you have no signed supervision agreement with '%.64s' to plan from",
           in->supervisee);
  int64_t id = 0;
  if ((rc = session_rules_find_supervisee(c, "supervisee", in->supervisee, refusal, &p->u, &id))) return rc;
  if (store_agreements_get(c->s->db, id, &p->a)) return call_fail(c, RC_INTERNAL, NULL, "could not read agreements");
  p->minutes = in->minutes ? in->minutes : p->a.minutes;
  store_schedule_room_index(c->s->vault, in->room, p->room_index, &p->has_room);
  return RC_OK;
}

rcode ops_session_plan(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__SessionPlanRequest *in = req->session_plan;
  if (!in) return call_fail(c, RC_INVALID, "session_plan", "missing session_plan");
  plan p = {.in = in};
  rcode rc = check_request(c, &p);
  if (!rc) rc = propose(c, &p);
  if (rc) return rc;
  Reflect__V1__SessionPlanReply *r = arena_alloc(c->a, sizeof *r);
  p.out = arena_alloc(c->a, sizeof *p.out * in->count);
  if (!r || !p.out) return call_fail(c, RC_EXHAUSTED, NULL, "the plan is too large");
  reflect__v1__session_plan_reply__init(r);
  for (uint32_t k = 0; k < in->count; k++) {
    if (!(p.out[k] = arena_alloc(c->a, sizeof *p.out[k])))
      return call_fail(c, RC_EXHAUSTED, NULL, "the plan is too large");
    reflect__v1__planned_session__init(p.out[k]);
    p.out[k]->starts_at = p.starts[k];
    p.out[k]->minutes = p.minutes;
  }
  rc = in->book ? call_write(c, "book the plan", plan_book_tx, &p) : fill(c, &p, 0);
  if (rc) return rc;
  r->sessions = p.out;
  r->n_sessions = in->count;
  r->agreement_id = (uint64_t)p.a.id;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_SESSION_PLAN;
  c->rep->session_plan = r;
  return RC_OK;
}
