/*
 * audit_chain — the audit log as a hash chain, so an edit shows.
 *
 * Contract:
 *  - Each audit row's chain = BLAKE2b-256 keyed with the "audit" data key
 *    (store_keys subject "audit", so rotation re-wraps it like any other)
 *    over: the domain "reflect.audit.v1", the previous row's chain (32 zero
 *    bytes for the first), then the row's id, at, user_id (0 for none) as
 *    8-byte little-endian integers, and device, action, object, detail, each
 *    prefixed by its length (4 bytes little-endian). Editing, deleting or
 *    reordering a row, or inserting one without the key, breaks the chain
 *    from there on. The head (the newest row's chain) is kept nowhere but in
 *    that row: the database cannot prove its own newest rows were not cut
 *    off, so an administrator records the head and count printed by
 *    `reflectd audit verify` elsewhere and later passes them back
 *    (--expect-head/--expect-entries): audit_chain_at then shows whether the
 *    recorded head is still the chain of that entry, which detects truncation.
 *  - audit_chain_next computes a new row's chain inside the caller's write
 *    transaction (store_audit_append calls it). It refuses with
 *    RC_PRECONDITION (and logs) when the newest row has no chain: a chain is
 *    never extended from an unchained row.
 *  - audit_chain_catch_up chains rows written before the chain existed
 *    (chain IS NULL), oldest first, in one write transaction; run once the
 *    server has its keys, before serving. Only an unchained *prefix* is
 *    legitimate (rows from before migration v10): an unchained row after a
 *    chained one was put there behind the server's back, is never chained,
 *    and is reported (RC_DATA_LOSS, logged). *chained gets the count chained.
 *  - audit_chain_verify walks the whole log in id order (in its own read
 *    transaction unless the caller already holds one) and reports the count,
 *    the first row that does not chain (0 if none), the rows with no chain
 *    yet and the head. Unchained rows after a chained one count as bad.
 *  - audit_chain_at gives the chain of the n-th entry (1-based, id order);
 *    RC_NOT_FOUND when there are fewer entries or it has no chain.
 * Functions return 0 (OK) or a Reflect code (rc.h). No memory is handed out.
 */
#ifndef REFLECT_AUDIT_CHAIN_H
#define REFLECT_AUDIT_CHAIN_H

#include <stdint.h>

#include "db.h"
#include "store_keys.h"
#include "vault.h"

#define AUDIT_CHAIN_BYTES 32
#define AUDIT_CHAIN_SUBJECT "audit"

typedef struct {
  int64_t id, at, user_id;
  const char *device, *action, *object, *detail;
} audit_fields;

rcode audit_chain_next(db *d, const vault *v, keyring *r, int64_t now, const audit_fields *f,
                       uint8_t out[AUDIT_CHAIN_BYTES]) RC_MUST_CHECK;
rcode audit_chain_catch_up(db *d, const vault *v, keyring *r, int64_t now, int64_t *chained) RC_MUST_CHECK;

/* The chain of f given the previous row's chain (NULL for the first row):
 * the one formula, exposed so tests can compute a chain by hand. */
rcode audit_chain_compute(const vault_key *k, const uint8_t prev[AUDIT_CHAIN_BYTES], const audit_fields *f,
                          uint8_t out[AUDIT_CHAIN_BYTES]) RC_MUST_CHECK;

typedef struct {
  int64_t entries;
  int64_t first_bad; /* 0 when the chain holds */
  int64_t unchained; /* rows with no chain yet */
  uint8_t head[AUDIT_CHAIN_BYTES];
} audit_verify_report;

rcode audit_chain_verify(db *d, const vault *v, keyring *r, audit_verify_report *out) RC_MUST_CHECK;
rcode audit_chain_at(db *d, int64_t n, uint8_t out[AUDIT_CHAIN_BYTES]) RC_MUST_CHECK;

#endif
