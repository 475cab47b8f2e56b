/* store_audit on a real database: a row holds identifiers only (who, from
 * which device, what, to which object), in the caller's transaction, and
 * the log is append-only; an audited read commits its own row before the
 * content leaves. */
#include "store_test.h"
#include "store_audit.h"

TestSuite(store_audit, .init = st_setup, .fini = st_teardown);

Test(store_audit, a_row_of_identifiers_in_the_callers_transaction)
{
  snprintf(who.device, sizeof who.device, "%s", "device-key-z85");
  int64_t before = st_int("SELECT coalesce(max(id), 0) FROM audit", 0);
  store_ctx c = st_ctx(T0);
  cr_assert_eq(store_audit_append_id(&c, "record.read", "session", 12, "revision=3"), 0);
  cr_assert_eq(st_int("SELECT count(*) FROM audit WHERE id > ?1", before), 1);
  cr_assert_eq(st_int("SELECT count(*) FROM audit WHERE id = ?1 + 1 AND at = 1800000000 AND user_id = 1"
                      " AND device = 'device-key-z85' AND action = 'record.read' AND object = 'session:12'"
                      " AND detail = 'revision=3'",
                      before),
               1);
  who.authenticated = 0;
  cr_assert_eq(store_audit_append(&c, "login.failed", "user:7", NULL), 0);
  cr_assert_eq(st_int("SELECT user_id IS NULL AND detail = '' FROM audit WHERE id = ?1 + 2", before), 1,
               "nobody authenticated: no user");
  db_rollback(f.db);
  cr_assert_eq(st_int("SELECT coalesce(max(id), 0) FROM audit", 0), before, "rolled back with the change");
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
}

Test(store_audit, the_log_is_append_only)
{
  store_ctx c = st_ctx(T0);
  cr_assert_eq(store_audit_append(&c, "x", "user:1", ""), 0);
  char *err = NULL;
  cr_assert_neq(sqlite3_exec(db_handle(f.db), "UPDATE audit SET action = 'y'", NULL, NULL, &err), SQLITE_OK);
  sqlite3_free(err);
  cr_assert_neq(sqlite3_exec(db_handle(f.db), "DELETE FROM audit", NULL, NULL, &err), SQLITE_OK);
  sqlite3_free(err);
}
