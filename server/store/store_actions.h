/*
 * store_actions — actions agreed in supervision.
 *
 * Contract: an action belongs to its origin session; its description,
 * the evidence needed and the evidence that closed it are sealed under
 * that session's data key. A user sees an action they own or one from a
 * session they are party to; a manager also those owned by people they
 * oversee through a team (read-only: closing checks party or owner). An open action is closed once (done, with
 * evidence; or cancelled, with a reason) and then never changes (trigger).
 * Writers run in the caller's write transaction. Lists are arrays of
 * action_item in c->a, their texts opened into it too, so they live until
 * the arena is reset. Functions return 0 or an rcode.
 */
#ifndef REFLECT_STORE_ACTIONS_H
#define REFLECT_STORE_ACTIONS_H

#include <stdint.h>

#include "store_sessions.h"

#define ACTION_LIST_MAX 500

/* The numbers stored in actions.status, which are also the wire's
 * ActionStatus: the layer that replies checks that they agree. */
typedef enum {
  ACTION_STATUS_UNSPECIFIED = 0,
  ACTION_OPEN = 1,
  ACTION_DONE = 2,
  ACTION_CANCELLED = 3,
} action_status;

typedef struct {
  int64_t id, session_id, owner_id, key_id, due_at, created_at, case_id;
  int status; /* action_status */
} action_row;

/* An action as a list shows it: owner and creator by username, texts
 * opened ("" for one never given: evidence until it is closed). */
typedef struct {
  int64_t id, session_id, case_id; /* case_id 0 for none */
  const char *owner, *created_by;
  int64_t due_at, created_at, closed_at; /* closed_at 0 while open */
  int status;                            /* action_status */
  const char *description, *evidence_needed, *evidence;
} action_item;

typedef struct {
  int mine, overdue, include_closed;
  int64_t session_id;
} action_filter;

rcode store_actions_add(store_ctx *c, const session_row *s, int64_t owner, int64_t case_id, int64_t due_at,
                        const char *description, const char *evidence_needed, int64_t *id) RC_MUST_CHECK;
rcode store_actions_get(db *d, int64_t id, action_row *out) RC_MUST_CHECK;
rcode store_actions_close(store_ctx *c, const action_row *a, int status, const char *evidence) RC_MUST_CHECK;
/* The actions the caller sees (owner, a party to the origin session, or a
 * manager overseeing the owner), filtered. */
rcode store_actions_list(store_ctx *c, const action_filter *f, action_item **out, size_t *n) RC_MUST_CHECK;
/* The open actions that carry over onto session s's agenda, as far as the
 * caller sees them: set in an earlier session (by start) of the same
 * supervisor that shared at least one member with s, and owned by someone
 * taking part in s (its supervisor or a member). That is the supervision
 * relationship continuing with the person who owes the action in the room;
 * an action from another supervisor's session stays on theirs. Overdue
 * first, then by due time. */
rcode store_actions_carried_over(store_ctx *c, const session_row *s, action_item **out, size_t *n) RC_MUST_CHECK;

#endif
