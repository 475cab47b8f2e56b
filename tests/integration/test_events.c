/* Events that people's changes cause, read back the durable way
 * (EventsSince): each kind reaches the people concerned and nobody else
 * (not whoever made the change, not a colleague with no part in it), in
 * words fit for a notification, and never with a word of a record, an
 * action's description or evidence, a reason, or a case. */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reflect/client_events.h"
#include "harness.h"
#include "harness_ops.h"
#include "wire.h"

#define DAY 86400

/* Everything the tests write that must never reach an event. */
static const char *const secrets[] = {"SECRET-RECORD-TEXT", "SECRET-AMENDMENT", "SECRET-ACTION-DESC", "SECRET-EVIDENCE",
                                      "SECRET-CASE-NAME",   "SECRETREF42",      "SECRET-REASON",      "SECRET-CANCEL"};

/* The shared requests, carrying the secrets above. */
static void move(client *sup, uint64_t id, int64_t at)
{
  harness_reschedule(sup, id, at, "SECRET-REASON");
}

static void set_status(client *sup, uint64_t id, Reflect__V1__SessionStatus status)
{
  harness_set_status(sup, id, status, "SECRET-CANCEL");
}

static void write_record(client *sup, uint64_t id, const char *body, const char *reason)
{
  Reflect__V1__RecordWriteRequest w = REFLECT__V1__RECORD_WRITE_REQUEST__INIT;
  w.session_id = id;
  w.body = (char *)body;
  w.reason = (char *)reason;
  HARNESS_CALL(sup, RECORD_WRITE, record_write, w);
}

static void sign(client *c, uint64_t id, uint32_t revision)
{
  Reflect__V1__RecordSignRequest s = REFLECT__V1__RECORD_SIGN_REQUEST__INIT;
  s.session_id = id;
  s.revision = revision;
  HARNESS_CALL(c, RECORD_SIGN, record_sign, s);
}

static uint64_t action(client *sup, uint64_t session, const char *owner, int64_t due, uint64_t case_id)
{
  return harness_add_action(sup, session, owner, "SECRET-ACTION-DESC", "SECRET-EVIDENCE needed", due, case_id);
}

static void close_action(client *c, uint64_t id, Reflect__V1__ActionStatus status)
{
  harness_close_action(c, id, status, "SECRET-EVIDENCE given");
}

/* ---- reading events ---- */

#define EVENTS_MAX 512

typedef struct {
  Reflect__V1__Reply *reps[64];
  size_t n_reps;
  Reflect__V1__Event *ev[EVENTS_MAX];
  size_t n;
} events;

static void events_free(events *e)
{
  for (size_t i = 0; i < e->n_reps; i++) wire_free_reply(e->reps[i]);
  memset(e, 0, sizeof *e);
}

/* All of the caller's events, oldest first, a page at a time. */
static void events_read(client *c, events *e)
{
  memset(e, 0, sizeof *e);
  uint64_t after = 0;
  for (;;) {
    Reflect__V1__Reply *rep = harness_events_since(c, after, 7); /* small pages, so paging is used */
    cr_assert_lt(e->n_reps, 64);
    e->reps[e->n_reps++] = rep;
    Reflect__V1__EventsSinceReply *r = rep->events_since;
    for (size_t i = 0; i < r->n_events; i++) {
      cr_assert_gt(r->events[i]->seq, after, "events come in order");
      after = r->events[i]->seq;
      cr_assert_lt(e->n, EVENTS_MAX);
      e->ev[e->n++] = r->events[i];
    }
    if (!r->more) break;
  }
}

static size_t count(const events *e, Reflect__V1__EventKind kind, uint64_t session)
{
  size_t n = 0;
  for (size_t i = 0; i < e->n; i++) n += e->ev[i]->kind == kind && (!session || e->ev[i]->session_id == session);
  return n;
}

/* The only event of that kind about that session (or action). */
static const Reflect__V1__Event *one(const events *e, Reflect__V1__EventKind kind, uint64_t session, uint64_t act)
{
  const Reflect__V1__Event *found = NULL;
  size_t n = 0;
  for (size_t i = 0; i < e->n; i++) {
    const Reflect__V1__Event *v = e->ev[i];
    if (v->kind != kind || (session && v->session_id != session) || (act && v->action_id != act)) continue;
    found = v;
    n++;
  }
  cr_assert_eq(n, 1, "expected one event of kind %d (session %llu, action %llu), got %zu", kind,
               (unsigned long long)session, (unsigned long long)act, n);
  return found;
}

static void no_secrets(const events *e)
{
  for (size_t i = 0; i < e->n; i++) {
    size_t len = protobuf_c_message_get_packed_size(&e->ev[i]->base);
    uint8_t *buf = malloc(len + 1);
    protobuf_c_message_pack(&e->ev[i]->base, buf);
    for (size_t k = 0; k < sizeof secrets / sizeof secrets[0]; k++)
      cr_assert_null(memmem(buf, len, secrets[k], strlen(secrets[k])), "event %llu (%s) carries %s",
                     (unsigned long long)e->ev[i]->seq, e->ev[i]->summary, secrets[k]);
    free(buf);
  }
}

static int has(const char *s, const char *needle)
{
  return s && strstr(s, needle) != NULL;
}

typedef struct {
  harness_server h;
  client *admin, *sam, *pat, *quinn, *una;
} world;

static void world_start(world *w)
{
  harness_start(&w->h);
  w->admin = harness_user(&w->h, "admin");
  harness_add_user(w->admin, "sam", "Sam Green", REFLECT__V1__ROLE__ROLE_SUPERVISOR);
  harness_add_user(w->admin, "pat", "Pat Shaw", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  harness_add_user(w->admin, "quinn", "Quinn Reed", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  harness_add_user(w->admin, "una", "Una Lowe", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  w->sam = harness_user(&w->h, "sam");
  w->pat = harness_user(&w->h, "pat");
  w->quinn = harness_user(&w->h, "quinn");
  w->una = harness_user(&w->h, "una");
  harness_agreement(w->sam, w->pat, "pat", 28, NULL, 1);
  harness_agreement(w->sam, w->quinn, "quinn", 28, NULL, 1);
}

static void world_stop(world *w)
{
  client *all[] = {w->admin, w->sam, w->pat, w->quinn, w->una};
  for (size_t i = 0; i < 5; i++) client_close(all[i]);
  cr_assert_eq(harness_stop(&w->h), 0);
  harness_cleanup(&w->h);
}

/* What a subscriber got: live, then by catch-up, until quiet. */
typedef struct {
  uint64_t seq[EVENTS_MAX];
  Reflect__V1__EventKind kind[EVENTS_MAX];
  size_t n;
  client_events_stats stats;
} received;

static void receive_all(client_events *sub, received *out)
{
  memset(out, 0, sizeof *out);
  /* The quiet catch-up comes CLIENT_EVENTS_QUIET_MS after the last live
   * event; a few seconds of nothing after that means everything is in. */
  int quiet = 0;
  while (quiet < 2) {
    Reflect__V1__Event *ev = NULL;
    int rc = client_events_next(sub, CLIENT_EVENTS_QUIET_MS + 1000, &ev);
    if (rc == CLIENT_ENOEVENT) {
      quiet++;
      continue;
    }
    cr_assert_eq(rc, CLIENT_OK, "events: %s", client_strerror(rc));
    quiet = 0;
    cr_assert_lt(out->n, EVENTS_MAX);
    out->seq[out->n] = ev->seq;
    out->kind[out->n++] = ev->kind;
    wire_free_event(ev);
  }
  client_events_stats_get(sub, &out->stats);
}

Test(events, individual_sessions_records_and_actions, .timeout = 240)
{
  world w;
  world_start(&w);
  int64_t now = (int64_t)time(NULL);
  const char *pat[] = {"pat"};
  /* Pat's desktop is watching from the start (its own device, so its
   * requests do not interleave with the test's). */
  client *pat_desk = harness_user(&w.h, "pat");
  client_events *sub;
  cr_assert_eq(client_events_open(pat_desk, w.h.pub, 0, &sub), CLIENT_OK);

  /* Booked, moved, cancelled: the supervisee hears each time. */
  int64_t first = now + 3 * DAY, second = now + 4 * DAY;
  uint64_t s1 = harness_book(w.sam, pat, 1, first, 90, "Room 4");
  move(w.sam, s1, second);
  set_status(w.sam, s1, REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED);

  /* A session that took place: its record, signed by both, then amended. */
  uint64_t s2 = harness_book(w.sam, pat, 1, now - 2 * DAY, 90, "");
  set_status(w.sam, s2, REFLECT__V1__SESSION_STATUS__SESSION_HELD);
  write_record(w.sam, s2, "SECRET-RECORD-TEXT about the week", "");
  sign(w.pat, s2, 1);
  sign(w.sam, s2, 1);
  write_record(w.sam, s2, "SECRET-AMENDMENT to the record", "SECRET-REASON for amending");

  /* Actions, one about a case: assigned, done by the owner, cancelled by
   * the supervisor. */
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CaseAddRequest ca = REFLECT__V1__CASE_ADD_REQUEST__INIT;
  ca.reference = "SECRETREF42";
  ca.name = "SECRET-CASE-NAME Child";
  ca.risk = REFLECT__V1__RISK_LEVEL__RISK_HIGH;
  ca.allocated = "pat";
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_ADD;
  req.case_add = &ca;
  Reflect__V1__Reply *rep = harness_ok(w.sam, &req);
  uint64_t case_id = rep->case_add->id;
  wire_free_reply(rep);
  int64_t due = now + 5 * DAY;
  uint64_t a1 = action(w.sam, s2, "pat", due, case_id);
  uint64_t a2 = action(w.sam, s2, "pat", due, 0);
  close_action(w.pat, a1, REFLECT__V1__ACTION_STATUS__ACTION_DONE);
  close_action(w.sam, a2, REFLECT__V1__ACTION_STATUS__ACTION_CANCELLED);

  events p, s, q, u;
  events_read(w.pat, &p);
  events_read(w.sam, &s);
  events_read(w.quinn, &q);
  events_read(w.una, &u);

  const Reflect__V1__Event *e = one(&p, REFLECT__V1__EVENT_KIND__EVENT_SESSION_SCHEDULED, s1, 0);
  cr_assert(has(e->summary, "Supervision with Sam Green"), "%s", e->summary);
  cr_assert_str_eq(e->who, "Sam Green");
  cr_assert_str_eq(e->where, "Room 4");
  cr_assert_str_eq(e->actor, "sam");
  cr_assert_eq(e->at, first);
  cr_assert_eq(e->minutes, 90);
  cr_assert(e->created_at >= now && e->created_at <= now + 120);

  e = one(&p, REFLECT__V1__EVENT_KIND__EVENT_SESSION_RESCHEDULED, s1, 0);
  cr_assert_eq(e->at, second);
  cr_assert_eq(e->previous_at, first);
  cr_assert_str_eq(e->where, "Room 4");
  cr_assert(has(e->summary, "moved"), "%s", e->summary);

  e = one(&p, REFLECT__V1__EVENT_KIND__EVENT_SESSION_CANCELLED, s1, 0);
  cr_assert(e->cancelled);
  cr_assert_eq(e->at, second);
  cr_assert(has(e->summary, "cancelled"), "%s", e->summary);

  e = one(&p, REFLECT__V1__EVENT_KIND__EVENT_RECORD_AWAITING_SIGNOFF, s2, 0);
  cr_assert_eq(e->revision, 1);
  cr_assert(has(e->summary, "awaits your signature"), "%s", e->summary);
  e = one(&p, REFLECT__V1__EVENT_KIND__EVENT_RECORD_SIGNED, s2, 0);
  cr_assert(e->complete, "the supervisor signed second: now everyone has");
  cr_assert(has(e->summary, "Sam Green signed"), "%s", e->summary);
  e = one(&p, REFLECT__V1__EVENT_KIND__EVENT_RECORD_AMENDED, s2, 0);
  cr_assert_eq(e->revision, 2);

  e = one(&p, REFLECT__V1__EVENT_KIND__EVENT_ACTION_ASSIGNED, 0, a1);
  cr_assert_eq(e->at, due);
  cr_assert_eq(e->session_id, s2);
  cr_assert(has(e->summary, "Action from supervision on"), "%s", e->summary);
  one(&p, REFLECT__V1__EVENT_KIND__EVENT_ACTION_ASSIGNED, 0, a2);
  e = one(&p, REFLECT__V1__EVENT_KIND__EVENT_ACTION_DONE, 0, a2);
  cr_assert(has(e->summary, "cancelled"), "%s", e->summary);
  cr_assert_eq(count(&p, REFLECT__V1__EVENT_KIND__EVENT_ACTION_DONE, 0), 1, "pat closed a1 herself");
  cr_assert_eq(p.n, 10, "pat: 3 session, 3 record, 2 assigned, 1 done and 1 more booking, got %zu", p.n);
  one(&p, REFLECT__V1__EVENT_KIND__EVENT_SESSION_SCHEDULED, s2, 0);

  /* The supervisor hears only what someone else did. */
  cr_assert_eq(s.n, 2, "sam: pat's signature and pat's action done, got %zu", s.n);
  e = one(&s, REFLECT__V1__EVENT_KIND__EVENT_RECORD_SIGNED, s2, 0);
  cr_assert_not(e->complete, "sam had not signed yet");
  cr_assert(has(e->summary, "Pat Shaw signed"), "%s", e->summary);
  cr_assert_str_eq(e->actor, "pat");
  e = one(&s, REFLECT__V1__EVENT_KIND__EVENT_ACTION_DONE, 0, a1);
  cr_assert(has(e->summary, "Pat Shaw's action") && has(e->summary, "done"), "%s", e->summary);
  cr_assert_str_eq(e->who, "Pat Shaw");

  cr_assert_eq(q.n, 0, "quinn has no part in any of it");
  cr_assert_eq(u.n, 0, "una has no part in any of it");

  /* The subscriber saw every kind Pat was sent, each event exactly once,
   * in the stored order once sorted, and most of them live. */
  received live;
  receive_all(sub, &live);
  cr_assert_eq(live.n, p.n, "the subscriber got %zu of %zu", live.n, p.n);
  for (size_t i = 0; i < p.n; i++) {
    size_t found = 0;
    for (size_t k = 0; k < live.n; k++) found += live.seq[k] == p.ev[i]->seq && live.kind[k] == p.ev[i]->kind;
    cr_assert_eq(found, 1, "event %llu reached the subscriber %zu times", (unsigned long long)p.ev[i]->seq, found);
  }
  cr_assert_gt(live.stats.live, 0, "nothing came live");
  cr_assert_eq(live.stats.undecodable, 0);
  client_events_close(sub);
  client_close(pat_desk);
  no_secrets(&p);
  no_secrets(&s);
  events_free(&p);
  events_free(&s);
  events_free(&q);
  events_free(&u);
  world_stop(&w);
}

Test(events, group_sessions, .timeout = 240)
{
  world w;
  world_start(&w);
  int64_t now = (int64_t)time(NULL);
  const char *both[] = {"pat", "quinn"};

  int64_t first = now + 5 * DAY, second = now + 6 * DAY;
  uint64_t g1 = harness_book(w.sam, both, 2, first, 90, "Room 7");
  move(w.sam, g1, second);
  set_status(w.sam, g1, REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED);

  uint64_t g2 = harness_book(w.sam, both, 2, now - DAY, 90, "");
  set_status(w.sam, g2, REFLECT__V1__SESSION_STATUS__SESSION_HELD);
  write_record(w.sam, g2, "SECRET-RECORD-TEXT of the group", "");
  sign(w.pat, g2, 1);
  sign(w.quinn, g2, 1);
  sign(w.sam, g2, 1);

  events p, q, s, u;
  events_read(w.pat, &p);
  events_read(w.quinn, &q);
  events_read(w.sam, &s);
  events_read(w.una, &u);

  const Reflect__V1__Event *e = one(&p, REFLECT__V1__EVENT_KIND__EVENT_GROUP_INVITATION, g1, 0);
  cr_assert(has(e->summary, "Group supervision with Sam Green"), "%s", e->summary);
  cr_assert(has(e->who, "Sam Green") && has(e->who, "Quinn Reed") && !has(e->who, "Pat Shaw"), "%s", e->who);
  cr_assert_str_eq(e->where, "Room 7");
  cr_assert_eq(e->at, first);
  e = one(&q, REFLECT__V1__EVENT_KIND__EVENT_GROUP_INVITATION, g1, 0);
  cr_assert(has(e->who, "Pat Shaw") && !has(e->who, "Quinn Reed"), "%s", e->who);

  for (int k = 0; k < 2; k++) {
    const events *m = k ? &q : &p;
    cr_assert_eq(count(m, REFLECT__V1__EVENT_KIND__EVENT_GROUP_CHANGED, g1), 2);
    size_t moves = 0, cancels = 0;
    for (size_t i = 0; i < m->n; i++) {
      const Reflect__V1__Event *v = m->ev[i];
      if (v->kind != REFLECT__V1__EVENT_KIND__EVENT_GROUP_CHANGED) continue;
      cr_assert_eq(v->at, second);
      if (v->cancelled) cancels++;
      else moves += v->previous_at == first;
    }
    cr_assert(moves == 1 && cancels == 1, "one move from the first time, one cancellation");
    one(m, REFLECT__V1__EVENT_KIND__EVENT_RECORD_AWAITING_SIGNOFF, g2, 0);
  }
  /* Each member hears of the other signatures; only the last says done. */
  cr_assert_eq(count(&p, REFLECT__V1__EVENT_KIND__EVENT_RECORD_SIGNED, g2), 2, "quinn's and sam's");
  cr_assert_eq(count(&q, REFLECT__V1__EVENT_KIND__EVENT_RECORD_SIGNED, g2), 2, "pat's and sam's");
  for (int k = 0; k < 2; k++) {
    const events *m = k ? &q : &p;
    size_t complete = 0;
    for (size_t i = 0; i < m->n; i++)
      complete += m->ev[i]->kind == REFLECT__V1__EVENT_KIND__EVENT_RECORD_SIGNED && m->ev[i]->complete;
    cr_assert_eq(complete, 1, "only sam's signature, the last, completes it");
  }
  cr_assert_eq(s.n, 2, "sam hears pat's and quinn's signatures, nothing he did himself");
  for (size_t i = 0; i < s.n; i++) {
    cr_assert_eq(s.ev[i]->kind, REFLECT__V1__EVENT_KIND__EVENT_RECORD_SIGNED);
    cr_assert_not(s.ev[i]->complete, "sam signed last");
  }
  cr_assert_eq(u.n, 0);
  no_secrets(&p);
  no_secrets(&q);
  no_secrets(&s);
  events_free(&p);
  events_free(&q);
  events_free(&s);
  events_free(&u);
  world_stop(&w);
}
