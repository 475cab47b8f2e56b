/*
 * retention — record classes and crypto-shredding (DESIGN.md §4, DOMAIN.md
 * "Frequencies and retention").
 *
 * Contract:
 *  - retention_until computes a closed case's retain-until date
 *    (YYYY-MM-DD): closed date (in the organisation's zone) + cfg->case_years
 *    (29 February becomes 28 February in a year that has none), or for a
 *    looked-after child with a date of birth 31 December of the year they
 *    reach cfg->looked_after_age, whichever is later. Set when a case closes
 *    (store_cases), cleared when it reopens. Pure date arithmetic: no
 *    database. RC_INVALID for a date of birth that is not YYYY-MM-DD.
 *  - retention_run (from the relay's tick, in its own write transaction
 *    after the scheduler's, so a failure here never costs the reminders)
 *    crypto-shreds up to RETENTION_RUN_MAX closed cases whose retain_until
 *    has come (on or before today in the organisation's zone: the period
 *    ends on that day, so case_years = 0 shreds at the next run after
 *    closing, as config.h says): destroys its data key
 *    (wrapped = NULL, destroyed_at set; secure_delete zeroes the page),
 *    replaces its reference index with random bytes, sets shredded_at,
 *    appends an audit row "case.shred" (by the system), and calls
 *    store_keys_forget_all so no worker keeps the key cached (and again at
 *    the next run, for a request whose snapshot began before the commit).
 *    *shredded says how many. A WAL checkpoint (TRUNCATE) after the commit
 *    removes the old pages from the log (retention_checkpoint; busy is
 *    logged, not an error: the next run tries again).
 *  - Everything that opens a value sealed under a case key checks the
 *    case's shredded_at first and shows RETENTION_DESTROYED instead of
 *    failing the request; retention_open does the same for a key found
 *    destroyed (RC_NOT_FOUND from store_keys_open).
 * Functions return 0 (OK) or a Reflect code (rc.h). Text out-parameters of
 * retention_open are arena memory (or the static RETENTION_DESTROYED).
 */
#ifndef REFLECT_RETENTION_H
#define REFLECT_RETENTION_H

#include <stdint.h>

#include "config.h"
#include "service.h"

#define RETENTION_DESTROYED "[destroyed under retention]"
#define RETENTION_RUN_MAX 200

int retention_until(const config *cfg, int64_t closed_at, int looked_after, const char *date_of_birth,
                    char out[11]);
int retention_run(call *c, int64_t *shredded);
void retention_checkpoint(db *d);
/* store_keys_open for a value under a case key: a destroyed key gives
 * RETENTION_DESTROYED rather than an error. */
int retention_open(call *c, arena *a, const store_slot *slot, const void *blob, size_t len, char **text);
/* The local calendar date of t, "YYYY-MM-DD" (for messages). */
void retention_format_date(int64_t t, char out[11]);

#endif
