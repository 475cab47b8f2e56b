#include "broker.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "log.h"
#include "relay.h"
#include "wire.h"
#include "worker.h"
#include "zap.h"

#define HWM 1000
#define MAX_WORKERS 128

/* Frames forwarded from the relay to PUB per poll round, so a burst of
 * events cannot starve requests. */
#define FORWARD_BATCH 256
/* The PUB queue per subscriber: a burst of one person's reminders fits;
 * beyond it PUB drops and the client catches up. Kept small because any
 * CURVE client may subscribe, and each queue is server memory. */
#define PUB_HWM 2000

typedef struct {
  void *ctx, *front, *back, *pub, *pull;
  zap *zap;
  workers *pool;
  relay *relay;
  int64_t next_tick, tick_ms;
  int ready[MAX_WORKERS];   /* FIFO of free fast workers */
  int n_ready, n_fast;
  uint64_t served, dropped, published;
} broker;

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int curve_server_socket(broker *b, int type, const char *secret, const char *endpoint,
                               const char *what)
{
  void *s = zmq_socket(b->ctx, type);
  int one = 1, hwm = type == ZMQ_PUB ? PUB_HWM : HWM, linger = 0;
  int64_t max = WIRE_MAX_FRAME;
  if (!s) return -1;
  if (type == ZMQ_ROUTER) b->front = s; else b->pub = s;
  if (zmq_setsockopt(s, ZMQ_CURVE_SERVER, &one, sizeof one) ||
      zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, secret, 40) ||
      zmq_setsockopt(s, ZMQ_ZAP_DOMAIN, "reflect", 7) ||
      zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max, sizeof max) ||
      zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm) ||
      zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm) ||
      zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger) ||
      (type == ZMQ_ROUTER && zmq_setsockopt(s, ZMQ_ROUTER_MANDATORY, &one, sizeof one))) {
    log_line(LOG_ERROR, "event=socket_failed socket=%s error=\"%s\"", what, zmq_strerror(errno));
    return -1;
  }
  if (zmq_bind(s, endpoint)) {
    log_line(LOG_ERROR, "event=bind_failed socket=%s endpoint=%s error=\"%s\"", what, endpoint,
             zmq_strerror(errno));
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
  if (!more) return;
  zmq_msg_t client, reply;
  zmq_msg_init(&client);
  zmq_msg_init(&reply);
  if (zmq_msg_recv(&client, b->back, 0) >= 0 && zmq_msg_recv(&reply, b->back, 0) >= 0) {
    /* ROUTER_MANDATORY: a vanished client is EHOSTUNREACH, a slow one EAGAIN.
     * Either way the reply is dropped; the client's own timeout recovers. */
    if (zmq_msg_send(&client, b->front, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
        zmq_msg_send(&reply, b->front, ZMQ_DONTWAIT) < 0)
      b->dropped++;
    else
      b->served++;
  }
  zmq_msg_close(&client);
  zmq_msg_close(&reply);
}

/* [client][request] from the frontend, to the longest-idle worker. */
static void on_frontend(broker *b)
{
  zmq_msg_t client, frame;
  zmq_msg_init(&client);
  zmq_msg_init(&frame);
  if (zmq_msg_recv(&client, b->front, 0) < 0 || zmq_msg_recv(&frame, b->front, 0) < 0) goto out;
  /* A request is exactly one frame; drain and ignore anything beyond it. */
  while (zmq_msg_more(&frame)) {
    zmq_msg_t extra;
    zmq_msg_init(&extra);
    int rc = zmq_msg_recv(&extra, b->front, 0);
    int more = rc >= 0 && zmq_msg_more(&extra);
    zmq_msg_close(&extra);
    if (!more) break;
  }
  const char *user = zmq_msg_gets(&frame, "User-Id");
  if (!user || strlen(user) != 40) goto out; /* cannot happen with ZAP in place */
  char wid[16];
  int n = snprintf(wid, sizeof wid, "f%d", b->ready[0]);
  b->n_ready--;
  memmove(&b->ready[0], &b->ready[1], sizeof b->ready[0] * (size_t)b->n_ready);
  zmq_send(b->back, wid, (size_t)n, ZMQ_SNDMORE);
  zmq_msg_send(&client, b->back, ZMQ_SNDMORE);
  zmq_send(b->back, user, 40, ZMQ_SNDMORE);
  zmq_msg_send(&frame, b->back, 0);
out:
  zmq_msg_close(&client);
  zmq_msg_close(&frame);
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

static int serve(broker *b, int sigfd)
{
  int stopping = 0;
  int64_t drain_deadline = 0;
  for (;;) {
    if (stopping && ((b->n_ready == b->n_fast && workers_slow_idle(b->pool)) || now_ms() > drain_deadline))
      return 0;
    zmq_pollitem_t items[4] = {
        {b->back, 0, ZMQ_POLLIN, 0},
        {NULL, sigfd, ZMQ_POLLIN, 0},
        {b->pull, 0, ZMQ_POLLIN, 0},
        {b->front, 0, ZMQ_POLLIN, 0},
    };
    /* Take a request only when a worker is free: the excess stays queued in
     * bounded socket buffers instead of in our memory. */
    int n_items = (!stopping && b->n_ready > 0) ? 4 : 3;
    long timeout = stopping ? 100 : tick_timeout(b);
    if (zmq_poll(items, n_items, timeout) < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (items[1].revents & ZMQ_POLLIN) {
      struct signalfd_siginfo si;
      if (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si && !stopping) {
        log_line(LOG_INFO, "event=stopping signal=%u", si.ssi_signo);
        stopping = 1;
        drain_deadline = now_ms() + BROKER_DRAIN_MS;
      }
    }
    if (items[0].revents & ZMQ_POLLIN) on_backend(b);
    if (items[2].revents & ZMQ_POLLIN) on_relay(b);
    if (n_items == 4 && (items[3].revents & ZMQ_POLLIN) && b->n_ready > 0) on_frontend(b);
  }
}

int broker_run(const broker_opts *o)
{
  broker b = {0};
  int rc = -1, sigfd = -1;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  b.n_fast = o->cfg->workers;
  if (sigfd < 0 || b.n_fast > MAX_WORKERS) goto done;
  b.ctx = zmq_ctx_new();
  if (!b.ctx || zap_start(b.ctx, &b.zap)) {
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
  if (workers_start(b.ctx, o->data_dir, o->cfg, o->keys, b.relay, &b.pool) ||
      await_workers(&b, o->cfg->workers + o->cfg->slow_workers)) {
    log_line(LOG_ERROR, "event=workers_failed");
    goto done;
  }
  if (curve_server_socket(&b, ZMQ_ROUTER, o->secret_key, o->cfg->listen, "requests") ||
      curve_server_socket(&b, ZMQ_PUB, o->secret_key, o->cfg->publish, "events"))
    goto done;
  log_line(LOG_INFO, "event=ready workers=%d slow_workers=%d", o->cfg->workers, o->cfg->slow_workers);
  rc = serve(&b, sigfd);
done:
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
  log_line(rc ? LOG_ERROR : LOG_INFO, "event=stopped served=%llu dropped=%llu published=%llu",
           (unsigned long long)b.served, (unsigned long long)b.dropped, (unsigned long long)b.published);
  return rc;
}
