/* Shared scaffolding for the store tests: a real data directory (fixture),
 * a worker's keyring and arena, a call made as the administrator (user 1,
 * created by `reflectd init`), and a write transaction open for the whole
 * test (rolled back at the end). Helpers read the SQLite file directly, so
 * a test can check what is really stored, not just what the module returns.
 * Everything is static inline: each test includes it once. */
#ifndef REFLECT_STORE_TEST_H
#define REFLECT_STORE_TEST_H

#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "store_users.h"

#define T0 1800000000 /* a fixed "now": 2027-01-15 08:00 UTC */

static fixture f;
static keyring ring;
static arena a;
static principal who;
static Reflect__V1__Reply rep;
static Reflect__V1__Status status;

static inline void st_setup(void)
{
  fixture_open(&f);
  memset(&who, 0, sizeof who);
  who = (principal){.authenticated = 1, .user_id = 1, .role = ROLE_ADMINISTRATOR};
  reflect__v1__reply__init(&rep);
  reflect__v1__status__init(&status);
  rep.status = &status;
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
}

static inline void st_teardown(void)
{
  db_rollback(f.db);
  arena_reset(&a);
  keyring_clear(&ring);
  fixture_close(&f);
}

static inline store_ctx st_ctx(int64_t now)
{
  return (store_ctx){.db = f.s.db, .vault = f.s.vault, .cfg = f.s.cfg, .ring = &ring, .a = &a, .now = now, .who = &who};
}

/* 1 if needle occurs in the n bytes at b (memmem is a GNU extension). */
static inline int st_contains(const void *b, size_t n, const char *needle)
{
  size_t k = strlen(needle);
  for (size_t i = 0; k && i + k <= n; i++)
    if (memcmp((const char *)b + i, needle, k) == 0) return 1;
  return 0;
}

/* The one integer a query returns (its ?1 bound to p1). */
static inline int64_t st_int(const char *q, int64_t p1)
{
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(f.db), q, -1, &st, NULL), SQLITE_OK, "%s", q);
  if (sqlite3_bind_parameter_count(st) >= 1) sqlite3_bind_int64(st, 1, p1);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", q);
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* 1 if the first column of the first row (a blob or text, ?1 bound to p1)
 * contains `needle` anywhere in its raw bytes; fails the test if there is no
 * row or the column is empty. */
static inline int st_raw_has(const char *q, int64_t p1, const char *needle)
{
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(f.db), q, -1, &st, NULL), SQLITE_OK, "%s", q);
  if (sqlite3_bind_parameter_count(st) >= 1) sqlite3_bind_int64(st, 1, p1);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", q);
  const void *b = sqlite3_column_blob(st, 0);
  size_t n = (size_t)sqlite3_column_bytes(st, 0);
  cr_assert_gt(n, 0, "%s: empty column", q);
  int has = st_contains(b, n, needle);
  sqlite3_finalize(st);
  return has;
}

static inline void st_sql(const char *q)
{
  char *err = NULL;
  cr_assert_eq(sqlite3_exec(db_handle(f.db), q, NULL, NULL, &err), SQLITE_OK, "%s: %s", q, err ? err : "");
}

/* A new account (the password hash is a placeholder: nothing logs in). */
static inline int64_t st_user(const char *username, const char *name, user_role role)
{
  store_ctx c = st_ctx(T0);
  int64_t id = 0;
  cr_assert_eq(store_users_create(&c, username, name, role, "$argon2id$placeholder", &id), 0, "user %s", username);
  return id;
}

#endif
