/*
 * store_records — the written record of a session, as append-only
 * revisions. Body and reason are sealed under the session's data key with
 * the revision number, the session, the author and the time in the
 * associated data, so a revision's ciphertext cannot be passed off as
 * another's, moved to another session, or re-attributed.
 *
 * Contract: store_records_append runs in the caller's write transaction and
 * appends the next revision (the caller decides whether an amendment is
 * allowed: base revision, reason). store_records_read fills arena-allocated
 * reply fields. Functions return 0 or a Reflect Code (RC_DATA_LOSS when a
 * value fails to open).
 */
#ifndef REFLECT_STORE_RECORDS_H
#define REFLECT_STORE_RECORDS_H

#include <stdint.h>

#include "store_sessions.h"

#define RECORD_BODY_MAX (256 * 1024)
#define RECORD_REASON_MAX 1024

int store_records_latest(db *d, int64_t session_id, uint32_t *revision);
int store_records_append(call *c, const session_row *s, const char *body, const char *reason,
                         uint32_t *revision);
/* revision 0 means the latest; RC_NOT_FOUND if there is none. */
int store_records_read(call *c, const session_row *s, uint32_t revision,
                       Reflect__V1__RecordShowReply *out);

/* Every revision's metadata (number, author, time, reason), oldest first. */
int store_records_revisions(call *c, const session_row *s, Reflect__V1__Revision ***out, size_t *n);

#endif
