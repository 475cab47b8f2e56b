/*
 * store_agreements — supervision agreements between a supervisor and a
 * supervisee.
 *
 * Contract:
 *  - An agreement grants the supervisor access to the supervisee's sessions
 *    and cases only once the supervisee has signed it, and until it ends.
 *  - Writers run in the caller's write transaction. Message results are
 *    arena-allocated. Functions return 0 or a Reflect Code.
 */
#ifndef REFLECT_STORE_AGREEMENTS_H
#define REFLECT_STORE_AGREEMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "service.h"

int store_agreements_add(call *c, int64_t supervisor, int64_t supervisee, uint32_t every_days,
                         uint32_t minutes, int64_t *id);
/* The newest agreement between the two, signed or not, or RC_NOT_FOUND. */
int store_agreements_find(db *d, int64_t supervisor, int64_t supervisee, int64_t *id);
/* The newest active agreement (signed by the supervisee, not ended): the
 * only kind that gives the supervisor access to the supervisee's work. */
int store_agreements_active(db *d, int64_t supervisor, int64_t supervisee, int64_t *id);
/* The supervisee signs agreement id (write transaction). RC_NOT_FOUND if it
 * is not theirs, RC_EXISTS if already signed. */
int store_agreements_sign(call *c, int64_t id);
int store_agreements_list(call *c, int64_t user_id, Reflect__V1__Agreement ***out, size_t *n);

#endif
