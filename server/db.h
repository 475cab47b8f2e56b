/*
 * db — one SQLite connection per thread, opened the way DESIGN.md §5 says:
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
 *  - db_prepare returns a cached, reset statement for a SQL string literal;
 *    the cache owns it. Statements are finalized by db_close.
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

int db_open(const char *data_dir, int mode, int synchronous_full, db **out, char *err,
            size_t err_size);
void db_close(db *d);
sqlite3 *db_handle(db *d);

/* NULL on failure (logged). sql must be a string literal (cached by address). */
sqlite3_stmt *db_prepare(db *d, const char *sql);

/* Steps a statement that returns no rows, resets it, and returns the
 * SQLite result (SQLITE_DONE on success). */
int db_step_done(sqlite3_stmt *st);
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

#endif
