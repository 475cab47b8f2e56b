/*
 * store_sessions — supervision agreements and sessions.
 *
 * Contract:
 *  - An individual session's room is sealed under its supervisee's data key
 *    ("user:N": the practitioner's file); a group session has its own key
 *    ("session:N").
 *  - Kinds and statuses are session_kind and session_status: the numbers
 *    are the wire's SessionKind and SessionStatus, which is what the
 *    columns have always held (ops/session_messages.c checks that they
 *    agree).
 *  - Writers run in the caller's write transaction. List results (the
 *    items, and every string and array in them) are allocated from the
 *    store_ctx's arena. Functions return 0 or a Reflect Code.
 */
#ifndef REFLECT_STORE_SESSIONS_H
#define REFLECT_STORE_SESSIONS_H

#include <stddef.h>
#include <stdint.h>

#include "store_ctx.h"

#define SESSION_MAX_MEMBERS 32
#define SESSION_LIST_DEFAULT 100
#define SESSION_LIST_MAX 500

typedef enum {
  SESSION_INDIVIDUAL = 1,
  SESSION_GROUP = 2,
} session_kind;

typedef enum {
  SESSION_SCHEDULED = 1,
  SESSION_HELD = 2,
  SESSION_CANCELLED = 3,
  SESSION_RESCHEDULED = 4, /* only in the history: a move */
  SESSION_MISSED = 5,
} session_status;

typedef struct {
  int64_t id;
  int kind; /* session_kind */
  int64_t supervisor_id;
  int64_t key_id;
  int64_t starts_at, ends_at;
  int minutes;
  int status; /* session_status */
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

typedef struct {
  const char *member; /* username */
  int attendance;     /* an attendance_value (store_attendance.h), never ATTENDANCE_UNKNOWN */
  int64_t signed_at;  /* 0 until the member confirmed it */
} member_attendance_row;

/* One session as listed: names rather than ids, the room opened. */
typedef struct {
  int64_t id;
  int kind; /* session_kind */
  const char *supervisor;
  char **members; /* usernames: an individual session's one member, a group's by name */
  size_t n_members;
  int64_t starts_at;
  uint32_t minutes;
  const char *room; /* "" for none */
  int status;       /* session_status */
  int64_t agreement_id;
  uint32_t record_revision; /* 0 when nothing has been written yet */
  uint32_t sequence;
  member_attendance_row *attendance; /* group sessions: the members recorded so far */
  size_t n_attendance;
} session_item;

/* The sessions user_id is a party to and, if they are a manager, those of
 * everyone they oversee through a team (read-only: callers that change a
 * session load it with session_rules_load_party). Group sessions carry their
 * members and the attendance recorded so far. */
rcode store_sessions_list(store_ctx *c, int64_t user_id, const session_filter *f, session_item **out,
                          size_t *n) RC_MUST_CHECK;

#endif
