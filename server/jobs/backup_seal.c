/* backup_seal: the keyed seal over a backup's content and the check that a
 * backup's schema is exactly the binary's own (backup_file.h). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup_file.h"
#include "datadir.h"
#include "db_schema.h"

/* Tags keep one kind of item from ever being read as another, and every
 * variable-length item carries its length, so the byte stream the MAC
 * covers has exactly one reading. */
enum { TAG_NULL = 0, TAG_INT = 1, TAG_REAL = 2, TAG_TEXT = 3, TAG_BLOB = 4 };
enum { ITEM_VERSION = 'V', ITEM_TABLE = 'T', ITEM_ROW = 'R', ITEM_END = 'E', ITEM_SCHEMA = 'S', ITEM_META = 'M' };

static void put_u(vault_mac_state *s, uint64_t x, int bytes)
{
  uint8_t b[8];
  for (int i = 0; i < bytes; i++) b[i] = (uint8_t)(x >> (8 * i));
  vault_mac_update(s, b, (size_t)bytes);
}

static void put_tag(vault_mac_state *s, int tag)
{
  uint8_t t = (uint8_t)tag;
  vault_mac_update(s, &t, 1);
}

static void put_bytes(vault_mac_state *s, const void *p, size_t n)
{
  put_u(s, n, 4);
  vault_mac_update(s, p, n);
}

static void put_value(vault_mac_state *s, sqlite3_stmt *st, int col)
{
  /* The type is read first: reading the value as another type converts it. */
  int type = sqlite3_column_type(st, col);
  switch (type) {
  case SQLITE_INTEGER:
    put_tag(s, TAG_INT);
    put_u(s, (uint64_t)sqlite3_column_int64(st, col), 8);
    break;
  case SQLITE_FLOAT: {
    double d = sqlite3_column_double(st, col);
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    put_tag(s, TAG_REAL);
    put_u(s, bits, 8);
    break;
  }
  case SQLITE_TEXT: {
    const unsigned char *t = sqlite3_column_text(st, col);
    put_tag(s, TAG_TEXT);
    put_bytes(s, t, (size_t)sqlite3_column_bytes(st, col));
    break;
  }
  case SQLITE_BLOB: {
    const void *b = sqlite3_column_blob(st, col);
    put_tag(s, TAG_BLOB);
    put_bytes(s, b, (size_t)sqlite3_column_bytes(st, col));
    break;
  }
  default: put_tag(s, TAG_NULL);
  }
}

/* Every row of stmt, each column tagged; the row count closes the table so
 * rows cannot move between tables. */
static int put_rows(vault_mac_state *s, sqlite3_stmt *st)
{
  int n = sqlite3_column_count(st), rc;
  uint64_t rows = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    put_tag(s, ITEM_ROW);
    for (int i = 0; i < n; i++) put_value(s, st, i);
    rows++;
  }
  put_tag(s, ITEM_END);
  put_u(s, rows, 8);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* Appends "name" quoted as an SQL identifier. */
static int quote_ident(char *buf, size_t size, size_t *o, const char *name)
{
  if (*o + 1 >= size) return -1;
  buf[(*o)++] = '"';
  for (const char *p = name; *p; p++) {
    if (*o + 3 >= size) return -1;
    if (*p == '"') buf[(*o)++] = '"';
    buf[(*o)++] = *p;
  }
  buf[(*o)++] = '"';
  buf[*o] = '\0';
  return 0;
}

/* A canonical row order: rowid for an ordinary table (the rowid is part of
 * what is sealed: it is what foreign keys and code refer to), the primary
 * key for a WITHOUT ROWID table (unique, so a total order). */
static int table_stmt(sqlite3 *h, const char *table, sqlite3_stmt **out)
{
  char sql[2048] = "SELECT _rowid_, * FROM ";
  size_t o = strlen(sql);
  if (quote_ident(sql, sizeof sql, &o, table) || o + 32 >= sizeof sql) return -1;
  snprintf(sql + o, sizeof sql - o, " ORDER BY _rowid_");
  if (sqlite3_prepare_v2(h, sql, -1, out, NULL) == SQLITE_OK) return 0;
  /* Only a WITHOUT ROWID table has no _rowid_ (no table of ours has a
   * column of that name, which the schema check guarantees). */
  sqlite3_stmt *pk;
  if (sqlite3_prepare_v2(h, "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk", -1, &pk, NULL) !=
      SQLITE_OK)
    return -1;
  sqlite3_bind_text(pk, 1, table, -1, SQLITE_STATIC);
  o = (size_t)snprintf(sql, sizeof sql, "SELECT * FROM ");
  int bad = quote_ident(sql, sizeof sql, &o, table), cols = 0;
  while (!bad && sqlite3_step(pk) == SQLITE_ROW) {
    const char *c = (const char *)sqlite3_column_text(pk, 0);
    const char *sep = cols++ ? ", " : " ORDER BY ";
    bad = !c || o + strlen(sep) + 1 >= sizeof sql;
    if (!bad) {
      memcpy(sql + o, sep, strlen(sep) + 1);
      o += strlen(sep);
      bad = quote_ident(sql, sizeof sql, &o, c);
    }
  }
  sqlite3_finalize(pk);
  if (bad || !cols) return -1;
  return sqlite3_prepare_v2(h, sql, -1, out, NULL) == SQLITE_OK ? 0 : -1;
}

int backup_seal_content_mac(sqlite3 *h, const vault *v, uint8_t out[VAULT_MAC_BYTES], char *err, size_t err_size)
{
  vault_mac_state *s = NULL;
  sqlite3_stmt *tables = NULL, *st = NULL;
  int rc = -1;
  if (vault_mac_init(v, BACKUP_MAC_PURPOSE, &s)) {
    snprintf(err, err_size, "cannot start the backup's seal");
    return -1;
  }
  put_tag(s, ITEM_VERSION);
  if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK || put_rows(s, st)) goto out;
  sqlite3_finalize(st);
  st = NULL;
  /* Every table's rows, sqlite_sequence included (it decides future ids);
   * backup_meta is covered below, row by row. */
  if (sqlite3_prepare_v2(h,
                         "SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'backup_meta' "
                         "ORDER BY name",
                         -1, &tables, NULL) != SQLITE_OK)
    goto out;
  int step;
  while ((step = sqlite3_step(tables)) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(tables, 0);
    if (!name || table_stmt(h, name, &st)) goto out;
    put_tag(s, ITEM_TABLE);
    put_bytes(s, name, strlen(name));
    put_u(s, (uint64_t)sqlite3_column_count(st), 4);
    if (put_rows(s, st)) goto out;
    sqlite3_finalize(st);
    st = NULL;
  }
  if (step != SQLITE_DONE) goto out;
  /* The schema itself: an added trigger or view changes the seal. */
  put_tag(s, ITEM_SCHEMA);
  if (sqlite3_prepare_v2(h, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name, type", -1, &st, NULL) !=
          SQLITE_OK ||
      put_rows(s, st))
    goto out;
  sqlite3_finalize(st);
  st = NULL;
  put_tag(s, ITEM_META);
  if (sqlite3_prepare_v2(h, "SELECT key, value FROM backup_meta WHERE key <> '" BACKUP_MAC_KEY "' ORDER BY key", -1,
                         &st, NULL) != SQLITE_OK ||
      put_rows(s, st))
    goto out;
  rc = 0;
out:
  sqlite3_finalize(st);
  sqlite3_finalize(tables);
  if (rc) {
    vault_mac_free(s);
    snprintf(err, err_size, "cannot read the backup's content to check its seal: %s", sqlite3_errmsg(h));
    return -1;
  }
  if (vault_mac_final(s, out)) {
    snprintf(err, err_size, "cannot finish the backup's seal");
    return -1;
  }
  return 0;
}

/* The objects a schema check compares: everything but backup_meta itself
 * (checked separately) and sqlite_stat tables (ANALYZE may add them). */
static const char SCHEMA_SQL[] =
    "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE NOT (type = 'table' AND name IN "
    "('backup_meta', 'sqlite_stat1', 'sqlite_stat4')) AND NOT (type = 'index' AND name = "
    "'sqlite_autoindex_backup_meta_1') ORDER BY type, name";

static int same_text(sqlite3_stmt *a, sqlite3_stmt *b, int col)
{
  const unsigned char *x = sqlite3_column_text(a, col), *y = sqlite3_column_text(b, col);
  return (!x && !y) || (x && y && !strcmp((const char *)x, (const char *)y));
}

static int fresh_schema(int version, sqlite3 **out)
{
  if (sqlite3_open_v2(":memory:", out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) return -1;
  /* As db_open migrates: foreign keys on. */
  if (sqlite3_exec(*out, "PRAGMA foreign_keys=ON", NULL, NULL, NULL) != SQLITE_OK) return -1;
  for (int i = 0; i < version && i < db_schema_count; i++)
    if (sqlite3_exec(*out, db_schema_migrations[i], NULL, NULL, NULL) != SQLITE_OK) return -1;
  return 0;
}

int backup_seal_schema_check(sqlite3 *h, int version, char *err, size_t err_size)
{
  sqlite3 *fresh = NULL;
  sqlite3_stmt *a = NULL, *b = NULL;
  char what[160] = "";
  int rc = -1, ra, rb;
  if (version < 1 || version > db_schema_count || fresh_schema(version, &fresh)) {
    snprintf(err, err_size, "cannot build schema version %d to compare the backup with", version);
    goto out;
  }
  if (sqlite3_prepare_v2(h, SCHEMA_SQL, -1, &a, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(fresh, SCHEMA_SQL, -1, &b, NULL) != SQLITE_OK) {
    snprintf(err, err_size, "cannot read the backup's schema");
    goto out;
  }
  for (;;) {
    ra = sqlite3_step(a);
    rb = sqlite3_step(b);
    if (ra == SQLITE_DONE && rb == SQLITE_DONE) break;
    if (ra != SQLITE_ROW || rb != SQLITE_ROW || !same_text(a, b, 0) || !same_text(a, b, 1) || !same_text(a, b, 2) ||
        !same_text(a, b, 3)) {
      sqlite3_stmt *named = ra == SQLITE_ROW ? a : b;
      if (ra == SQLITE_ROW || rb == SQLITE_ROW)
        snprintf(what, sizeof what, " (at %s %s)", (const char *)sqlite3_column_text(named, 0),
                 (const char *)sqlite3_column_text(named, 1));
      snprintf(err, err_size,
               "this backup's schema is not the one reflectd makes for version %d%s: it has been altered; "
               "not restorable",
               version, what);
      goto out;
    }
  }
  char sql[256] = "";
  sqlite3_finalize(a);
  a = NULL;
  if (sqlite3_prepare_v2(h, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'backup_meta'", -1, &a,
                         NULL) == SQLITE_OK &&
      sqlite3_step(a) == SQLITE_ROW && sqlite3_column_text(a, 0))
    snprintf(sql, sizeof sql, "%s", (const char *)sqlite3_column_text(a, 0));
  if (strcmp(sql, BACKUP_META_SQL)) {
    snprintf(err, err_size, "this backup's backup_meta is not the one reflectd makes: it has been altered");
    goto out;
  }
  rc = 0;
out:
  sqlite3_finalize(a);
  sqlite3_finalize(b);
  sqlite3_close(fresh);
  return rc;
}

int backup_seal_verify(sqlite3 *h, const vault *v, const uint8_t *expected, char *err, size_t err_size)
{
  uint8_t mac[VAULT_MAC_BYTES];
  if (!expected) {
    snprintf(err, err_size,
             "this backup carries no seal over its content: it was made by an older version of "
             "reflectd, or altered; make a new backup");
    return -1;
  }
  if (backup_seal_content_mac(h, v, mac, err, err_size)) return -1;
  int same = sodium_memcmp(mac, expected, sizeof mac) == 0;
  sodium_memzero(mac, sizeof mac);
  if (!same) {
    snprintf(err, err_size, "this backup has been altered since it was made (its content does not match its seal)");
    return -1;
  }
  return 0;
}

/* sqlite URI for a read-only, never-locked, never-written open. */
static int uri_for(const char *path, char *out, size_t size)
{
  size_t o = (size_t)snprintf(out, size, "file:");
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if (o + 4 >= size) return -1;
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("/._-~", *p))
      out[o++] = (char)*p;
    else o += (size_t)snprintf(out + o, size - o, "%%%02X", *p);
  }
  return snprintf(out + o, size - o, "?immutable=1") >= (int)(size - o) ? -1 : 0;
}

int backup_seal_open_untrusted(const char *path, sqlite3 **out)
{
  char uri[DATADIR_PATH_MAX * 3 + 32];
  *out = NULL;
  if (uri_for(path, uri, sizeof uri) ||
      sqlite3_open_v2(uri, out, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    return -1;
  /* The file's schema is not ours yet: no triggers or views may run code. */
  if (sqlite3_db_config(*out, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) != SQLITE_OK ||
      sqlite3_db_config(*out, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) != SQLITE_OK)
    return -1;
  return 0;
}
