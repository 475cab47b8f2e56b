#include "audit_chain.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rc.h"
#include "store_keys.h"

static const char domain[] = "reflect.audit.v1";

static uint8_t *put_u64(uint8_t *p, uint64_t x)
{
  for (int i = 0; i < 8; i++) *p++ = (uint8_t)(x >> (8 * i));
  return p;
}

static uint8_t *put_str(uint8_t *p, const char *s, size_t n)
{
  for (int i = 0; i < 4; i++) *p++ = (uint8_t)((uint32_t)n >> (8 * i));
  memcpy(p, s, n);
  return p + n;
}

rcode audit_chain_compute(const vault_key *k, const uint8_t prev[AUDIT_CHAIN_BYTES], const audit_fields *f,
                          uint8_t out[AUDIT_CHAIN_BYTES])
{
  const char *s[4] = {f->device ? f->device : "", f->action ? f->action : "", f->object ? f->object : "",
                      f->detail ? f->detail : ""};
  size_t n[4], total = sizeof domain - 1 + AUDIT_CHAIN_BYTES + 3 * 8;
  for (int i = 0; i < 4; i++) {
    n[i] = strlen(s[i]);
    /* A length must fit its 4-byte prefix, or two rows could encode alike. */
    if (n[i] > UINT32_MAX / 2) return RC_INVALID;
    total += 4 + n[i];
  }
  uint8_t *buf = malloc(total), *p = buf;
  if (!buf) return RC_EXHAUSTED;
  memcpy(p, domain, sizeof domain - 1);
  p += sizeof domain - 1;
  if (prev) memcpy(p, prev, AUDIT_CHAIN_BYTES);
  else memset(p, 0, AUDIT_CHAIN_BYTES);
  p += AUDIT_CHAIN_BYTES;
  p = put_u64(p, (uint64_t)f->id);
  p = put_u64(p, (uint64_t)f->at);
  p = put_u64(p, (uint64_t)f->user_id);
  for (int i = 0; i < 4; i++) p = put_str(p, s[i], n[i]);
  int vrc = vault_mac(k, buf, total, out);
  free(buf);
  return vrc == VAULT_OK ? RC_OK : RC_INTERNAL;
}

rcode audit_chain_next(db *d, const vault *v, keyring *r, int64_t now, const audit_fields *f,
                       uint8_t out[AUDIT_CHAIN_BYTES])
{
  const vault_key *k;
  int rc = store_keys_get(d, v, r, now, AUDIT_CHAIN_SUBJECT, &k);
  if (rc) return rc;
  sqlite3_stmt *st = db_prepare(d, "SELECT id, chain FROM audit ORDER BY id DESC LIMIT 1");
  if (!st) return RC_INTERNAL;
  uint8_t prev[AUDIT_CHAIN_BYTES];
  int have_prev = 0;
  int64_t last = 0;
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    last = sqlite3_column_int64(st, 0);
    have_prev = sqlite3_column_bytes(st, 1) == AUDIT_CHAIN_BYTES;
    if (have_prev) memcpy(prev, sqlite3_column_blob(st, 1), AUDIT_CHAIN_BYTES);
  }
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return RC_INTERNAL;
  if (rc == SQLITE_ROW && !have_prev) {
    log_line(LOG_ERROR, "event=audit_chain_refused reason=previous_row_unchained previous_id=%lld", (long long)last);
    return RC_PRECONDITION;
  }
  if (f->id <= last) return RC_INTERNAL; /* ids only grow: the caller chose max(id) + 1 */
  return audit_chain_compute(k, have_prev ? prev : NULL, f, out);
}

/* One row, copied out so the statement can be reset before the row is
 * updated or anything else runs. */
typedef struct {
  int64_t id, at, user_id;
  char *text[4];
  int chained;
  uint8_t chain[AUDIT_CHAIN_BYTES];
} audit_row;

static void row_free(audit_row *row)
{
  for (int i = 0; i < 4; i++) free(row->text[i]);
  memset(row, 0, sizeof *row);
}

static void row_read(sqlite3_stmt *st, audit_row *row)
{
  row->id = sqlite3_column_int64(st, 0);
  row->at = sqlite3_column_int64(st, 1);
  row->user_id = sqlite3_column_int64(st, 2);
  for (int i = 0; i < 4; i++) {
    const char *t = (const char *)sqlite3_column_text(st, 3 + i);
    row->text[i] = strdup(t ? t : "");
  }
  row->chained = sqlite3_column_bytes(st, 7) == AUDIT_CHAIN_BYTES;
  if (row->chained) memcpy(row->chain, sqlite3_column_blob(st, 7), AUDIT_CHAIN_BYTES);
}

static audit_fields row_fields(const audit_row *row)
{
  return (audit_fields){row->id, row->at, row->user_id, row->text[0], row->text[1], row->text[2], row->text[3]};
}

#define AUDIT_COLUMNS "id, at, coalesce(user_id, 0), device, action, object, detail, chain"

static rcode chain_prefix(db *d, const vault_key *k, int64_t *chained)
{
  sqlite3_stmt *next = db_prepare(d, "SELECT " AUDIT_COLUMNS " FROM audit WHERE id > ?1 ORDER BY id LIMIT 1");
  sqlite3_stmt *set = db_prepare(d, "UPDATE audit SET chain = ?2 WHERE id = ?1 AND chain IS NULL");
  if (!next || !set) return RC_INTERNAL;
  uint8_t prev[AUDIT_CHAIN_BYTES];
  int64_t after = INT64_MIN;
  for (int first = 1;; first = 0) {
    sqlite3_bind_int64(next, 1, after);
    int src = sqlite3_step(next);
    audit_row row = {0};
    if (src == SQLITE_ROW) row_read(next, &row);
    sqlite3_reset(next);
    if (src == SQLITE_DONE) return RC_OK;
    if (src != SQLITE_ROW) return RC_INTERNAL;
    if (row.chained) {
      row_free(&row);
      return RC_OK;
    }
    for (int i = 0; i < 4; i++)
      if (!row.text[i]) {
        row_free(&row);
        return RC_EXHAUSTED;
      }
    audit_fields f = row_fields(&row);
    uint8_t out[AUDIT_CHAIN_BYTES];
    int rc = audit_chain_compute(k, first ? NULL : prev, &f, out);
    after = row.id;
    row_free(&row);
    if (rc) return rc;
    sqlite3_bind_int64(set, 1, after);
    sqlite3_bind_blob(set, 2, out, AUDIT_CHAIN_BYTES, SQLITE_STATIC);
    rc = rc_from_sqlite(db_step_done(set));
    if (rc) return rc;
    memcpy(prev, out, sizeof prev);
    (*chained)++;
  }
}

rcode audit_chain_catch_up(db *d, const vault *v, keyring *r, int64_t now, int64_t *chained)
{
  *chained = 0;
  if (db_begin_write(d) != SQLITE_OK) return RC_UNAVAILABLE;
  const vault_key *k;
  int rc = store_keys_get(d, v, r, now, AUDIT_CHAIN_SUBJECT, &k);
  if (!rc) rc = chain_prefix(d, k, chained);
  /* What is still unchained now follows a chained row: nobody but the
   * server may write the log, and the server never writes it unchained. */
  int64_t stray = 0;
  sqlite3_stmt *st = rc ? NULL : db_prepare(d, "SELECT id FROM audit WHERE chain IS NULL ORDER BY id LIMIT 1");
  if (!rc && !st) rc = RC_INTERNAL;
  if (st) {
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) stray = sqlite3_column_int64(st, 0);
    else if (src != SQLITE_DONE) rc = RC_INTERNAL;
    sqlite3_reset(st);
  }
  if (rc) {
    db_rollback(d);
    *chained = 0;
    return rc;
  }
  if (db_commit(d) != SQLITE_OK) {
    *chained = 0;
    return RC_INTERNAL;
  }
  if (*chained) log_line(LOG_INFO, "event=audit_chain_catch_up chained=%lld", (long long)*chained);
  if (stray) {
    log_line(LOG_ERROR, "event=integrity_error what=audit_chain reason=unchained_row_after_chained id=%lld",
             (long long)stray);
    return RC_DATA_LOSS;
  }
  return RC_OK;
}

static rcode walk(db *d, const vault_key *k, audit_verify_report *out)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY id");
  if (!st) return RC_INTERNAL;
  uint8_t prev[AUDIT_CHAIN_BYTES];
  int have_prev = 0, seen_chained = 0, rc = RC_OK, src;
  int64_t first_unchained = 0;
  while ((src = sqlite3_step(st)) == SQLITE_ROW) {
    audit_row row = {0};
    row_read(st, &row);
    out->entries++;
    int bad = 0;
    if (!row.chained) {
      out->unchained++;
      if (!first_unchained) first_unchained = row.id;
      bad = seen_chained; /* a gap after the chain began */
      have_prev = 0;
      memset(out->head, 0, sizeof out->head);
    } else {
      /* A chained row after unchained ones: the prefix was not caught up,
       * or rows were put in front of the chain. */
      if (!seen_chained && first_unchained && !out->first_bad) out->first_bad = first_unchained;
      seen_chained = 1;
      uint8_t want[AUDIT_CHAIN_BYTES];
      audit_fields f = row_fields(&row);
      int ok_text = row.text[0] && row.text[1] && row.text[2] && row.text[3];
      if (!ok_text) {
        row_free(&row);
        rc = RC_EXHAUSTED;
        break;
      }
      /* The first row chains from zeros; any later row from its predecessor. */
      if (!k || (out->entries > 1 && !have_prev)) bad = 1;
      else if ((rc = audit_chain_compute(k, out->entries > 1 ? prev : NULL, &f, want))) {
        row_free(&row);
        break;
      } else bad = sodium_memcmp(want, row.chain, sizeof want) != 0;
      memcpy(prev, row.chain, sizeof prev);
      memcpy(out->head, row.chain, sizeof out->head);
      have_prev = 1;
    }
    if (bad && !out->first_bad) out->first_bad = row.id;
    row_free(&row);
  }
  sqlite3_reset(st);
  if (!rc && src != SQLITE_DONE && src != SQLITE_ROW) rc = RC_INTERNAL;
  return rc;
}

rcode audit_chain_verify(db *d, const vault *v, keyring *r, audit_verify_report *out)
{
  memset(out, 0, sizeof *out);
  sqlite3 *h = db_handle(d);
  int own = sqlite3_get_autocommit(h); /* not already inside a transaction */
  if (own && db_begin_read(d) != SQLITE_OK) return RC_UNAVAILABLE;
  const vault_key *k = NULL;
  int rc = store_keys_find(d, v, r, AUDIT_CHAIN_SUBJECT, &k);
  /* No key (never made, destroyed, or failing to unwrap): every chained
   * row then counts as not chaining. */
  if (rc == RC_NOT_FOUND || rc == RC_DATA_LOSS) {
    k = NULL;
    rc = RC_OK;
  }
  if (!rc) rc = walk(d, k, out);
  if (own) db_end_read(d);
  return rc;
}

rcode audit_chain_at(db *d, int64_t n, uint8_t out[AUDIT_CHAIN_BYTES])
{
  if (n < 1) return RC_NOT_FOUND;
  sqlite3_stmt *st = db_prepare(d, "SELECT chain FROM audit ORDER BY id LIMIT 1 OFFSET ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, n - 1);
  int src = sqlite3_step(st);
  int found = src == SQLITE_ROW && sqlite3_column_bytes(st, 0) == AUDIT_CHAIN_BYTES;
  if (found) memcpy(out, sqlite3_column_blob(st, 0), AUDIT_CHAIN_BYTES);
  sqlite3_reset(st);
  if (src != SQLITE_ROW && src != SQLITE_DONE) return RC_INTERNAL;
  return found ? RC_OK : RC_NOT_FOUND;
}
