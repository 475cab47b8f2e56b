/*
 * store_cases — children and families. Reference, name and date of birth
 * are sealed under the case's own data key ("case:N"), so destroying that
 * key shreds the case; the reference is found through a keyed blind index
 * of its normalised form (trimmed, upper-case).
 *
 * Contract: a user may see a case if it is allocated to them, or if they
 * have an active supervision agreement (signed by the worker, not ended)
 * with its allocated worker (store_cases_visible); a manager may also read
 * (never change) the cases of the people their teams oversee, which the
 * handlers add with store_teams_oversees and the `oversight` flag of
 * store_cases_list. A case_item carries when the case was last
 * discussed (store_decisions). A shredded case (retention.h) keeps its
 * row: its reference, name and date of birth read as RETENTION_DESTROYED
 * and its key is never loaded. Writers run in the caller's write
 * transaction; items, their arrays and opened text are allocated from
 * c->a. Functions return 0 or an rcode.
 */
#ifndef REFLECT_STORE_CASES_H
#define REFLECT_STORE_CASES_H

#include <stdint.h>

#include "store_ctx.h"

#define CASE_LIST_MAX 500
#define CASE_REFERENCE_MAX 64

/* The numbers stored in cases.risk, which are also the wire's RiskLevel:
 * the layer that replies checks that they agree. */
typedef enum {
  RISK_UNSPECIFIED = 0,
  RISK_LOW = 1,
  RISK_MEDIUM = 2,
  RISK_HIGH = 3,
} risk_level;

/* Read with STORE_CASES_COLS by store_cases_read_row. closed_at and
 * shredded_at are 0 when unset; retain_until "" while open. */
typedef struct {
  int64_t id, key_id, allocated_id, created_at;
  int risk; /* risk_level */
  int open;
  int looked_after;
  int64_t closed_at, shredded_at;
  char retain_until[11];
} case_row;

#define STORE_CASES_COLS                                                                    \
  "id, key_id, allocated_id, created_at, risk, open, looked_after, coalesce(closed_at, 0)," \
  " coalesce(shredded_at, 0), coalesce(retain_until, '')"
void store_cases_read_row(sqlite3_stmt *st, case_row *out);

/* A case as it is shown: the row, the allocated worker by username, the
 * latest session that discussed it (0 and 0 for none), and its sealed
 * identity opened ("" for a date of birth never given). */
typedef struct {
  case_row row;
  const char *allocated;
  int64_t last_discussed, last_session;
  const char *reference, *name, *date_of_birth;
} case_item;

void store_cases_reference_index(const vault *v, const char *reference, uint8_t out[VAULT_INDEX_BYTES]);
rcode store_cases_add(store_ctx *c, const char *reference, const char *name, const char *dob, int risk,
                      int64_t allocated, int looked_after, int64_t *id) RC_MUST_CHECK;
rcode store_cases_get(db *d, int64_t id, case_row *out) RC_MUST_CHECK;
rcode store_cases_find(db *d, const uint8_t index[VAULT_INDEX_BYTES], case_row *out) RC_MUST_CHECK;
rcode store_cases_visible(db *d, int64_t user_id, const case_row *k, int *visible) RC_MUST_CHECK;
/* Opens k into *out (out->row is a copy of *k); RC_DATA_LOSS when a
 * sealed value fails to open. */
rcode store_cases_item(store_ctx *c, const case_row *k, case_item *out) RC_MUST_CHECK;
/* Highest risk first, then by id; at most CASE_LIST_MAX. */
rcode store_cases_list(store_ctx *c, int64_t user_id, int oversight, int64_t allocated, int include_closed,
                       case_item **out, size_t *n) RC_MUST_CHECK;
/* Closing sets closed_at and retain_until (retention.h, from the sealed
 * date of birth); reopening clears both; changing looked_after on a closed
 * case recomputes retain_until from the same closed_at. A shredded case is
 * never changed (RC_PRECONDITION). */
rcode store_cases_update(store_ctx *c, const case_row *k, int risk, int64_t allocated, int open,
                         int looked_after) RC_MUST_CHECK;

#endif
