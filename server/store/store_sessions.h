/*
 * store_sessions — supervision agreements and sessions.
 *
 * Contract:
 *  - An individual session's room is sealed under its supervisee's data key
 *    ("user:N": the practitioner's file); a group session has its own key
 *    ("session:N").
 *  - Writers run in the caller's write transaction. Message results are
 *    arena-allocated. Functions return 0 or a Reflect Code.
 */
#ifndef REFLECT_STORE_SESSIONS_H
#define REFLECT_STORE_SESSIONS_H

#include <stddef.h>
#include <stdint.h>

#include "store_ctx.h"
#include "reflect.pb-c.h"

#define SESSION_MAX_MEMBERS 32
#define SESSION_LIST_DEFAULT 100
#define SESSION_LIST_MAX 500

typedef struct {
  int64_t id;
  int kind;
  int64_t supervisor_id;
  int64_t key_id;
  int64_t starts_at, ends_at;
  int minutes;
  int status;
  int sequence;
} session_row;

enum { SESSION_FILTER_ALL = 0, SESSION_FILTER_UPCOMING = 1, SESSION_FILTER_PAST = 2 };

/* room_index is the room's blind index, or NULL for no room. */
rcode store_sessions_add(store_ctx *c, int64_t supervisor, const int64_t *members, size_t n_members,
                         int64_t agreement_id, int64_t starts_at, uint32_t minutes, const char *room,
                         const uint8_t *room_index, int64_t *id) RC_MUST_CHECK;
/* The session's members (not its supervisor), at most max of them. */
rcode store_sessions_members(db *d, int64_t session_id, int64_t *ids, size_t max, size_t *n) RC_MUST_CHECK;
rcode store_sessions_get(db *d, int64_t id, session_row *out) RC_MUST_CHECK;
/* 1 if user is the session's supervisor or one of its members. */
rcode store_sessions_is_party(db *d, const session_row *s, int64_t user_id, int *party) RC_MUST_CHECK;
typedef struct {
  int when;             /* SESSION_FILTER_* */
  int status;           /* 0 for any */
  int64_t with_user;    /* 0 for anyone */
  uint32_t limit;       /* 0 for the default */
  int64_t only_session; /* 0, or just this session */
  int64_t from, to;     /* starts_at in [from, to); 0 leaves that end open */
} session_filter;

/* The sessions user_id is a party to and, if they are a manager, those of
 * everyone they oversee through a team (read-only: callers that change a
 * session load it with session_rules_load_party). Group sessions carry their
 * members and the attendance recorded so far. */
rcode store_sessions_list(store_ctx *c, int64_t user_id, const session_filter *f, Reflect__V1__Session ***out,
                          size_t *n) RC_MUST_CHECK;

#endif
