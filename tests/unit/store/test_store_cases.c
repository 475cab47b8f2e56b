/* store_cases on a real database: reference, name and date of birth are
 * sealed under the case's own key and the reference is found through a
 * blind index of its normalised form; a case is visible to its worker and
 * to a supervisor with an active agreement with that worker; the list is
 * riskiest first; closing sets the retention date once and reopening
 * clears it. */
#include <stdlib.h>
#include <time.h>

#include "store_test.h"
#include "store_agreements.h"
#include "store_cases.h"

static void setup(void)
{
  setenv("TZ", "UTC", 1);
  tzset();
  st_setup();
}
TestSuite(store_cases, .init = setup, .fini = st_teardown);

static int64_t add(const char *ref, const char *name, const char *dob, int risk, int64_t allocated)
{
  store_ctx c = st_ctx(T0);
  int64_t id = 0;
  cr_assert_eq(store_cases_add(&c, ref, name, dob, risk, allocated, 0, &id), 0);
  return id;
}

static case_row get(int64_t id)
{
  case_row k;
  cr_assert_eq(store_cases_get(f.db, id, &k), 0);
  return k;
}

Test(store_cases, sealed_under_the_cases_key_and_found_by_normalised_reference)
{
  int64_t w = st_user("worker", "Wendy", ROLE_PRACTITIONER);
  int64_t id = add("CH-0012", "Charlie Hidden", "2015-03-04", 2, w);
  case_row k = get(id);
  cr_assert_eq(k.open, 1);
  cr_assert_eq(k.allocated_id, w);
  cr_assert_str_eq(k.retain_until, "");
  cr_assert_eq(st_int("SELECT count(*) FROM data_keys WHERE id = ?1 AND subject = 'case:' ||"
                      " (SELECT id FROM cases WHERE key_id = ?1)",
                      k.key_id),
               1);
  cr_assert_eq(st_raw_has("SELECT reference FROM cases WHERE id = ?1", id, "CH-0012"), 0);
  cr_assert_eq(st_raw_has("SELECT name FROM cases WHERE id = ?1", id, "Charlie"), 0);
  cr_assert_eq(st_raw_has("SELECT date_of_birth FROM cases WHERE id = ?1", id, "2015"), 0);
  cr_assert_eq(st_raw_has("SELECT reference_index FROM cases WHERE id = ?1", id, "CH-0012"), 0);
  uint8_t idx[VAULT_INDEX_BYTES];
  case_row found;
  store_cases_reference_index(f.vault, "  ch-0012 ", idx);
  cr_assert_eq(store_cases_find(f.db, idx, &found), 0, "trimmed and upper-cased");
  cr_assert_eq(found.id, id);
  store_cases_reference_index(f.vault, "CH-0013", idx);
  cr_assert_eq(store_cases_find(f.db, idx, &found), RC_NOT_FOUND);
  store_ctx c = st_ctx(T0);
  int64_t dup = 0;
  cr_assert_eq(store_cases_add(&c, "ch-0012", "Someone Else", "", 1, w, 0, &dup), RC_EXISTS,
               "one case per normalised reference");
  case_item m;
  cr_assert_eq(store_cases_item(&c, &k, &m), 0);
  cr_assert_str_eq(m.reference, "CH-0012");
  cr_assert_str_eq(m.name, "Charlie Hidden");
  cr_assert_str_eq(m.date_of_birth, "2015-03-04");
  cr_assert_str_eq(m.allocated, "worker");
  cr_assert_eq(m.row.id, k.id);
  cr_assert_eq(store_cases_get(f.db, id + 1, &k), RC_NOT_FOUND);
}

Test(store_cases, visible_to_the_worker_and_to_a_supervisor_with_an_active_agreement)
{
  int64_t w = st_user("worker", "Wendy", ROLE_PRACTITIONER);
  int64_t s = st_user("sup", "Sue", ROLE_SUPERVISOR);
  case_row k = get(add("C-1", "One", "", 1, w));
  int yes = -1;
  cr_assert_eq(store_cases_visible(f.db, w, &k, &yes), 0);
  cr_assert_eq(yes, 1);
  cr_assert_eq(store_cases_visible(f.db, s, &k, &yes), 0);
  cr_assert_eq(yes, 0);
  agreement_row r = {.supervisor_id = s,
                     .supervisee_id = w,
                     .every_days = 28,
                     .minutes = 60,
                     .version = 1,
                     .starts_on = "2027-01-01",
                     .review_on = "2028-01-01"};
  agreement_terms t = {0};
  store_ctx c = st_ctx(T0);
  int64_t aid;
  cr_assert_eq(store_agreements_add(&c, &r, &t, &aid), 0);
  cr_assert_eq(store_cases_visible(f.db, s, &k, &yes), 0);
  cr_assert_eq(yes, 0, "not until the worker signs");
  cr_assert_eq(store_agreements_get(f.db, aid, &r), 0);
  cr_assert_eq(store_agreements_sign(&c, &r), 0);
  cr_assert_eq(store_cases_visible(f.db, s, &k, &yes), 0);
  cr_assert_eq(yes, 1);
  case_item *v;
  size_t n = 0;
  cr_assert_eq(store_cases_list(&c, s, 0, 0, 0, &v, &n), 0);
  cr_assert_eq(n, 1);
  cr_assert_eq(store_agreements_end(&c, &r, "over"), 0);
  cr_assert_eq(store_cases_visible(f.db, s, &k, &yes), 0);
  cr_assert_eq(yes, 0, "an ended agreement gives nothing");
  cr_assert_eq(store_cases_list(&c, s, 0, 0, 0, &v, &n), 0);
  cr_assert_eq(n, 0);
}

Test(store_cases, the_list_is_riskiest_first_and_leaves_out_closed_cases_unless_asked)
{
  int64_t w = st_user("worker", "Wendy", ROLE_PRACTITIONER);
  int64_t o = st_user("other", "Olly", ROLE_PRACTITIONER);
  int64_t low = add("C-1", "Low", "", 1, w);
  int64_t high = add("C-2", "High", "", 3, w);
  int64_t mid = add("C-3", "Mid", "", 2, w);
  add("C-4", "Not Wendy's", "", 3, o);
  store_ctx c = st_ctx(T0);
  case_row k = get(mid);
  cr_assert_eq(store_cases_update(&c, &k, k.risk, k.allocated_id, 0, 0), 0);
  case_item *v;
  size_t n = 0;
  cr_assert_eq(store_cases_list(&c, w, 0, 0, 0, &v, &n), 0);
  cr_assert_eq(n, 2);
  cr_assert_eq(v[0].row.id, high);
  cr_assert_eq(v[1].row.id, low);
  cr_assert_str_eq(v[0].name, "High");
  cr_assert_eq(store_cases_list(&c, w, 0, 0, 1, &v, &n), 0);
  cr_assert_eq(n, 3);
  cr_assert_eq(v[1].row.id, mid);
  cr_assert_eq(store_cases_list(&c, w, 0, o, 1, &v, &n), 0);
  cr_assert_eq(n, 0, "the allocated filter narrows, never widens");
}

Test(store_cases, closing_sets_retention_once_and_reopening_clears_it)
{
  int64_t w = st_user("worker", "Wendy", ROLE_PRACTITIONER);
  int64_t id = add("C-1", "One", "2010-05-01", 1, w);
  store_ctx c = st_ctx(T0); /* 2027-01-15 */
  case_row k = get(id);
  cr_assert_eq(store_cases_update(&c, &k, 1, w, 0, 0), 0);
  k = get(id);
  cr_assert_eq(k.open, 0);
  cr_assert_eq(k.closed_at, T0);
  cr_assert_str_eq(k.retain_until, "2052-01-15", "25 years by default");
  c.now = T0 + 400 * 86400;
  cr_assert_eq(store_cases_update(&c, &k, 2, w, 0, 0), 0);
  k = get(id);
  cr_assert_eq(k.closed_at, T0, "closing again keeps the first day");
  cr_assert_eq(k.risk, 2);
  cr_assert_eq(store_cases_update(&c, &k, 2, w, 0, 1), 0);
  k = get(id);
  cr_assert_str_eq(k.retain_until, "2085-12-31", "looked after: from the sealed date of birth");
  cr_assert_eq(store_cases_update(&c, &k, 2, w, 1, 1), 0);
  k = get(id);
  cr_assert_eq(k.open, 1);
  cr_assert_eq(k.closed_at, 0);
  cr_assert_str_eq(k.retain_until, "");
  st_sql("UPDATE cases SET shredded_at = 5");
  k = get(id);
  cr_assert_eq(store_cases_update(&c, &k, 1, w, 1, 0), RC_PRECONDITION, "a shredded case never changes");
}
