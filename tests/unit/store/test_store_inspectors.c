/* store_inspectors on a real database: grants are idempotent and say
 * whether they changed anything; an inspector sees a session through a
 * member who is a non-manager member of a granted team; only a revision
 * every signer signed is evidence. */
#include "store_test.h"
#include "store_inspectors.h"
#include "store_sessions.h"
#include "store_signoffs.h"
#include "store_teams.h"

TestSuite(store_inspectors, .init = st_setup, .fini = st_teardown);

static int64_t team(const char *name)
{
  store_ctx c = st_ctx(T0);
  int64_t id;
  cr_assert_eq(store_teams_add(&c, name, &id), 0);
  return id;
}

Test(store_inspectors, grants_are_idempotent_and_listed_by_name)
{
  int64_t i = st_user("insp", "Ines", ROLE_INSPECTOR);
  int64_t zulu = team("zulu"), alpha = team("alpha");
  store_ctx c = st_ctx(T0);
  int changed = -1;
  cr_assert_eq(store_inspectors_grant(&c, i, zulu, &changed), 0);
  cr_assert_eq(changed, 1);
  cr_assert_eq(store_inspectors_grant(&c, i, zulu, &changed), 0);
  cr_assert_eq(changed, 0, "granting twice changes nothing");
  cr_assert_eq(store_inspectors_grant(&c, i, alpha, &changed), 0);
  char **names;
  size_t n = 0;
  cr_assert_eq(store_inspectors_teams(&c, i, &names, &n), 0);
  cr_assert_eq(n, 2);
  cr_assert_str_eq(names[0], "alpha");
  cr_assert_str_eq(names[1], "zulu");
  cr_assert_eq(store_inspectors_revoke(&c, i, zulu, &changed), 0);
  cr_assert_eq(changed, 1);
  cr_assert_eq(store_inspectors_revoke(&c, i, zulu, &changed), 0);
  cr_assert_eq(changed, 0, "revoking what is not granted");
  cr_assert_eq(store_inspectors_teams(&c, i, &names, &n), 0);
  cr_assert_eq(n, 1);
}

Test(store_inspectors, a_session_is_seen_through_a_non_manager_member_of_a_granted_team)
{
  int64_t i = st_user("insp", "Ines", ROLE_INSPECTOR);
  int64_t sup = st_user("sup", "Sue", ROLE_SUPERVISOR);
  int64_t pat = st_user("pat", "Pat", ROLE_PRACTITIONER);
  int64_t t = team("T");
  store_ctx c = st_ctx(T0);
  int64_t sid;
  cr_assert_eq(store_sessions_add(&c, sup, &pat, 1, 0, T0, 60, NULL, NULL, &sid), 0);
  session_row s;
  cr_assert_eq(store_sessions_get(f.db, sid, &s), 0);
  int changed, yes = -1;
  cr_assert_eq(store_inspectors_grant(&c, i, t, &changed), 0);
  cr_assert_eq(store_teams_put(&c, t, pat, 1), 0);
  cr_assert_eq(store_inspectors_sees_session(f.db, i, &s, &yes), 0);
  cr_assert_eq(yes, 0, "a manager of the team is an overseer, not inspected");
  cr_assert_eq(store_teams_put(&c, t, pat, 0), 0);
  cr_assert_eq(store_inspectors_sees_session(f.db, i, &s, &yes), 0);
  cr_assert_eq(yes, 1);
  int64_t other = st_user("other", "O", ROLE_INSPECTOR);
  cr_assert_eq(store_inspectors_sees_session(f.db, other, &s, &yes), 0);
  cr_assert_eq(yes, 0, "not granted");
}

Test(store_inspectors, only_a_fully_signed_revision_is_evidence)
{
  int64_t sup = st_user("sup", "Sue", ROLE_SUPERVISOR);
  int64_t pat = st_user("pat", "Pat", ROLE_PRACTITIONER);
  store_ctx c = st_ctx(T0);
  int64_t sid;
  cr_assert_eq(store_sessions_add(&c, sup, &pat, 1, 0, T0 - 7200, 60, NULL, NULL, &sid), 0);
  session_row s;
  cr_assert_eq(store_sessions_get(f.db, sid, &s), 0);
  for (uint32_t r = 1; r <= 2; r++) {
    char q[256];
    snprintf(q, sizeof q,
             "INSERT INTO record_revisions(session_id, revision, author_id, created_at, key_id, body)"
             " VALUES (%lld, %u, %lld, %lld, %lld, x'00')",
             (long long)sid, r, (long long)sup, (long long)T0, (long long)s.key_id);
    st_sql(q);
  }
  uint32_t rev = 99;
  cr_assert_eq(store_inspectors_latest_signed(f.db, &s, &rev), 0);
  cr_assert_eq(rev, 0);
  who.user_id = sup;
  c = st_ctx(T0);
  cr_assert_eq(store_signoffs_add(&c, sid, 1), 0);
  cr_assert_eq(store_signoffs_add(&c, sid, 2), 0);
  cr_assert_eq(store_inspectors_latest_signed(f.db, &s, &rev), 0);
  cr_assert_eq(rev, 0, "the member has not signed");
  who.user_id = pat;
  c = st_ctx(T0);
  cr_assert_eq(store_signoffs_add(&c, sid, 1), 0);
  cr_assert_eq(store_inspectors_latest_signed(f.db, &s, &rev), 0);
  cr_assert_eq(rev, 1, "revision 2 is not signed by all");
  cr_assert_eq(store_signoffs_add(&c, sid, 2), 0);
  cr_assert_eq(store_inspectors_latest_signed(f.db, &s, &rev), 0);
  cr_assert_eq(rev, 2);
}
