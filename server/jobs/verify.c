#include "verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "audit_chain.h"
#include "rc.h"
#include "store_keys.h"
#include "verify_catalog.h"

/* Only the first failure is kept: it is where an administrator starts. */
static void fail(verify_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(verify_report *r, const char *fmt, ...)
{
  r->ok = 0;
  if (r->first_failure[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->first_failure, sizeof r->first_failure, fmt, ap);
  va_end(ap);
}

static int check_keys(db *d, const vault *v, verify_report *r)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT id, subject, wrapped, destroyed_at IS NOT NULL FROM data_keys ORDER BY id");
  if (!st) return -1;
  int src;
  while ((src = sqlite3_step(st)) == SQLITE_ROW) {
    r->keys++;
    int64_t id = sqlite3_column_int64(st, 0);
    if (sqlite3_column_type(st, 2) == SQLITE_NULL || sqlite3_column_int(st, 3)) {
      r->keys_destroyed++;
      continue;
    }
    vault_key *k = NULL;
    int vrc = vault_unwrap_data_key(v, id, (const char *)sqlite3_column_text(st, 1), sqlite3_column_blob(st, 2),
                                    (size_t)sqlite3_column_bytes(st, 2), &k);
    vault_key_free(k);
    if (vrc != VAULT_OK) {
      r->keys_failed++;
      fail(r, "data_keys row %lld: does not unwrap (%s)", (long long)id, vault_strerror(vrc));
    }
  }
  sqlite3_reset(st);
  return src == SQLITE_DONE ? 0 : -1;
}

/* A value whose key cannot be found is shredded only when the key's row
 * says it was destroyed; a key id pointing nowhere is damage. */
static int key_destroyed(db *d, int64_t key_id)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT wrapped IS NULL OR destroyed_at IS NOT NULL FROM data_keys WHERE id = ?1");
  if (!st) return 0;
  sqlite3_bind_int64(st, 1, key_id);
  int yes = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
  sqlite3_reset(st);
  return yes;
}

typedef struct {
  int64_t row, key_id, revision;
  const char *column;
  char context[VAULT_CONTEXT_MAX + 1];
  const void *blob;
  size_t len;
} pending_value;

static void open_one(db *d, const vault *v, keyring *ring, arena *a, const char *table, const pending_value *p,
                     verify_report *r)
{
  store_slot slot = {table, p->row, p->column, p->key_id, p->revision, p->context[0] ? p->context : NULL};
  uint8_t *plain;
  size_t len;
  r->values++;
  int rc = store_keys_open_bytes(d, v, ring, &slot, p->blob, p->len, a, &plain, &len);
  arena_reset(a); /* wipes the plaintext at once */
  if (rc == RC_OK) {
    r->opened++;
  } else if (rc == RC_NOT_FOUND && key_destroyed(d, p->key_id)) {
    r->shredded++;
  } else {
    r->failed++;
    fail(r, "%s row %lld column %s: %s", table, (long long)p->row, p->column,
         rc == RC_NOT_FOUND ? "its data key does not exist" : "does not open");
  }
}

/* st is this function's own statement (not db_prepare's cache), so the
 * key look-ups that opening runs leave its row and blobs in place. */
static int check_table(db *d, const vault *v, keyring *ring, arena *a, const verify_sealed_table *t, verify_report *r)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db_handle(d), t->sql, -1, &st, NULL) != SQLITE_OK) return -1;
  int src;
  while ((src = sqlite3_step(st)) == SQLITE_ROW) {
    for (int i = 0; t->columns[i]; i++) {
      int c = t->first_sealed + i;
      if (sqlite3_column_type(st, c) == SQLITE_NULL) continue;
      pending_value p = {sqlite3_column_int64(st, 0),
                         sqlite3_column_int64(st, 1),
                         sqlite3_column_int64(st, 2),
                         t->columns[i],
                         "",
                         NULL,
                         0};
      if (t->context) t->context(st, t->columns[i], p.context, sizeof p.context);
      p.blob = sqlite3_column_blob(st, c);
      p.len = (size_t)sqlite3_column_bytes(st, c);
      open_one(d, v, ring, a, t->table, &p, r);
    }
  }
  sqlite3_finalize(st);
  return src == SQLITE_DONE ? 0 : -1;
}

static int check_integrity(db *d, verify_report *r)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db_handle(d), "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) return -1;
  int src = sqlite3_step(st);
  const char *first = src == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
  r->integrity_ok = first && !strcmp(first, "ok");
  if (!r->integrity_ok) fail(r, "integrity: %s", first ? first : sqlite3_errmsg(db_handle(d)));
  sqlite3_finalize(st);
  if (sqlite3_prepare_v2(db_handle(d), "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK) return -1;
  while ((src = sqlite3_step(st)) == SQLITE_ROW) {
    r->fk_violations++;
    fail(r, "foreign key: %s row %lld points at a missing %s", (const char *)sqlite3_column_text(st, 0),
         (long long)sqlite3_column_int64(st, 1), (const char *)sqlite3_column_text(st, 2));
  }
  sqlite3_finalize(st);
  return src == SQLITE_DONE ? 0 : -1;
}

static int check_audit(db *d, const vault *v, keyring *ring, verify_report *r)
{
  audit_verify_report a;
  if (audit_chain_verify(d, v, ring, &a)) return -1;
  r->audit_entries = a.entries;
  r->audit_unchained = a.unchained;
  r->audit_first_bad = a.first_bad;
  memcpy(r->audit_head, a.head, sizeof r->audit_head);
  r->audit_ok = !a.first_bad && !a.unchained;
  if (a.first_bad)
    fail(r, "audit entry %lld does not chain: the log was edited, reordered or cut", (long long)a.first_bad);
  else if (a.unchained)
    fail(r, "audit: %lld entries not chained yet (start the server with its keys)", (long long)a.unchained);
  return 0;
}

/* Revisions still holding case texts under their session's key. */
static int check_pending(db *d, verify_report *r)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db_handle(d), "SELECT count(*) FROM record_revisions WHERE format = 2", -1, &st, NULL) !=
      SQLITE_OK)
    return -1;
  int src = sqlite3_step(st);
  if (src == SQLITE_ROW) r->records_pending = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return src == SQLITE_ROW ? 0 : -1;
}

int verify_run(db *d, const vault *v, verify_report *r, char *err, size_t err_size)
{
  memset(r, 0, sizeof *r);
  r->ok = 1;
  if (db_begin_read(d) != SQLITE_OK) {
    snprintf(err, err_size, "cannot read the database: %s", sqlite3_errmsg(db_handle(d)));
    return -1;
  }
  keyring ring = {0};
  arena a = {0};
  const char *step = "data keys";
  int rc = check_keys(d, v, r);
  for (size_t i = 0; !rc && i < verify_catalog_count; i++) {
    step = verify_catalog[i].table;
    rc = check_table(d, v, &ring, &a, &verify_catalog[i], r);
  }
  if (!rc) {
    step = "integrity";
    rc = check_integrity(d, r);
  }
  if (!rc) {
    step = "audit";
    rc = check_audit(d, v, &ring, r);
  }
  if (!rc) {
    step = "records";
    rc = check_pending(d, r);
  }
  if (rc) snprintf(err, err_size, "could not check %s: %s", step, sqlite3_errmsg(db_handle(d)));
  db_end_read(d);
  keyring_clear(&ring);
  arena_reset(&a);
  return rc ? -1 : 0;
}
