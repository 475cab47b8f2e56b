/* store_throttle on a real database: the per-key lock and its doubling
 * delay, familiar devices (bounded per account), and failed-login counts
 * that give a bounded number of audit rows however many devices guess. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "store_throttle.h"

static fixture f;

static void setup(void)
{
  fixture_open(&f);
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
}
static void teardown(void)
{
  db_rollback(f.db);
  fixture_close(&f);
}
TestSuite(store_throttle, .init = setup, .fini = teardown);

Test(store_throttle, a_key_locks_after_max_failures_with_a_doubling_delay)
{
  int64_t until = -1, now = 1000000;
  for (int i = 0; i < 4; i++) cr_assert_eq(store_throttle_fail(f.db, "device:x", now, 5, 900), 0);
  cr_assert_eq(store_throttle_check(f.db, "device:x", &until), 0);
  cr_assert_eq(until, 0, "four failures lock nothing");
  cr_assert_eq(store_throttle_fail(f.db, "device:x", now, 5, 900), 0);
  cr_assert_eq(store_throttle_check(f.db, "device:x", &until), 0);
  cr_assert_eq(until, now + 2);
  cr_assert_eq(store_throttle_fail(f.db, "device:x", now, 5, 900), 0);
  cr_assert_eq(store_throttle_check(f.db, "device:x", &until), 0);
  cr_assert_eq(until, now + 4);
  cr_assert_eq(store_throttle_clear(f.db, "device:x"), 0);
  cr_assert_eq(store_throttle_check(f.db, "device:x", &until), 0);
  cr_assert_eq(until, 0);
}

Test(store_throttle, an_account_remembers_its_most_recent_devices)
{
  int yes = -1;
  cr_assert_eq(store_throttle_familiar(f.db, 1, "laptop", &yes), 0);
  cr_assert_eq(yes, 0);
  cr_assert_eq(store_throttle_remember(f.db, 1, "laptop", 100), 0);
  cr_assert_eq(store_throttle_familiar(f.db, 1, "laptop", &yes), 0);
  cr_assert_eq(yes, 1);
  cr_assert_eq(store_throttle_familiar(f.db, 2, "laptop", &yes), 0);
  cr_assert_eq(yes, 0, "familiar to one account, not to another");
  /* FAMILIAR_MAX more devices, each used later: the laptop is forgotten. */
  for (int i = 0; i < FAMILIAR_MAX; i++) {
    char dev[16];
    snprintf(dev, sizeof dev, "dev%d", i);
    cr_assert_eq(store_throttle_remember(f.db, 1, dev, 200 + i), 0);
  }
  cr_assert_eq(store_throttle_familiar(f.db, 1, "laptop", &yes), 0);
  cr_assert_eq(yes, 0, "the least recently used device is forgotten");
  cr_assert_eq(store_throttle_familiar(f.db, 1, "dev0", &yes), 0);
  cr_assert_eq(yes, 1);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(f.db), "SELECT count(*) FROM familiar_devices WHERE user_id = 1", -1, &st,
                                  NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(st, 0), FAMILIAR_MAX);
  sqlite3_finalize(st);
}

/* 1,000 failures from 1,000 devices in one hour open FAILURE_DEVICES_MAX
 * + 1 rows (so as many audit rows); the finished hour sums to one line. */
Test(store_throttle, a_flood_of_failures_opens_a_bounded_number_of_rows)
{
  int64_t hour = 3600 * 500000, firsts = 0;
  for (int i = 0; i < 1000; i++) {
    char dev[16];
    snprintf(dev, sizeof dev, "dev%d", i);
    int first = 0;
    cr_assert_eq(store_throttle_count_failure(f.db, "user:7", dev, hour + i, &first), 0);
    firsts += first;
  }
  int first = 1;
  cr_assert_eq(store_throttle_count_failure(f.db, "user:7", "dev3", hour + 2000, &first), 0);
  cr_assert_eq(first, 0, "a device already counted this hour opens nothing");
  cr_assert_eq(firsts, FAILURE_DEVICES_MAX + 1, "%lld rows opened", (long long)firsts);
  cr_assert_eq(store_throttle_count_failure(f.db, "unknown", "dev1", hour + 10, &first), 0);
  cr_assert_eq(first, 1, "another account has its own rows");

  throttle_hour h[4];
  size_t n = 9;
  cr_assert_eq(store_throttle_closed_hours(f.db, hour + 3599, h, 4, &n), 0);
  cr_assert_eq(n, 0, "the hour is not over");
  cr_assert_eq(store_throttle_closed_hours(f.db, hour + 3600, h, 4, &n), 0);
  cr_assert_eq(n, 2);
  cr_assert_str_eq(h[1].account, "user:7");
  cr_assert_eq(h[1].failures, 1001);
  cr_assert_eq(h[1].devices, FAILURE_DEVICES_MAX);
  cr_assert_eq(h[1].more_devices, 1);
  cr_assert_eq(h[1].first_at, hour);
  cr_assert_eq(h[1].last_at, hour + 2000);
  cr_assert_eq(h[0].failures, 1);
  cr_assert_eq(store_throttle_forget_hour(f.db, h[1].window, "user:7"), 0);
  cr_assert_eq(store_throttle_closed_hours(f.db, hour + 3600, h, 4, &n), 0);
  cr_assert_eq(n, 1);
  cr_assert_str_eq(h[0].account, "unknown");
}
