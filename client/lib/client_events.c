/* libreflect's event subscription: a CURVE SUB socket on this device's
 * topic, EventsSince catch-ups, and de-duplication by seq. See
 * client_events.h for the contract. */
#include "reflect/client_events.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <zmq.h>

#include "client_internal.h"
#include "wire.h"

/* A burst of a whole service's reminders fits; beyond it PUB drops, which
 * the catch-up repairs. */
#define EVENTS_RCVHWM 1000
/* After the SUB connection is (re)made, its subscription needs a moment to
 * reach the server; catching up after that moment closes the window in
 * which an event could be neither published to us nor seen by a catch-up. */
#define EVENTS_SETTLE_MS 250
#define EVENTS_RECONNECT_MAX_MS 2000
#define EVENTS_MESSAGE_MAX 256

struct client_events {
  client *c;
  void *zctx, *sub, *mon;
  uint8_t topic[CLIENT_EVENTS_TOPIC_MAX];
  size_t topic_len;
  uint8_t pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  uint64_t cursor;
  uint64_t set[CLIENT_EVENTS_SET_MAX]; /* delivered live, above the cursor */
  size_t nset;
  Reflect__V1__Reply *page; /* a catch-up being delivered */
  size_t page_pos;
  int continuing;                         /* the server said there is more */
  int64_t catchup_at, quiet_at, retry_at; /* monotonic ms; quiet/retry 0: none */
  int backoff_ms;
  int fatal;
  char message[EVENTS_MESSAGE_MAX];
  client_events_stats st;
};

static int64_t events_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int events_in_set(const client_events *e, uint64_t seq, size_t *at)
{
  for (size_t i = 0; i < e->nset; i++)
    if (e->set[i] == seq) {
      if (at) *at = i;
      return 1;
    }
  return 0;
}

/* Everything at or below the cursor came through a catch-up: forget it. */
static void events_prune_set(client_events *e)
{
  size_t k = 0;
  for (size_t i = 0; i < e->nset; i++)
    if (e->set[i] > e->cursor) e->set[k++] = e->set[i];
  e->nset = k;
}

static void events_set_message(client_events *e, const Reflect__V1__Reply *rep)
{
  const char *m = rep && rep->status && rep->status->message ? rep->status->message : "";
  snprintf(e->message, sizeof e->message, "%s", m);
}

/* Maps a reply's status: CLIENT_OK, CLIENT_EUNAUTH, CLIENT_ETIMEOUT for a
 * server that says it cannot serve now, CLIENT_EREFUSED otherwise. */
static int events_status(client_events *e, const Reflect__V1__Reply *rep)
{
  Reflect__V1__Code code = rep->status ? rep->status->code : REFLECT__V1__CODE__OK;
  if (code == REFLECT__V1__CODE__OK) return CLIENT_OK;
  events_set_message(e, rep);
  switch (code) {
  case REFLECT__V1__CODE__UNAUTHENTICATED: return CLIENT_EUNAUTH;
  case REFLECT__V1__CODE__UNAVAILABLE:
  case REFLECT__V1__CODE__RESOURCE_EXHAUSTED:
  case REFLECT__V1__CODE__INTERNAL: return CLIENT_ETIMEOUT;
  default: return CLIENT_EREFUSED;
  }
}

/* This device's topic, from WhoAmI. */
static int events_fetch_topic(client_events *e)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__WhoAmIRequest who = REFLECT__V1__WHO_AM_IREQUEST__INIT;
  Reflect__V1__Reply *rep = NULL;
  req.op_case = REFLECT__V1__REQUEST__OP_WHOAMI;
  req.whoami = &who;
  int rc = client_call(e->c, &req, &rep);
  if (rc) return rc;
  rc = events_status(e, rep);
  if (rc == CLIENT_ETIMEOUT) rc = CLIENT_EREFUSED; /* nothing to retry yet: say so */
  if (!rc && (rep->result_case != REFLECT__V1__REPLY__RESULT_WHOAMI || !rep->whoami->topic.len ||
              rep->whoami->topic.len > sizeof e->topic))
    rc = CLIENT_EPROTO;
  if (!rc) {
    memcpy(e->topic, rep->whoami->topic.data, rep->whoami->topic.len);
    e->topic_len = rep->whoami->topic.len;
  }
  wire_free_reply(rep);
  return rc;
}

static int events_socket_open(client_events *e, const char *endpoint)
{
  char addr[64];
  int zero = 0, hwm = EVENTS_RCVHWM, ivl_max = EVENTS_RECONNECT_MAX_MS;
  int64_t max = CLIENT_EVENTS_FRAME_MAX;
  e->zctx = zmq_ctx_new();
  if (!e->zctx || !(e->sub = zmq_socket(e->zctx, ZMQ_SUB))) return CLIENT_ENOMEM;
  if (zmq_setsockopt(e->sub, ZMQ_LINGER, &zero, sizeof zero) ||
      zmq_setsockopt(e->sub, ZMQ_MAXMSGSIZE, &max, sizeof max) ||
      zmq_setsockopt(e->sub, ZMQ_RCVHWM, &hwm, sizeof hwm) ||
      zmq_setsockopt(e->sub, ZMQ_RECONNECT_IVL_MAX, &ivl_max, sizeof ivl_max) ||
      zmq_setsockopt(e->sub, ZMQ_CURVE_SERVERKEY, client_server_key(e->c), CLIENT_Z85_KEY) ||
      zmq_setsockopt(e->sub, ZMQ_CURVE_PUBLICKEY, client_device_key(e->c), CLIENT_Z85_KEY) ||
      zmq_setsockopt(e->sub, ZMQ_CURVE_SECRETKEY, client_device_secret(e->c), CLIENT_Z85_KEY) ||
      zmq_setsockopt(e->sub, ZMQ_SUBSCRIBE, e->topic, e->topic_len))
    return CLIENT_EUSAGE;
  /* The monitor says when the connection is (re)made: the server may have
   * restarted and published what we missed meanwhile. */
  snprintf(addr, sizeof addr, "inproc://client-events-monitor-%p", (void *)e);
  if (zmq_socket_monitor(e->sub, addr, ZMQ_EVENT_HANDSHAKE_SUCCEEDED) || !(e->mon = zmq_socket(e->zctx, ZMQ_PAIR)) ||
      zmq_setsockopt(e->mon, ZMQ_LINGER, &zero, sizeof zero) || zmq_connect(e->mon, addr))
    return CLIENT_ENOMEM;
  return zmq_connect(e->sub, endpoint) ? CLIENT_EUSAGE : CLIENT_OK;
}

int client_events_open(client *c, const char *endpoint, uint64_t cursor, client_events **out)
{
  *out = NULL;
  if (!client_endpoint_valid(endpoint, CLIENT_ENDPOINT_MAX)) return CLIENT_EUSAGE;
  if (!client_has_token(c)) return CLIENT_ENOTOKEN;
  client_events *e = calloc(1, sizeof *e);
  if (!e) return CLIENT_ENOMEM;
  e->c = c;
  e->cursor = cursor;
  e->backoff_ms = CLIENT_EVENTS_BACKOFF_MIN_MS;
  /* The CURVE keys are X25519 keys: the same pair opens sealed boxes. */
  int rc = zmq_z85_decode(e->pk, client_device_key(c)) && zmq_z85_decode(e->sk, client_device_secret(c))
               ? CLIENT_OK
               : CLIENT_EUSAGE;
  /* Subscribe before the first catch-up (in the first next call), so that
   * an event is either published to us or found by the catch-up. */
  if (!rc) rc = events_fetch_topic(e);
  if (!rc) rc = events_socket_open(e, endpoint);
  if (rc) {
    client_events_close(e);
    return rc;
  }
  e->catchup_at = events_now_ms();
  *out = e;
  return CLIENT_OK;
}

static void events_round_done(client_events *e, int64_t now)
{
  wire_free_reply(e->page);
  e->page = NULL;
  e->page_pos = 0;
  e->continuing = 0;
  e->catchup_at = now + CLIENT_EVENTS_PERIOD_MS;
  events_prune_set(e);
  /* Live events still above the cursor were committed after this catch-up
   * read; look again once things are quiet, not at once, so that a seq the
   * server never returns cannot make us ask in a loop. */
  e->quiet_at = e->nset ? now + CLIENT_EVENTS_QUIET_MS : 0;
}

/* The server may hand out another topic (it never does today); follow it. */
static void events_follow_topic(client_events *e, const ProtobufCBinaryData *t)
{
  if (!t->len || t->len > sizeof e->topic || (t->len == e->topic_len && !memcmp(t->data, e->topic, t->len))) return;
  if (zmq_setsockopt(e->sub, ZMQ_SUBSCRIBE, t->data, t->len)) return;
  zmq_setsockopt(e->sub, ZMQ_UNSUBSCRIBE, e->topic, e->topic_len);
  memcpy(e->topic, t->data, t->len);
  e->topic_len = t->len;
}

/* One EventsSince request after the cursor. */
static int events_fetch(client_events *e)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__EventsSinceRequest since = REFLECT__V1__EVENTS_SINCE_REQUEST__INIT;
  Reflect__V1__Reply *rep = NULL;
  since.after = e->cursor;
  req.op_case = REFLECT__V1__REQUEST__OP_EVENTS_SINCE;
  req.events_since = &since;
  int rc = client_call(e->c, &req, &rep);
  if (!rc) rc = events_status(e, rep);
  if (!rc && rep->result_case != REFLECT__V1__REPLY__RESULT_EVENTS_SINCE) rc = CLIENT_EPROTO;
  int64_t now = events_now_ms();
  if (rc == CLIENT_ETIMEOUT || rc == CLIENT_EPROTO) {
    /* The server is away (or answered garbage): try again later, less
     * often the longer it stays away. */
    e->st.failures++;
    e->retry_at = now + e->backoff_ms;
    e->backoff_ms = e->backoff_ms * 2 > CLIENT_EVENTS_BACKOFF_MAX_MS ? CLIENT_EVENTS_BACKOFF_MAX_MS : e->backoff_ms * 2;
  } else if (rc == CLIENT_EUNAUTH || rc == CLIENT_EREFUSED) {
    e->fatal = rc;
  }
  if (rc) {
    wire_free_reply(rep);
    return rc;
  }
  e->st.catchups++;
  e->retry_at = 0;
  e->backoff_ms = CLIENT_EVENTS_BACKOFF_MIN_MS;
  events_follow_topic(e, &rep->events_since->topic);
  wire_free_reply(e->page);
  e->page = rep;
  e->page_pos = 0;
  /* "More" with nothing returned would loop: treat it as the end. */
  e->continuing = rep->events_since->more && rep->events_since->n_events > 0;
  if (!rep->events_since->n_events) events_round_done(e, now);
  return CLIENT_OK;
}

/* A copy the caller may free with wire_free_event on its own: events in a
 * reply belong to the reply's allocation (which client_call has already
 * cleaned, if the client cleans text). */
static int events_copy(const Reflect__V1__Event *in, Reflect__V1__Event **out)
{
  uint8_t *buf = NULL;
  size_t len = 0;
  if (wire_encode(&in->base, &buf, &len)) return CLIENT_ENOMEM;
  int rc = wire_decode_event(buf, len, out) ? CLIENT_EPROTO : CLIENT_OK;
  sodium_memzero(buf, len);
  free(buf);
  return rc;
}

/* The next undelivered event of the catch-up being delivered, if any. */
static int events_take_page(client_events *e, Reflect__V1__Event **ev)
{
  while (e->page && e->page_pos < e->page->events_since->n_events) {
    const Reflect__V1__Event *in = e->page->events_since->events[e->page_pos++];
    size_t at;
    if (in->seq <= e->cursor) {
      e->st.duplicates++;
      continue;
    }
    e->cursor = in->seq;
    if (events_in_set(e, in->seq, &at)) {
      e->set[at] = e->set[--e->nset];
      e->st.duplicates++;
      continue;
    }
    int rc = events_copy(in, ev);
    if (rc) return rc;
    e->st.caught_up++;
    return CLIENT_OK;
  }
  if (e->page && !e->continuing) events_round_done(e, events_now_ms());
  return CLIENT_ENOEVENT;
}

/* Opens and decodes one sealed frame; NULL if it is not a good event. */
static Reflect__V1__Event *events_open_frame(client_events *e, const zmq_msg_t *sealed)
{
  size_t len = zmq_msg_size(sealed);
  if (len <= crypto_box_SEALBYTES || len > CLIENT_EVENTS_FRAME_MAX) return NULL;
  size_t plen = len - crypto_box_SEALBYTES;
  uint8_t *plain = malloc(plen);
  Reflect__V1__Event *ev = NULL;
  if (!plain) return NULL;
  if (crypto_box_seal_open(plain, zmq_msg_data((zmq_msg_t *)sealed), len, e->pk, e->sk) == 0 &&
      wire_decode_event(plain, plen, &ev) == WIRE_OK && ev->seq == 0) {
    wire_free_event(ev);
    ev = NULL;
  }
  if (ev && client_cleans_text(e->c)) wire_clean_strings(&ev->base);
  sodium_memzero(plain, plen); /* names and rooms */
  free(plain);
  return ev;
}

/* Receives one live message without waiting: CLIENT_OK with *ev for a
 * good event, CLIENT_ENOEVENT when none is queued, CLIENT_EPROTO for one
 * that was dropped (the caller goes on to the next). */
static int events_recv_live(client_events *e, Reflect__V1__Event **ev)
{
  zmq_msg_t parts[3]; /* topic, sealed event, and room to read any extra */
  size_t n = 0;
  int more = 1, extra = 0;
  *ev = NULL;
  while (more) {
    zmq_msg_t *m = &parts[n < 2 ? n : 2];
    zmq_msg_init(m);
    /* A multi-part message arrives whole, so only the first part can fail. */
    if (zmq_msg_recv(m, e->sub, ZMQ_DONTWAIT) < 0) {
      zmq_msg_close(m);
      break;
    }
    more = zmq_msg_more(m);
    if (n < 2) n++;
    else extra = 1, zmq_msg_close(m);
  }
  if (n == 0) return CLIENT_ENOEVENT;
  int ok = n == 2 && !extra && zmq_msg_size(&parts[0]) == e->topic_len &&
           !memcmp(zmq_msg_data(&parts[0]), e->topic, e->topic_len);
  if (ok) *ev = events_open_frame(e, &parts[1]);
  for (size_t i = 0; i < n; i++) zmq_msg_close(&parts[i]);
  if (!*ev) {
    e->st.undecodable++;
    return CLIENT_EPROTO;
  }
  return CLIENT_OK;
}

/* Drains live messages until one is new. */
static int events_take_live(client_events *e, Reflect__V1__Event **ev)
{
  for (;;) {
    int rc = events_recv_live(e, ev);
    if (rc == CLIENT_EPROTO) continue;
    if (rc) return rc;
    uint64_t seq = (*ev)->seq;
    int64_t now = events_now_ms();
    if (seq <= e->cursor || events_in_set(e, seq, NULL)) {
      e->st.duplicates++;
    } else if (e->nset == CLIENT_EVENTS_SET_MAX) {
      e->st.deferred++; /* the catch-up, due now, brings it */
    } else {
      e->set[e->nset++] = seq;
      e->st.live++;
      e->quiet_at = now + CLIENT_EVENTS_QUIET_MS;
      return CLIENT_OK;
    }
    wire_free_event(*ev);
    *ev = NULL;
  }
}

static void events_read_monitor(client_events *e)
{
  for (;;) {
    /* Two frames: the event (uint16) and its value, then the endpoint. */
    zmq_msg_t msg;
    uint16_t event = 0;
    int more = 1, first = 1;
    while (more) {
      zmq_msg_init(&msg);
      if (zmq_msg_recv(&msg, e->mon, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&msg);
        if (first) return;
        break;
      }
      if (first && zmq_msg_size(&msg) >= sizeof event) memcpy(&event, zmq_msg_data(&msg), sizeof event);
      first = 0;
      more = zmq_msg_more(&msg);
      zmq_msg_close(&msg);
    }
    if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
      /* The server is back (or was reached for the first time): catch up
       * soon, and stop backing off. */
      int64_t soon = events_now_ms() + EVENTS_SETTLE_MS;
      if (e->catchup_at > soon) e->catchup_at = soon;
      if (e->retry_at > soon) e->retry_at = soon;
      e->backoff_ms = CLIENT_EVENTS_BACKOFF_MIN_MS;
    }
  }
}

/* When the next catch-up may run (it runs only once now reaches it). */
static int64_t events_due(const client_events *e, int64_t now)
{
  int64_t due = e->catchup_at;
  if (e->continuing || e->nset > CLIENT_EVENTS_SET_SOFT) due = now;
  if (e->quiet_at && e->nset && e->quiet_at < due) due = e->quiet_at;
  return e->retry_at > due ? e->retry_at : due;
}

int client_events_next(client_events *e, int timeout_ms, Reflect__V1__Event **ev)
{
  *ev = NULL;
  if (e->fatal) return e->fatal;
  int64_t deadline = events_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
  for (;;) {
    int rc = events_take_page(e, ev);
    if (rc != CLIENT_ENOEVENT) return rc;
    if ((rc = events_take_live(e, ev)) != CLIENT_ENOEVENT) return rc;
    events_read_monitor(e);
    int64_t now = events_now_ms();
    int64_t due = events_due(e, now);
    if (now >= due) {
      rc = events_fetch(e);
      if (rc) return rc;
      continue;
    }
    if (now >= deadline) return CLIENT_ENOEVENT;
    int64_t wake = due < deadline ? due : deadline;
    zmq_pollitem_t items[2] = {{.socket = e->sub, .events = ZMQ_POLLIN}, {.socket = e->mon, .events = ZMQ_POLLIN}};
    /* A signal ends the wait early, so that a caller's handler is seen. */
    if (zmq_poll(items, 2, (long)(wake - now)) < 0) return errno == EINTR ? CLIENT_ENOEVENT : CLIENT_ENOMEM;
  }
}

uint64_t client_events_cursor(const client_events *e)
{
  return e->cursor;
}

const uint8_t *client_events_topic(const client_events *e, size_t *len)
{
  *len = e->topic_len;
  return e->topic;
}

void client_events_stats_get(const client_events *e, client_events_stats *out)
{
  *out = e->st;
}

const char *client_events_message(const client_events *e)
{
  return e->message;
}

void client_events_close(client_events *e)
{
  if (!e) return;
  wire_free_reply(e->page);
  /* Stop the monitor before closing what it watches: libzmq otherwise
   * leaves the last event it was sending behind. */
  if (e->sub) zmq_socket_monitor(e->sub, NULL, 0);
  if (e->mon) {
    events_read_monitor(e);
    zmq_close(e->mon);
  }
  if (e->sub) zmq_close(e->sub);
  if (e->zctx) zmq_ctx_term(e->zctx);
  sodium_memzero(e, sizeof *e);
  free(e);
}
