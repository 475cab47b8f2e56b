/* store_teams on a real database: names are unique ignoring ASCII case;
 * a manager oversees the other people of a team they manage (never
 * themselves, never through a team they are only a member of); a session
 * is overseen through its supervisor or any member; the list is by name,
 * and a manager's only has the teams they manage while they hold the
 * manager role. */
#include "store_test.h"
#include "store_sessions.h"
#include "store_teams.h"

TestSuite(store_teams, .init = st_setup, .fini = st_teardown);

static int64_t team(const char *name)
{
  store_ctx c = st_ctx(T0);
  int64_t id = 0;
  cr_assert_eq(store_teams_add(&c, name, &id), 0);
  return id;
}

static void put(int64_t t, int64_t u, int manager)
{
  store_ctx c = st_ctx(T0);
  cr_assert_eq(store_teams_put(&c, t, u, manager), 0);
}

static int oversees(int64_t m, int64_t u)
{
  int yes = -1;
  cr_assert_eq(store_teams_oversees(f.db, m, u, &yes), 0);
  return yes;
}

Test(store_teams, names_are_unique_ignoring_case)
{
  int64_t north = team("North Team");
  store_ctx c = st_ctx(T0);
  int64_t id = 0;
  cr_assert_eq(store_teams_add(&c, "NORTH team", &id), RC_EXISTS);
  cr_assert_eq(store_teams_find(f.db, "north team", &id), 0);
  cr_assert_eq(id, north);
  cr_assert_eq(store_teams_find(f.db, "South", &id), RC_NOT_FOUND);
}

Test(store_teams, a_manager_oversees_the_others_in_a_team_they_manage)
{
  int64_t m = st_user("mgr", "M", ROLE_MANAGER);
  int64_t p = st_user("pat", "P", ROLE_PRACTITIONER);
  int64_t q = st_user("quinn", "Q", ROLE_PRACTITIONER);
  int64_t t1 = team("One"), t2 = team("Two");
  put(t1, m, 0);
  put(t1, p, 0);
  cr_assert_eq(oversees(m, p), 0, "a member, not a manager, of the team");
  put(t1, m, 1); /* changes which */
  int in = -1, manager = -1, n = -1;
  cr_assert_eq(store_teams_membership(f.db, t1, m, &in, &manager), 0);
  cr_assert_eq(in, 1);
  cr_assert_eq(manager, 1);
  cr_assert_eq(store_teams_size(f.db, t1, &n), 0);
  cr_assert_eq(n, 2, "put twice is still one person");
  cr_assert_eq(oversees(m, p), 1);
  cr_assert_eq(oversees(m, m), 0, "never oneself");
  cr_assert_eq(oversees(p, m), 0, "oversight has a direction");
  put(t2, q, 0);
  cr_assert_eq(oversees(m, q), 0, "another team");
  store_ctx c = st_ctx(T0);
  cr_assert_eq(store_teams_remove(&c, t1, p), 0);
  cr_assert_eq(store_teams_remove(&c, t1, p), RC_NOT_FOUND);
  cr_assert_eq(oversees(m, p), 0);
  cr_assert_eq(store_teams_membership(f.db, t1, p, &in, &manager), 0);
  cr_assert_eq(in, 0);
}

Test(store_teams, a_session_is_overseen_through_its_supervisor_or_a_member)
{
  int64_t m = st_user("mgr", "M", ROLE_MANAGER);
  int64_t s = st_user("sup", "S", ROLE_SUPERVISOR);
  int64_t p = st_user("pat", "P", ROLE_PRACTITIONER);
  int64_t q = st_user("quinn", "Q", ROLE_PRACTITIONER);
  store_ctx c = st_ctx(T0);
  int64_t members[] = {p, q}, id;
  cr_assert_eq(store_sessions_add(&c, s, members, 2, 0, T0, 60, NULL, NULL, &id), 0);
  session_row row;
  cr_assert_eq(store_sessions_get(f.db, id, &row), 0);
  int yes = -1;
  cr_assert_eq(store_teams_oversees_session(f.db, m, &row, &yes), 0);
  cr_assert_eq(yes, 0);
  int64_t t = team("T");
  put(t, m, 1);
  put(t, q, 0);
  cr_assert_eq(store_teams_oversees_session(f.db, m, &row, &yes), 0);
  cr_assert_eq(yes, 1, "through a member");
  store_ctx c2 = st_ctx(T0);
  cr_assert_eq(store_teams_remove(&c2, t, q), 0);
  put(t, s, 0);
  cr_assert_eq(store_teams_oversees_session(f.db, m, &row, &yes), 0);
  cr_assert_eq(yes, 1, "through the supervisor");
}

Test(store_teams, the_list_is_by_name_and_a_managers_has_only_their_teams)
{
  int64_t m = st_user("mgr", "M", ROLE_MANAGER);
  int64_t p = st_user("pat", "P", ROLE_PRACTITIONER);
  int64_t zulu = team("zulu"), alpha = team("Alpha");
  team("mike");
  put(zulu, m, 1);
  put(zulu, p, 0);
  put(alpha, m, 0);
  store_ctx c = st_ctx(T0);
  team_row *v;
  size_t n = 0;
  cr_assert_eq(store_teams_list(&c, 0, &v, &n), 0);
  cr_assert_eq(n, 3);
  cr_assert_str_eq(v[0].name, "Alpha", "ignoring case");
  cr_assert_str_eq(v[1].name, "mike");
  cr_assert_str_eq(v[2].name, "zulu");
  cr_assert_eq(v[2].n_managers, 1);
  cr_assert_str_eq(v[2].managers[0], "mgr");
  cr_assert_eq(v[2].n_members, 1);
  cr_assert_str_eq(v[2].members[0], "pat");
  cr_assert_eq(store_teams_list(&c, m, &v, &n), 0);
  cr_assert_eq(n, 1, "only the team they manage");
  cr_assert_eq(v[0].id, zulu);
  st_sql("UPDATE users SET role = 3 WHERE username = 'mgr'");
  cr_assert_eq(store_teams_list(&c, m, &v, &n), 0);
  cr_assert_eq(n, 0, "the role is checked again");
}
