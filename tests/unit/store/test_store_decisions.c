/* store_decisions on a real database: a case discussion's risk, decision
 * and rationale are sealed under the CASE's key (not the session's) and
 * bound to where they were made; rows are append-only; the log is oldest
 * first by the session's start, paged under a byte budget (always at
 * least one), with rows of a revision no longer the latest marked
 * superseded; last_discussed follows the latest revisions only. */
#include "store_test.h"
#include "store_cases.h"
#include "store_decisions.h"
#include "store_sessions.h"

TestSuite(store_decisions, .init = st_setup, .fini = st_teardown);

static int64_t sup, pee;
static case_row k;

static void people_and_case(void)
{
  sup = st_user("sup", "Sue", ROLE_SUPERVISOR);
  pee = st_user("pee", "Pat", ROLE_PRACTITIONER);
  store_ctx c = st_ctx(T0);
  int64_t id;
  cr_assert_eq(store_cases_add(&c, "D-1", "Dana", "", 2, pee, 0, &id), 0);
  cr_assert_eq(store_cases_get(f.db, id, &k), 0);
}

static session_row session(int64_t starts_at)
{
  store_ctx c = st_ctx(T0);
  int64_t id;
  cr_assert_eq(store_sessions_add(&c, sup, &pee, 1, 0, starts_at, 60, NULL, NULL, &id), 0);
  session_row s;
  cr_assert_eq(store_sessions_get(f.db, id, &s), 0);
  return s;
}

/* A record revision row (its body does not matter here) and the
 * decision the revision's case section made. */
static void revise(const session_row *s, uint32_t revision, const char *decision)
{
  char q[256];
  snprintf(q, sizeof q,
           "INSERT INTO record_revisions(session_id, revision, author_id, created_at, key_id, body)"
           " VALUES (%lld, %u, %lld, %lld, %lld, x'00')",
           (long long)s->id, revision, (long long)sup, (long long)T0, (long long)s->key_id);
  st_sql(q);
  store_ctx c = st_ctx(T0);
  cr_assert_eq(store_decisions_add(&c, s, revision, &k, "high", decision, "because"), 0);
}

static decision_item *list(const decisions_page *pg, size_t *n, int *more)
{
  store_ctx c = st_ctx(T0);
  decision_item *v;
  cr_assert_eq(store_decisions_list(&c, &k, pg, &v, n, more), 0);
  return v;
}

Test(store_decisions, sealed_under_the_cases_key_and_append_only)
{
  people_and_case();
  session_row s = session(T0 - 86400);
  revise(&s, 1, "Refer to the family support team");
  cr_assert_eq(st_int("SELECT key_id FROM case_discussions WHERE session_id = ?1", s.id), k.key_id);
  cr_assert_neq(k.key_id, s.key_id);
  cr_assert_eq(st_raw_has("SELECT decision FROM case_discussions WHERE session_id = ?1", s.id, "family"), 0);
  cr_assert_eq(st_raw_has("SELECT rationale FROM case_discussions WHERE session_id = ?1", s.id, "because"), 0);
  char *err = NULL;
  cr_assert_neq(sqlite3_exec(db_handle(f.db), "DELETE FROM case_discussions", NULL, NULL, &err), SQLITE_OK);
  sqlite3_free(err);
  size_t n;
  int more;
  decisions_page pg = {.budget = DECISIONS_PAGE_BYTES};
  decision_item *v = list(&pg, &n, &more);
  cr_assert_eq(n, 1);
  cr_assert_eq(more, 0);
  cr_assert_str_eq(v[0].decision, "Refer to the family support team");
  cr_assert_str_eq(v[0].risk, "high");
  cr_assert_str_eq(v[0].decided_by, "sup");
  cr_assert_eq(v[0].at, T0 - 86400);
}

Test(store_decisions, oldest_first_superseded_marked_and_empty_decisions_left_out)
{
  people_and_case();
  session_row late = session(T0 - 86400), early = session(T0 - 5 * 86400);
  revise(&late, 1, "Late decision");
  revise(&early, 1, "Early decision");
  revise(&early, 2, "Early, amended");
  session_row none = session(T0 - 3 * 86400);
  revise(&none, 1, ""); /* discussed, nothing decided */
  cr_assert_eq(st_int("SELECT decision IS NULL FROM case_discussions WHERE session_id = ?1", none.id), 1);
  size_t n;
  int more;
  decisions_page pg = {.budget = DECISIONS_PAGE_BYTES};
  decision_item *v = list(&pg, &n, &more);
  cr_assert_eq(n, 3);
  cr_assert_str_eq(v[0].decision, "Early decision");
  cr_assert_eq(v[0].superseded, 1);
  cr_assert_str_eq(v[1].decision, "Early, amended");
  cr_assert_eq(v[1].superseded, 0);
  cr_assert_str_eq(v[2].decision, "Late decision");
  int64_t at, sid;
  cr_assert_eq(store_decisions_last_discussed(f.db, k.id, &at, &sid), 0);
  cr_assert_eq(sid, late.id);
  cr_assert_eq(at, T0 - 86400);
}

Test(store_decisions, a_small_budget_pages_one_at_a_time_from_the_cursor)
{
  people_and_case();
  session_row s[3];
  for (int i = 0; i < 3; i++) {
    s[i] = session(T0 - (10 - i) * 86400);
    revise(&s[i], 1, "decided");
  }
  size_t n;
  int more;
  decisions_page pg = {.budget = 1};
  decision_item *v = list(&pg, &n, &more);
  cr_assert_eq(n, 1, "always at least one");
  cr_assert_eq(more, 1);
  cr_assert_eq(v[0].session_id, s[0].id);
  pg.after_session = v[0].session_id;
  pg.after_revision = v[0].revision;
  v = list(&pg, &n, &more);
  cr_assert_eq(v[0].session_id, s[1].id);
  pg.after_session = s[1].id;
  pg.budget = DECISIONS_PAGE_BYTES;
  v = list(&pg, &n, &more);
  cr_assert_eq(n, 1);
  cr_assert_eq(more, 0);
  cr_assert_eq(v[0].session_id, s[2].id);
}

Test(store_decisions, never_discussed_is_zero)
{
  people_and_case();
  int64_t at = -1, sid = -1;
  cr_assert_eq(store_decisions_last_discussed(f.db, k.id, &at, &sid), 0);
  cr_assert_eq(at, 0);
  cr_assert_eq(sid, 0);
}
