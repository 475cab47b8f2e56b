/* store_agreements on a real database: the terms and the end reason are
 * sealed under the supervisee's key; an agreement gives access (active)
 * only once the supervisee has signed it and until it ends; a signed
 * version is frozen and a change is a new version superseding it; the next
 * supervision is due from the last held session, or from the start. */
#include "store_test.h"
#include "store_agreements.h"
#include "store_sessions.h"

TestSuite(store_agreements, .init = st_setup, .fini = st_teardown);

static int64_t sup, pee;

static int64_t add(int64_t supersedes, uint32_t version, const char *booking)
{
  sup = sup ? sup : st_user("sup", "Sue", ROLE_SUPERVISOR);
  pee = pee ? pee : st_user("pee", "Pat", ROLE_PRACTITIONER);
  agreement_row r = {.supervisor_id = sup,
                     .supervisee_id = pee,
                     .every_days = 14,
                     .minutes = 60,
                     .version = version,
                     .supersedes = supersedes,
                     .starts_on = "2027-01-01",
                     .review_on = "2028-01-01"};
  agreement_terms t = {.booking = booking, .confidentiality = "Nothing leaves the room"};
  who.user_id = sup;
  store_ctx c = st_ctx(T0);
  int64_t id = 0;
  cr_assert_eq(store_agreements_add(&c, &r, &t, &id), 0);
  return id;
}

static agreement_row get(int64_t id)
{
  agreement_row r;
  cr_assert_eq(store_agreements_get(f.db, id, &r), 0);
  return r;
}

Test(store_agreements, the_terms_are_sealed_under_the_supervisees_key)
{
  sup = pee = 0;
  int64_t id = add(0, 1, "Book a fortnight ahead");
  agreement_row r = get(id);
  cr_assert_eq(r.supervisor_signed_at, T0, "the supervisor signs by making it");
  cr_assert_eq(r.supervisee_signed_at, 0);
  cr_assert_eq(st_int("SELECT count(*) FROM data_keys WHERE id = ?1 AND subject = 'user:' ||"
                      " (SELECT supervisee_id FROM agreements WHERE key_id = ?1 LIMIT 1)",
                      r.key_id),
               1);
  cr_assert_eq(st_raw_has("SELECT booking FROM agreements WHERE id = ?1", id, "fortnight"), 0);
  cr_assert_eq(st_raw_has("SELECT confidentiality FROM agreements WHERE id = ?1", id, "room"), 0);
  cr_assert_eq(st_int("SELECT cancellation IS NULL FROM agreements WHERE id = ?1", id), 1);
  store_ctx c = st_ctx(T0);
  agreement_terms t;
  const char *reason = NULL;
  cr_assert_eq(store_agreements_terms(&c, &r, &t, &reason), 0);
  cr_assert_str_eq(t.booking, "Book a fortnight ahead");
  cr_assert_str_eq(t.confidentiality, "Nothing leaves the room");
  cr_assert_str_eq(t.cancellation, "", "a term left out reads empty");
  cr_assert_str_eq(reason, "");
  /* Sealed to this agreement: the blob copied to another row opens nowhere. */
  int64_t other = add(0, 1, "Other");
  char q[160];
  snprintf(q, sizeof q,
           "UPDATE agreements SET booking = (SELECT booking FROM agreements WHERE id = %lld)"
           " WHERE id = %lld",
           (long long)id, (long long)other);
  st_sql(q);
  agreement_row o = get(other);
  cr_assert_eq(store_agreements_terms(&c, &o, &t, &reason), RC_DATA_LOSS);
}

Test(store_agreements, access_needs_the_supervisees_signature_and_ends_with_the_agreement)
{
  sup = pee = 0;
  int64_t id = add(0, 1, NULL), found = 0;
  cr_assert_eq(store_agreements_find(f.db, sup, pee, &found), 0);
  cr_assert_eq(found, id);
  cr_assert_eq(store_agreements_active(f.db, sup, pee, &found), RC_NOT_FOUND, "not signed yet");
  cr_assert_eq(store_agreements_find(f.db, pee, sup, &found), RC_NOT_FOUND, "the pair has a direction");
  store_ctx c = st_ctx(T0 + 100);
  agreement_row r = get(id);
  cr_assert_eq(store_agreements_sign(&c, &r), 0);
  cr_assert_eq(store_agreements_sign(&c, &r), RC_EXISTS, "signed once");
  cr_assert_eq(get(id).supervisee_signed_at, T0 + 100);
  cr_assert_eq(store_agreements_active(f.db, sup, pee, &found), 0);
  cr_assert_eq(found, id);
  c.now = T0 + 200;
  cr_assert_eq(store_agreements_end(&c, &r, "Moved to another team"), 0);
  cr_assert_eq(store_agreements_end(&c, &r, "again"), RC_PRECONDITION);
  cr_assert_eq(store_agreements_active(f.db, sup, pee, &found), RC_NOT_FOUND);
  cr_assert_eq(store_agreements_find(f.db, sup, pee, &found), RC_NOT_FOUND);
  cr_assert_eq(st_raw_has("SELECT end_reason FROM agreements WHERE id = ?1", id, "team"), 0);
  r = get(id);
  cr_assert_eq(r.ended_at, T0 + 200);
  agreement_terms t;
  const char *reason = NULL;
  cr_assert_eq(store_agreements_terms(&c, &r, &t, &reason), 0);
  cr_assert_str_eq(reason, "Moved to another team");
}

Test(store_agreements, a_signed_version_is_frozen_and_a_change_is_a_new_version)
{
  sup = pee = 0;
  int64_t v1 = add(0, 1, "First");
  store_ctx c = st_ctx(T0 + 10);
  agreement_row r = get(v1);
  cr_assert_eq(store_agreements_sign(&c, &r), 0);
  char *err = NULL;
  cr_assert_neq(sqlite3_exec(db_handle(f.db), "UPDATE agreements SET minutes = 90 WHERE id = 1", NULL, NULL, &err),
                SQLITE_OK, "a signed agreement cannot be changed in place");
  sqlite3_free(err);
  cr_assert_eq(get(v1).minutes, 60);
  int64_t next = 0;
  cr_assert_eq(store_agreements_unsigned_successor(f.db, v1, &next), RC_NOT_FOUND);
  int64_t v2 = add(v1, 2, "Second");
  cr_assert_eq(store_agreements_unsigned_successor(f.db, v1, &next), 0);
  cr_assert_eq(next, v2);
  cr_assert_eq(store_agreements_active(f.db, sup, pee, &next), 0);
  cr_assert_eq(next, v1, "until v2 is signed, v1 is what is in force");
  agreement_item *v;
  size_t n = 0;
  cr_assert_eq(store_agreements_versions(&c, &r, &v, &n), 0);
  cr_assert_eq(n, 2);
  cr_assert_eq(v[0].row.id, v1, "oldest first");
  cr_assert_eq(v[1].row.version, 2);
  cr_assert_str_eq(v[0].supervisor, "sup");
}

Test(store_agreements, the_next_supervision_is_due_from_the_last_held_session)
{
  sup = pee = 0;
  int64_t id = add(0, 1, NULL);
  agreement_row r = get(id);
  int64_t start = 1798761600; /* 2027-01-01 00:00 UTC */
  int64_t due = 0;
  cr_assert_eq(store_agreements_next_due(f.db, &r, T0, &due, NULL), 0);
  cr_assert_eq(due, start + 14 * 86400, "from the start when nothing is held");
  store_ctx c = st_ctx(T0);
  int64_t s = 0;
  int64_t held_at = start + 20 * 86400 + 10 * 3600;
  cr_assert_eq(store_sessions_add(&c, sup, &pee, 1, id, held_at, 60, NULL, NULL, &s), 0);
  agreement_sessions ps;
  cr_assert_eq(store_agreements_next_due(f.db, &r, held_at + 7200, &due, &ps), 0);
  cr_assert_eq(ps.last_held_id, 0, "scheduled is not held");
  cr_assert_eq(due, start + 14 * 86400);
  st_sql("UPDATE sessions SET status = 2");
  cr_assert_eq(store_agreements_next_due(f.db, &r, held_at + 7200, &due, &ps), 0);
  cr_assert_eq(ps.last_held_id, s);
  cr_assert_eq(due, held_at + 14 * 86400, "the date moves, the time of day stays");
}
