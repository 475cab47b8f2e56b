/* shred: crypto-shredding on a real data directory: after shred_run the
 * case's key is gone, a keyring that had it cached no longer opens anything
 * with it, and the case reads as destroyed while its neighbour still opens;
 * a case is due only once closed and once its retain-until day has come. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixture.h"
#include "retention.h"
#include "shred.h"
#include "store_cases.h"
#include "store_keys.h"

static void zone(void)
{
  setenv("TZ", "Europe/London", 1);
  tzset();
}

static int64_t utc(int y, int m, int d, int hh, int mm)
{
  struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = hh, .tm_min = mm};
  return (int64_t)timegm(&tm);
}

static fixture f;
static keyring ring;
static arena a;
static principal admin = {.authenticated = 1, .user_id = 1};
static Reflect__V1__Reply rep = REFLECT__V1__REPLY__INIT;
static Reflect__V1__Status status = REFLECT__V1__STATUS__INIT;

static void setup(void)
{
  zone();
  fixture_open(&f);
  f.cfg.case_years = 0;
  rep.status = &status;
}

static void teardown(void)
{
  arena_reset(&a);
  keyring_clear(&ring);
  fixture_close(&f);
}

static call make_call(int64_t now)
{
  return (call){.s = &f.s, .who = &admin, .a = &a, .ring = &ring, .rep = &rep, .now = now};
}

static int64_t add_case(call *c, const char *ref, const char *name, int looked_after, const char *dob)
{
  int64_t id;
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
  cr_assert_eq(store_cases_add(call_store(c), ref, name, dob, 1, 1, looked_after, &id), 0);
  cr_assert_eq(db_commit(f.db), SQLITE_OK);
  return id;
}

static void close_case(call *c, int64_t id)
{
  case_row k;
  cr_assert_eq(store_cases_get(f.db, id, &k), 0);
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
  cr_assert_eq(store_cases_update(call_store(c), &k, k.risk, k.allocated_id, 0, k.looked_after), 0);
  cr_assert_eq(db_commit(f.db), SQLITE_OK);
}

static case_item show(call *c, int64_t id)
{
  case_row k;
  case_item m;
  cr_assert_eq(store_cases_get(f.db, id, &k), 0);
  cr_assert_eq(store_cases_item(call_store(c), &k, &m), 0);
  return m;
}

Test(shred_run, shreds_a_closed_case_and_its_cached_key, .init = setup, .fini = teardown)
{
  int64_t now = utc(2026, 11, 22, 12, 0);
  call c = make_call(now);
  int64_t gone = add_case(&c, "RET-A", "Alpha Child", 0, "2015-01-01");
  int64_t kept = add_case(&c, "RET-B", "Beta Child", 0, "");
  int64_t cared = add_case(&c, "RET-C", "Gamma Child", 1, "2010-05-01");
  /* The key of the case about to go is now cached in the ring. */
  cr_assert_str_eq(show(&c, gone).name, "Alpha Child");
  close_case(&c, gone);
  close_case(&c, cared);
  cr_assert_str_eq(show(&c, cared).row.retain_until, "2085-12-31");

  int64_t n = -1;
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
  cr_assert_eq(shred_run(&c, &n), 0);
  cr_assert_eq(db_commit(f.db), SQLITE_OK);
  cr_assert_eq(n, 1);

  case_item m = show(&c, gone);
  cr_assert_str_eq(m.name, RETENTION_DESTROYED);
  cr_assert_str_eq(m.reference, RETENTION_DESTROYED);
  cr_assert_eq(m.row.shredded_at, now);
  cr_assert_str_eq(show(&c, kept).name, "Beta Child");
  cr_assert_str_eq(show(&c, cared).name, "Gamma Child");
  cr_assert_eq(show(&c, cared).row.shredded_at, 0);

  /* The sealed name is still in its row, and the same ring (which had the
   * key cached) can no longer open it: the key is gone, not just hidden. */
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(f.db),
                                  "SELECT c.name, c.key_id, d.wrapped IS NULL, d.destroyed_at"
                                  " FROM cases c JOIN data_keys d ON d.id = c.key_id WHERE c.id = ?1",
                                  -1, &st, NULL),
               SQLITE_OK);
  sqlite3_bind_int64(st, 1, gone);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(st, 2), 1);
  cr_assert_eq(sqlite3_column_int64(st, 3), now);
  store_slot slot = {"cases", gone, "name", sqlite3_column_int64(st, 1), 0, NULL};
  char *text = NULL;
  int rc = store_keys_open(f.db, f.vault, &ring, &slot, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                           &a, &text);
  sqlite3_finalize(st);
  cr_assert_eq(rc, RC_NOT_FOUND);

  /* The reference no longer finds it; a second run has nothing to do. */
  uint8_t idx[VAULT_INDEX_BYTES];
  case_row k;
  store_cases_reference_index(f.vault, "RET-A", idx);
  cr_assert_eq(store_cases_find(f.db, idx, &k), RC_NOT_FOUND);
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
  cr_assert_eq(shred_run(&c, &n), 0);
  cr_assert_eq(db_commit(f.db), SQLITE_OK);
  cr_assert_eq(n, 0);
  /* Shredded cases are never changed again. */
  cr_assert_eq(store_cases_get(f.db, gone, &k), 0);
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
  cr_assert_eq(store_cases_update(call_store(&c), &k, k.risk, k.allocated_id, 1, 0), RC_PRECONDITION);
  db_rollback(f.db);
}

Test(shred_run, waits_for_the_day_and_for_closing, .init = setup, .fini = teardown)
{
  int64_t now = utc(2026, 11, 22, 12, 0);
  call c = make_call(now);
  f.cfg.case_years = 1;
  int64_t closed = add_case(&c, "RET-D", "Delta Child", 0, "");
  add_case(&c, "RET-E", "Epsilon Child", 0, ""); /* open: never due */
  close_case(&c, closed);
  int64_t n = -1;
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
  cr_assert_eq(shred_run(&c, &n), 0);
  cr_assert_eq(n, 0);
  c.now = utc(2027, 11, 21, 23, 0); /* 2027-11-21 23:00 GMT: the day before */
  cr_assert_eq(shred_run(&c, &n), 0);
  cr_assert_eq(n, 0);
  c.now = utc(2027, 11, 22, 0, 30); /* the anniversary: its period has ended */
  cr_assert_eq(shred_run(&c, &n), 0);
  cr_assert_eq(n, 1);
  cr_assert_eq(db_commit(f.db), SQLITE_OK);
}
