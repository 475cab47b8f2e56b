/* store_agenda on a real database: the candidates are the open cases of
 * the session's members that the caller may see; they come highest score
 * first (whole days since last discussed, or since opened, times the risk
 * weight 3/2/1), ties to the higher risk; each with a one-line why. */
#include "store_test.h"
#include "store_agenda.h"
#include "store_cases.h"
#include "store_decisions.h"
#include "store_sessions.h"

TestSuite(store_agenda, .init = st_setup, .fini = st_teardown);

#define DAY 86400
#define HIGH RISK_HIGH
#define MEDIUM RISK_MEDIUM
#define LOW RISK_LOW

static int64_t sup, pat, other;

static int64_t new_case(const char *ref, int risk, int64_t allocated, int64_t opened)
{
  store_ctx c = st_ctx(opened);
  int64_t id;
  cr_assert_eq(store_cases_add(&c, ref, ref, "", risk, allocated, 0, &id), 0);
  return id;
}

static session_row session(int64_t starts_at)
{
  store_ctx c = st_ctx(T0);
  int64_t id;
  cr_assert_eq(store_sessions_add(&c, sup, &pat, 1, 0, starts_at, 60, NULL, NULL, &id), 0);
  session_row s;
  cr_assert_eq(store_sessions_get(f.db, id, &s), 0);
  return s;
}

static agenda_item *agenda(const session_row *s, int64_t as, size_t *n)
{
  who.user_id = as;
  who.role = ROLE_PRACTITIONER;
  store_ctx c = st_ctx(T0);
  agenda_item *v;
  cr_assert_eq(store_agenda_cases(&c, s, &v, n), 0);
  return v;
}

Test(store_agenda, open_cases_of_the_members_riskiest_and_longest_waiting_first)
{
  sup = st_user("sup", "Sue", ROLE_SUPERVISOR);
  pat = st_user("pat", "Pat", ROLE_PRACTITIONER);
  other = st_user("other", "Olly", ROLE_PRACTITIONER);
  int64_t ka = new_case("A", HIGH, pat, T0 - 10 * DAY);   /* 30 */
  int64_t b = new_case("B", LOW, pat, T0 - 30 * DAY);     /* 30: after A, lower risk */
  int64_t c3 = new_case("C", MEDIUM, pat, T0 - 20 * DAY); /* 40 */
  int64_t d = new_case("D", HIGH, pat, T0 - 99 * DAY);    /* discussed 2 days ago: 6 */
  int64_t closed = new_case("E", HIGH, pat, T0 - 50 * DAY);
  new_case("F", HIGH, other, T0 - 50 * DAY); /* not a member's */
  case_row k;
  cr_assert_eq(store_cases_get(f.db, closed, &k), 0);
  store_ctx c = st_ctx(T0);
  cr_assert_eq(store_cases_update(&c, &k, k.risk, pat, 0, 0), 0);
  /* D discussed in a session two days ago (revision 1 is its latest). */
  session_row past = session(T0 - 2 * DAY);
  char q[256];
  snprintf(q, sizeof q,
           "INSERT INTO record_revisions(session_id, revision, author_id, created_at, key_id, body)"
           " VALUES (%lld, 1, %lld, %lld, %lld, x'00')",
           (long long)past.id, (long long)sup, (long long)T0, (long long)past.key_id);
  st_sql(q);
  cr_assert_eq(store_cases_get(f.db, d, &k), 0);
  cr_assert_eq(store_decisions_add(&c, &past, 1, &k, "", "keep going", ""), 0);

  session_row s = session(T0 + DAY);
  size_t n = 0;
  agenda_item *v = agenda(&s, pat, &n);
  cr_assert_eq(n, 4);
  cr_assert_eq(v[0].k.id, c3);
  cr_assert_eq(v[0].days_since, 20);
  cr_assert_eq(v[1].k.id, ka, "a tie goes to the higher risk");
  cr_assert_eq(v[2].k.id, b);
  cr_assert_eq(v[3].k.id, d);
  cr_assert_eq(v[3].days_since, 2);
  cr_assert_eq(v[3].last_session, past.id);
  cr_assert_str_eq(v[1].why, "high risk, never discussed (opened 10 days ago)");
  cr_assert_str_eq(v[3].why, "high risk, last discussed 2027-01-13 (2 days)");
  /* The entry carries the case's row, which opens to the case. */
  store_ctx sc = st_ctx(T0);
  case_item m;
  cr_assert_eq(store_cases_item(&sc, &v[0].k, &m), 0);
  cr_assert_str_eq(m.name, "C");
}

Test(store_agenda, only_cases_the_caller_may_see)
{
  sup = st_user("sup", "Sue", ROLE_SUPERVISOR);
  pat = st_user("pat", "Pat", ROLE_PRACTITIONER);
  new_case("A", HIGH, pat, T0 - DAY);
  session_row s = session(T0 + DAY);
  size_t n = 9;
  agenda(&s, sup, &n);
  cr_assert_eq(n, 0, "the supervisor has no signed agreement with Pat");
  agenda_item *v = agenda(&s, pat, &n);
  cr_assert_eq(n, 1);
  cr_assert_str_eq(v[0].why, "high risk, never discussed (opened 1 day ago)");
}
