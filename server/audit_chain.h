/*
 * audit_chain — the audit log as a hash chain (issue 6).
 *
 * Contract:
 *  - Each audit row's chain = BLAKE2b-256 keyed with the "audit" data key
 *    (store_keys subject "audit", so rotation re-wraps it like any other)
 *    over: the previous row's chain (32 zero bytes for the first), then the
 *    row's id, at, user_id (0 for none), device, action, object, detail, each
 *    length-prefixed. Editing, deleting or reordering a row breaks every
 *    chain from there on; the chain of the newest row is the head, which an
 *    administrator may record elsewhere to detect truncation too.
 *  - audit_chain_next computes a new row's chain inside the caller's write
 *    transaction (store_audit_append calls it).
 *  - audit_chain_catch_up chains rows written before the chain existed
 *    (chain IS NULL), oldest first, in one write transaction; run once the
 *    server has its keys.
 *  - audit_chain_verify walks the whole log (read transaction) and reports
 *    the count, the first row that does not chain (0 if none) and the head.
 * Functions return 0 (OK) or a Reflect code (rc.h).
 */
#ifndef REFLECT_AUDIT_CHAIN_H
#define REFLECT_AUDIT_CHAIN_H

#include <stdint.h>

#include "db.h"
#include "store_keys.h"
#include "vault.h"

#define AUDIT_CHAIN_BYTES 32

typedef struct {
  int64_t id, at, user_id;
  const char *device, *action, *object, *detail;
} audit_fields;

int audit_chain_next(db *d, const vault *v, keyring *r, int64_t now, const audit_fields *f,
                     uint8_t out[AUDIT_CHAIN_BYTES]);
int audit_chain_catch_up(db *d, const vault *v, keyring *r, int64_t now, int64_t *chained);

typedef struct {
  int64_t entries;
  int64_t first_bad;      /* 0 when the chain holds */
  int64_t unchained;      /* rows with no chain yet */
  uint8_t head[AUDIT_CHAIN_BYTES];
} audit_verify_report;

int audit_chain_verify(db *d, const vault *v, keyring *r, audit_verify_report *out);

#endif
