/* store_rules on a real database: a rule is a unique name and its steps,
 * kept in order and immutable; an agreement without a rule falls due every
 * every_days days; the list is by name, with the steps. */
#include "store_test.h"
#include "store_rules.h"

TestSuite(store_rules, .init = st_setup, .fini = st_teardown);

static const due_step newly_qualified[] = {
    {{1, DUE_WEEK}, {6, DUE_WEEK}},
    {{2, DUE_WEEK}, {6, DUE_MONTH}},
    {{1, DUE_MONTH}, {0, 0}},
};

static int64_t add(const char *name, const due_step *steps, size_t n)
{
  store_ctx c = st_ctx(T0);
  int64_t id = 0;
  cr_assert_eq(store_rules_add(&c, name, "Policy 4.2", steps, n, &id), 0);
  return id;
}

Test(store_rules, steps_are_kept_in_order_and_names_are_unique)
{
  int64_t id = add("nqsw", newly_qualified, 3);
  due_step got[DUE_STEPS_MAX];
  size_t n = 0;
  cr_assert_eq(store_rules_steps(f.db, id, got, &n), 0);
  cr_assert_eq(n, 3);
  for (size_t i = 0; i < 3; i++) {
    cr_assert_eq(got[i].every.count, newly_qualified[i].every.count, "step %zu", i);
    cr_assert_eq(got[i].every.unit, newly_qualified[i].every.unit, "step %zu", i);
    cr_assert_eq(got[i].until.count, newly_qualified[i].until.count, "step %zu", i);
  }
  int64_t found = 0;
  cr_assert_eq(store_rules_find(f.db, "nqsw", &found), 0);
  cr_assert_eq(found, id);
  cr_assert_eq(store_rules_find(f.db, "other", &found), RC_NOT_FOUND);
  cr_assert_eq(store_rules_steps(f.db, id + 1, got, &n), RC_NOT_FOUND);
  store_ctx c = st_ctx(T0);
  int64_t dup;
  cr_assert_eq(store_rules_add(&c, "nqsw", "again", newly_qualified, 1, &dup), RC_EXISTS);
  char *err = NULL;
  cr_assert_neq(sqlite3_exec(db_handle(f.db), "UPDATE frequency_steps SET every_count = 9", NULL, NULL, &err),
                SQLITE_OK, "rules are immutable");
  sqlite3_free(err);
  cr_assert_neq(sqlite3_exec(db_handle(f.db), "DELETE FROM frequency_rules", NULL, NULL, &err), SQLITE_OK);
  sqlite3_free(err);
}

Test(store_rules, an_agreement_without_a_rule_is_every_n_days)
{
  int64_t id = add("nqsw", newly_qualified, 3);
  due_step got[DUE_STEPS_MAX];
  size_t n = 0;
  cr_assert_eq(store_rules_agreement_steps(f.db, 0, 28, got, &n), 0);
  cr_assert_eq(n, 1);
  cr_assert_eq(got[0].every.count, 28);
  cr_assert_eq(got[0].every.unit, DUE_DAY);
  cr_assert_eq(got[0].until.count, 0);
  cr_assert_eq(store_rules_agreement_steps(f.db, id, 28, got, &n), 0);
  cr_assert_eq(n, 3, "a rule wins over every_days");
}

Test(store_rules, the_list_is_by_name_with_steps)
{
  add("zeta", newly_qualified + 2, 1);
  add("alpha", newly_qualified, 3);
  store_ctx c = st_ctx(T0);
  rule_row *v;
  size_t n = 0;
  cr_assert_eq(store_rules_list(&c, &v, &n), 0);
  cr_assert_eq(n, 2);
  cr_assert_str_eq(v[0].name, "alpha");
  cr_assert_eq(v[0].n_steps, 3);
  cr_assert_eq(v[0].steps[0].every.count, 1);
  cr_assert_str_eq(v[0].description, "Policy 4.2");
  cr_assert_str_eq(v[1].name, "zeta");
  cr_assert_eq(v[1].n_steps, 1);
  cr_assert_eq(v[1].steps[0].until.count, 0, "the last step has no until");
}
