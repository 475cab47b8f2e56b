/* store_audit_list on a real database: a session's entries are those on
 * the session, its actions and the "case.discussed" entries its record
 * wrote; a case's those on the case and its actions; administrative
 * entries are those about the people and teams a manager manages; oldest
 * first, within [from, to], at most `limit` with *truncated; a device is
 * shown only by its first characters. */
#include "store_test.h"
#include "store_actions.h"
#include "store_audit.h"
#include "store_audit_list.h"
#include "store_cases.h"
#include "store_decisions.h"
#include "store_sessions.h"
#include "store_teams.h"

TestSuite(store_audit_list, .init = st_setup, .fini = st_teardown);

static void audit(int64_t at, const char *action, const char *object, const char *detail)
{
  store_ctx c = st_ctx(at);
  cr_assert_eq(store_audit_append(&c, action, object, detail), 0);
}

static audit_entry *list(audit_query q, size_t *n, int *truncated)
{
  store_ctx c = st_ctx(T0 + 1000);
  audit_entry *v;
  cr_assert_eq(store_audit_list(&c, &q, &v, n, truncated), 0);
  return v;
}

/* Every entry costs the same, so a budget is a count. */
static size_t cost_ten(const audit_entry *e)
{
  (void)e;
  return 10;
}

Test(store_audit_list, a_sessions_entries_include_its_actions_and_the_cases_it_discussed)
{
  snprintf(who.device, sizeof who.device, "%s", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn");
  int64_t sup = st_user("sup", "Sue", ROLE_SUPERVISOR);
  int64_t pat = st_user("pat", "Pat", ROLE_PRACTITIONER);
  store_ctx c = st_ctx(T0);
  int64_t sid, other_sid, kid, aid;
  cr_assert_eq(store_sessions_add(&c, sup, &pat, 1, 0, T0 - 7200, 60, NULL, NULL, &sid), 0);
  cr_assert_eq(store_sessions_add(&c, sup, &pat, 1, 0, T0 - 3600, 60, NULL, NULL, &other_sid), 0);
  session_row s;
  cr_assert_eq(store_sessions_get(f.db, sid, &s), 0);
  cr_assert_eq(store_cases_add(&c, "K-1", "Kim", "", 1, pat, 0, &kid), 0);
  case_row k;
  cr_assert_eq(store_cases_get(f.db, kid, &k), 0);
  cr_assert_eq(store_decisions_add(&c, &s, 1, &k, "", "d", ""), 0);
  cr_assert_eq(store_actions_add(&c, &s, pat, kid, T0, "do it", "", &aid), 0);
  char object[32], detail[48], action_obj[32];
  snprintf(object, sizeof object, "session:%lld", (long long)sid);
  snprintf(action_obj, sizeof action_obj, "action:%lld", (long long)aid);
  snprintf(detail, sizeof detail, "session=%lld;revision=1", (long long)sid);
  char case_obj[32], other_detail[48], other_obj[32];
  snprintf(case_obj, sizeof case_obj, "case:%lld", (long long)kid);
  snprintf(other_detail, sizeof other_detail, "session=%lld;revision=1", (long long)other_sid);
  snprintf(other_obj, sizeof other_obj, "session:%lld", (long long)other_sid);
  audit(T0 + 1, "record.read", object, "");
  audit(T0 + 2, "action.add", action_obj, "");
  audit(T0 + 3, "case.discussed", case_obj, detail);
  audit(T0 + 4, "case.discussed", case_obj, other_detail); /* another session's discussion */
  audit(T0 + 5, "record.read", other_obj, "");
  audit(T0 + 6, "case.update", case_obj, "");
  size_t n = 0;
  int tr = -1;
  audit_entry *v = list((audit_query){.session_id = sid, .from = 0, .to = INT64_MAX, .limit = 10}, &n, &tr);
  cr_assert_eq(n, 3);
  cr_assert_eq(tr, 0);
  cr_assert_str_eq(v[0].action, "record.read");
  cr_assert_str_eq(v[1].object, action_obj);
  cr_assert_str_eq(v[2].detail, detail);
  cr_assert_str_eq(v[0].who, "admin");
  cr_assert_str_eq(v[0].device, "ABCDEFGH", "enough to tell devices apart, not to name one");
  cr_assert_eq(v[0].role, ROLE_ADMINISTRATOR);
  v = list((audit_query){.case_id = kid, .from = 0, .to = INT64_MAX, .limit = 10}, &n, &tr);
  cr_assert_eq(n, 4, "the case's own entries and its action's");
  cr_assert_str_eq(v[0].object, action_obj);
  cr_assert_str_eq(v[3].action, "case.update");
  v = list((audit_query){.session_id = sid, .from = T0 + 2, .to = T0 + 2, .limit = 10}, &n, &tr);
  cr_assert_eq(n, 1, "inclusive bounds on at");
  cr_assert_str_eq(v[0].action, "action.add");
  v = list((audit_query){.session_id = sid, .from = 0, .to = INT64_MAX, .limit = 2}, &n, &tr);
  cr_assert_eq(n, 2);
  cr_assert_eq(tr, 1);
  cr_assert_str_eq(v[0].action, "record.read", "oldest first");
  v = list((audit_query){.session_id = sid, .from = 0, .to = INT64_MAX, .limit = 10, .cost = cost_ten, .budget = 25},
           &n, &tr);
  cr_assert_eq(n, 2, "the entry that would pass the budget is left out");
  cr_assert_eq(tr, 1);
}

Test(store_audit_list, administrative_entries_about_the_managers_teams_only)
{
  int64_t m = st_user("mgr", "M", ROLE_MANAGER);
  int64_t pat = st_user("pat", "P", ROLE_PRACTITIONER);
  int64_t out = st_user("out", "O", ROLE_PRACTITIONER);
  store_ctx c = st_ctx(T0);
  int64_t t, t2;
  cr_assert_eq(store_teams_add(&c, "Mine", &t), 0);
  cr_assert_eq(store_teams_add(&c, "Theirs", &t2), 0);
  cr_assert_eq(store_teams_put(&c, t, m, 1), 0);
  cr_assert_eq(store_teams_put(&c, t, pat, 0), 0);
  cr_assert_eq(store_teams_put(&c, t2, out, 0), 0);
  char buf[4][32];
  snprintf(buf[0], 32, "user:%lld", (long long)pat);
  snprintf(buf[1], 32, "user:%lld", (long long)out);
  snprintf(buf[2], 32, "team=%lld", (long long)t);
  snprintf(buf[3], 32, "team:%lld", (long long)t2);
  audit(T0 + 1, "password.reset", buf[0], "");
  audit(T0 + 2, "password.reset", buf[1], "");
  audit(T0 + 3, "inspector.grant", "user:99", buf[2]);
  audit(T0 + 4, "team.change", buf[3], "");
  audit(T0 + 5, "record.read", buf[0], "");
  size_t n = 0;
  int tr;
  audit_entry *v = list((audit_query){.admin_for = m, .from = 0, .to = INT64_MAX, .limit = 10}, &n, &tr);
  cr_assert_eq(n, 2);
  cr_assert_str_eq(v[0].object, buf[0]);
  cr_assert_str_eq(v[0].action, "password.reset");
  cr_assert_str_eq(v[1].action, "inspector.grant");
}
