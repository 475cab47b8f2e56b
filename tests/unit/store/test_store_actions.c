/* store_actions on a real database: the texts are sealed under the origin
 * session's key; an action is closed once and the first closing stays; a
 * user sees actions they own or from sessions they are party to; open
 * actions carry over to a later session of the same supervisor with a
 * shared member, owned by someone in the room, by due time. */
#include "store_test.h"
#include "store_actions.h"
#include "store_sessions.h"

TestSuite(store_actions, .init = st_setup, .fini = st_teardown);

#define OPEN ACTION_OPEN
#define DONE ACTION_DONE
#define CANCELLED ACTION_CANCELLED

static int64_t sup, pat, quinn;

static void people(void)
{
  sup = st_user("sup", "Sue", ROLE_SUPERVISOR);
  pat = st_user("pat", "Pat", ROLE_PRACTITIONER);
  quinn = st_user("quinn", "Quinn", ROLE_PRACTITIONER);
}

static session_row session(int64_t supervisor, const int64_t *members, size_t n, int64_t starts_at)
{
  who.user_id = supervisor;
  store_ctx c = st_ctx(T0);
  int64_t id;
  cr_assert_eq(store_sessions_add(&c, supervisor, members, n, 0, starts_at, 60, NULL, NULL, &id), 0);
  session_row s;
  cr_assert_eq(store_sessions_get(f.db, id, &s), 0);
  return s;
}

static int64_t action(const session_row *s, int64_t owner, int64_t due, const char *text)
{
  who.user_id = s->supervisor_id;
  store_ctx c = st_ctx(T0);
  int64_t id = 0;
  cr_assert_eq(store_actions_add(&c, s, owner, 0, due, text, "a signed plan", &id), 0);
  return id;
}

static action_item *list(int64_t as, action_filter fl, int64_t now, size_t *n)
{
  who.user_id = as;
  store_ctx c = st_ctx(now);
  action_item *v;
  cr_assert_eq(store_actions_list(&c, &fl, &v, n), 0);
  return v;
}

Test(store_actions, sealed_under_the_sessions_key_and_closed_once)
{
  people();
  session_row s = session(sup, &pat, 1, T0 - 86400);
  int64_t id = action(&s, pat, T0 + 86400, "Visit the Hidden family");
  action_row r;
  cr_assert_eq(store_actions_get(f.db, id, &r), 0);
  cr_assert_eq(r.key_id, s.key_id);
  cr_assert_eq(r.status, OPEN);
  cr_assert_eq(r.owner_id, pat);
  cr_assert_eq(st_raw_has("SELECT description FROM actions WHERE id = ?1", id, "Hidden"), 0);
  cr_assert_eq(st_raw_has("SELECT evidence_needed FROM actions WHERE id = ?1", id, "signed"), 0);
  who.user_id = pat;
  store_ctx c = st_ctx(T0);
  cr_assert_eq(store_actions_close(&c, &r, DONE, "Visited on Monday"), 0);
  cr_assert_eq(st_raw_has("SELECT evidence FROM actions WHERE id = ?1", id, "Monday"), 0);
  c.now = T0 + 50;
  cr_assert_eq(store_actions_close(&c, &r, CANCELLED, "changed my mind"), 0);
  char *err = NULL;
  cr_assert_neq(sqlite3_exec(db_handle(f.db), "UPDATE actions SET status = 1", NULL, NULL, &err), SQLITE_OK,
                "a closed action never changes");
  sqlite3_free(err);
  size_t n;
  action_item *v = list(pat, (action_filter){.include_closed = 1}, T0, &n);
  cr_assert_eq(n, 1);
  cr_assert_eq(v[0].status, DONE, "the first closing stays");
  cr_assert_str_eq(v[0].evidence, "Visited on Monday");
  cr_assert_str_eq(v[0].description, "Visit the Hidden family");
  cr_assert_str_eq(v[0].evidence_needed, "a signed plan");
  cr_assert_eq(store_actions_get(f.db, id + 1, &r), RC_NOT_FOUND);
}

Test(store_actions, seen_by_the_owner_and_the_parties_only_and_filtered)
{
  people();
  int64_t both[] = {pat, quinn};
  session_row group = session(sup, both, 2, T0 - 86400);
  session_row own = session(sup, &quinn, 1, T0 - 86400);
  int64_t late = action(&group, quinn, T0 + 86400, "later");
  int64_t overdue = action(&group, pat, T0 - 3600, "overdue");
  int64_t private_ = action(&own, quinn, T0 + 100, "Quinn's own");
  size_t n;
  action_item *v = list(pat, (action_filter){0}, T0, &n);
  cr_assert_eq(n, 2, "Pat is party to the group session, not to Quinn's own");
  cr_assert_eq(v[0].id, overdue, "by due time");
  cr_assert_eq(v[1].id, late);
  v = list(pat, (action_filter){.mine = 1}, T0, &n);
  cr_assert_eq(n, 1);
  cr_assert_eq(v[0].id, overdue);
  v = list(quinn, (action_filter){.overdue = 1}, T0, &n);
  cr_assert_eq(n, 1);
  cr_assert_eq(v[0].id, overdue);
  v = list(sup, (action_filter){.session_id = own.id}, T0, &n);
  cr_assert_eq(n, 1);
  cr_assert_eq(v[0].id, private_);
  v = list(1, (action_filter){.include_closed = 1}, T0, &n);
  cr_assert_eq(n, 0, "the administrator is no party");
}

Test(store_actions, open_actions_carry_over_to_the_next_session_with_the_same_people)
{
  people();
  int64_t other_sup = st_user("other", "Otto", ROLE_SUPERVISOR);
  session_row first = session(sup, &pat, 1, T0 - 7 * 86400);
  session_row elsewhere = session(other_sup, &pat, 1, T0 - 6 * 86400);
  session_row quinns = session(sup, &quinn, 1, T0 - 5 * 86400);
  int64_t a2 = action(&first, pat, T0 + 2 * 86400, "second");
  int64_t a1 = action(&first, sup, T0 - 86400, "first, overdue");
  action(&elsewhere, pat, T0, "another supervisor's");
  action(&quinns, quinn, T0, "Quinn's");
  int64_t done = action(&first, pat, T0, "done");
  action_row r;
  cr_assert_eq(store_actions_get(f.db, done, &r), 0);
  who.user_id = pat;
  store_ctx c = st_ctx(T0);
  cr_assert_eq(store_actions_close(&c, &r, DONE, "ok"), 0);
  session_row next = session(sup, &pat, 1, T0 + 86400);
  who.user_id = sup;
  c = st_ctx(T0);
  action_item *v;
  size_t n = 0;
  cr_assert_eq(store_actions_carried_over(&c, &next, &v, &n), 0);
  cr_assert_eq(n, 2);
  cr_assert_eq(v[0].id, a1, "overdue first");
  cr_assert_eq(v[1].id, a2);
  cr_assert_eq(store_actions_carried_over(&c, &first, &v, &n), 0);
  cr_assert_eq(n, 0, "nothing from its own or later sessions");
}
