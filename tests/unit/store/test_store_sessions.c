/* store_sessions on a real database: an individual session's room is
 * sealed under its supervisee's key, a group session has its own; the
 * list returns only the sessions a user is party to (and, for a manager,
 * those of the people a team lets them oversee), upcoming soonest first
 * and past newest first, within the limit. */
#include "store_test.h"
#include "store_sessions.h"
#include "store_teams.h"

TestSuite(store_sessions, .init = st_setup, .fini = st_teardown);

static int64_t sup, pa, pb;

static void people(void)
{
  sup = st_user("sup", "Sue Pervisor", ROLE_SUPERVISOR);
  pa = st_user("alice", "Alice A", ROLE_PRACTITIONER);
  pb = st_user("bob", "Bob B", ROLE_PRACTITIONER);
}

static int64_t book(const int64_t *members, size_t n, int64_t starts_at, const char *room)
{
  store_ctx c = st_ctx(T0);
  int64_t id = 0;
  cr_assert_eq(store_sessions_add(&c, sup, members, n, 0, starts_at, 60, room, NULL, &id), 0);
  return id;
}

static size_t list(int64_t user, user_role role, int when, uint32_t limit, session_item **v)
{
  principal saved = who;
  who.user_id = user;
  who.role = role;
  store_ctx c = st_ctx(T0);
  session_filter fl = {.when = when, .limit = limit};
  size_t n = 99;
  cr_assert_eq(store_sessions_list(&c, user, &fl, v, &n), 0);
  who = saved;
  return n;
}

Test(store_sessions, an_individual_room_is_sealed_under_the_supervisees_key)
{
  people();
  int64_t id = book(&pa, 1, T0 + 3600, "Room 12, Secret House");
  session_row s;
  cr_assert_eq(store_sessions_get(f.db, id, &s), 0);
  cr_assert_eq(s.kind, SESSION_INDIVIDUAL);
  cr_assert_eq(s.supervisor_id, sup);
  cr_assert_eq(s.starts_at, T0 + 3600);
  cr_assert_eq(s.ends_at, T0 + 3600 + 60 * 60);
  cr_assert_eq(s.status, SESSION_SCHEDULED);
  cr_assert_eq(st_int("SELECT count(*) FROM data_keys WHERE id = ?1 AND subject = 'user:' || (SELECT user_id"
                      " FROM session_members WHERE session_id = (SELECT id FROM sessions WHERE key_id = ?1))",
                      s.key_id),
               1, "the supervisee's own key");
  cr_assert_eq(st_raw_has("SELECT room FROM sessions WHERE id = ?1", id, "Secret"), 0);
  session_item *v;
  cr_assert_eq(list(pa, ROLE_PRACTITIONER, SESSION_FILTER_ALL, 0, &v), 1);
  cr_assert_str_eq(v[0].room, "Room 12, Secret House");
  cr_assert_str_eq(v[0].supervisor, "sup");
  cr_assert_eq(v[0].n_members, 1);
  cr_assert_str_eq(v[0].members[0], "alice");
  cr_assert_eq(store_sessions_get(f.db, id + 100, &s), RC_NOT_FOUND);
}

Test(store_sessions, a_group_session_has_its_own_key_and_lists_its_members)
{
  people();
  int64_t m[] = {pb, pa};
  int64_t id = book(m, 2, T0 + 3600, "");
  session_row s;
  cr_assert_eq(store_sessions_get(f.db, id, &s), 0);
  cr_assert_eq(s.kind, SESSION_GROUP);
  cr_assert_eq(st_int("SELECT count(*) FROM data_keys WHERE id = ?1 AND subject = 'session:' ||"
                      " (SELECT id FROM sessions WHERE key_id = ?1)",
                      s.key_id),
               1);
  cr_assert_eq(st_int("SELECT room IS NULL FROM sessions WHERE id = ?1", id), 1, "no room, nothing sealed");
  int64_t ids[4];
  size_t n = 0;
  cr_assert_eq(store_sessions_members(f.db, id, ids, 4, &n), 0);
  cr_assert_eq(n, 2);
  cr_assert_eq(store_sessions_members(f.db, id, ids, 1, &n), 0);
  cr_assert_eq(n, 1, "at most max");
  int party = -1;
  cr_assert_eq(store_sessions_is_party(f.db, &s, sup, &party), 0);
  cr_assert_eq(party, 1);
  cr_assert_eq(store_sessions_is_party(f.db, &s, pb, &party), 0);
  cr_assert_eq(party, 1);
  cr_assert_eq(store_sessions_is_party(f.db, &s, 1, &party), 0);
  cr_assert_eq(party, 0);
  session_item *v;
  cr_assert_eq(list(sup, ROLE_SUPERVISOR, SESSION_FILTER_ALL, 0, &v), 1);
  cr_assert_eq(v[0].n_members, 2);
  cr_assert_str_eq(v[0].members[0], "alice", "members by username");
  cr_assert_str_eq(v[0].members[1], "bob");
  cr_assert_eq(v[0].room[0], '\0');
}

Test(store_sessions, upcoming_soonest_first_past_newest_first_within_the_limit)
{
  people();
  int64_t p1 = book(&pa, 1, T0 - 3 * 86400, NULL);
  int64_t p2 = book(&pa, 1, T0 - 1 * 86400, NULL);
  int64_t u2 = book(&pa, 1, T0 + 2 * 86400, NULL);
  int64_t u1 = book(&pa, 1, T0 + 1 * 86400, NULL);
  book(&pb, 1, T0 + 86400, NULL); /* Bob's: not Alice's */
  session_item *v;
  cr_assert_eq(list(pa, ROLE_PRACTITIONER, SESSION_FILTER_UPCOMING, 0, &v), 2);
  cr_assert_eq(v[0].id, u1);
  cr_assert_eq(v[1].id, u2);
  cr_assert_eq(list(pa, ROLE_PRACTITIONER, SESSION_FILTER_PAST, 0, &v), 2);
  cr_assert_eq(v[0].id, p2);
  cr_assert_eq(v[1].id, p1);
  cr_assert_eq(list(pa, ROLE_PRACTITIONER, SESSION_FILTER_ALL, 3, &v), 3, "the limit holds");
  cr_assert_eq(v[0].id, p1);
  cr_assert_eq(list(sup, ROLE_SUPERVISOR, SESSION_FILTER_ALL, 0, &v), 5);
  cr_assert_eq(list(1, ROLE_ADMINISTRATOR, SESSION_FILTER_ALL, 0, &v), 0,
               "not a party: nothing, even for an administrator");
}

Test(store_sessions, a_manager_sees_the_sessions_of_the_people_a_team_oversees)
{
  people();
  int64_t mgr = st_user("mgr", "Mona Manager", ROLE_MANAGER);
  book(&pa, 1, T0 + 3600, NULL);
  book(&pb, 1, T0 + 7200, NULL);
  session_item *v;
  cr_assert_eq(list(mgr, ROLE_MANAGER, SESSION_FILTER_ALL, 0, &v), 0);
  store_ctx c = st_ctx(T0);
  int64_t team;
  cr_assert_eq(store_teams_add(&c, "North", &team), 0);
  cr_assert_eq(store_teams_put(&c, team, mgr, 1), 0);
  cr_assert_eq(store_teams_put(&c, team, pa, 0), 0);
  cr_assert_eq(list(mgr, ROLE_MANAGER, SESSION_FILTER_ALL, 0, &v), 1);
  cr_assert_str_eq(v[0].members[0], "alice");
  /* The same membership without the manager role shows nothing more. */
  cr_assert_eq(list(mgr, ROLE_SUPERVISOR, SESSION_FILTER_ALL, 0, &v), 0);
}
