#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_schema.h"

static char dir[] = "/tmp/reflect-db-XXXXXX";
static void setup(void)
{
  cr_assert_not_null(mkdtemp(dir));
}
static void teardown(void)
{
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
}
TestSuite(db, .init = setup, .fini = teardown);

static long long pragma(db *d, const char *sql)
{
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(d), sql, -1, &st, NULL), SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

Test(db, create_migrates_and_sets_the_pragmas)
{
  db *d;
  char err[512];
  cr_assert_eq(db_open(dir, DB_CREATE, 1, &d, err, sizeof err), 0, "%s", err);
  cr_assert_eq(pragma(d, "PRAGMA user_version"), db_schema_version());
  cr_assert_eq(pragma(d, "PRAGMA synchronous"), 2, "FULL");
  cr_assert_eq(pragma(d, "PRAGMA foreign_keys"), 1);
  cr_assert_eq(pragma(d, "PRAGMA secure_delete"), 1);
  sqlite3_stmt *st;
  sqlite3_prepare_v2(db_handle(d), "PRAGMA journal_mode", -1, &st, NULL);
  sqlite3_step(st);
  cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
  sqlite3_finalize(st);
  db_close(d);
}

Test(db, open_without_a_database_says_to_init)
{
  db *d;
  char err[512];
  cr_assert_neq(db_open(dir, DB_OPEN, 1, &d, err, sizeof err), 0);
  cr_assert(strstr(err, "reflectd init"), "%s", err);
  cr_assert_null(d);
}

Test(db, a_newer_database_is_refused)
{
  db *d;
  char err[512];
  cr_assert_eq(db_open(dir, DB_CREATE, 1, &d, err, sizeof err), 0, "%s", err);
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA user_version = %d", db_schema_version() + 1);
  cr_assert_eq(sqlite3_exec(db_handle(d), sql, NULL, NULL, NULL), SQLITE_OK);
  db_close(d);
  cr_assert_neq(db_open(dir, DB_OPEN, 1, &d, err, sizeof err), 0);
  cr_assert(strstr(err, "upgrade reflectd"), "%s", err);
}

Test(db, garbage_file_is_not_a_database)
{
  char path[300];
  snprintf(path, sizeof path, "%s/%s", dir, DB_FILE_NAME);
  FILE *f = fopen(path, "w");
  for (int i = 0; i < 200; i++) fputs("this is not a database at all ", f);
  fclose(f);
  db *d;
  char err[512];
  cr_assert_neq(db_open(dir, DB_OPEN, 1, &d, err, sizeof err), 0);
  cr_assert(strlen(err) > 0);
}

Test(db, revisions_and_audit_are_append_only)
{
  db *d;
  char err[512];
  cr_assert_eq(db_open(dir, DB_CREATE, 1, &d, err, sizeof err), 0, "%s", err);
  sqlite3 *h = db_handle(d);
  const char *seed =
      "INSERT INTO data_keys(id, subject, wrapped, created_at) VALUES (1, 'user:1', x'00', 0);"
      "INSERT INTO users(id, username, role, key_id, name, pwhash, created_at) VALUES (1, 'a', 3, 1, x'00', 'h', 0);"
      "INSERT INTO sessions(id, kind, supervisor_id, starts_at, minutes, ends_at, key_id, status, created_at, "
      "created_by)"
      " VALUES (1, 1, 1, 0, 90, 5400, 1, 1, 0, 1);"
      "INSERT INTO record_revisions(id, session_id, revision, author_id, created_at, key_id, body)"
      " VALUES (1, 1, 1, 1, 0, 1, x'00');"
      "INSERT INTO audit(at, device, action, object) VALUES (0, 'd', 'x', 'y');";
  cr_assert_eq(sqlite3_exec(h, seed, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
  const char *forbidden[] = {"UPDATE record_revisions SET body = x'01'", "DELETE FROM record_revisions",
                             "UPDATE audit SET action = 'z'", "DELETE FROM audit"};
  for (int i = 0; i < 4; i++) {
    cr_assert_neq(sqlite3_exec(h, forbidden[i], NULL, NULL, NULL), SQLITE_OK, "%s was allowed", forbidden[i]);
    cr_assert(strstr(sqlite3_errmsg(h), "append-only"), "%s", sqlite3_errmsg(h));
  }
  db_close(d);
}

Test(db, statements_are_cached_and_writes_serialised)
{
  db *d;
  char err[512];
  cr_assert_eq(db_open(dir, DB_CREATE, 1, &d, err, sizeof err), 0, "%s", err);
  static const char q[] = "SELECT count(*) FROM users";
  sqlite3_stmt *a = db_prepare(d, q), *b = db_prepare(d, q);
  cr_assert_not_null(a);
  cr_assert_eq(a, b, "the same literal gives the cached statement");
  cr_assert_eq(db_begin_write(d), SQLITE_OK);
  cr_assert_eq(db_commit(d), SQLITE_OK);
  cr_assert_eq(db_begin_write(d), SQLITE_OK);
  db_rollback(d);
  db_close(d);
}

/* The server has well over a hundred SQL literals; every one must get a
 * cached statement however many a worker has already prepared (a fixed 64
 * once made requests fail at random after a while). SQL built at run time
 * would grow without end, so there is a bound, and past it a NULL. */
Test(db, the_statement_cache_grows_to_its_bound)
{
  db *d;
  char err[512];
  cr_assert_eq(db_open(dir, DB_CREATE, 1, &d, err, sizeof err), 0, "%s", err);
  static char sql[1100][48];
  int ok = 0;
  for (int i = 0; i < 1100; i++) {
    snprintf(sql[i], sizeof sql[i], "SELECT %d FROM users", i);
    if (db_prepare(d, sql[i])) ok++;
  }
  cr_assert_eq(ok, 1024, "prepared %d of 1100", ok);
  cr_assert_not_null(db_prepare(d, sql[0]), "an early statement is still cached");
  db_close(d);
}

/* docs/architecture.md#d9-traps: a statement stepped and never reset keeps its
 * connection on an old snapshot. db_settle finds it, names its SQL, and
 * puts the connection back, so the next unit of work sees what others
 * committed meanwhile. */
Test(db, settle_finds_a_statement_left_stepped_and_ends_the_old_snapshot)
{
  db *d, *other;
  char err[512], what[256];
  cr_assert_eq(db_open(dir, DB_CREATE, 1, &d, err, sizeof err), 0, "%s", err);
  cr_assert_eq(db_open(dir, DB_OPEN, 1, &other, err, sizeof err), 0, "%s", err);
  cr_assert_eq(db_settle(d, what, sizeof what), 0, "a fresh connection is clean");
  cr_assert_str_eq(what, "");

  static const char rows[] = "SELECT id FROM t";
  static const char count[] = "SELECT count(*) FROM t";
  cr_assert_eq(sqlite3_exec(db_handle(d), "CREATE TABLE t(id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2)", NULL,
                            NULL, NULL),
               SQLITE_OK, "%s", sqlite3_errmsg(db_handle(d)));
  sqlite3_stmt *st = db_prepare(d, rows);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW); /* and never reset: the bug */
  cr_assert_eq(sqlite3_exec(db_handle(other), "INSERT INTO t VALUES (3)", NULL, NULL, NULL), SQLITE_OK);
  int n = 0;
  cr_assert_eq(db_one_int(db_prepare(d, count), &n), SQLITE_ROW);
  cr_assert_eq(n, 2, "the leftover holds the old snapshot (saw %d)", n);

  cr_assert_eq(db_settle(d, what, sizeof what), 1);
  cr_assert_str_eq(what, rows, "the leftover is named by its SQL");
  cr_assert_eq(sqlite3_stmt_busy(st), 0);
  cr_assert_eq(db_one_int(db_prepare(d, count), &n), SQLITE_ROW);
  cr_assert_eq(n, 3, "after settling, the new row is seen (saw %d)", n);
  cr_assert_eq(db_settle(d, what, sizeof what), 0);

  /* An open transaction is a leftover too, and is rolled back. */
  cr_assert_eq(db_begin_write(d), SQLITE_OK);
  cr_assert_eq(sqlite3_exec(db_handle(d), "INSERT INTO t VALUES (4)", NULL, NULL, NULL), SQLITE_OK);
  cr_assert_eq(db_settle(d, what, sizeof what), 1);
  cr_assert_str_eq(what, "an open transaction");
  cr_assert_eq(sqlite3_get_autocommit(db_handle(d)), 1);
  cr_assert_eq(db_begin_write(other), SQLITE_OK, "the write lock was released");
  db_rollback(other);
  cr_assert_eq(db_one_int(db_prepare(d, count), &n), SQLITE_ROW);
  cr_assert_eq(n, 3, "the unfinished write was rolled back");
  db_close(other);
  db_close(d);
}

Test(db, one_row_helpers_reset_what_they_step)
{
  db *d;
  char err[512];
  cr_assert_eq(db_open(dir, DB_CREATE, 1, &d, err, sizeof err), 0, "%s", err);
  static const char q[] = "SELECT id FROM t WHERE id = ?1";
  cr_assert_eq(sqlite3_exec(db_handle(d), "CREATE TABLE t(id INTEGER PRIMARY KEY); INSERT INTO t VALUES (7)", NULL,
                            NULL, NULL),
               SQLITE_OK);
  sqlite3_stmt *st = db_prepare(d, q);
  sqlite3_bind_int(st, 1, 7);
  int64_t v = 0;
  int yes = 0;
  cr_assert_eq(db_one_int64(st, &v), SQLITE_ROW);
  cr_assert_eq(v, 7);
  cr_assert_eq(sqlite3_stmt_busy(st), 0);
  cr_assert_eq(db_one_exists(st, &yes), SQLITE_ROW, "bindings survive the reset");
  cr_assert_eq(yes, 1);
  sqlite3_bind_int(st, 1, 8);
  v = 42;
  cr_assert_eq(db_one_int64(st, &v), SQLITE_DONE);
  cr_assert_eq(v, 42, "no row leaves the output alone");
  cr_assert_eq(db_one_exists(st, &yes), SQLITE_DONE);
  cr_assert_eq(yes, 0);
  st = db_prepare(d, q);
  cr_assert_eq(sqlite3_bind_parameter_count(st), 1);
  cr_assert_eq(db_one_exists(st, &yes), SQLITE_DONE, "db_prepare clears bindings (NULL id matches nothing)");
  char what[64];
  cr_assert_eq(db_settle(d, what, sizeof what), 0);
  db_close(d);
}

static long long count_of(sqlite3 *h, const char *sql)
{
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(h));
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* The upgrade: whoever never replaced the password an
 * administrator last set (by the audit) must now choose their own; the
 * devices with a live login start familiar; old event topics go. */
Test(db, the_hardening_migration_gates_passwords_an_administrator_set)
{
  int mine = -1;
  for (int v = 0; v < db_schema_count && mine < 0; v++)
    if (strstr(db_schema_migrations[v], "ADD COLUMN must_change_password")) mine = v;
  cr_assert_geq(mine, 0, "no migration adds must_change_password");
  sqlite3 *h;
  char *err = NULL;
  cr_assert_eq(sqlite3_open(":memory:", &h), SQLITE_OK);
  for (int v = 0; v < mine; v++)
    cr_assert_eq(sqlite3_exec(h, db_schema_migrations[v], NULL, NULL, &err), SQLITE_OK, "v%d: %s", v + 1, err);
  /* 1 the first administrator (init); 2 added and never changed it; 3
   * added, then changed it; 4 changed it, then was reset; 5 reset, then
   * changed it again. Foreign keys are off on this bare connection. */
  cr_assert_eq(
      sqlite3_exec(
          h,
          "INSERT INTO users(id, username, role, key_id, name, pwhash, created_at, created_by) VALUES"
          " (1, 'admin', 1, 1, x'00', 'h', 0, NULL), (2, 'b', 4, 1, x'00', 'h', 0, 1), (3, 'c', 4, 1, x'00', 'h', 0, "
          "1),"
          " (4, 'd', 4, 1, x'00', 'h', 0, 1), (5, 'e', 4, 1, x'00', 'h', 0, 1);"
          "INSERT INTO audit(at, device, action, object) VALUES"
          " (10, 'x', 'user.add', 'user:2'), (11, 'x', 'user.add', 'user:3'), (12, 'x', 'user.add', 'user:4'),"
          " (13, 'x', 'user.add', 'user:5'), (20, 'y', 'login', 'user:3'), (21, 'y', 'password.change', 'user:3'),"
          " (22, 'y', 'password.change', 'user:4'), (23, 'x', 'password.reset', 'user:4'),"
          " (24, 'x', 'password.reset', 'user:5'), (25, 'y', 'password.change', 'user:5');"
          "INSERT INTO tokens(hash, user_id, device, created_at, last_seen, expires_at) VALUES"
          " (x'01', 3, 'laptop', 20, 30, 99999), (x'02', 3, 'phone', 25, 40, 99999);"
          "INSERT INTO event_topics(user_id, device, topic, created_at) VALUES (3, 'laptop', randomblob(16), 20);",
          NULL, NULL, &err),
      SQLITE_OK, "%s", err);
  cr_assert_eq(sqlite3_exec(h, db_schema_migrations[mine], NULL, NULL, &err), SQLITE_OK, "%s", err);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(h,
                                  "SELECT group_concat(id) FROM (SELECT id FROM users WHERE must_change_password"
                                  " ORDER BY id)",
                                  -1, &st, NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "2,4", "gated: never changed (2), reset since (4)");
  sqlite3_finalize(st);
  cr_assert_eq(count_of(h, "SELECT admin_set_at FROM users WHERE id = 4"), 23);
  cr_assert_eq(count_of(h, "SELECT count(*) FROM familiar_devices WHERE user_id = 3"), 2);
  cr_assert_eq(count_of(h, "SELECT count(*) FROM event_topics"), 0);
  sqlite3_close(h);
}
