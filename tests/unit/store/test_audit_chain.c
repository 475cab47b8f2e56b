/* The audit hash chain on a real data directory: a chain computed here by
 * hand (our own encoding, the stored "audit" key) equals the stored one;
 * every kind of tampering is found at the right row; an unchained row is
 * never extended or legitimised; the catch-up chains an old log exactly as
 * appends would; and the n-th entry's chain detects a cut log. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_chain.h"
#include "fixture.h"
#include "store_audit.h"
#include "verify_catalog.h"
#include "store_keys.h"

static fixture f;
static keyring ring;
static principal who = {.device = "DEVICEKEYDEVICEKEYDEVICEKEYDEVICEKEY0000", .authenticated = 1, .user_id = 1};

static void setup(void)
{
  fixture_open(&f);
}
static void teardown(void)
{
  keyring_clear(&ring);
  fixture_close(&f);
}
TestSuite(audit_chain, .init = setup, .fini = teardown);

static void sql(const char *q)
{
  char *err = NULL;
  cr_assert_eq(sqlite3_exec(db_handle(f.db), q, NULL, NULL, &err), SQLITE_OK, "%s: %s", q, err ? err : "");
}

/* Rows 2..n+1 after init's row 1, written the way every handler writes. */
static void append(int n)
{
  store_ctx c = {.db = f.s.db, .vault = f.s.vault, .cfg = f.s.cfg, .ring = &ring, .now = 1700000000, .who = &who};
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
  for (int i = 0; i < n; i++) {
    char detail[32];
    snprintf(detail, sizeof detail, "n=%d", i);
    c.now++;
    cr_assert_eq(store_audit_append_id(&c, "record.read", "session", 7 + i, detail), 0);
  }
  cr_assert_eq(db_commit(f.db), SQLITE_OK);
}

static audit_verify_report check(void)
{
  audit_verify_report rep;
  cr_assert_eq(audit_chain_verify(f.db, f.vault, &ring, &rep), 0);
  return rep;
}

static void put_str(uint8_t **p, const char *s)
{
  uint32_t n = (uint32_t)strlen(s);
  for (int i = 0; i < 4; i++) *(*p)++ = (uint8_t)(n >> (8 * i));
  memcpy(*p, s, n);
  *p += n;
}

static void put_u64(uint8_t **p, uint64_t x)
{
  for (int i = 0; i < 8; i++) *(*p)++ = (uint8_t)(x >> (8 * i));
}

Test(audit_chain, a_chain_computed_by_hand_equals_the_stored_one)
{
  append(2);
  const vault_key *k;
  cr_assert_eq(store_keys_find(f.db, f.vault, &ring, "audit", &k), 0);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(f.db),
                                  "SELECT id, at, coalesce(user_id, 0), device, action, object, detail, chain"
                                  " FROM audit ORDER BY id",
                                  -1, &st, NULL),
               SQLITE_OK);
  uint8_t prev[32] = {0};
  int rows = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    uint8_t buf[1024], *p = buf, want[32];
    memcpy(p, "reflect.audit.v1", 16);
    p += 16;
    memcpy(p, prev, 32);
    p += 32;
    for (int i = 0; i < 3; i++) put_u64(&p, (uint64_t)sqlite3_column_int64(st, i));
    for (int i = 3; i < 7; i++) put_str(&p, (const char *)sqlite3_column_text(st, i));
    cr_assert_eq(vault_mac(k, buf, (size_t)(p - buf), want), VAULT_OK);
    cr_assert_eq(sqlite3_column_bytes(st, 7), 32);
    cr_assert_eq(memcmp(want, sqlite3_column_blob(st, 7), 32), 0, "row %d", rows + 1);
    memcpy(prev, want, 32);
    rows++;
  }
  sqlite3_finalize(st);
  cr_assert_eq(rows, 3, "init's row and two appended");
  audit_verify_report rep = check();
  cr_assert_eq(rep.entries, 3);
  cr_assert_eq(rep.first_bad, 0);
  cr_assert_eq(rep.unchained, 0);
  cr_assert_eq(memcmp(rep.head, prev, 32), 0, "the head is the newest row's chain");
}

/* Each tamper runs in a transaction that is rolled back, so every case
 * starts from the same good log of rows 1..6. */
static void expect_bad(const char *tamper, int64_t first_bad)
{
  sql("DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete");
  sql("BEGIN");
  sql(tamper);
  audit_verify_report rep = check();
  cr_assert_eq(rep.first_bad, first_bad, "%s: first bad %lld", tamper, (long long)rep.first_bad);
  sql("ROLLBACK");
  cr_assert_eq(check().first_bad, 0, "the good log again after %s", tamper);
}

Test(audit_chain, every_kind_of_tampering_is_found_where_it_starts)
{
  append(5);
  cr_assert_eq(check().first_bad, 0);
  expect_bad("UPDATE audit SET detail = 'n=9' WHERE id = 3", 3);
  expect_bad("UPDATE audit SET at = at + 1 WHERE id = 4", 4);
  expect_bad("UPDATE audit SET user_id = NULL WHERE id = 2", 2);
  expect_bad("UPDATE audit SET device = 'other' WHERE id = 5", 5);
  expect_bad("UPDATE audit SET action = 'record.write' WHERE id = 6", 6);
  expect_bad("UPDATE audit SET object = 'session:99' WHERE id = 3", 3);
  expect_bad("UPDATE audit SET chain = zeroblob(32) WHERE id = 6", 6);
  expect_bad("DELETE FROM audit WHERE id = 3", 4); /* a middle row */
  expect_bad("DELETE FROM audit WHERE id = 1", 2); /* the first row */
  expect_bad("UPDATE audit SET id = 100 WHERE id = 2; UPDATE audit SET id = 2 WHERE id = 3;"
             "UPDATE audit SET id = 3 WHERE id = 100",
             2);                                                /* two rows swapped */
  expect_bad("UPDATE audit SET id = id + 10 WHERE id = 6", 16); /* renumbered */
  /* Forged rows: one copying its predecessor's chain, one with none. */
  expect_bad("INSERT INTO audit(id, at, device, action, object, detail, chain)"
             " SELECT 7, at, device, action, object, 'forged', chain FROM audit WHERE id = 6",
             7);
  expect_bad("INSERT INTO audit(id, at, device, action, object) VALUES (7, 1, 'd', 'x', 'y')", 7);
  /* Cutting the newest rows leaves a valid chain: only a recorded head
   * shows it. */
  uint8_t head[32], at5[32];
  cr_assert_eq(audit_chain_at(f.db, 6, head), 0);
  cr_assert_eq(memcmp(head, check().head, 32), 0);
  cr_assert_eq(audit_chain_at(f.db, 5, at5), 0);
  sql("BEGIN; DELETE FROM audit WHERE id = 6");
  audit_verify_report rep = check();
  cr_assert_eq(rep.first_bad, 0);
  cr_assert_eq(rep.entries, 5);
  cr_assert_eq(memcmp(rep.head, at5, 32), 0);
  cr_assert_eq(audit_chain_at(f.db, 6, head), RC_NOT_FOUND, "entry 6 is gone");
  sql("ROLLBACK");
}

Test(audit_chain, an_unchained_row_is_never_extended_or_legitimised)
{
  append(2);
  sql("INSERT INTO audit(id, at, device, action, object) VALUES (4, 1, 'd', 'x', 'y')");
  audit_verify_report rep = check();
  cr_assert_eq(rep.first_bad, 4);
  cr_assert_eq(rep.unchained, 1);
  store_ctx c = {.db = f.s.db, .vault = f.s.vault, .cfg = f.s.cfg, .ring = &ring, .now = 1800000000, .who = &who};
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
  cr_assert_eq(store_audit_append(&c, "login", "user:1", ""), RC_PRECONDITION);
  db_rollback(f.db);
  int64_t chained = -1;
  cr_assert_eq(audit_chain_catch_up(f.db, f.vault, &ring, 1800000000, &chained), RC_DATA_LOSS);
  cr_assert_eq(chained, 0);
  cr_assert_eq(check().first_bad, 4, "still unchained, still reported");
}

Test(audit_chain, catch_up_chains_an_old_log_as_appends_would)
{
  append(4);
  audit_verify_report before = check();
  /* The log as a v9 database held it: no chains at all. */
  sql("DROP TRIGGER audit_no_update; UPDATE audit SET chain = NULL");
  sql("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
      "  WHEN OLD.chain IS NOT NULL OR NEW.chain IS NULL OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at"
      "    OR NEW.user_id IS NOT OLD.user_id OR NEW.device IS NOT OLD.device OR NEW.action IS NOT OLD.action"
      "    OR NEW.object IS NOT OLD.object OR NEW.detail IS NOT OLD.detail"
      "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;");
  audit_verify_report rep = check();
  cr_assert_eq(rep.unchained, 5);
  cr_assert_eq(rep.first_bad, 0, "an unchained prefix is not tampering, only not yet chained");
  store_ctx c = {.db = f.s.db, .vault = f.s.vault, .cfg = f.s.cfg, .ring = &ring, .now = 1800000000, .who = &who};
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
  cr_assert_eq(store_audit_append(&c, "login", "user:1", ""), RC_PRECONDITION, "no append before the catch-up");
  db_rollback(f.db);
  int64_t chained = 0;
  cr_assert_eq(audit_chain_catch_up(f.db, f.vault, &ring, 1800000000, &chained), 0);
  cr_assert_eq(chained, 5);
  rep = check();
  cr_assert_eq(rep.unchained, 0);
  cr_assert_eq(rep.first_bad, 0);
  cr_assert_eq(memcmp(rep.head, before.head, 32), 0, "the same chain appends had made");
  cr_assert_eq(audit_chain_catch_up(f.db, f.vault, &ring, 1800000000, &chained), 0);
  cr_assert_eq(chained, 0, "nothing left to chain");
  append(1);
  cr_assert_eq(check().first_bad, 0);
}

Test(audit_chain, the_verify_catalog_knows_every_blob_column)
{
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(f.db),
                                  "SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p"
                                  " WHERE m.type = 'table' AND upper(p.type) = 'BLOB'",
                                  -1, &st, NULL),
               SQLITE_OK);
  int blobs = 0, sealed = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(st, 0), *c = (const char *)sqlite3_column_text(st, 1);
    int kind = verify_catalog_kind(t, c);
    cr_assert_neq(kind, -1, "%s.%s holds blobs but verify's catalog does not say whether they are sealed", t, c);
    blobs++;
    sealed += kind == 1;
  }
  sqlite3_finalize(st);
  cr_assert_gt(sealed, 20, "%d sealed columns of %d blob columns", sealed, blobs);
  /* And nothing in the catalog names a column that is not there. */
  for (size_t i = 0; i < verify_catalog_count; i++) {
    cr_assert_eq(sqlite3_prepare_v2(db_handle(f.db), verify_catalog[i].sql, -1, &st, NULL), SQLITE_OK, "%s: %s",
                 verify_catalog[i].table, sqlite3_errmsg(db_handle(f.db)));
    int n = 0;
    while (verify_catalog[i].columns[n]) n++;
    cr_assert_eq(sqlite3_column_count(st), verify_catalog[i].first_sealed + n, "%s", verify_catalog[i].table);
    for (int j = 0; j < n; j++)
      cr_assert_str_eq(sqlite3_column_name(st, verify_catalog[i].first_sealed + j), verify_catalog[i].columns[j]);
    sqlite3_finalize(st);
  }
}
