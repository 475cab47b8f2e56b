/* Group attendance: the facilitator records who came, each member confirms
 * what was recorded for them, and a confirmed entry is never changed. A
 * correction before confirmation is allowed, and the audit log keeps what
 * it replaced. */
#include <stdio.h>
#include <string.h>

#include "ops.h"
#include "session_rules.h"
#include "store_attendance.h"
#include "store_audit.h"

/* The store keeps the wire's Attendance numbers: a value crosses unchanged. */
_Static_assert((int)ATTENDANCE_UNKNOWN == (int)REFLECT__V1__ATTENDANCE__ATTENDANCE_UNKNOWN &&
                   (int)ATTENDANCE_PRESENT == (int)REFLECT__V1__ATTENDANCE__ATTENDANCE_PRESENT &&
                   (int)ATTENDANCE_ABSENT == (int)REFLECT__V1__ATTENDANCE__ATTENDANCE_ABSENT,
               "attendance_value and the wire's Attendance differ");

typedef struct {
  const char *name, *field;
  int attendance;
  int64_t user;
} attendance_mark;

typedef struct {
  session_row s;
  attendance_mark marks[2 * SESSION_MAX_MEMBERS];
  size_t n;
} attendance_record;

/* A group session, still live; for recording, one that has begun. */
static rcode check_group_session(call *c, const session_row *s, int must_have_started)
{
  long long id = (long long)s->id;
  if (s->kind != REFLECT__V1__SESSION_KIND__SESSION_GROUP)
    return call_fail(c, RC_PRECONDITION, "session_id",
                     "session %lld is an individual session; attendance is kept "
                     "for group sessions",
                     id);
  if (s->status == REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED ||
      s->status == REFLECT__V1__SESSION_STATUS__SESSION_MISSED)
    return call_fail(c, RC_PRECONDITION, "session_id", "session %lld was %s: nobody attended it", id,
                     s->status == REFLECT__V1__SESSION_STATUS__SESSION_MISSED ? "missed" : "cancelled");
  if (must_have_started && s->status == REFLECT__V1__SESSION_STATUS__SESSION_SCHEDULED && c->now < s->starts_at)
    return call_fail(c, RC_PRECONDITION, "session_id", "session %lld has not started yet", id);
  return RC_OK;
}

/* Collects one list of names; refuses bad, repeated or doubly-listed ones. */
static rcode collect(call *c, attendance_record *r, const char *field, char **names, size_t n, int attendance)
{
  if (n > SESSION_MAX_MEMBERS)
    return call_fail(c, RC_INVALID, field, "a session has at most %d members", SESSION_MAX_MEMBERS);
  for (size_t i = 0; i < n; i++) {
    if (!store_users_valid_username(names[i]))
      return call_fail(c, RC_INVALID, field, "a username is 1-64 of a-z, 0-9, '.', '_', '-'");
    for (size_t j = 0; j < r->n; j++) {
      if (strcmp(r->marks[j].name, names[i]) != 0) continue;
      if (r->marks[j].attendance == attendance)
        return call_fail(c, RC_INVALID, field, "'%s' is listed twice", names[i]);
      return call_fail(c, RC_INVALID, field, "'%s' cannot be both present and absent", names[i]);
    }
    r->marks[r->n++] = (attendance_mark){names[i], field, attendance, 0};
  }
  return RC_OK;
}

static rcode record_one(call *c, attendance_record *r, attendance_mark *m)
{
  long long id = (long long)r->s.id;
  user_row u;
  attendance_row was;
  int found = store_users_find(c->s->db, m->name, &u);
  if (found == RC_OK) found = store_attendance_get(c->s->db, r->s.id, u.id, &was);
  if (found == RC_NOT_FOUND)
    return call_fail(c, RC_PRECONDITION, m->field, "'%s' is not a member of session %lld", m->name, id);
  if (found) return RC_INTERNAL;
  if (was.signed_at)
    return call_fail(c, RC_PRECONDITION, m->field,
                     "'%s' has confirmed their attendance at session %lld; it is "
                     "not changed",
                     m->name, id);
  if (was.attendance == m->attendance) return RC_OK;
  rcode rc = store_attendance_set(call_store(c), r->s.id, u.id, m->attendance);
  if (rc == RC_PRECONDITION)
    return call_fail(c, RC_PRECONDITION, m->field, "'%s' confirmed their attendance meanwhile", m->name);
  char detail[96];
  snprintf(detail, sizeof detail, "user=%lld;attendance=%s;was=%s", (long long)u.id,
           store_attendance_name(m->attendance), store_attendance_name(was.attendance));
  if (!rc) rc = store_audit_append_id(call_store(c), "session.attendance", "session", r->s.id, detail);
  return rc;
}

static rcode attendance_tx(call *c, void *arg)
{
  attendance_record *r = arg;
  /* The status as it is now: it may have been cancelled meanwhile. */
  if (store_sessions_get(c->s->db, r->s.id, &r->s)) return RC_INTERNAL;
  rcode rc = check_group_session(c, &r->s, 1);
  for (size_t i = 0; !rc && i < r->n; i++) rc = record_one(c, r, &r->marks[i]);
  return rc;
}

rcode ops_session_attendance(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__SessionAttendanceRequest *in = req->session_attendance;
  if (!in) return call_fail(c, RC_INVALID, "session_attendance", "missing session_attendance");
  attendance_record r = {.n = 0};
  rcode rc = collect(c, &r, "present", in->present, in->n_present, REFLECT__V1__ATTENDANCE__ATTENDANCE_PRESENT);
  if (!rc) rc = collect(c, &r, "absent", in->absent, in->n_absent, REFLECT__V1__ATTENDANCE__ATTENDANCE_ABSENT);
  if (!rc && r.n == 0) rc = call_fail(c, RC_INVALID, "present", "name at least one member, present or absent");
  if (!rc) rc = session_rules_load_party(c, in->session_id, &r.s);
  if (rc) return rc;
  if (r.s.supervisor_id != c->who->user_id)
    return call_fail(c, RC_DENIED, "session_id", "only the facilitator of session %lld records its attendance",
                     (long long)r.s.id);
  rc = check_group_session(c, &r.s, 1);
  if (!rc) rc = call_write(c, "record the attendance", attendance_tx, &r);
  if (rc) return rc;
  Reflect__V1__SessionAttendanceReply *out = arena_alloc(c->a, sizeof *out);
  if (!out) return RC_EXHAUSTED;
  reflect__v1__session_attendance_reply__init(out);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_SESSION_ATTENDANCE;
  c->rep->session_attendance = out;
  return RC_OK;
}

static rcode sign_tx(call *c, void *arg)
{
  session_row *s = arg;
  long long id = (long long)s->id;
  if (store_sessions_get(c->s->db, s->id, s)) return RC_INTERNAL;
  rcode rc = check_group_session(c, s, 0);
  if (rc) return rc;
  attendance_row now;
  if (store_attendance_get(c->s->db, s->id, c->who->user_id, &now)) return RC_INTERNAL;
  if (now.attendance == REFLECT__V1__ATTENDANCE__ATTENDANCE_UNKNOWN)
    return call_fail(c, RC_PRECONDITION, "session_id", "no attendance has been recorded for you at session %lld yet",
                     id);
  if (now.signed_at)
    return call_fail(c, RC_PRECONDITION, "session_id", "you have already confirmed your attendance at session %lld",
                     id);
  rcode src = store_attendance_sign(call_store(c), s->id, c->who->user_id);
  char detail[48];
  snprintf(detail, sizeof detail, "attendance=%s", store_attendance_name(now.attendance));
  if (!src) src = store_audit_append_id(call_store(c), "session.attendance_sign", "session", s->id, detail);
  return src;
}

rcode ops_attendance_sign(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__AttendanceSignRequest *in = req->attendance_sign;
  if (!in) return call_fail(c, RC_INVALID, "attendance_sign", "missing attendance_sign");
  session_row s;
  rcode rc = session_rules_load_party(c, in->session_id, &s);
  if (rc) return rc;
  if (s.supervisor_id == c->who->user_id)
    return call_fail(c, RC_PRECONDITION, "session_id",
                     "you facilitated session %lld: its members confirm their "
                     "attendance",
                     (long long)s.id);
  rc = call_write(c, "confirm the attendance", sign_tx, &s);
  if (rc) return rc;
  Reflect__V1__AttendanceSignReply *out = arena_alloc(c->a, sizeof *out);
  if (!out) return RC_EXHAUSTED;
  reflect__v1__attendance_sign_reply__init(out);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_ATTENDANCE_SIGN;
  c->rep->attendance_sign = out;
  return RC_OK;
}
