/* store_case_people on a real database: a third party's name and
 * relationship are sealed under the CASE's key and bound to the case (a
 * row moved to another case no longer opens); at most CASE_PEOPLE_MAX per
 * case; the list is oldest first; each_case visits every other case by id. */
#include "store_test.h"
#include "store_case_people.h"
#include "store_cases.h"

TestSuite(store_case_people, .init = st_setup, .fini = st_teardown);

static case_row new_case(const char *ref)
{
  store_ctx c = st_ctx(T0);
  int64_t id;
  cr_assert_eq(store_cases_add(&c, ref, "Child", "", 1, 1, 0, &id), 0);
  case_row k;
  cr_assert_eq(store_cases_get(f.db, id, &k), 0);
  return k;
}

static int64_t person(const case_row *k, const char *name, const char *rel)
{
  store_ctx c = st_ctx(T0);
  int64_t id = 0;
  cr_assert_eq(store_case_people_add(&c, k, name, rel, &id), 0);
  return id;
}

Test(store_case_people, sealed_under_the_cases_key_and_bound_to_the_case)
{
  case_row k = new_case("P-1"), other = new_case("P-2");
  int64_t mum = person(&k, "Maria Neighbourly", "mother");
  int64_t nb = person(&k, "Ned Next-Door", "neighbour");
  cr_assert_eq(st_int("SELECT key_id FROM case_people WHERE id = ?1", mum), k.key_id);
  cr_assert_eq(st_raw_has("SELECT name FROM case_people WHERE id = ?1", mum, "Maria"), 0);
  cr_assert_eq(st_raw_has("SELECT relationship FROM case_people WHERE id = ?1", mum, "mother"), 0);
  store_ctx c = st_ctx(T0);
  case_person *v;
  size_t n = 0;
  cr_assert_eq(store_case_people_list(&c, &a, &k, &v, &n), 0);
  cr_assert_eq(n, 2);
  cr_assert_eq(v[0].id, mum, "oldest first");
  cr_assert_str_eq(v[0].name, "Maria Neighbourly");
  cr_assert_str_eq(v[0].relationship, "mother");
  cr_assert_eq(v[1].id, nb);
  cr_assert_eq(store_case_people_list(&c, &a, &other, &v, &n), 0);
  cr_assert_eq(n, 0);
  char q[128];
  snprintf(q, sizeof q, "UPDATE case_people SET case_id = %lld, key_id = %lld WHERE id = %lld", (long long)other.id,
           (long long)other.key_id, (long long)nb);
  st_sql(q);
  cr_assert_eq(store_case_people_list(&c, &a, &other, &v, &n), RC_DATA_LOSS, "a moved row does not open");
}

Test(store_case_people, at_most_case_people_max_per_case)
{
  case_row k = new_case("P-1"), other = new_case("P-2");
  for (int i = 0; i < CASE_PEOPLE_MAX; i++) person(&k, "N", "r");
  store_ctx c = st_ctx(T0);
  int64_t id = 0;
  cr_assert_eq(store_case_people_add(&c, &k, "One more", "aunt", &id), RC_PRECONDITION);
  cr_assert_eq(st_int("SELECT count(*) FROM case_people WHERE case_id = ?1", k.id), CASE_PEOPLE_MAX);
  cr_assert_eq(store_case_people_add(&c, &other, "One more", "aunt", &id), 0, "the bound is per case");
  case_person *v;
  size_t n = 0;
  cr_assert_eq(store_case_people_list(&c, &a, &k, &v, &n), 0);
  cr_assert_eq(n, CASE_PEOPLE_MAX);
}

typedef struct {
  int64_t seen[8];
  size_t n;
} visits;

static int visit(store_ctx *c, const case_row *k, void *arg)
{
  (void)c;
  visits *v = arg;
  if (v->n < 8) v->seen[v->n++] = k->id;
  return 0;
}

static int stop(store_ctx *c, const case_row *k, void *arg)
{
  (void)c;
  (void)k;
  ++*(int *)arg;
  return RC_DATA_LOSS;
}

Test(store_case_people, each_case_visits_every_other_case_by_id)
{
  case_row k1 = new_case("P-1"), k2 = new_case("P-2"), k3 = new_case("P-3");
  store_ctx c = st_ctx(T0);
  visits v = {0};
  cr_assert_eq(store_case_people_each_case(&c, k2.id, visit, &v), 0);
  cr_assert_eq(v.n, 2);
  cr_assert_eq(v.seen[0], k1.id);
  cr_assert_eq(v.seen[1], k3.id);
  int calls = 0;
  cr_assert_eq(store_case_people_each_case(&c, 0, stop, &calls), RC_DATA_LOSS, "fn's failure is returned");
  cr_assert_eq(calls, 1, "and stops the walk");
}
