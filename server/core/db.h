/*
 * db — one SQLite connection per thread, opened the way docs/architecture.md#d5-storage says:
 * WAL, synchronous=FULL (unless configured NORMAL), foreign_keys=ON,
 * secure_delete=ON, a busy timeout, numbered migrations embedded in the
 * binary and recorded in PRAGMA user_version.
 *
 * Contract:
 *  - db_open opens (or with DB_CREATE, creates) DIR/reflect.db and brings
 *    its schema up to date, each migration in its own transaction. A
 *    database newer than this binary is refused with a clear message.
 *  - Writes go through db_begin_write/db_commit/db_rollback. They take a
 *    process-wide mutex before BEGIN IMMEDIATE, so our own workers queue on
 *    the mutex (no SQLITE_BUSY sleeps) and SQLite's busy timeout only ever
 *    waits for other processes (a backup, the sqlite3 shell).
 *  - db_prepare returns a cached, reset statement with no bindings for a SQL
 *    string literal; the cache owns it. Statements are finalized by
 *    db_close.
 *  - A statement stepped and never reset keeps its connection's read
 *    transaction open: that connection then reads an old snapshot and
 *    cannot write (docs/architecture.md#d9-traps). So a statement is stepped through a
 *    helper that resets it (db_step_done, db_one_int64, db_one_exists), or
 *    reset by the caller on every path; and db_settle, run after every unit
 *    of work (a request, a relay job), finds what was missed.
 *  - A db is used by one thread at a time. The caller owns it and closes it.
 */
#ifndef REFLECT_DB_H
#define REFLECT_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define DB_FILE_NAME "reflect.db"

enum { DB_OPEN = 0, DB_CREATE = 1 };

typedef struct db db;

int db_open(const char *data_dir, int mode, int synchronous_full, db **out, char *err, size_t err_size);
void db_close(db *d);
sqlite3 *db_handle(db *d);

/* NULL on failure (logged). sql must be a string literal (cached by address). */
sqlite3_stmt *db_prepare(db *d, const char *sql);

/* Steps a statement that returns no rows, resets it, and returns the
 * SQLite result (SQLITE_DONE on success). */
int db_step_done(sqlite3_stmt *st);
/* One-row queries, stepped and reset in one call. Each returns SQLITE_ROW
 * (a row was read: *out is column 0, *yes is 1), SQLITE_DONE (no row: *out
 * untouched, *yes is 0) or the SQLite error. */
int db_one_int64(sqlite3_stmt *st, int64_t *out);
int db_one_int(sqlite3_stmt *st, int *out);
int db_one_exists(sqlite3_stmt *st, int *yes);

/* After a unit of work: finds every statement still busy (stepped, not
 * reset) and a transaction still open, and puts the connection back in
 * autocommit with nothing busy. Returns 0 when it was already so;
 * otherwise 1, with the first leftover's SQL (or "an open transaction")
 * in what, for the caller to report. */
int db_settle(db *d, char *what, size_t what_size);
/* db_settle, and what to do about a leftover after a unit of work (unit
 * names it in the log, with op, a request's op or -1). In a strict build
 * (REFLECT_STRICT_DB: debug, sanitizer and fuzzing builds) a leftover is a
 * bug the tests must fail on, so the process aborts naming the statement.
 * In production the connection is put right and the leftover reported
 * once per op; the reply already built is unaffected. */
void db_settle_after(db *d, const char *unit, int op);

/* Runs a cached "SELECT coalesce(max(id), 0) + 1 FROM t" literal. Ids are
 * chosen before the insert because they are bound into sealed values; the
 * caller holds the write lock, so the id cannot be taken meanwhile. */
int db_next_id(db *d, const char *sql, int64_t *id);

/* A read transaction (one snapshot for a whole request), with cached
 * BEGIN/COMMIT statements so no SQL is parsed per request. */
int db_begin_read(db *d);
void db_end_read(db *d);

int db_begin_write(db *d);
int db_commit(db *d);
void db_rollback(db *d);

/* The schema version this binary writes. */
int db_schema_version(void);

/* Copies meta's value for key into buf (at most size bytes) and says how
 * long it is: 0, or -1 when there is none or it does not fit. */
int db_meta_get(db *d, const char *key, void *buf, size_t size, size_t *len);

#endif
