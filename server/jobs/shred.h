/*
 * shred — crypto-shredding the closed cases whose retention has ended.
 *
 * Contract:
 *  - shred_run (from the relay's tick, in its own write transaction after
 *    the scheduler's, so a failure here never costs the reminders)
 *    crypto-shreds up to SHRED_RUN_MAX closed cases whose retain_until
 *    (retention.h) has come (on or before today in the organisation's
 *    zone: the period ends on that day, so case_years = 0 shreds at the
 *    next run after closing, as config.h says): destroys its data key
 *    (wrapped = NULL, destroyed_at set; secure_delete zeroes the page),
 *    replaces its reference index with random bytes, sets shredded_at,
 *    appends an audit row "case.shred" (by the system), and calls
 *    keyring_forget_all so no worker keeps the key cached (and again at
 *    the next run, for a request whose snapshot began before the commit).
 *    It first dates, a bounded batch per run, cases closed before
 *    retention dates existed. *shredded says how many.
 *  - shred_checkpoint (TRUNCATE) after the commit removes the old pages
 *    from the log; busy is logged, not an error: the next run tries again.
 * Returns 0 (OK) or a Reflect code (rc.h).
 */
#ifndef REFLECT_SHRED_H
#define REFLECT_SHRED_H

#include <stdint.h>

#include "call.h"

#define SHRED_RUN_MAX 200

rcode shred_run(call *c, int64_t *shredded) RC_MUST_CHECK;
void shred_checkpoint(db *d);

#endif
