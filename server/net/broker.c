#include "broker.h"

#include <errno.h>
#include <sodium.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "broker_queue.h"
#include "broker_reply.h"
#include "log.h"
#include "relay.h"
#include "topic.h"
#include "wire.h"
#include "workers.h"
#include "zap.h"

#define HWM 1000
#define MAX_WORKERS 128
/* Requests read from the frontend per poll round, so a flood of requests
 * cannot starve replies coming back from the workers. */
#define FRONT_BATCH 64
#define MONITOR_ENDPOINT "inproc://reflect.front.monitor"
#define PUB_MONITOR_ENDPOINT "inproc://reflect.pub.monitor"
/* A peer that stops answering ZMTP heartbeats is dropped (a laptop shut
 * with its connection open), so dead connections do not pile up. */
#define HEARTBEAT_IVL_MS 30000
#define HEARTBEAT_TIMEOUT_MS 90000

/* Frames forwarded from the relay to PUB per poll round, so a burst of
 * events cannot starve requests. */
#define FORWARD_BATCH 256
/* The PUB queue per subscriber: a burst of one person's reminders fits;
 * beyond it PUB drops and the client catches up. Kept small because each
 * queue is server memory and a subscriber may never read. */
#define PUB_HWM 2000

typedef struct {
  void *ctx, *front, *back, *pub, *pull, *monitor, *pub_monitor;
  zap *zap;
  topic_key topics; /* checks what subscribers ask for (topic.h) */
  int64_t refused_subscriptions, refused_logged_at;
  workers *pool;
  relay *relay;
  server_stats *stats;
  int64_t next_tick, tick_ms, busy_logged_at;
  int ready[MAX_WORKERS]; /* FIFO of free fast workers */
  int n_ready, n_fast;
  broker_queue q; /* requests waiting for a worker */
  uint64_t published;
} broker;

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The events socket is an XPUB in manual mode: libzmq hands every
 * subscription to the main thread, which applies only a topic made for
 * the subscriber's own key (on_subscription); an empty prefix, or another
 * device's topic, subscribes to nothing. */
static int curve_server_socket(broker *b, int type, const char *secret, const char *endpoint, const char *what)
{
  void *s = zmq_socket(b->ctx, type);
  int one = 1, hwm = type == ZMQ_XPUB ? PUB_HWM : HWM, linger = 0;
  int hb_ivl = HEARTBEAT_IVL_MS, hb_timeout = HEARTBEAT_TIMEOUT_MS;
  int64_t max = WIRE_MAX_FRAME;
  const char *domain = type == ZMQ_ROUTER ? ZAP_DOMAIN_REQUESTS : ZAP_DOMAIN_EVENTS;
  if (!s) return -1;
  if (type == ZMQ_ROUTER) b->front = s;
  else b->pub = s;
  if (zmq_setsockopt(s, ZMQ_CURVE_SERVER, &one, sizeof one) || zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, secret, 40) ||
      zmq_setsockopt(s, ZMQ_ZAP_DOMAIN, domain, strlen(domain)) ||
      zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max, sizeof max) || zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm) ||
      zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm) || zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger) ||
      zmq_setsockopt(s, ZMQ_HEARTBEAT_IVL, &hb_ivl, sizeof hb_ivl) ||
      zmq_setsockopt(s, ZMQ_HEARTBEAT_TIMEOUT, &hb_timeout, sizeof hb_timeout) ||
      (type == ZMQ_XPUB && zmq_setsockopt(s, ZMQ_XPUB_MANUAL, &one, sizeof one)) ||
      (type == ZMQ_ROUTER && zmq_setsockopt(s, ZMQ_ROUTER_MANDATORY, &one, sizeof one))) {
    log_line(LOG_ERROR, "event=socket_failed socket=%s error=\"%s\"", what, zmq_strerror(errno));
    return -1;
  }
  /* Connected clients and subscribers for `reflectd status` and the ZAP
   * handler's connection limit: watched from before the bind so no
   * connection is missed. */
  void **mon = type == ZMQ_ROUTER ? &b->monitor : &b->pub_monitor;
  const char *mon_at = type == ZMQ_ROUTER ? MONITOR_ENDPOINT : PUB_MONITOR_ENDPOINT;
  *mon = zmq_socket(b->ctx, ZMQ_PAIR);
  if (!*mon || zmq_socket_monitor(s, mon_at, ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED) ||
      zmq_setsockopt(*mon, ZMQ_LINGER, &linger, sizeof linger) || zmq_connect(*mon, mon_at)) {
    log_line(LOG_ERROR, "event=socket_failed socket=monitor error=\"%s\"", zmq_strerror(errno));
    return -1;
  }
  if (zmq_bind(s, endpoint)) {
    log_line(LOG_ERROR, "event=bind_failed socket=%s endpoint=%s error=\"%s\"", what, endpoint, zmq_strerror(errno));
    return -1;
  }
  log_line(LOG_INFO, "event=listening socket=%s endpoint=%s", what, endpoint);
  return 0;
}

/* Waits for every worker's first word: "R"/"H" ready, "E" failed. */
static int await_workers(broker *b, int total)
{
  int64_t deadline = now_ms() + 30000;
  for (int seen = 0; seen < total;) {
    zmq_pollitem_t it = {b->back, 0, ZMQ_POLLIN, 0};
    int64_t left = deadline - now_ms();
    if (left <= 0 || zmq_poll(&it, 1, (long)left) <= 0) return -1;
    char id[16] = "", kind = 0;
    int n = zmq_recv(b->back, id, sizeof id - 1, 0);
    if (n < 0 || zmq_recv(b->back, &kind, 1, 0) != 1) return -1;
    if (kind == 'E') return -1;
    if (kind == 'R' && b->n_ready < MAX_WORKERS) b->ready[b->n_ready++] = atoi(id + 1);
    seen++;
  }
  return 0;
}

/* [client][reply] straight back. ROUTER_MANDATORY: a vanished client is
 * EHOSTUNREACH, a slow one EAGAIN; either way the reply is dropped and the
 * client's own timeout recovers. Takes both messages. */
static int send_front(broker *b, zmq_msg_t *client, zmq_msg_t *reply)
{
  int ok = zmq_msg_send(client, b->front, ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0 &&
           zmq_msg_send(reply, b->front, ZMQ_DONTWAIT) >= 0;
  if (!ok) atomic_fetch_add(&b->stats->dropped, 1);
  return ok ? 0 : -1;
}

/* Answers a request the main thread will not run (queue full, stopping,
 * not one frame), reading only its id. */
static void refuse(broker *b, zmq_msg_t *client, const zmq_msg_t *frame, Reflect__V1__Code code, const char *message)
{
  uint64_t id;
  uint8_t *out;
  size_t len;
  broker_reply_request_id(zmq_msg_data((zmq_msg_t *)frame), zmq_msg_size((zmq_msg_t *)frame), &id);
  if (broker_reply_encode(id, code, message, &out, &len)) {
    atomic_fetch_add(&b->stats->dropped, 1);
    return;
  }
  zmq_msg_t reply;
  if (zmq_msg_init_size(&reply, len) == 0) {
    memcpy(zmq_msg_data(&reply), out, len);
    send_front(b, client, &reply);
    zmq_msg_close(&reply);
  } else {
    atomic_fetch_add(&b->stats->dropped, 1);
  }
  free(out);
}

/* Hands a request to the longest-idle fast worker; takes the messages. */
static void dispatch(broker *b, zmq_msg_t *client, const char *user, zmq_msg_t *frame)
{
  char wid[16];
  int n = snprintf(wid, sizeof wid, "f%d", b->ready[0]);
  b->n_ready--;
  memmove(&b->ready[0], &b->ready[1], sizeof b->ready[0] * (size_t)b->n_ready);
  zmq_send(b->back, wid, (size_t)n, ZMQ_SNDMORE);
  zmq_msg_send(client, b->back, ZMQ_SNDMORE);
  zmq_send(b->back, user, 40, ZMQ_SNDMORE);
  zmq_msg_send(frame, b->back, 0);
}

/* Oldest first, while workers are free (and all of them with message set:
 * refused, at shutdown, so every waiting request gets an answer). */
static void drain_queue(broker *b, const char *message)
{
  zmq_msg_t client, frame;
  char user[41];
  zmq_msg_init(&client);
  zmq_msg_init(&frame);
  while ((message || b->n_ready > 0) && broker_queue_pop(&b->q, &client, user, &frame) == 0) {
    if (message) refuse(b, &client, &frame, REFLECT__V1__CODE__UNAVAILABLE, message);
    else dispatch(b, &client, user, &frame);
  }
  zmq_msg_close(&client);
  zmq_msg_close(&frame);
  atomic_store(&b->stats->queued, b->q.n);
}

/* [worker][kind] or [worker][kind][client][reply] from the backend. */
static void on_backend(broker *b)
{
  char id[16] = "", kind = 0;
  int n = zmq_recv(b->back, id, sizeof id - 1, 0);
  if (n < 0) return;
  int more = 0;
  size_t sz = sizeof more;
  zmq_recv(b->back, &kind, 1, 0);
  zmq_getsockopt(b->back, ZMQ_RCVMORE, &more, &sz);
  if (kind == 'R' && id[0] == 'f' && b->n_ready < b->n_fast) b->ready[b->n_ready++] = atoi(id + 1);
  if (more) {
    zmq_msg_t client, reply;
    zmq_msg_init(&client);
    zmq_msg_init(&reply);
    if (zmq_msg_recv(&client, b->back, 0) >= 0 && zmq_msg_recv(&reply, b->back, 0) >= 0 &&
        send_front(b, &client, &reply) == 0)
      atomic_fetch_add(&b->stats->served, 1);
    zmq_msg_close(&client);
    zmq_msg_close(&reply);
  }
  drain_queue(b, NULL);
}

/* [client][request] from the frontend: to a free worker, else to the back
 * of the queue, else refused at once. Returns -1 when nothing was waiting. */
static int on_frontend(broker *b)
{
  zmq_msg_t client, frame;
  int rc = -1;
  zmq_msg_init(&client);
  zmq_msg_init(&frame);
  if (zmq_msg_recv(&client, b->front, ZMQ_DONTWAIT) < 0) goto out;
  rc = 0;
  if (zmq_msg_recv(&frame, b->front, 0) < 0) goto out;
  /* A request is exactly one frame (docs/architecture.md#d2-wire-protocol). Running the first part
   * of a longer message would answer something the client did not ask as
   * sent, so the whole message is drained and refused. */
  int parts = 1;
  for (int more = zmq_msg_more(&frame); more; parts++) {
    zmq_msg_t extra;
    zmq_msg_init(&extra);
    more = zmq_msg_recv(&extra, b->front, 0) >= 0 && zmq_msg_more(&extra);
    zmq_msg_close(&extra);
  }
  if (parts > 1) {
    refuse(b, &client, &frame, REFLECT__V1__CODE__INVALID_ARGUMENT, BROKER_PARTS_MESSAGE);
    goto out;
  }
  const char *user = zmq_msg_gets(&frame, "User-Id");
  if (!user || strlen(user) != 40) goto out; /* cannot happen with ZAP in place */
  if (b->n_ready > 0 && b->q.n == 0) {
    dispatch(b, &client, user, &frame);
    goto out;
  }
  if (broker_queue_push(&b->q, &client, user, &frame) == 0) {
    atomic_store(&b->stats->queued, b->q.n);
    if (b->q.n > atomic_load(&b->stats->queued_peak)) atomic_store(&b->stats->queued_peak, b->q.n);
    goto out;
  }
  refuse(b, &client, &frame, REFLECT__V1__CODE__UNAVAILABLE, BROKER_BUSY_MESSAGE);
  unsigned long long refused = atomic_fetch_add(&b->stats->refused_busy, 1) + 1;
  /* One line a second at most: a flood must not become a flood of logs. */
  int64_t now = now_ms();
  if (now - b->busy_logged_at >= 1000) {
    b->busy_logged_at = now;
    log_line(LOG_WARN, "event=busy queued=%d queue=%d queued_bytes=%zu refused_busy=%llu", b->q.n, b->q.cap, b->q.bytes,
             refused);
  }
out:
  zmq_msg_close(&client);
  zmq_msg_close(&frame);
  return rc;
}

/* Socket monitor events: [uint16 event][uint32 value] then the address. */
static void on_monitor(void *monitor, atomic_llong *count)
{
  zmq_msg_t ev, addr;
  zmq_msg_init(&ev);
  zmq_msg_init(&addr);
  if (zmq_msg_recv(&ev, monitor, ZMQ_DONTWAIT) >= 0 && zmq_msg_more(&ev) && zmq_msg_recv(&addr, monitor, 0) >= 0 &&
      zmq_msg_size(&ev) >= 2) {
    uint16_t event;
    memcpy(&event, zmq_msg_data(&ev), sizeof event);
    if (event == ZMQ_EVENT_ACCEPTED) {
      atomic_fetch_add(count, 1);
    } else if (event == ZMQ_EVENT_DISCONNECTED) {
      /* Never below zero, should an accept have been missed. */
      long long c = atomic_load(count);
      while (c > 0 && !atomic_compare_exchange_weak(count, &c, c - 1)) {}
    }
  }
  zmq_msg_close(&ev);
  zmq_msg_close(&addr);
}

/* [1|0][topic] from a subscriber, with its CURVE key as User-Id. In
 * manual mode nothing is applied unless we apply it, to the pipe the
 * message came from: a subscription only to a topic made for this very
 * key (topic.h); an unsubscription as asked. */
static void on_subscription(broker *b)
{
  for (int i = 0; i < FRONT_BATCH; i++) {
    zmq_msg_t m;
    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, b->pub, ZMQ_DONTWAIT) < 0) {
      zmq_msg_close(&m);
      return;
    }
    const uint8_t *d = zmq_msg_data(&m);
    size_t n = zmq_msg_size(&m);
    const char *user = zmq_msg_gets(&m, "User-Id");
    if (n >= 1 && d[0] == 0) {
      zmq_setsockopt(b->pub, ZMQ_UNSUBSCRIBE, d + 1, n - 1);
    } else if (n >= 1 && d[0] == 1 && user && strlen(user) == 40 && topic_valid(&b->topics, user, d + 1, n - 1)) {
      zmq_setsockopt(b->pub, ZMQ_SUBSCRIBE, d + 1, n - 1);
    } else {
      b->refused_subscriptions++;
      int64_t now = now_ms();
      if (now - b->refused_logged_at >= 1000) {
        b->refused_logged_at = now;
        log_line(LOG_WARN, "event=subscription_refused bytes=%zu refused=%lld", n, (long long)b->refused_subscriptions);
      }
    }
    zmq_msg_close(&m);
  }
}

/* [topic][sealed] from the relay threads, straight out on PUB. PUB never
 * blocks: at its high-water mark it drops, and the client catches up. */
static void on_relay(broker *b)
{
  for (int i = 0; i < FORWARD_BATCH; i++) {
    zmq_msg_t topic, body;
    zmq_msg_init(&topic);
    zmq_msg_init(&body);
    if (zmq_msg_recv(&topic, b->pull, ZMQ_DONTWAIT) < 0) {
      zmq_msg_close(&topic);
      zmq_msg_close(&body);
      return;
    }
    int whole = zmq_msg_more(&topic) && zmq_msg_recv(&body, b->pull, 0) >= 0 && !zmq_msg_more(&body);
    if (whole && zmq_msg_send(&topic, b->pub, ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0 &&
        zmq_msg_send(&body, b->pub, ZMQ_DONTWAIT) >= 0)
      b->published++;
    zmq_msg_close(&topic);
    zmq_msg_close(&body);
  }
}

/* The scheduler's clock: the main thread only posts the tick; a relay
 * thread does the work. */
static long tick_timeout(broker *b)
{
  int64_t now = now_ms();
  if (now >= b->next_tick) {
    relay_post_tick(b->relay, (int64_t)time(NULL));
    b->next_tick = now + b->tick_ms;
  }
  return (long)(b->next_tick - now);
}

/* The sockets that carry traffic (workers, the relay, the frontend, the
 * signal) are polled on every turn; the quiet ones (socket monitors and
 * the events socket's subscriptions) every COLD_POLL_MS while the server
 * is busy, and whenever it would wait anyway, so each busy turn polls as
 * few sockets as it must. */
#define COLD_POLL_MS 5

static int serve(broker *b, int sigfd)
{
  int stopping = 0;
  int64_t drain_deadline = 0, cold_at = 0;
  for (;;) {
    if (stopping && ((b->n_ready == b->n_fast && workers_slow_idle(b->pool)) || now_ms() > drain_deadline)) return 0;
    /* The frontend is always read (but when stopping): what no worker can
     * take now waits in our bounded queue or is refused at once, instead
     * of piling up in per-peer socket buffers that no limit covers. */
    enum { BACK, SIG, PULL, FRONT, MON, PUB_MON, PUB };
    zmq_pollitem_t items[7] = {
        [BACK] = {b->back, 0, ZMQ_POLLIN, 0},   [SIG] = {NULL, sigfd, ZMQ_POLLIN, 0},
        [PULL] = {b->pull, 0, ZMQ_POLLIN, 0},   [FRONT] = {b->front, 0, stopping ? 0 : ZMQ_POLLIN, 0},
        [MON] = {b->monitor, 0, ZMQ_POLLIN, 0}, [PUB_MON] = {b->pub_monitor, 0, ZMQ_POLLIN, 0},
        [PUB] = {b->pub, 0, ZMQ_POLLIN, 0},
    };
    long timeout = stopping ? 100 : tick_timeout(b);
    int64_t now = now_ms();
    int n = 0, all = now - cold_at >= COLD_POLL_MS;
    if (!all && (n = zmq_poll(items, MON, 0)) == 0) all = 1; /* the hot ones come first */
    if (all) {
      n = zmq_poll(items, 7, timeout);
      cold_at = now;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (items[SIG].revents & ZMQ_POLLIN) {
      struct signalfd_siginfo si;
      if (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si && !stopping) {
        log_line(LOG_INFO, "event=stopping signal=%u queued=%d", si.ssi_signo, b->q.n);
        stopping = 1;
        drain_deadline = now_ms() + BROKER_DRAIN_MS;
        drain_queue(b, BROKER_STOPPING_MESSAGE);
      }
    }
    if (items[BACK].revents & ZMQ_POLLIN) on_backend(b);
    if (items[PULL].revents & ZMQ_POLLIN) on_relay(b);
    if (all && (items[MON].revents & ZMQ_POLLIN)) on_monitor(b->monitor, &b->stats->clients);
    if (all && (items[PUB_MON].revents & ZMQ_POLLIN)) on_monitor(b->pub_monitor, &b->stats->subscribers);
    if (all && (items[PUB].revents & ZMQ_POLLIN)) on_subscription(b);
    if (!stopping && (items[FRONT].revents & ZMQ_POLLIN))
      for (int i = 0; i < FRONT_BATCH && on_frontend(b) == 0; i++) {}
  }
}

int broker_run(const broker_opts *o)
{
  broker b = {0};
  server_stats own_stats = {0};
  int rc = -1, sigfd = -1;
  b.stats = o->stats ? o->stats : &own_stats;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  b.n_fast = o->cfg->workers;
  if (sigfd < 0 || b.n_fast > MAX_WORKERS || broker_queue_init(&b.q, o->cfg->queue, BROKER_QUEUE_BYTES)) goto done;
  b.ctx = zmq_ctx_new();
  if (topic_key_derive(o->secret_key, &b.topics)) goto done;
  if (!b.ctx || zap_start(b.ctx, o->data_dir, o->cfg, b.stats, &b.zap)) {
    log_line(LOG_ERROR, "event=zap_failed error=\"%s\"", zmq_strerror(errno));
    goto done;
  }
  b.back = zmq_socket(b.ctx, ZMQ_ROUTER);
  int one = 1, zero = 0;
  if (!b.back || zmq_setsockopt(b.back, ZMQ_ROUTER_MANDATORY, &one, sizeof one) ||
      zmq_setsockopt(b.back, ZMQ_LINGER, &zero, sizeof zero) || zmq_bind(b.back, WORKER_BACKEND))
    goto done;
  /* The relay's PULL is bound before any relay thread connects to it. */
  b.pull = zmq_socket(b.ctx, ZMQ_PULL);
  int pull_hwm = 100000;
  if (!b.pull || zmq_setsockopt(b.pull, ZMQ_RCVHWM, &pull_hwm, sizeof pull_hwm) ||
      zmq_setsockopt(b.pull, ZMQ_LINGER, &zero, sizeof zero) || zmq_bind(b.pull, RELAY_ENDPOINT) ||
      relay_start(b.ctx, o->data_dir, o->cfg, o->keys, &b.relay)) {
    log_line(LOG_ERROR, "event=relay_failed error=\"%s\"", zmq_strerror(errno));
    goto done;
  }
  b.tick_ms = (int64_t)o->cfg->scheduler_s * 1000;
  b.next_tick = now_ms(); /* at once: what came due while we were down goes out now, late */
  if (workers_start(b.ctx, o->data_dir, o->cfg, o->keys, b.relay, &b.topics, &b.pool) ||
      await_workers(&b, o->cfg->workers + o->cfg->slow_workers)) {
    log_line(LOG_ERROR, "event=workers_failed");
    goto done;
  }
  if (curve_server_socket(&b, ZMQ_ROUTER, o->secret_key, o->cfg->listen, "requests") ||
      curve_server_socket(&b, ZMQ_XPUB, o->secret_key, o->cfg->publish, "events"))
    goto done;
  log_line(LOG_INFO, "event=ready workers=%d slow_workers=%d", o->cfg->workers, o->cfg->slow_workers);
  rc = serve(&b, sigfd);
done:
  if (b.q.ring && b.front) drain_queue(&b, BROKER_STOPPING_MESSAGE); /* empty unless serve failed */
  /* Stop the monitor before closing either end: an event libzmq is still
   * sending to a closed PAIR is never freed (a leak LSan saw at shutdown). */
  if (b.front && b.monitor) zmq_socket_monitor(b.front, NULL, 0);
  if (b.pub && b.pub_monitor) zmq_socket_monitor(b.pub, NULL, 0);
  if (b.monitor) zmq_close(b.monitor);
  if (b.pub_monitor) zmq_close(b.pub_monitor);
  if (b.front) zmq_close(b.front);
  if (b.pub) zmq_close(b.pub);
  if (b.ctx) zmq_ctx_shutdown(b.ctx);
  workers_stop(b.pool);
  relay_stop(b.relay);
  if (b.back) zmq_close(b.back);
  if (b.pull) zmq_close(b.pull);
  zap_stop(b.zap);
  if (b.ctx) zmq_ctx_term(b.ctx);
  if (sigfd >= 0) close(sigfd);
  broker_queue_free(&b.q);
  sodium_memzero(&b.topics, sizeof b.topics);
  log_line(rc ? LOG_ERROR : LOG_INFO,
           "event=stopped served=%llu refused_busy=%llu dropped=%llu queued_peak=%lld published=%llu",
           (unsigned long long)atomic_load(&b.stats->served), (unsigned long long)atomic_load(&b.stats->refused_busy),
           (unsigned long long)atomic_load(&b.stats->dropped), (long long)atomic_load(&b.stats->queued_peak),
           (unsigned long long)b.published);
  return rc;
}
