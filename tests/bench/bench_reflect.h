/*
 * bench_reflect — the reflectd workload: a fixture of users, sessions and
 * logged-in devices, and drivers (bench_loop.h) for the measured requests.
 *
 * Fixture (bench_fixture_setup), all through libreflect as real clients do:
 *  - admin adds supervisor "sue", practitioners "pat" and "max", and
 *    `logins` practitioners "login0".. for the login phase; each chooses
 *    their own password (an administrator's allows nothing else);
 *  - sue makes a supervision agreement with each (booking needs one), and
 *    schedules BENCH_LISTED upcoming sessions with pat (90 minutes,
 *    one a day from tomorrow, a room text) — what a reader's list returns —
 *    and BENCH_WRITE_SESSIONS past sessions with max, which writers take
 *    in turn (a record takes at most BENCH_REVISIONS_PER_RECORD), so no
 *    two writers share a session;
 *  - `readers` devices log in as pat and `writers` devices as sue, one
 *    CURVE key pair and one login (Argon2id) per device: a token is bound
 *    to the device that logged in.
 * Drivers (thread index i uses pool entry i, so threads <= pool size):
 *  - read: SessionListRequest{upcoming=true}; OK and BENCH_LISTED sessions.
 *  - ping: PingRequest (no token check, no SQL) on the reader devices: what
 *    the transport, broker and worker hand-offs cost on their own.
 *  - write: RecordWriteRequest with a BENCH_BODY_BYTES body and a non-empty
 *    reason (every revision after the first needs one) to the thread's
 *    current session; OK with the next revision number.
 *  - login: a fresh device per thread logging in as its own user
 *    ("login<i>") in a loop: many people at once, as at 9 in the morning
 *    (one person has at most two logins waiting at a time).
 * Every failed request prints its status (the first few) and counts as an
 * error. bench_fixture_close closes every device.
 */
#ifndef REFLECT_BENCH_REFLECT_H
#define REFLECT_BENCH_REFLECT_H

#include <stdatomic.h>
#include <stdint.h>

#include "bench_loop.h"
#include "bench_server.h"

#define BENCH_MAX_CLIENTS 64
#define BENCH_LISTED 20
#define BENCH_BODY_BYTES 2048
#define BENCH_WRITE_SESSIONS 512
#define BENCH_REVISIONS_PER_RECORD 100
#define BENCH_USER_PASSWORD "bench-user-password-1"
#define BENCH_CALL_TIMEOUT_MS 10000

#define BENCH_MAX_LOGINS 16

typedef struct {
  const bench_server *srv;
  int n_readers, n_writers, n_logins;
  client *readers[BENCH_MAX_CLIENTS];
  client *writers[BENCH_MAX_CLIENTS];
  /* Sessions for the writers to take in turn (next_write_session): a
   * record takes at most BENCH_REVISIONS_PER_RECORD revisions (the
   * server's bound), and a fast disk writes thousands a second. */
  uint64_t write_session[BENCH_WRITE_SESSIONS];
  atomic_int next_write_session;
} bench_fixture;

int bench_fixture_setup(bench_fixture *fx, const bench_server *s, int readers, int writers, int logins);
void bench_fixture_close(bench_fixture *fx);

bench_driver bench_read_driver(bench_fixture *fx);
bench_driver bench_ping_driver(bench_fixture *fx);
bench_driver bench_write_driver(bench_fixture *fx);
bench_driver bench_login_driver(bench_fixture *fx);

#endif
