/*
 * retention — record classes and crypto-shredding (DESIGN.md §4, DOMAIN.md
 * "Frequencies and retention").
 *
 * Contract:
 *  - retention_until computes a closed case's retain-until date
 *    (YYYY-MM-DD): closed date + cfg->case_years, or for a looked-after
 *    child with a date of birth the end of the year they reach
 *    cfg->looked_after_age, whichever is later. Set when a case closes
 *    (store_cases), cleared when it reopens.
 *  - retention_run (from the scheduler tick, inside its write transaction)
 *    crypto-shreds every closed case whose retain_until is before today in
 *    the organisation's zone: destroys its data key (wrapped = NULL,
 *    destroyed_at set; secure_delete zeroes the page), replaces its
 *    reference index with random bytes, sets shredded_at, appends an audit
 *    row "case.shred" (by the system), and calls store_keys_forget_all so no
 *    worker keeps the key cached. A WAL checkpoint (TRUNCATE) after the
 *    commit removes the old pages from the log (retention_checkpoint).
 *  - Everything that opens a value sealed under a destroyed key gets
 *    RC_NOT_FOUND from store_keys_open and shows "[destroyed under
 *    retention]" instead of failing the request.
 * Functions return 0 (OK) or a Reflect code (rc.h).
 */
#ifndef REFLECT_RETENTION_H
#define REFLECT_RETENTION_H

#include <stdint.h>

#include "config.h"
#include "service.h"

#define RETENTION_DESTROYED "[destroyed under retention]"

int retention_until(const config *cfg, int64_t closed_at, int looked_after, const char *date_of_birth,
                    char out[11]);
int retention_run(call *c, int64_t *shredded);
void retention_checkpoint(db *d);

#endif
