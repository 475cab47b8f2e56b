/*
 * store_records — the written record of a session, as append-only
 * revisions, sealed under the session's data key with the revision number,
 * the session, the author and the time in the associated data, so a
 * revision's ciphertext cannot be passed off as another's, moved to
 * another session, or re-attributed.
 *
 * Two formats live side by side. Format 1 (older rows) is free text in
 * `body`. Format 2 is a StoredRecord (the sections, packed) in `body`,
 * with the wellbeing section's text taken out and sealed on its own in
 * `wellbeing`, so that a reader who may not see it never has it opened;
 * the format is in the associated data too, so a row cannot be re-labelled.
 *
 * Contract: store_records_append runs in the caller's write transaction and
 * appends the next revision (the caller has validated the sections and
 * decides whether an amendment is allowed). store_records_read fills
 * arena-allocated reply fields: format 1 comes back as one notes section
 * (and in `body`) — unless with_wellbeing is 0, when that section is
 * withheld (no text, no body: free text may hold wellbeing); format 2 only
 * as sections, with the wellbeing text withheld unless with_wellbeing. Functions return 0 or a Reflect Code
 * (RC_DATA_LOSS when a value fails to open).
 */
#ifndef REFLECT_STORE_RECORDS_H
#define REFLECT_STORE_RECORDS_H

#include <stdint.h>

#include "store_sessions.h"

#define RECORD_BODY_MAX (256 * 1024)
#define RECORD_REASON_MAX 1024
#define RECORD_SECTIONS_MAX 64

int store_records_latest(db *d, int64_t session_id, uint32_t *revision);
int store_records_append(call *c, const session_row *s, Reflect__V1__RecordSection *const *sections, size_t n,
                         const char *reason, uint32_t *revision);
/* revision 0 means the latest; RC_NOT_FOUND if there is none. */
int store_records_read(call *c, const session_row *s, uint32_t revision, int with_wellbeing,
                       Reflect__V1__RecordShowReply *out);

/* Every revision's metadata (number, author, time, reason), oldest first. */
int store_records_revisions(call *c, const session_row *s, Reflect__V1__Revision ***out, size_t *n);

#endif
