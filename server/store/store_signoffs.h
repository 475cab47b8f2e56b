/*
 * store_signoffs — who has signed which revision of a session's record.
 *
 * Contract: the signers of a record are the session's supervisor and its
 * members. A revision signed by all of them is frozen; a signature belongs
 * to one revision, so an amendment starts unsigned. Signatures are
 * append-only (triggers). Writers run in the caller's write transaction;
 * messages are arena-allocated. Functions return 0 or a Reflect Code
 * (RC_EXISTS for signing twice).
 */
#ifndef REFLECT_STORE_SIGNOFFS_H
#define REFLECT_STORE_SIGNOFFS_H

#include <stdint.h>

#include "store_sessions.h"
#include "reflect.pb-c.h"

rcode store_signoffs_add(store_ctx *c, int64_t session_id, uint32_t revision) RC_MUST_CHECK;
/* The revision's signatures, who has yet to sign, and whether it is frozen. */
rcode store_signoffs_status(store_ctx *c, const session_row *s, uint32_t revision, Reflect__V1__Signature ***sigs,
                            size_t *n_sigs, char ***awaiting, size_t *n_awaiting, int *frozen) RC_MUST_CHECK;

/* The newest comment every signer of `revision` had on the record when
 * they signed it (0 if none): comments with an id up to *through are
 * signed by every party once the revision is frozen. Meaningful only for
 * a frozen revision. */
rcode store_signoffs_comments_signed(db *d, int64_t session_id, uint32_t revision, int64_t *through) RC_MUST_CHECK;

#endif
