/* store_users on a real database: the display name is sealed under the
 * user's own key (never clear in the row), the username is clear and
 * unique, an account made by an administrator must change its password,
 * and the list is ordered by username. */
#include "store_test.h"

TestSuite(store_users, .init = st_setup, .fini = st_teardown);

Test(store_users, the_name_is_sealed_under_the_users_own_key)
{
  int64_t id = st_user("jsmith", "Jane Smith-Confidential", ROLE_PRACTITIONER);
  user_row u;
  cr_assert_eq(store_users_find(f.db, "jsmith", &u), 0);
  cr_assert_eq(u.id, id);
  cr_assert_eq(u.role, ROLE_PRACTITIONER);
  cr_assert_eq(u.active, 1);
  cr_assert_eq(u.created_at, T0);
  cr_assert_eq(st_raw_has("SELECT name FROM users WHERE id = ?1", id, "Jane"), 0, "the name is stored sealed");
  cr_assert_eq(st_int("SELECT count(*) FROM data_keys WHERE id = (SELECT key_id FROM users WHERE id = ?1)"
                      " AND subject = 'user:' || ?1",
                      id),
               1, "the key is the user's own");
  store_ctx c = st_ctx(T0);
  char *name = NULL;
  cr_assert_eq(store_users_name(&c, id, &name), 0);
  cr_assert_str_eq(name, "Jane Smith-Confidential");
  cr_assert_eq(store_users_name(&c, 999, &name), RC_NOT_FOUND);
}

Test(store_users, usernames_are_unique_and_unknown_ones_are_not_found)
{
  st_user("jsmith", "Jane", ROLE_PRACTITIONER);
  store_ctx c = st_ctx(T0);
  int64_t id = 0;
  cr_assert_eq(store_users_create(&c, "jsmith", "Another", ROLE_MANAGER, "x", &id), RC_EXISTS);
  cr_assert_eq(id, 0);
  user_row u;
  cr_assert_eq(store_users_find(f.db, "nobody", &u), RC_NOT_FOUND);
  cr_assert_eq(store_users_get(f.db, 999, &u), RC_NOT_FOUND);
}

Test(store_users, valid_usernames)
{
  cr_assert(store_users_valid_username("a"));
  cr_assert(store_users_valid_username("j.smith_2-b"));
  cr_assert(store_users_valid_username("0abc"));
  cr_assert_not(store_users_valid_username(""));
  cr_assert_not(store_users_valid_username(".smith"), "must start with a letter or digit");
  cr_assert_not(store_users_valid_username("JSmith"), "upper case is refused");
  cr_assert_not(store_users_valid_username("j smith"));
  char longest[USERNAME_MAX + 2];
  memset(longest, 'a', USERNAME_MAX);
  longest[USERNAME_MAX] = '\0';
  cr_assert(store_users_valid_username(longest));
  longest[USERNAME_MAX] = 'a';
  longest[USERNAME_MAX + 1] = '\0';
  cr_assert_not(store_users_valid_username(longest), "at most USERNAME_MAX bytes");
}

Test(store_users, a_password_set_by_an_administrator_must_be_changed)
{
  int64_t id = st_user("jsmith", "Jane", ROLE_PRACTITIONER);
  user_row u;
  cr_assert_eq(store_users_get(f.db, id, &u), 0);
  cr_assert_eq(u.must_change, 1, "made by an administrator's request");
  cr_assert_eq(u.admin_set_at, T0);
  cr_assert_eq(store_users_set_password(f.db, id, "$own", 0, T0 + 10), 0);
  cr_assert_eq(store_users_get(f.db, id, &u), 0);
  cr_assert_eq(u.must_change, 0);
  cr_assert_str_eq(u.pwhash, "$own");
  cr_assert_eq(store_users_set_password(f.db, id, "$reset", 1, T0 + 20), 0);
  cr_assert_eq(store_users_get(f.db, id, &u), 0);
  cr_assert_eq(u.must_change, 1);
  cr_assert_eq(u.admin_set_at, T0 + 20);
  cr_assert_eq(store_users_set_expiry(f.db, id, T0 + 99), 0);
  cr_assert_eq(store_users_get(f.db, id, &u), 0);
  cr_assert_eq(u.expires_at, T0 + 99);
  cr_assert_eq(store_users_set_expiry(f.db, id, 0), 0);
  cr_assert_eq(store_users_get(f.db, id, &u), 0);
  cr_assert_eq(u.expires_at, 0, "0 is never");
}

Test(store_users, the_list_is_ordered_by_username_with_names_opened)
{
  st_user("zed", "Zed Z", ROLE_SUPERVISOR);
  st_user("aaron", "Aaron A", ROLE_MANAGER);
  store_ctx c = st_ctx(T0);
  user_view *v;
  size_t n = 0;
  cr_assert_eq(store_users_list(&c, &v, &n), 0);
  cr_assert_eq(n, 3, "the administrator and two more");
  for (size_t i = 1; i < n; i++) cr_assert_lt(strcmp(v[i - 1].username, v[i].username), 0);
  cr_assert_str_eq(v[0].username, "aaron");
  cr_assert_str_eq(v[0].name, "Aaron A");
  cr_assert_str_eq(v[n - 1].username, "zed");
  cr_assert_str_eq(v[n - 1].name, "Zed Z");
}
