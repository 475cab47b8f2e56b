/*
 * retention — when a closed case's record may go (docs/architecture.md#retention-and-shredding,
 * docs/domain.md#frequencies-and-retention). Pure date arithmetic: no database.
 *
 * Contract:
 *  - retention_until computes a closed case's retain-until date
 *    (YYYY-MM-DD): closed date (in the organisation's zone) + case_years
 *    (29 February becomes 28 February in a year that has none), or for a
 *    looked-after child with a date of birth 31 December of the year they
 *    reach looked_after_age, whichever is later. Set when a case closes
 *    (store_cases), cleared when it reopens. Returns 0, or -1 for a date of
 *    birth that is not YYYY-MM-DD or a date past 9999.
 *  - retention_format_date gives the local calendar date of t.
 *  - A value whose case was shredded reads RETENTION_DESTROYED
 *    (store_retention.h); shred.h destroys the keys.
 */
#ifndef REFLECT_RETENTION_H
#define REFLECT_RETENTION_H

#include <stdint.h>

#define RETENTION_DESTROYED "[destroyed under retention]"

typedef struct {
  int case_years;       /* kept this many years after closing */
  int looked_after_age; /* a looked-after child's record: until this age */
} retention_policy;

int retention_until(const retention_policy *p, int64_t closed_at, int looked_after, const char *date_of_birth,
                    char out[11]);
/* The local calendar date of t, "YYYY-MM-DD" (for messages). */
void retention_format_date(int64_t t, char out[11]);

#endif
