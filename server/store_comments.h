/*
 * store_comments — what the parties say about a record after it is
 * written: notes, a recorded disagreement, and how it was resolved. The
 * text is sealed under the session's data key; comments are append-only,
 * so a disagreement is recorded, never erased.
 *
 * Contract: writers run in the caller's write transaction; messages are
 * arena-allocated. Functions return 0 or a Reflect Code.
 */
#ifndef REFLECT_STORE_COMMENTS_H
#define REFLECT_STORE_COMMENTS_H

#include <stdint.h>

#include "store_sessions.h"

int store_comments_add(call *c, const session_row *s, uint32_t revision, int kind, int64_t resolves,
                       const char *text, int64_t *id);
/* The kind of comment id on session_id, or RC_NOT_FOUND. */
int store_comments_kind(db *d, int64_t id, int64_t session_id, int *kind);
int store_comments_list(call *c, const session_row *s, Reflect__V1__Comment ***out, size_t *n);

#endif
