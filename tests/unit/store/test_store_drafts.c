/* store_drafts on a real database: a draft is its author's alone (another
 * person's is not found, not listed, not deleted), sealed (the file holds
 * no plaintext), replaced in place, bounded per person, and pruned once
 * old. */
#include "bounds.h"
#include "store_drafts.h"
#include "store_sessions.h"
#include "store_test.h"

TestSuite(store_drafts, .init = st_setup, .fini = st_teardown);

static int64_t sup, pat, sid;

static void people(void)
{
  sup = st_user("sup", "Sue", ROLE_SUPERVISOR);
  pat = st_user("pat", "Pat", ROLE_PRACTITIONER);
  who.user_id = sup;
  store_ctx c = st_ctx(T0);
  cr_assert_eq(store_sessions_add(&c, sup, &pat, 1, 0, T0 - 3600, 60, NULL, NULL, &sid), 0);
}

static store_ctx as(int64_t user, int64_t now)
{
  who.user_id = user;
  return st_ctx(now);
}

Test(store_drafts, a_draft_is_sealed_and_reads_back_to_its_author_only)
{
  people();
  store_ctx c = as(sup, T0);
  int64_t saved = 0;
  cr_assert_eq(store_drafts_save(&c, sid, "record", "wellbeing=Coping%2C+just&case-0-situation=Jamie+moved", &saved),
               0);
  cr_assert_eq(saved, T0);
  cr_assert_not(st_raw_has("SELECT content FROM drafts WHERE user_id = ?1", sup, "Jamie"), "sealed at rest");
  draft_row d;
  cr_assert_eq(store_drafts_get(&c, sid, "record", &d), 0);
  cr_assert_str_eq(d.content, "wellbeing=Coping%2C+just&case-0-situation=Jamie+moved");
  cr_assert_eq(d.saved_at, T0);

  store_ctx other = as(pat, T0);
  cr_assert_eq(store_drafts_get(&other, sid, "record", &d), RC_NOT_FOUND, "another person's draft is not found");
  draft_row *v;
  size_t n = 9;
  cr_assert_eq(store_drafts_list(&other, &v, &n), 0);
  cr_assert_eq(n, 0);
  int gone = 1;
  cr_assert_eq(store_drafts_delete(&other, sid, "record", &gone), 0);
  cr_assert_eq(gone, 0, "nor deleted by them");
  c = as(sup, T0);
  cr_assert_eq(store_drafts_get(&c, sid, "record", &d), 0, "still there");
}

Test(store_drafts, saving_again_replaces_it_and_a_form_is_its_own)
{
  people();
  store_ctx c = as(sup, T0);
  int64_t saved;
  cr_assert_eq(store_drafts_save(&c, sid, "record", "a=1", &saved), 0);
  c = as(sup, T0 + 5);
  cr_assert_eq(store_drafts_save(&c, sid, "record", "a=2", &saved), 0);
  cr_assert_eq(store_drafts_save(&c, sid, "comment", "text=x", &saved), 0);
  cr_assert_eq(st_int("SELECT count(*) FROM drafts WHERE user_id = ?1", sup), 2);
  draft_row d;
  cr_assert_eq(store_drafts_get(&c, sid, "record", &d), 0);
  cr_assert_str_eq(d.content, "a=2");
  cr_assert_eq(d.saved_at, T0 + 5);
  draft_row *v;
  size_t n;
  cr_assert_eq(store_drafts_list(&c, &v, &n), 0);
  cr_assert_eq(n, 2);
  cr_assert_null(v[0].content, "a list carries no content");
  int gone = 0;
  cr_assert_eq(store_drafts_delete(&c, sid, "record", &gone), 0);
  cr_assert_eq(gone, 1);
  cr_assert_eq(store_drafts_get(&c, sid, "record", &d), RC_NOT_FOUND);
}

Test(store_drafts, a_person_has_at_most_their_bound_and_old_ones_are_pruned)
{
  people();
  int64_t sessions[REFLECT_DRAFTS_PER_USER + 1];
  store_ctx c = as(sup, T0);
  for (int i = 0; i <= REFLECT_DRAFTS_PER_USER; i++)
    cr_assert_eq(store_sessions_add(&c, sup, &pat, 1, 0, T0 + 86400 * (i + 1), 60, NULL, NULL, &sessions[i]), 0);
  int64_t saved;
  for (int i = 0; i < REFLECT_DRAFTS_PER_USER; i++)
    cr_assert_eq(store_drafts_save(&c, sessions[i], "record", "x=1", &saved), 0, "draft %d", i);
  cr_assert_eq(store_drafts_save(&c, sessions[REFLECT_DRAFTS_PER_USER], "record", "x=1", &saved), RC_EXHAUSTED);
  cr_assert_eq(store_drafts_save(&c, sessions[0], "record", "x=2", &saved), 0, "replacing one is not one more");
  store_ctx p = as(pat, T0);
  cr_assert_eq(store_drafts_save(&p, sessions[0], "record", "y=1", &saved), 0, "the bound is per person");

  store_ctx later = as(sup, T0 + 100);
  cr_assert_eq(store_drafts_save(&later, sessions[1], "record", "fresh=1", &saved), 0);
  int64_t deleted = 0;
  cr_assert_eq(store_drafts_prune(f.db, T0 + 50, &deleted), 0);
  cr_assert_eq(deleted, REFLECT_DRAFTS_PER_USER - 1 + 1, "all but the one saved later (Pat's included)");
  cr_assert_eq(st_int("SELECT count(*) FROM drafts", 0), 1);
}
