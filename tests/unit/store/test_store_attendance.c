/* store_attendance on a real database: attendance is on the member's row
 * in the clear; the facilitator may record it again until the member
 * confirms; a confirmed row never changes; only a recorded, unconfirmed
 * attendance can be confirmed; a non-member is NOT_FOUND. */
#include "store_test.h"
#include "store_attendance.h"
#include "store_sessions.h"

TestSuite(store_attendance, .init = st_setup, .fini = st_teardown);

#define PRESENT ATTENDANCE_PRESENT
#define ABSENT ATTENDANCE_ABSENT

static int64_t sid, sup, pat, quinn;

static void group(void)
{
  sup = st_user("sup", "Sue", ROLE_SUPERVISOR);
  pat = st_user("pat", "Pat", ROLE_PRACTITIONER);
  quinn = st_user("quinn", "Quinn", ROLE_PRACTITIONER);
  int64_t m[] = {pat, quinn};
  store_ctx c = st_ctx(T0);
  cr_assert_eq(store_sessions_add(&c, sup, m, 2, 0, T0 - 7200, 60, NULL, NULL, &sid), 0);
}

static attendance_row get(int64_t user)
{
  attendance_row r;
  cr_assert_eq(store_attendance_get(f.db, sid, user, &r), 0);
  return r;
}

Test(store_attendance, recorded_in_the_clear_and_changeable_until_confirmed)
{
  group();
  cr_assert_eq(get(pat).attendance, 0, "unknown until recorded");
  store_ctx c = st_ctx(T0);
  cr_assert_eq(store_attendance_sign(&c, sid, pat), RC_PRECONDITION, "nothing recorded to confirm");
  cr_assert_eq(store_attendance_set(&c, sid, pat, ABSENT), 0);
  cr_assert_eq(store_attendance_set(&c, sid, pat, PRESENT), 0);
  cr_assert_eq(st_int("SELECT attendance FROM session_members WHERE user_id = ?1", pat), PRESENT);
  cr_assert_eq(get(quinn).attendance, 0, "one member's row only");
  c.now = T0 + 60;
  cr_assert_eq(store_attendance_sign(&c, sid, pat), 0);
  attendance_row r = get(pat);
  cr_assert_eq(r.attendance, PRESENT);
  cr_assert_eq(r.signed_at, T0 + 60);
  cr_assert_eq(store_attendance_set(&c, sid, pat, ABSENT), RC_PRECONDITION, "confirmed: never changed");
  cr_assert_eq(store_attendance_sign(&c, sid, pat), RC_PRECONDITION, "confirmed once");
  cr_assert_eq(get(pat).attendance, PRESENT);
}

Test(store_attendance, a_non_member_is_not_found)
{
  group();
  attendance_row r;
  cr_assert_eq(store_attendance_get(f.db, sid, sup, &r), RC_NOT_FOUND, "the facilitator is not a member");
  cr_assert_eq(store_attendance_get(f.db, sid + 1, pat, &r), RC_NOT_FOUND);
  store_ctx c = st_ctx(T0);
  cr_assert_eq(store_attendance_set(&c, sid, sup, PRESENT), RC_PRECONDITION);
}

Test(store_attendance, names)
{
  cr_assert_str_eq(store_attendance_name(PRESENT), "present");
  cr_assert_str_eq(store_attendance_name(ABSENT), "absent");
  cr_assert_str_eq(store_attendance_name(0), "unknown");
}
