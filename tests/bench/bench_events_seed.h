/*
 * bench_events_seed — the events phase's people, logins and sessions,
 * written straight into a fresh data directory with reflectd's own store
 * code (as tests/support/fixture.c does) after `reflectd init` and before
 * `reflectd serve` opens it.
 *
 * Why not through the API: 1,000 user adds and 1,000 Argon2id logins would
 * take minutes and measure nothing, and the layout below cannot be booked.
 * The issue asks for 1,000 subscribed users to receive a burst of 10,000
 * reminders, i.e. 10 each, due in one scheduler tick. A reminder is due at
 * starts_at - lead; one person's sessions that do not overlap start at
 * least 15 minutes apart, and a session sends at most one reminder per
 * tick (a shorter lead supersedes a longer one), so with at most
 * CONFIG_LEADS_MAX (4) leads nobody can get more than 4 on-time reminders
 * in one tick. So every person here is in 10 group sessions that start at
 * the same moment: the scheduler does not look at clashes, only booking
 * does, which is why they are stored here without booking's clash check.
 * Everything else is what booking stores (session_rules_book: the session,
 * its members, its first history entry and the audit row); booking's own
 * events (invitations) are not emitted, so the burst is the only traffic.
 *
 * Layout: BENCH_EV_SUPERVISORS supervisors ("sup0".."sup99") each
 * facilitate BENCH_EV_GROUPS_EACH group sessions of BENCH_EV_GROUP_SIZE
 * practitioners ("prac0".."prac899"); practitioner p is in exactly one
 * session of every round k (members 9s+j+90k mod 900), so everyone is a
 * party to exactly BENCH_EV_PER_USER sessions and one reminder per session
 * and party makes BENCH_EV_REMINDERS. Every user has one device: a fresh
 * CURVE key pair, a random login token bound to it (stored hashed, as a
 * login stores it, with the configured absolute lifetime) and its event
 * topic (store_events_topic_ensure, as a login makes it). All share one
 * precomputed password hash: nobody logs in with it.
 *
 * Contract:
 *  - bench_events_configure rewrites [events] reminders and
 *    scheduler_seconds in DIR/reflectd.conf (as `reflectd init` wrote it)
 *    and checks the file with the server's own config_load.
 *  - bench_events_seed fills users[BENCH_EV_USERS] (keys, token, topic, id,
 *    the ids of the user's sessions) and stores everything above in one
 *    write transaction, every session starting at starts_at, booked at the
 *    current time. 0, or -1 with a message on stderr.
 */
#ifndef REFLECT_BENCH_EVENTS_SEED_H
#define REFLECT_BENCH_EVENTS_SEED_H

#include <stdint.h>

#define BENCH_EV_SUPERVISORS 100
#define BENCH_EV_PRACTITIONERS 900
#define BENCH_EV_USERS (BENCH_EV_SUPERVISORS + BENCH_EV_PRACTITIONERS)
#define BENCH_EV_GROUPS_EACH 10
#define BENCH_EV_GROUP_SIZE 9
#define BENCH_EV_SESSIONS (BENCH_EV_SUPERVISORS * BENCH_EV_GROUPS_EACH)
#define BENCH_EV_PER_USER 10
#define BENCH_EV_REMINDERS (BENCH_EV_SESSIONS * (1 + BENCH_EV_GROUP_SIZE))
#define BENCH_EV_MINUTES 90
#define BENCH_EV_TOPIC_BYTES 16

_Static_assert(BENCH_EV_SUPERVISORS *BENCH_EV_GROUP_SIZE == BENCH_EV_PRACTITIONERS,
               "each round of sessions takes every practitioner once");
_Static_assert(BENCH_EV_GROUPS_EACH == BENCH_EV_PER_USER, "one session per round for everyone");
_Static_assert(BENCH_EV_REMINDERS == BENCH_EV_USERS * BENCH_EV_PER_USER, "10 reminders each");

typedef struct {
  char username[16];
  char pub[41], sec[41];  /* the device's CURVE key pair, Z85 */
  uint8_t pk[32], sk[32]; /* the same keys, raw, for crypto_box_seal_open */
  uint8_t token[32];
  uint8_t topic[BENCH_EV_TOPIC_BYTES];
  int64_t id;
  int64_t sessions[BENCH_EV_PER_USER];
  int n_sessions;
} bench_ev_user;

int bench_events_configure(const char *data_dir, int scheduler_s, const char *reminders);
int bench_events_seed(const char *data_dir, int64_t starts_at, bench_ev_user *users);

#endif
