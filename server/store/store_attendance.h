/*
 * store_attendance — who came to a group session, and each member's
 * confirmation of what was recorded for them.
 *
 * Contract:
 *  - Attendance lives on the member's session_members row, in the clear:
 *    that someone came to a meeting is a fact the server must query, not
 *    something said in it.
 *  - The facilitator may record a member's attendance again until that
 *    member has confirmed it; a confirmed row is never changed (every
 *    UPDATE here says so in its WHERE clause, so a race cannot slip past
 *    the caller's check). History is the audit log: the caller appends one
 *    row per member recorded, with the old and the new value.
 *  - Writers run in the caller's write transaction. Functions return 0 or a
 *    Reflect Code.
 *  - Attendance is an attendance_value: the numbers are the wire's
 *    Attendance, which is what the column has always held (ops_attendance.c
 *    checks that they agree).
 */
#ifndef REFLECT_STORE_ATTENDANCE_H
#define REFLECT_STORE_ATTENDANCE_H

#include <stdint.h>

#include "store_ctx.h"

typedef enum {
  ATTENDANCE_UNKNOWN = 0, /* not recorded yet */
  ATTENDANCE_PRESENT = 1,
  ATTENDANCE_ABSENT = 2,
} attendance_value;

typedef struct {
  int attendance;    /* an attendance_value; ATTENDANCE_UNKNOWN until recorded */
  int64_t signed_at; /* 0 until the member confirmed it */
} attendance_row;

/* RC_NOT_FOUND if user is not a member of the session. */
rcode store_attendance_get(db *d, int64_t session_id, int64_t user_id, attendance_row *out) RC_MUST_CHECK;
/* RC_PRECONDITION if the member has confirmed meanwhile. */
rcode store_attendance_set(store_ctx *c, int64_t session_id, int64_t user_id, int attendance) RC_MUST_CHECK;
/* RC_PRECONDITION unless attendance is recorded and not yet confirmed. */
rcode store_attendance_sign(store_ctx *c, int64_t session_id, int64_t user_id) RC_MUST_CHECK;
/* "present", "absent", or "unknown". */
const char *store_attendance_name(int attendance);

#endif
