#include "session_messages.h"

#include "store_attendance.h"

/* The store keeps the wire's numbers, so kinds and statuses cross
 * unchanged (and the columns keep what they always held). */
_Static_assert((int)SESSION_INDIVIDUAL == (int)REFLECT__V1__SESSION_KIND__SESSION_INDIVIDUAL &&
                   (int)SESSION_GROUP == (int)REFLECT__V1__SESSION_KIND__SESSION_GROUP,
               "session_kind and the wire's SessionKind differ");
_Static_assert((int)SESSION_SCHEDULED == (int)REFLECT__V1__SESSION_STATUS__SESSION_SCHEDULED &&
                   (int)SESSION_HELD == (int)REFLECT__V1__SESSION_STATUS__SESSION_HELD &&
                   (int)SESSION_CANCELLED == (int)REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED &&
                   (int)SESSION_RESCHEDULED == (int)REFLECT__V1__SESSION_STATUS__SESSION_RESCHEDULED &&
                   (int)SESSION_MISSED == (int)REFLECT__V1__SESSION_STATUS__SESSION_MISSED,
               "session_status and the wire's SessionStatus differ");

rcode session_messages_from_item(call *c, const session_item *in, Reflect__V1__Session **out)
{
  Reflect__V1__Session *m = arena_alloc(c->a, sizeof *m);
  Reflect__V1__MemberAttendance **att = arena_alloc(c->a, sizeof *att * (in->n_attendance ? in->n_attendance : 1));
  if (!m || !att) return RC_EXHAUSTED;
  reflect__v1__session__init(m);
  m->id = (uint64_t)in->id;
  m->kind = (Reflect__V1__SessionKind)in->kind;
  m->supervisor = (char *)in->supervisor;
  m->members = in->members;
  m->n_members = in->n_members;
  m->starts_at = in->starts_at;
  m->minutes = in->minutes;
  m->room = (char *)in->room;
  m->status = (Reflect__V1__SessionStatus)in->status;
  m->agreement_id = (uint64_t)in->agreement_id;
  m->record_revision = in->record_revision;
  m->sequence = in->sequence;
  for (size_t i = 0; i < in->n_attendance; i++) {
    Reflect__V1__MemberAttendance *a = arena_alloc(c->a, sizeof *a);
    if (!a) return RC_EXHAUSTED;
    reflect__v1__member_attendance__init(a);
    a->member = (char *)in->attendance[i].member;
    a->attendance = (Reflect__V1__Attendance)in->attendance[i].attendance;
    a->signed_at = in->attendance[i].signed_at;
    att[i] = a;
  }
  if (in->n_attendance) {
    m->attendance = att;
    m->n_attendance = in->n_attendance;
  }
  *out = m;
  return RC_OK;
}
