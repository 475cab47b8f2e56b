/* store_signoffs on a real database: the signers are the supervisor and
 * the members; a revision is frozen once all of them have signed it; a
 * signature belongs to one revision; signing twice is EXISTS; signatures
 * are append-only; the comments every signer had seen is the least. */
#include "store_test.h"
#include "store_comments.h"
#include "store_sessions.h"
#include "store_signoffs.h"

TestSuite(store_signoffs, .init = st_setup, .fini = st_teardown);

static int64_t sup, pat;
static session_row s;

static void session(void)
{
  sup = st_user("sup", "Sue", ROLE_SUPERVISOR);
  pat = st_user("pat", "Pat", ROLE_PRACTITIONER);
  store_ctx c = st_ctx(T0);
  int64_t id;
  cr_assert_eq(store_sessions_add(&c, sup, &pat, 1, 0, T0 - 7200, 60, NULL, NULL, &id), 0);
  cr_assert_eq(store_sessions_get(f.db, id, &s), 0);
}

static int sign(int64_t user, uint32_t revision, int64_t now)
{
  who.user_id = user;
  store_ctx c = st_ctx(now);
  return store_signoffs_add(&c, s.id, revision);
}

static int frozen(uint32_t revision, size_t *n_sigs, size_t *n_awaiting, char ***awaiting)
{
  store_ctx c = st_ctx(T0);
  signature_row *sigs;
  char **w;
  int fz = -1;
  cr_assert_eq(store_signoffs_status(&c, &s, revision, &sigs, n_sigs, awaiting ? awaiting : &w, n_awaiting, &fz), 0);
  return fz;
}

Test(store_signoffs, frozen_once_every_signer_has_signed_that_revision)
{
  session();
  size_t ns, nw;
  char **w;
  cr_assert_eq(frozen(1, &ns, &nw, &w), 0);
  cr_assert_eq(ns, 0);
  cr_assert_eq(nw, 2);
  cr_assert_eq(sign(pat, 1, T0), 0);
  cr_assert_eq(sign(pat, 1, T0 + 1), RC_EXISTS, "signing twice");
  cr_assert_eq(frozen(1, &ns, &nw, &w), 0);
  cr_assert_eq(nw, 1);
  cr_assert_str_eq(w[0], "sup");
  cr_assert_eq(sign(sup, 1, T0 + 2), 0);
  cr_assert_eq(frozen(1, &ns, &nw, NULL), 1);
  cr_assert_eq(ns, 2);
  cr_assert_eq(frozen(2, &ns, &nw, NULL), 0, "an amendment starts unsigned");
  cr_assert_eq(ns, 0);
  char *err = NULL;
  cr_assert_neq(sqlite3_exec(db_handle(f.db), "DELETE FROM record_signoffs", NULL, NULL, &err), SQLITE_OK);
  sqlite3_free(err);
}

Test(store_signoffs, the_comments_signed_by_all_are_the_fewest_any_signer_saw)
{
  session();
  int64_t through = -1;
  who.user_id = pat;
  store_ctx c = st_ctx(T0);
  int64_t c1, c2;
  cr_assert_eq(store_comments_add(&c, &s, 1, COMMENT_NOTE, 0, "one", &c1), 0);
  cr_assert_eq(sign(pat, 1, T0), 0);
  cr_assert_eq(store_comments_add(&c, &s, 1, COMMENT_NOTE, 0, "two", &c2), 0);
  cr_assert_eq(sign(sup, 1, T0 + 1), 0);
  cr_assert_eq(store_signoffs_comments_signed(f.db, s.id, 1, &through), 0);
  cr_assert_eq(through, c1, "Pat signed before the second comment");
  cr_assert_eq(store_signoffs_comments_signed(f.db, s.id, 2, &through), 0);
  cr_assert_eq(through, 0);
}
