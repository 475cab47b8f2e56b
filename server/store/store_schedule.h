/*
 * store_schedule — when sessions happen: clash checks, moving a session,
 * changing its status, and the append-only history of all of it.
 *
 * Contract:
 *  - A clash is another scheduled or held session whose time overlaps
 *    [start, end) and that shares a person (as supervisor or member) or a
 *    room. Rooms are sealed, so they are compared by a keyed blind index of
 *    the room's normalised text (case and spacing ignored).
 *  - Every change (booking, move, cancellation, held, missed) appends one
 *    history row; a reason is sealed under the session's data key. Writers
 *    run in the caller's write transaction. History rows (and their
 *    strings) are allocated from the store_ctx's arena. Functions return 0
 *    or a Reflect Code.
 */
#ifndef REFLECT_STORE_SCHEDULE_H
#define REFLECT_STORE_SCHEDULE_H

#include <stdint.h>

#include "store_sessions.h"

typedef struct {
  int64_t session_id;
  int64_t starts_at, ends_at;
} schedule_clash;

/* RC_OK and *found = 0 when the person is free; *found = 1 and *out set when not. */
rcode store_schedule_person_clash(db *d, int64_t user_id, int64_t start, int64_t end, int64_t except_session,
                                  int *found, schedule_clash *out) RC_MUST_CHECK;
rcode store_schedule_room_clash(db *d, const uint8_t index[VAULT_INDEX_BYTES], int64_t start, int64_t end,
                                int64_t except_session, int *found, schedule_clash *out) RC_MUST_CHECK;
/* The blind index of a room's text; *has = 0 for an empty room. */
void store_schedule_room_index(const vault *v, const char *room, uint8_t out[VAULT_INDEX_BYTES], int *has);

/* One entry of a session's history. */
typedef struct {
  int64_t at;
  const char *by; /* username */
  int what;       /* a session_status: SESSION_RESCHEDULED for a move */
  int64_t old_starts_at, new_starts_at;
  uint32_t old_minutes, new_minutes;
  const char *reason; /* "" for none */
} session_change_row;

/* Appends a history row. what is a session_status (SESSION_RESCHEDULED for a move). */
rcode store_schedule_log(store_ctx *c, const session_row *s, int what, int64_t old_start, int64_t new_start,
                         int old_minutes, int new_minutes, const char *reason) RC_MUST_CHECK;
rcode store_schedule_move(store_ctx *c, const session_row *s, int64_t starts_at, int minutes,
                          const char *reason) RC_MUST_CHECK;
rcode store_schedule_set_status(store_ctx *c, const session_row *s, int status, const char *reason) RC_MUST_CHECK;
/* Oldest first, at most 200. */
rcode store_schedule_history(store_ctx *c, const session_row *s, session_change_row **out, size_t *n) RC_MUST_CHECK;

#endif
