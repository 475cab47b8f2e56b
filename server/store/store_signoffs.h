/*
 * store_signoffs — who has signed which revision of a session's record.
 *
 * Contract: the signers of a record are the session's supervisor and its
 * members. A revision signed by all of them is frozen; a signature belongs
 * to one revision, so an amendment starts unsigned. Signatures are
 * append-only (triggers). Writers run in the caller's write transaction;
 * results (signature arrays and the names in them) are allocated from the
 * store_ctx's arena. Functions return 0 or a Reflect Code (RC_EXISTS for
 * signing twice).
 */
#ifndef REFLECT_STORE_SIGNOFFS_H
#define REFLECT_STORE_SIGNOFFS_H

#include <stdint.h>

#include "store_sessions.h"

typedef struct {
  const char *user; /* username */
  int64_t at;
} signature_row;

rcode store_signoffs_add(store_ctx *c, int64_t session_id, uint32_t revision) RC_MUST_CHECK;
/* The revision's signatures (oldest first), who has yet to sign (by
 * username), and whether it is frozen. */
rcode store_signoffs_status(store_ctx *c, const session_row *s, uint32_t revision, signature_row **sigs, size_t *n_sigs,
                            char ***awaiting, size_t *n_awaiting, int *frozen) RC_MUST_CHECK;

/* The newest comment every signer of `revision` had on the record when
 * they signed it (0 if none): comments with an id up to *through are
 * signed by every party once the revision is frozen. Meaningful only for
 * a frozen revision. */
rcode store_signoffs_comments_signed(db *d, int64_t session_id, uint32_t revision, int64_t *through) RC_MUST_CHECK;

#endif
