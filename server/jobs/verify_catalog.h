/*
 * verify_catalog — every sealed column in the database and how the store
 * module that sealed it built the value's associated data (verify.h).
 *
 * Contract: each entry's SQL returns, per row, the AD row id (column 0),
 * the key id (1), the revision (2), the facts its context is built from
 * (3 .. first_sealed-1), then the sealed columns named in `columns`, in
 * that order. context() rebuilds the context string for one column of the
 * current row into buf (NULL context: the value was sealed without one).
 * verify_catalog_kind says whether a BLOB column is sealed (1), listed as
 * holding no sealed data (0: blind indexes, chains, wrapped keys, token
 * hashes, random ids) or unknown to the catalog (-1), so a test can prove
 * no sealed column was forgotten. The catalog is static; nothing to free.
 */
#ifndef REFLECT_VERIFY_CATALOG_H
#define REFLECT_VERIFY_CATALOG_H

#include <sqlite3.h>
#include <stddef.h>

#define VERIFY_COLUMNS_MAX 6

typedef void (*verify_context_fn)(sqlite3_stmt *st, const char *column, char *buf, size_t size);

typedef struct {
  const char *table;
  const char *sql;
  int first_sealed;
  const char *columns[VERIFY_COLUMNS_MAX + 1];
  verify_context_fn context;
} verify_sealed_table;

extern const verify_sealed_table verify_catalog[];
extern const size_t verify_catalog_count;

int verify_catalog_kind(const char *table, const char *column);

#endif
