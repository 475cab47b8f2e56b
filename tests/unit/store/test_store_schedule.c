/* store_schedule on a real database: a clash is a scheduled or held
 * session overlapping [start, end) that shares a person or a room (rooms
 * compared by a blind index ignoring case and spacing); a move or a
 * cancellation bumps the calendar sequence; every change appends a history
 * row whose reason is sealed under the session's key. */
#include "store_test.h"
#include "store_schedule.h"
#include "store_sessions.h"

TestSuite(store_schedule, .init = st_setup, .fini = st_teardown);

static int64_t sup, pat;

static session_row book(int64_t starts_at, const char *room)
{
  if (!sup) {
    sup = st_user("sup", "Sue", ROLE_SUPERVISOR);
    pat = st_user("pat", "Pat", ROLE_PRACTITIONER);
  }
  uint8_t idx[VAULT_INDEX_BYTES];
  int has = 0;
  store_schedule_room_index(f.vault, room, idx, &has);
  store_ctx c = st_ctx(T0);
  int64_t id;
  cr_assert_eq(store_sessions_add(&c, sup, &pat, 1, 0, starts_at, 60, room, has ? idx : NULL, &id), 0);
  session_row s;
  cr_assert_eq(store_sessions_get(f.db, id, &s), 0);
  return s;
}

Test(store_schedule, a_person_clashes_with_an_overlapping_live_session)
{
  sup = pat = 0;
  session_row s = book(T0, "");
  int found = -1;
  schedule_clash cl;
  cr_assert_eq(store_schedule_person_clash(f.db, pat, T0 + 3599, T0 + 7200, 0, &found, &cl), 0);
  cr_assert_eq(found, 1, "a member is busy");
  cr_assert_eq(cl.session_id, s.id);
  cr_assert_eq(cl.starts_at, T0);
  cr_assert_eq(cl.ends_at, T0 + 3600);
  cr_assert_eq(store_schedule_person_clash(f.db, sup, T0 - 60, T0 + 1, 0, &found, &cl), 0);
  cr_assert_eq(found, 1, "so is the supervisor");
  cr_assert_eq(store_schedule_person_clash(f.db, pat, T0 + 3600, T0 + 7200, 0, &found, &cl), 0);
  cr_assert_eq(found, 0, "[start, end): back to back is no clash");
  cr_assert_eq(store_schedule_person_clash(f.db, pat, T0 - 3600, T0, 0, &found, &cl), 0);
  cr_assert_eq(found, 0);
  cr_assert_eq(store_schedule_person_clash(f.db, pat, T0, T0 + 60, s.id, &found, &cl), 0);
  cr_assert_eq(found, 0, "the session being moved does not clash with itself");
  cr_assert_eq(store_schedule_person_clash(f.db, 1, T0, T0 + 60, 0, &found, &cl), 0);
  cr_assert_eq(found, 0, "someone else is free");
  store_ctx c = st_ctx(T0);
  cr_assert_eq(store_schedule_set_status(&c, &s, SESSION_CANCELLED, "ill"), 0);
  cr_assert_eq(store_schedule_person_clash(f.db, pat, T0, T0 + 60, 0, &found, &cl), 0);
  cr_assert_eq(found, 0, "a cancelled session frees its people");
}

Test(store_schedule, rooms_clash_by_their_blind_index_ignoring_case_and_spacing)
{
  sup = pat = 0;
  session_row s = book(T0, "Room  12 North");
  cr_assert_eq(st_raw_has("SELECT room_index FROM sessions WHERE id = ?1", s.id, "Room"), 0);
  uint8_t idx[VAULT_INDEX_BYTES], idx2[VAULT_INDEX_BYTES];
  int has = 0, found = -1;
  store_schedule_room_index(f.vault, "  room 12   NORTH ", idx, &has);
  cr_assert_eq(has, 1);
  store_schedule_room_index(f.vault, "Room 12 North", idx2, &has);
  cr_assert_eq(memcmp(idx, idx2, VAULT_INDEX_BYTES), 0);
  schedule_clash cl;
  cr_assert_eq(store_schedule_room_clash(f.db, idx, T0 + 1800, T0 + 5400, 0, &found, &cl), 0);
  cr_assert_eq(found, 1);
  cr_assert_eq(cl.session_id, s.id);
  store_schedule_room_index(f.vault, "Room 12 South", idx, &has);
  cr_assert_eq(store_schedule_room_clash(f.db, idx, T0, T0 + 60, 0, &found, &cl), 0);
  cr_assert_eq(found, 0);
  store_schedule_room_index(f.vault, " \t ", idx, &has);
  cr_assert_eq(has, 0, "white space is no room");
}

Test(store_schedule, moves_and_changes_append_history_with_sealed_reasons)
{
  sup = pat = 0;
  session_row s = book(T0, "");
  store_ctx c = st_ctx(T0 + 5);
  who.user_id = sup;
  cr_assert_eq(store_schedule_move(&c, &s, T0 + 86400, 90, "Sue is on leave"), 0);
  session_row moved;
  cr_assert_eq(store_sessions_get(f.db, s.id, &moved), 0);
  cr_assert_eq(moved.starts_at, T0 + 86400);
  cr_assert_eq(moved.minutes, 90);
  cr_assert_eq(moved.ends_at, T0 + 86400 + 90 * 60);
  cr_assert_eq(moved.sequence, s.sequence + 1);
  cr_assert_eq(st_raw_has("SELECT reason FROM session_changes WHERE session_id = ?1", s.id, "leave"), 0);
  cr_assert_eq(store_schedule_set_status(&c, &moved, SESSION_HELD, ""), 0);
  session_row held;
  cr_assert_eq(store_sessions_get(f.db, s.id, &held), 0);
  cr_assert_eq(held.status, SESSION_HELD);
  cr_assert_eq(held.sequence, moved.sequence, "only a cancellation or a move changes the calendar");
  session_change_row *v;
  size_t n = 0;
  cr_assert_eq(store_schedule_history(&c, &s, &v, &n), 0);
  cr_assert_eq(n, 2);
  cr_assert_eq(v[0].what, SESSION_RESCHEDULED);
  cr_assert_eq(v[0].old_starts_at, T0);
  cr_assert_eq(v[0].new_starts_at, T0 + 86400);
  cr_assert_eq(v[0].old_minutes, 60);
  cr_assert_eq(v[0].new_minutes, 90);
  cr_assert_str_eq(v[0].reason, "Sue is on leave");
  cr_assert_str_eq(v[0].by, "sup");
  cr_assert_eq(v[1].what, SESSION_HELD);
  cr_assert_str_eq(v[1].reason, "");
}
