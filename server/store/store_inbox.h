/*
 * store_inbox — what is waiting for one person ("waiting for me"), of
 * every kind, read in one pass for a home page.
 *
 * Contract:
 *  - Only the caller's own items (c->who->user_id), each one they could
 *    see and act on through the request that does it:
 *      INBOX_AGREEMENT_SIGN  an agreement naming them as supervisee, not
 *                            signed by them, not ended, and not replacing
 *                            an agreement that has ended (it can no longer
 *                            be signed: ops_agreements.c);
 *      INBOX_RECORD_SIGN     the latest revision of the record of a session
 *                            they are a party to (supervisor or member; so
 *                            its author too), not signed by them;
 *      INBOX_ACTION_DUE      an open action they own, due before now +
 *                            INBOX_ACTION_AHEAD, overdue once its due time
 *                            has passed (as the action list counts it);
 *      INBOX_SESSION_MARK    a session they supervise, still scheduled,
 *                            whose end has passed;
 *      INBOX_SURVEY_ANSWER   a held session they were a member of (not its
 *                            supervisor, not recorded absent), begun within
 *                            SURVEY_WINDOW_DAYS, with no answer from them:
 *                            the survey stores blind indexes only, so each
 *                            candidate's (respondent, session) index is
 *                            computed here and looked up, as answering
 *                            does (store_survey.h);
 *      INBOX_KPI_AGREE       a target for them, or for a team they are a
 *                            member (not a manager) of, not agreed by them,
 *                            and not superseded by a target in force today
 *                            for the same indicator and subject.
 *  - Metadata only: ids, times and the other person's username. Nothing
 *    sealed is opened (an action's description is not read), so nothing
 *    is audited.
 *  - `kinds` is a mask of INBOX_BIT(kind): the caller says which kinds the
 *    person's role may act on.
 *  - Order: overdue first, then by time (oldest first), then kind and ids,
 *    so the order is total. At most INBOX_MAX items; *truncated = 1 when
 *    more were waiting (the first INBOX_MAX in that order are kept).
 *  - Reads only; runs in any transaction. The items and their strings are
 *    arena memory (c->a). Returns 0 or an rcode.
 */
#ifndef REFLECT_STORE_INBOX_H
#define REFLECT_STORE_INBOX_H

#include <stddef.h>
#include <stdint.h>

#include "store_ctx.h"

#define INBOX_MAX 200
#define INBOX_ACTION_AHEAD (7 * 86400)

/* The numbers are the wire's InboxKind (ops_inbox.c checks that they
 * agree). */
typedef enum {
  INBOX_AGREEMENT_SIGN = 1,
  INBOX_RECORD_SIGN = 2,
  INBOX_ACTION_DUE = 3,
  INBOX_SESSION_MARK = 4,
  INBOX_SURVEY_ANSWER = 5,
  INBOX_KPI_AGREE = 6,
} inbox_kind;

#define INBOX_BIT(kind) (1u << (kind))
#define INBOX_ALL                                                                                 \
  (INBOX_BIT(INBOX_AGREEMENT_SIGN) | INBOX_BIT(INBOX_RECORD_SIGN) | INBOX_BIT(INBOX_ACTION_DUE) | \
   INBOX_BIT(INBOX_SESSION_MARK) | INBOX_BIT(INBOX_SURVEY_ANSWER) | INBOX_BIT(INBOX_KPI_AGREE))

/* Ids a kind does not use are 0. */
typedef struct {
  int kind; /* inbox_kind */
  int64_t session_id;
  uint32_t revision;
  int64_t agreement_id, action_id, target_id, indicator_id;
  /* action: due; session kinds: the session's start; agreement: made;
   * target: set. */
  int64_t at;
  int overdue;
  const char *person; /* the other person's username, "" for none */
  int group;          /* a group session */
} inbox_item;

rcode store_inbox_list(store_ctx *c, unsigned kinds, inbox_item **out, size_t *n, int *truncated) RC_MUST_CHECK;

#endif
