/*
 * sessions — the browsers the gateway is talking to, each named by a
 * random session cookie, each holding its logged-in libreflect client.
 *
 * Contract:
 *  - A session is made on a browser's first visit (the login form needs a
 *    CSRF token), and replaced by a fresh one, with a fresh cookie value,
 *    at login and at logout, so a cookie seen before login is worthless
 *    after it.
 *  - Only a hash of the cookie value is kept; look-up is by that hash.
 *  - sessions_acquire returns the session locked for the caller alone (a
 *    browser's requests run one at a time: its client is not thread-safe)
 *    or NULL; sessions_release unlocks it. A session idle for longer than
 *    its limit (shorter before login) is gone.
 *  - At most max sessions. Making one more drops the anonymous one idle
 *    longest that no request is using; a logged-in session, or one holding
 *    a form kept across a lapsed login, is never dropped to make room, so
 *    a flood of anonymous visits can neither log anyone out nor grow
 *    memory (when only logged-in sessions are left, none is made).
 *  - The table and every session live in guarded, locked memory
 *    (sodium_malloc); the token is inside the session's client, which
 *    libreflect keeps the same way. Ending a session wipes it.
 *  - Thread-safe. The fields the table's scans read (cl, pending,
 *    last_seen) change only under the table lock, through these
 *    functions; the rest belong to whoever holds the session.
 */
#ifndef REFLECT_WEB_SESSIONS_H
#define REFLECT_WEB_SESSIONS_H

#include <stddef.h>
#include <stdint.h>

#include "reflect/client.h"

#define SESSIONS_COOKIE_LEN 43 /* base64url of 32 bytes, no padding */
#define SESSIONS_CSRF_LEN 43
#define SESSIONS_RETURN_MAX 512

typedef struct sessions sessions;

typedef struct {
  /* Public to the pages; valid while acquired. */
  char csrf[SESSIONS_CSRF_LEN + 1];
  client *cl; /* NULL before login */
  uint8_t device_id[32];
  int has_device;
  char username[65];
  int role; /* the wire's Role number, 0 before login */
  int must_change;
  char return_to[SESSIONS_RETURN_MAX]; /* where a lapsed login was: back there after the next */
  /* A form posted when the login had lapsed (nothing typed is lost): its
   * fields, url-encoded, and the page it belongs to; kept in locked memory
   * until the next login takes it (sessions_stash, sessions_take). */
  char pending_path[SESSIONS_RETURN_MAX];
  char pending_owner[65]; /* whose words they are: only they get them back */
  char *pending;
  /* The table's. */
  uint8_t id_hash[32];
  int64_t last_seen;
  int used, refs, ended;
  void *lock;
} session;

int sessions_init(size_t max, int idle_s, int anon_idle_s, sessions **out);
void sessions_free(sessions *t);

/* The session named by cookie (NULL if none, expired or malformed),
 * locked. */
session *sessions_acquire(sessions *t, const char *cookie, int64_t now);
/* A new session, locked, its cookie value written to cookie (NUL ended).
 * Carries over from `from` (may be NULL, and is ended) the device id and
 * return_to, not the login. NULL when memory is exhausted. */
session *sessions_create(sessions *t, session *from, char cookie[SESSIONS_COOKIE_LEN + 1], int64_t now);
void sessions_release(sessions *t, session *s);
/* Ends s (logout, or replaced): its client is closed when released. */
void sessions_end(sessions *t, session *s);
/* Keeps a copy of body (at most SESSIONS_PENDING_MAX bytes) as s's
 * pending form for path, typed by owner, replacing any; 0, or -1 if too
 * big or no memory. */
#define SESSIONS_PENDING_MAX (512 * 1024)
int sessions_stash(sessions *t, session *s, const char *owner, const char *path, const char *body);
/* The pending form for path, handed over (the caller frees it with
 * sessions_free_pending), if owner typed it; NULL otherwise. A form kept
 * for someone else is wiped: it never reaches another person. */
char *sessions_take(sessions *t, session *s, const char *owner, const char *path);
/* Wipes any pending form (logout). */
void sessions_drop_pending(sessions *t, session *s);
/* Sets (or clears, NULL) s's logged-in client. Through here, not
 * directly: other threads' scans read it under the table lock. */
void sessions_set_client(sessions *t, session *s, client *cl);
void sessions_free_pending(char *pending);
/* How many sessions are live (tests, status). */
size_t sessions_count(sessions *t);

#endif
