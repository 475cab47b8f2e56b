/*
 * store_decisions — the case discussions of session records: the decision
 * log that belongs on a child's own file. Each case section of a revision
 * leaves one append-only row whose risk, decision and rationale are sealed
 * under the CASE's data key (so the decision stays with the child's file,
 * and shredding the case shreds it), bound to the session, revision, case
 * and the supervisor who decided.
 *
 * Contract: store_decisions_add runs in the caller's write transaction.
 * store_decisions_list returns one page of the case's decisions oldest
 * first (by the session's start), an array of decision_item in c->a with
 * its texts opened there too: those after the cursor,
 * at most DECISIONS_MAX and as many as fit pg->budget bytes of sealed text
 * (always at least one), with *more set when others follow (the last one
 * returned is the cursor for the next page). A case's log grows with every
 * amendment, so no reply may carry it whole. A row whose revision is no
 * longer its session's latest is marked superseded. store_decisions_last_discussed
 * gives the start and id of the latest session whose latest revision
 * discusses the case (0 and 0 if none). Functions return 0 or an rcode
 * (RC_DATA_LOSS when a value fails to open).
 */
#ifndef REFLECT_STORE_DECISIONS_H
#define REFLECT_STORE_DECISIONS_H

#include <stddef.h>
#include <stdint.h>

#include "store_ctx.h"
#include "store_cases.h"
#include "store_sessions.h"

#define DECISIONS_MAX 500
/* What a page of decisions may carry: the texts with room to spare in a
 * 1 MiB reply for the case, the names and (extracts) the redactions. */
#define DECISIONS_PAGE_BYTES (512u * 1024)

/* Empty texts are stored as NULL: "nothing decided" is not a decision. */
rcode store_decisions_add(store_ctx *c, const session_row *s, uint32_t revision, const case_row *k, const char *risk,
                          const char *decision, const char *rationale) RC_MUST_CHECK;
typedef struct {
  int64_t after_session; /* 0: from the first decision */
  uint32_t after_revision;
  size_t budget; /* bytes of sealed text a page may carry */
} decisions_page;
/* One row of the log: who decided by username, at = the session's start;
 * superseded when a later revision of the record replaced it. Texts are
 * "" when not recorded, RETENTION_DESTROYED once the case is shredded. */
typedef struct {
  int64_t session_id;
  uint32_t revision;
  int64_t at;
  const char *decided_by;
  int superseded;
  const char *risk, *decision, *rationale;
} decision_item;
rcode store_decisions_list(store_ctx *c, const case_row *k, const decisions_page *pg, decision_item **out, size_t *n,
                           int *more) RC_MUST_CHECK;
rcode store_decisions_last_discussed(db *d, int64_t case_id, int64_t *at, int64_t *session_id) RC_MUST_CHECK;

#endif
