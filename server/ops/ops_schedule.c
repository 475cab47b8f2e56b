/* A session's life after booking: show it with its history, move it, mark
 * it held, missed or cancelled. Only its supervisor changes it; its parties
 * and the managers overseeing them see it. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "ops.h"
#include "session_messages.h"
#include "session_rules.h"
#include "store_audit.h"
#include "store_schedule.h"

#define SCHEDULE_REASON_MAX 1024

/* The session, if the caller is its supervisor: only they change it. */
static rcode load_for_change(call *c, uint64_t id, session_row *s)
{
  rcode rc = session_rules_load_party(c, id, s);
  if (rc) return rc;
  if (s->supervisor_id != c->who->user_id)
    return call_fail(c, RC_DENIED, "session_id", "only the supervisor of session %lld changes it", (long long)s->id);
  return RC_OK;
}

/* The session's history as the wire's SessionChange messages. */
static rcode history_messages(call *c, const session_row *s, Reflect__V1__SessionShowReply *r)
{
  session_change_row *v;
  size_t n;
  rcode rc = store_schedule_history(call_store(c), s, &v, &n);
  if (rc) return rc;
  Reflect__V1__SessionChange **out = arena_alloc(c->a, sizeof *out * (n ? n : 1));
  if (!out) return RC_EXHAUSTED;
  for (size_t i = 0; i < n; i++) {
    Reflect__V1__SessionChange *h = arena_alloc(c->a, sizeof *h);
    if (!h) return RC_EXHAUSTED;
    reflect__v1__session_change__init(h);
    h->at = v[i].at;
    h->by = (char *)v[i].by;
    h->what = (Reflect__V1__SessionStatus)v[i].what;
    h->old_starts_at = v[i].old_starts_at;
    h->new_starts_at = v[i].new_starts_at;
    h->old_minutes = v[i].old_minutes;
    h->new_minutes = v[i].new_minutes;
    h->reason = (char *)v[i].reason;
    out[i] = h;
  }
  r->history = out;
  r->n_history = n;
  return RC_OK;
}

rcode ops_session_show(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__SessionShowRequest *in = req->session_show;
  if (!in) return call_fail(c, RC_INVALID, "session_show", "missing session_show");
  session_row s;
  int party = 0;
  /* A party, or a manager overseeing one of its parties (read-only). */
  rcode rc = session_rules_load_visible(c, in->session_id, &s, &party);
  if (rc) return rc;
  Reflect__V1__SessionShowReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__session_show_reply__init(r);
  session_item *one;
  size_t n;
  session_filter f = {.when = SESSION_FILTER_ALL, .only_session = s.id, .limit = 1};
  rc = store_sessions_list(call_store(c), c->who->user_id, &f, &one, &n);
  if (!rc && n == 1) rc = session_messages_from_item(c, &one[0], &r->session);
  if (!rc) rc = history_messages(c, &s, r);
  if (rc || !r->session)
    return call_fail(c, rc ? rc : RC_INTERNAL, NULL, "could not read session %lld", (long long)s.id);
  rc = call_audit_read(c, "session.read", "session", s.id, party ? "" : "oversight");
  if (rc) return rc;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_SESSION_SHOW;
  c->rep->session_show = r;
  return RC_OK;
}

typedef struct {
  const Reflect__V1__SessionRescheduleRequest *in;
  session_row s;
  int minutes;
} reschedule;

static rcode reschedule_tx(call *c, void *arg)
{
  reschedule *m = arg;
  /* Re-read inside the transaction: the session may have changed since. */
  if (store_sessions_get(c->s->db, m->s.id, &m->s)) return RC_INTERNAL;
  if (m->s.status != REFLECT__V1__SESSION_STATUS__SESSION_SCHEDULED)
    return call_fail(c, RC_PRECONDITION, "session_id", "session %lld is no longer scheduled", (long long)m->s.id);
  int64_t people[1 + SESSION_MAX_MEMBERS];
  size_t n = 0;
  if (store_sessions_members(c->s->db, m->s.id, people + 1, SESSION_MAX_MEMBERS, &n)) return RC_INTERNAL;
  people[0] = m->s.supervisor_id;
  int64_t start = m->in->starts_at, end = start + (int64_t)m->minutes * 60;
  uint8_t idx[VAULT_INDEX_BYTES];
  int has_room = 0;
  /* The room stays as it was: compare by the stored index. */
  sqlite3_stmt *st = db_prepare(c->s->db, "SELECT room_index FROM sessions WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, m->s.id);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == VAULT_INDEX_BYTES) {
    memcpy(idx, sqlite3_column_blob(st, 0), VAULT_INDEX_BYTES);
    has_room = 1;
  }
  sqlite3_reset(st);
  rcode rc = session_rules_check_clashes(c, people, n + 1, start, end, has_room ? idx : NULL, m->s.id);
  if (!rc) rc = store_schedule_move(call_store(c), &m->s, start, m->minutes, m->in->reason);
  if (!rc) rc = store_audit_append_id(call_store(c), "session.reschedule", "session", m->s.id, "");
  /* Told from the row as it is now; m->s keeps the old one for the reply. */
  session_row moved;
  if (!rc) rc = store_sessions_get(c->s->db, m->s.id, &moved) ? RC_INTERNAL : RC_OK;
  if (!rc) rc = events_session_moved(c, &moved, m->s.starts_at);
  return rc;
}

rcode ops_session_reschedule(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__SessionRescheduleRequest *in = req->session_reschedule;
  if (!in) return call_fail(c, RC_INVALID, "session_reschedule", "missing session_reschedule");
  reschedule m = {.in = in};
  rcode rc = load_for_change(c, in->session_id, &m.s);
  if (rc) return rc;
  m.minutes = in->minutes ? (int)in->minutes : m.s.minutes;
  rc = session_rules_check_start(c, in->starts_at, (uint32_t)m.minutes);
  if (!rc && strlen(in->reason) > SCHEDULE_REASON_MAX)
    rc = call_fail(c, RC_INVALID, "reason", "a reason may have at most %d bytes", SCHEDULE_REASON_MAX);
  if (!rc && in->starts_at == m.s.starts_at && m.minutes == m.s.minutes)
    rc = call_fail(c, RC_INVALID, "starts_at", "session %lld is already at that time", (long long)m.s.id);
  if (rc) return rc;
  rc = call_write(c, "move the session", reschedule_tx, &m);
  if (rc) return rc;
  Reflect__V1__SessionRescheduleReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__session_reschedule_reply__init(r);
  r->sequence = (uint32_t)m.s.sequence + 1;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_SESSION_RESCHEDULE;
  c->rep->session_reschedule = r;
  return RC_OK;
}

typedef struct {
  const Reflect__V1__SessionStatusRequest *in;
  session_row s;
} status_change;

static rcode status_tx(call *c, void *arg)
{
  status_change *m = arg;
  if (store_sessions_get(c->s->db, m->s.id, &m->s)) return RC_INTERNAL;
  if (m->s.status != REFLECT__V1__SESSION_STATUS__SESSION_SCHEDULED)
    return call_fail(c, RC_PRECONDITION, "session_id", "session %lld is no longer scheduled", (long long)m->s.id);
  /* Checked here, on the row as it is now: it may have been moved meanwhile. */
  if (m->in->status != REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED && c->now < m->s.starts_at)
    return call_fail(c, RC_PRECONDITION, "status", "session %lld has not started yet", (long long)m->s.id);
  rcode rc = store_schedule_set_status(call_store(c), &m->s, m->in->status, m->in->reason);
  if (!rc) {
    const char *what = m->in->status == REFLECT__V1__SESSION_STATUS__SESSION_HELD     ? "session.held"
                       : m->in->status == REFLECT__V1__SESSION_STATUS__SESSION_MISSED ? "session.missed"
                                                                                      : "session.cancel";
    rc = store_audit_append_id(call_store(c), what, "session", m->s.id, "");
  }
  if (!rc && m->in->status == REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED) rc = events_session_cancelled(c, &m->s);
  return rc;
}

rcode ops_session_status(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__SessionStatusRequest *in = req->session_status;
  if (!in) return call_fail(c, RC_INVALID, "session_status", "missing session_status");
  int held = in->status == REFLECT__V1__SESSION_STATUS__SESSION_HELD;
  int missed = in->status == REFLECT__V1__SESSION_STATUS__SESSION_MISSED;
  int cancelled = in->status == REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED;
  if (!held && !missed && !cancelled)
    return call_fail(c, RC_INVALID, "status", "a session can be marked held, missed or cancelled");
  if (strlen(in->reason) > SCHEDULE_REASON_MAX)
    return call_fail(c, RC_INVALID, "reason", "a reason may have at most %d bytes", SCHEDULE_REASON_MAX);
  if ((missed || cancelled) && strspn(in->reason, " \t\r\n") == strlen(in->reason))
    return call_fail(c, RC_INVALID, "reason", "say why the session was %s", missed ? "missed" : "cancelled");
  status_change m = {.in = in};
  rcode rc = load_for_change(c, in->session_id, &m.s);
  if (rc) return rc;
  rc = call_write(c, "change the session", status_tx, &m);
  if (rc) return rc;
  Reflect__V1__SessionStatusReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__session_status_reply__init(r);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_SESSION_STATUS;
  c->rep->session_status = r;
  return RC_OK;
}
