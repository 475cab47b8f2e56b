/*
 * store_drafts — what a person has typed into a form and not yet saved,
 * so that nothing typed is lost (a lapsed login, a closed tab, a refusal).
 *
 * Contract:
 *  - A draft belongs to its author (c->who) alone: every function reads
 *    and writes only the caller's own, so another person's draft is simply
 *    not found. It is named by a session and a form name (e.g. "record").
 *  - Its content is sealed under the author's user key, bound to the row,
 *    the author, the session, the form and when it was saved.
 *  - store_drafts_save replaces the caller's draft of that session and
 *    form, or makes one: RC_EXHAUSTED when the caller already has
 *    REFLECT_DRAFTS_PER_USER others. Runs in the caller's write
 *    transaction.
 *  - Drafts are not audited: they are the author's own unsaved words,
 *    saved every few seconds while typing; what is saved from them (a
 *    revision) is audited as always.
 *  - store_drafts_prune deletes drafts not saved since `before` (the
 *    scheduler, REFLECT_DRAFTS_KEEP_DAYS): a draft may hold case text and
 *    must not outlive its use.
 *  - Results and opened content are arena memory.
 */
#ifndef REFLECT_STORE_DRAFTS_H
#define REFLECT_STORE_DRAFTS_H

#include <stddef.h>
#include <stdint.h>

#include "store_ctx.h"

typedef struct {
  int64_t session_id;
  const char *form;
  int64_t saved_at;
  const char *content; /* NULL in a list */
  size_t content_len;
} draft_row;

rcode store_drafts_save(store_ctx *c, int64_t session_id, const char *form, const char *content,
                        int64_t *saved_at) RC_MUST_CHECK;
/* RC_NOT_FOUND when the caller has none for that session and form. */
rcode store_drafts_get(store_ctx *c, int64_t session_id, const char *form, draft_row *out) RC_MUST_CHECK;
/* The caller's drafts, newest first, without their content. */
rcode store_drafts_list(store_ctx *c, draft_row **out, size_t *n) RC_MUST_CHECK;
/* Deletes the caller's draft of that session and form; *deleted says
 * whether there was one. */
rcode store_drafts_delete(store_ctx *c, int64_t session_id, const char *form, int *deleted) RC_MUST_CHECK;
rcode store_drafts_prune(db *d, int64_t before, int64_t *deleted) RC_MUST_CHECK;

#endif
