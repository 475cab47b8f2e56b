/*
 * verify — proving a data directory is whole: `reflectd verify`.
 *
 * Contract: verify_run reads every sealed value of every table (a catalog
 * in verify.c names each sealed column and how its associated data is
 * built, exactly as the store module sealed it) and opens it with its data
 * key; counts values whose key was destroyed under retention as shredded
 * (expected, not a failure); runs PRAGMA integrity_check and
 * foreign_key_check; checks every data key unwraps; and checks the audit
 * hash chain (audit_chain.h); and counts the record revisions from before
 * schema v11 whose case sections are still to be moved under their
 * cases' keys (records_pending: the server does it at its next start with
 * keys, so it is reported, not failed). It only reads (one read
 * transaction).
 * Returns 0 when it could run (then r->ok says whether everything held),
 * -1 with a sentence in err when it could not.
 */
#ifndef REFLECT_VERIFY_H
#define REFLECT_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "vault.h"

typedef struct {
  int ok; /* everything below held */
  int64_t keys, keys_destroyed, keys_failed;
  int64_t values, opened, shredded, failed;
  int integrity_ok; /* PRAGMA integrity_check said "ok" */
  int64_t fk_violations;
  int64_t audit_entries;
  int audit_ok;
  int64_t audit_first_bad; /* id of the first entry that does not chain, 0 if none */
  int64_t audit_unchained; /* entries with no chain yet (a failure too) */
  uint8_t audit_head[32];  /* the newest entry's chain (AUDIT_CHAIN_BYTES) */
  int64_t records_pending; /* format-2 revisions not yet moved (store_records.h) */
  char first_failure[256]; /* "record_revisions row 12 column body: does not open" */
} verify_report;

int verify_run(db *d, const vault *v, verify_report *r, char *err, size_t err_size);

#endif
