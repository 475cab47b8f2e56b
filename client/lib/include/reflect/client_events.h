/*
 * client_events — libreflect's event subscription: catch up, then follow
 * live, each event delivered once (docs/architecture.md#d6-events, the ZeroMQ Clone pattern).
 *
 * Contract:
 *  - client_events_open asks the server for this device's topic (WhoAmI),
 *    opens a CURVE SUB socket to `endpoint` with the device's own keys (the
 *    client's), and subscribes to exactly that topic; only then does it
 *    catch up with EventsSince(cursor), so nothing committed in between is
 *    missed. Live frames are [topic][crypto_box_seal(Event)] and are opened
 *    with the device's X25519 key pair (the CURVE keys); a frame that does
 *    not open or decode is dropped and counted, never fatal.
 *  - Delivery: every event of the user with seq > the cursor given to open
 *    is delivered once. The cursor only moves over what EventsSince has
 *    returned (the server's commit order is seq order), so it is safe to
 *    save; events seen live above it are remembered in a bounded set and
 *    not delivered again when the catch-up reaches them. Live events may
 *    come out of seq order; catch-up ones come in order.
 *  - A catch-up runs on open, after live events go quiet, when the set of
 *    live events above the cursor grows large, after the SUB connection is
 *    re-made (the server restarted), and every CLIENT_EVENTS_PERIOD_MS; the
 *    periodic one also keeps the login from lapsing for idleness.
 *  - client_events_next returns CLIENT_OK with *ev (the caller frees it with
 *    client_free_event), CLIENT_ENOEVENT when timeout_ms passed with nothing,
 *    CLIENT_ETIMEOUT when a catch-up got no reply (the server is away; the
 *    next call retries, backing off from 1 s to 30 s, so keep calling),
 *    CLIENT_EUNAUTH when the token was refused (log in again; final),
 *    CLIENT_EREFUSED when the server refused EventsSince for another reason
 *    (final; client_events_message says why), or another CLIENT_E* code.
 *    While a catch-up runs a call may block for up to the client's request
 *    timeout beyond timeout_ms.
 *  - Memory and lifetime: the client_events is the caller's, freed with
 *    client_events_close; it uses c for its requests, so c must outlive it
 *    and must not be used from another thread meanwhile (one thread).
 */
#ifndef REFLECT_CLIENT_EVENTS_H
#define REFLECT_CLIENT_EVENTS_H

#include <stdint.h>

#include "reflect/client.h"
#include "reflect.pb-c.h"

/* Live frames larger than this are not events: the socket drops them. */
#define CLIENT_EVENTS_FRAME_MAX (64 * 1024)
#define CLIENT_EVENTS_TOPIC_MAX 64
/* Live events held above the cursor: past the soft bound a catch-up is due;
 * at the hard bound further live events wait for it. */
#define CLIENT_EVENTS_SET_SOFT 64
#define CLIENT_EVENTS_SET_MAX 256
#define CLIENT_EVENTS_QUIET_MS 2000
#define CLIENT_EVENTS_PERIOD_MS 60000
#define CLIENT_EVENTS_BACKOFF_MIN_MS 1000
#define CLIENT_EVENTS_BACKOFF_MAX_MS 30000

typedef struct client_events client_events;

typedef struct {
  uint64_t live;        /* delivered from the live feed */
  uint64_t caught_up;   /* delivered from EventsSince */
  uint64_t duplicates;  /* already delivered (or below the cursor): dropped */
  uint64_t undecodable; /* frames that did not open or decode: dropped */
  uint64_t deferred;    /* live events left to the catch-up: the set was full */
  uint64_t catchups;    /* EventsSince requests answered */
  uint64_t failures;    /* EventsSince requests that got no reply */
} client_events_stats;

int client_events_open(client *c, const char *endpoint, uint64_t cursor, client_events **out);
int client_events_next(client_events *e, int timeout_ms, Reflect__V1__Event **ev);
/* The highest seq such that every event up to it has been delivered (or
 * was at or below the cursor given to open): what to save. */
uint64_t client_events_cursor(const client_events *e);
/* The topic subscribed to (len bytes); valid until close. */
const uint8_t *client_events_topic(const client_events *e, size_t *len);
void client_events_stats_get(const client_events *e, client_events_stats *out);
/* The server's message for CLIENT_EREFUSED/EUNAUTH, or "". */
const char *client_events_message(const client_events *e);
void client_events_close(client_events *e);

#endif
