/* Crypto-shredding the cases whose retention has ended (retention.h says
 * when; store_retention.h how a shredded value reads). */
#include "shred.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "retention.h"
#include "store_audit.h"
#include "store_cases.h"

/* Set by a run that shredded: the next run forgets every cached key again.
 * A request whose read snapshot began before the shredding committed may
 * have re-cached the key afterwards; by the next run it has ended. */
static _Atomic int forget_again;

typedef struct {
  int64_t id, key_id;
  char until[11];
} due_case;

/* Destroys one case's key and unlinks its reference. The key must be the
 * case's own ("case:N"): a damaged key_id must never destroy someone
 * else's file. 1 if shredded, 0 if skipped (logged), <0 on error. */
static int shred_one(call *c, const due_case *k)
{
  db *d = c->s->db;
  char subject[32], detail[48];
  snprintf(subject, sizeof subject, "case:%lld", (long long)k->id);
  sqlite3_stmt *st = db_prepare(d, "UPDATE data_keys SET wrapped = NULL, destroyed_at = ?2"
                                   " WHERE id = ?1 AND subject = ?3 AND wrapped IS NOT NULL");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, k->key_id);
  sqlite3_bind_int64(st, 2, c->now);
  sqlite3_bind_text(st, 3, subject, -1, SQLITE_STATIC);
  int rc = db_step_done(st);
  if (rc != SQLITE_DONE) return -1;
  if (sqlite3_changes(db_handle(d)) != 1) {
    log_line(LOG_ERROR, "event=retention_skipped case=%lld key_id=%lld reason=key_not_the_cases_or_gone",
             (long long)k->id, (long long)k->key_id);
    return 0;
  }
  /* The blind index is the one thing that could still confirm a guessed
   * reference: random bytes, not NULL, keep the UNIQUE column as it was. */
  uint8_t noise[VAULT_INDEX_BYTES];
  randombytes_buf(noise, sizeof noise);
  st = db_prepare(d, "UPDATE cases SET reference_index = ?2, shredded_at = ?3 WHERE id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, k->id);
  sqlite3_bind_blob(st, 2, noise, sizeof noise, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, c->now);
  if (db_step_done(st) != SQLITE_DONE) return -1;
  snprintf(detail, sizeof detail, "retained until %s", k->until);
  if (store_audit_append_id(call_store(c), "case.shred", "case", k->id, detail)) return -1;
  log_line(LOG_INFO, "event=case_shredded case=%lld retained_until=%s", (long long)k->id, k->until);
  return 1;
}

/* Cases closed before v10 kept no closing date and so no retain-until
 * date: give them one (counting from now, the safe side), a bounded batch
 * per run, or they would escape retention for ever. */
static rcode backfill_closed(call *c)
{
  sqlite3_stmt *st = db_prepare(c->s->db, "SELECT id FROM cases WHERE open = 0 AND retain_until IS NULL AND "
                                          "shredded_at IS NULL ORDER BY id LIMIT 200");
  if (!st) return RC_INTERNAL;
  int64_t ids[SHRED_RUN_MAX];
  size_t n = 0;
  int step;
  while (n < SHRED_RUN_MAX && (step = sqlite3_step(st)) == SQLITE_ROW) ids[n++] = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  for (size_t i = 0; i < n; i++) {
    case_row k;
    int rc = store_cases_get(c->s->db, ids[i], &k);
    if (!rc) rc = store_cases_update(call_store(c), &k, k.risk, k.allocated_id, 0, k.looked_after);
    if (rc) return rc;
    log_line(LOG_INFO, "event=retention_dated case=%lld", (long long)ids[i]);
  }
  return RC_OK;
}

rcode shred_run(call *c, int64_t *shredded)
{
  *shredded = 0;
  if (atomic_exchange(&forget_again, 0)) keyring_forget_all();
  int brc = backfill_closed(c);
  if (brc) return brc;
  char today[11];
  retention_format_date(c->now, today);
  sqlite3_stmt *st =
      db_prepare(c->s->db, "SELECT id, key_id, retain_until FROM cases"
                           " WHERE retain_until IS NOT NULL AND shredded_at IS NULL AND open = 0 AND retain_until <= ?1"
                           " ORDER BY retain_until, id LIMIT 200");
  if (!st) return RC_INTERNAL;
  _Static_assert(SHRED_RUN_MAX == 200, "the LIMIT above");
  sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
  due_case due[SHRED_RUN_MAX];
  size_t n = 0;
  int step;
  /* Copied out first: the updates below would disturb the scan. */
  while (n < SHRED_RUN_MAX && (step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *u = (const char *)sqlite3_column_text(st, 2);
    if (!u || strlen(u) != 10) continue; /* not a date we wrote: leave it be */
    due[n].id = sqlite3_column_int64(st, 0);
    due[n].key_id = sqlite3_column_int64(st, 1);
    memcpy(due[n].until, u, 11);
    n++;
  }
  sqlite3_reset(st);
  int64_t done = 0;
  for (size_t i = 0; i < n; i++) {
    int r = shred_one(c, &due[i]);
    if (r < 0) return RC_INTERNAL;
    done += r;
  }
  if (done) {
    keyring_forget_all();
    atomic_store(&forget_again, 1);
  }
  *shredded = done;
  return RC_OK;
}

void shred_checkpoint(db *d)
{
  int frames = 0, done = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_handle(d), NULL, SQLITE_CHECKPOINT_TRUNCATE, &frames, &done);
  if (rc != SQLITE_OK)
    log_line(LOG_WARN, "event=retention_checkpoint_busy code=%d frames=%d checkpointed=%d", rc, frames, done);
}
