/* The events phase's subscribers; see bench_events_subs.h. */
#include "bench_events_subs.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "bench_loop.h"

#define MON_EVENTS                                                                                         \
  (ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | \
   ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
#define FRAME_BODY_MAX (64 * 1024) /* as libreflect's CLIENT_EVENTS_FRAME_MAX */
#define WAIT_MS 100

struct bench_subs {
  void *ctx;
  void **socks;
  int n;
  int epfd;
  pthread_t thread;
  int running;
  atomic_int stop;
  atomic_uint_fast64_t received;
  atomic_int_fast64_t last_us;
  bench_frame *frames;
  size_t n_frames;
  uint64_t dropped;
};

int64_t bench_realtime_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void *make_sub(bench_subs *s, const char *server_key, const bench_ev_user *u)
{
  void *sock = zmq_socket(s->ctx, ZMQ_SUB);
  int zero = 0;
  int64_t max = FRAME_BODY_MAX;
  if (!sock) return NULL;
  if (zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof zero) || zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &max, sizeof max) ||
      zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, server_key, 40) ||
      zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, u->pub, 40) || zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, u->sec, 40) ||
      zmq_setsockopt(sock, ZMQ_SUBSCRIBE, u->topic, sizeof u->topic)) {
    zmq_close(sock);
    return NULL;
  }
  return sock;
}

/* Reads one monitor event: 1 = handshake done, 0 = something else, -1 =
 * the handshake was refused. */
static int monitor_event(void *mon)
{
  zmq_msg_t head, addr;
  zmq_msg_init(&head);
  zmq_msg_init(&addr);
  int rc = 0;
  if (zmq_msg_recv(&head, mon, ZMQ_DONTWAIT) >= 0 && zmq_msg_size(&head) >= 6) {
    uint16_t ev;
    memcpy(&ev, zmq_msg_data(&head), sizeof ev);
    if (zmq_msg_more(&head)) zmq_msg_recv(&addr, mon, 0);
    rc = ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED ? 1 : (ev & MON_EVENTS) ? -1 : 0;
  }
  zmq_msg_close(&head);
  zmq_msg_close(&addr);
  return rc;
}

/* Monitors every socket from before its connect, and waits for all. */
static int connect_all(bench_subs *s, const char *endpoint, int timeout_ms)
{
  void **mons = calloc((size_t)s->n, sizeof *mons);
  zmq_pollitem_t *items = calloc((size_t)s->n, sizeof *items);
  int *who = calloc((size_t)s->n, sizeof *who);
  int rc = -1, pending = 0;
  if (!mons || !items || !who) goto out;
  for (int i = 0; i < s->n; i++) {
    char name[64];
    snprintf(name, sizeof name, "inproc://bench-sub-monitor-%d", i);
    if (zmq_socket_monitor(s->socks[i], name, MON_EVENTS) || !(mons[i] = zmq_socket(s->ctx, ZMQ_PAIR)) ||
        zmq_connect(mons[i], name) || zmq_connect(s->socks[i], endpoint)) {
      fprintf(stderr, "bench: subscriber %d: %s\n", i, zmq_strerror(errno));
      goto out;
    }
  }
  int64_t deadline = bench_now_ns() + (int64_t)timeout_ms * 1000000;
  for (int i = 0; i < s->n; i++) who[pending++] = i;
  while (pending > 0) {
    if (bench_now_ns() > deadline) {
      fprintf(stderr, "bench: %d of %d subscribers had no CURVE handshake after %d ms\n", pending, s->n, timeout_ms);
      goto out;
    }
    for (int k = 0; k < pending; k++) items[k] = (zmq_pollitem_t){mons[who[k]], 0, ZMQ_POLLIN, 0};
    if (zmq_poll(items, pending, 100) < 0 && errno != EINTR) goto out;
    int kept = 0;
    for (int k = 0; k < pending; k++) {
      int done = 0;
      while (!done && (items[k].revents & ZMQ_POLLIN)) {
        int ev = monitor_event(mons[who[k]]);
        if (ev < 0) {
          fprintf(stderr, "bench: subscriber %d: the server refused its CURVE handshake\n", who[k]);
          goto out;
        }
        if (ev == 0) break;
        done = 1;
      }
      if (!done) who[kept++] = who[k];
    }
    pending = kept;
  }
  rc = 0;
out:
  for (int i = 0; mons && i < s->n; i++) {
    zmq_socket_monitor(s->socks[i], NULL, 0);
    if (mons[i]) zmq_close(mons[i]);
  }
  free(mons);
  free(items);
  free(who);
  return rc;
}

int bench_subs_open(const char *endpoint, const char *server_key, const bench_ev_user *users, int n, int timeout_ms,
                    bench_subs **out)
{
  bench_subs *s = calloc(1, sizeof *s);
  *out = NULL;
  if (!s) return -1;
  s->epfd = -1;
  s->n = n;
  s->socks = calloc((size_t)n, sizeof *s->socks);
  s->frames = calloc(BENCH_SUBS_FRAMES_MAX, sizeof *s->frames);
  s->ctx = zmq_ctx_new();
  /* A subscriber, its monitor and the monitor's reader: three sockets
   * each. The I/O threads do the CURVE decryption of every frame. */
  if (!s->socks || !s->frames || !s->ctx || zmq_ctx_set(s->ctx, ZMQ_MAX_SOCKETS, 3 * n + 64) ||
      zmq_ctx_set(s->ctx, ZMQ_IO_THREADS, 2))
    goto fail;
  for (int i = 0; i < n; i++)
    if (!(s->socks[i] = make_sub(s, server_key, &users[i]))) {
      fprintf(stderr, "bench: subscriber %d: %s\n", i, zmq_strerror(errno));
      goto fail;
    }
  if (connect_all(s, endpoint, timeout_ms)) goto fail;
  *out = s;
  return 0;
fail:
  bench_subs_close(s);
  return -1;
}

static void discard_rest(void *sock)
{
  int more = 1;
  while (more) {
    zmq_msg_t m;
    zmq_msg_init(&m);
    more = zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) >= 0 && zmq_msg_more(&m);
    zmq_msg_close(&m);
  }
}

/* Everything queued on subscriber i, each frame stamped on arrival. */
static void drain(bench_subs *s, int i)
{
  for (;;) {
    zmq_msg_t topic, body;
    zmq_msg_init(&topic);
    if (zmq_msg_recv(&topic, s->socks[i], ZMQ_DONTWAIT) < 0) {
      zmq_msg_close(&topic);
      return;
    }
    zmq_msg_init(&body);
    /* The parts of a message arrive together: no wait for the second. */
    int whole = zmq_msg_more(&topic) && zmq_msg_recv(&body, s->socks[i], ZMQ_DONTWAIT) >= 0;
    int64_t t = bench_realtime_us();
    if (whole && zmq_msg_more(&body)) {
      whole = 0; /* never from reflectd: discard the rest of it */
      discard_rest(s->socks[i]);
    }
    if (whole && zmq_msg_size(&topic) == BENCH_EV_TOPIC_BYTES && s->n_frames < BENCH_SUBS_FRAMES_MAX) {
      bench_frame *f = &s->frames[s->n_frames];
      f->len = zmq_msg_size(&body);
      f->body = malloc(f->len ? f->len : 1);
      if (f->body) {
        memcpy(f->body, zmq_msg_data(&body), f->len);
        f->sub = i;
        f->recv_us = t;
        s->n_frames++;
      } else {
        s->dropped++;
      }
    } else {
      s->dropped++;
    }
    atomic_fetch_add_explicit(&s->received, 1, memory_order_relaxed);
    atomic_store_explicit(&s->last_us, t, memory_order_relaxed);
    zmq_msg_close(&topic);
    zmq_msg_close(&body);
  }
}

/* ZMQ_FD is readable when the socket has commands to process; a DONTWAIT
 * receive processes them, so draining until EAGAIN re-arms it. Every
 * timeout also sweeps all sockets, in case a wake-up was folded away. */
static void *receive(void *arg)
{
  bench_subs *s = arg;
  struct epoll_event evs[256];
  while (!atomic_load(&s->stop)) {
    int k = epoll_wait(s->epfd, evs, 256, WAIT_MS);
    if (k < 0 && errno != EINTR) break;
    if (k == 0)
      for (int i = 0; i < s->n; i++) drain(s, i);
    for (int j = 0; j < k; j++) drain(s, (int)evs[j].data.u32);
  }
  for (int i = 0; i < s->n; i++) drain(s, i);
  return NULL;
}

int bench_subs_start(bench_subs *s)
{
  s->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (s->epfd < 0) return -1;
  for (int i = 0; i < s->n; i++) {
    int fd;
    size_t len = sizeof fd;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    if (zmq_getsockopt(s->socks[i], ZMQ_FD, &fd, &len) || epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev)) return -1;
  }
  /* pthread_create is the memory barrier that lets the sockets move. */
  if (pthread_create(&s->thread, NULL, receive, s)) return -1;
  s->running = 1;
  return 0;
}

uint64_t bench_subs_received(const bench_subs *s)
{
  return atomic_load_explicit(&s->received, memory_order_relaxed);
}

int64_t bench_subs_last_us(const bench_subs *s)
{
  return atomic_load_explicit(&s->last_us, memory_order_relaxed);
}

void bench_subs_stop(bench_subs *s)
{
  if (!s || !s->running) return;
  atomic_store(&s->stop, 1);
  pthread_join(s->thread, NULL);
  s->running = 0;
}

const bench_frame *bench_subs_frames(const bench_subs *s, size_t *n, uint64_t *dropped)
{
  *n = s->n_frames;
  *dropped = s->dropped;
  return s->frames;
}

void bench_subs_close(bench_subs *s)
{
  if (!s) return;
  bench_subs_stop(s);
  for (int i = 0; s->socks && i < s->n; i++)
    if (s->socks[i]) zmq_close(s->socks[i]);
  if (s->ctx) zmq_ctx_term(s->ctx);
  if (s->epfd >= 0) close(s->epfd);
  for (size_t i = 0; s->frames && i < s->n_frames; i++) free(s->frames[i].body);
  free(s->frames);
  free(s->socks);
  free(s);
}
