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
 * store_cases_list. A Case message carries when the case was last
 * discussed (store_decisions). Writers run in the caller's write
 * transaction; messages are arena-allocated. Functions return 0 or a
 * Reflect Code.
 */
#ifndef REFLECT_STORE_CASES_H
#define REFLECT_STORE_CASES_H

#include <stdint.h>

#include "service.h"

#define CASE_LIST_MAX 500
#define CASE_REFERENCE_MAX 64

typedef struct {
  int64_t id, key_id, allocated_id, created_at;
  int risk, open;
} case_row;

void store_cases_reference_index(const vault *v, const char *reference, uint8_t out[VAULT_INDEX_BYTES]);
int store_cases_add(call *c, const char *reference, const char *name, const char *dob, int risk,
                    int64_t allocated, int64_t *id);
int store_cases_get(db *d, int64_t id, case_row *out);
int store_cases_find(db *d, const uint8_t index[VAULT_INDEX_BYTES], case_row *out);
int store_cases_visible(db *d, int64_t user_id, const case_row *k, int *visible);
int store_cases_to_message(call *c, const case_row *k, Reflect__V1__Case **out);
int store_cases_list(call *c, int64_t user_id, int oversight, int64_t allocated, int include_closed,
                     Reflect__V1__Case ***out, size_t *n);
int store_cases_update(call *c, const case_row *k, int risk, int64_t allocated, int open);

#endif
