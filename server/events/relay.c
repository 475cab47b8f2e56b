#include "relay.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "db.h"
#include "log.h"
#include "retention.h"
#include "shred.h"
#include "scheduler.h"
#include "call.h"
#include "events.h"
#include "store_events.h"

/* Sealing yields to requests: a burst is work for the next second, a
 * request is someone waiting now. */
#define RELAY_NICE 5
#define RELAY_SEALED_MAX 4096
#define RELAY_PAD_BUCKET 256

enum { JOB_RANGE, JOB_TICK };

typedef struct {
  int kind;
  int64_t first, last, now;
} job;

typedef struct {
  relay *r;
  pthread_t thread;
  int started;
} relay_thread;

struct relay {
  void *ctx;
  const char *data_dir;
  const config *cfg;
  keystate *keys;
  relay_thread *t;
  int n;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  job *q; /* ring of RELAY_QUEUE_MAX */
  size_t head, count;
  int tick_pending, stopping;
  uint64_t dropped;
};

/* Called with the lock held. */
static int push_job(relay *r, job j)
{
  if (r->count == RELAY_QUEUE_MAX) return -1;
  r->q[(r->head + r->count) % RELAY_QUEUE_MAX] = j;
  r->count++;
  return 0;
}

void relay_post_range(relay *r, int64_t first, int64_t last)
{
  if (!r || first <= 0 || last < first) return;
  int64_t lost_from = 0;
  pthread_mutex_lock(&r->lock);
  for (int64_t s = first; s <= last; s += RELAY_CHUNK) {
    job j = {JOB_RANGE, s, s + RELAY_CHUNK - 1 < last ? s + RELAY_CHUNK - 1 : last, 0};
    if (push_job(r, j)) {
      lost_from = s;
      r->dropped++;
      break;
    }
  }
  pthread_cond_broadcast(&r->cond);
  pthread_mutex_unlock(&r->lock);
  if (lost_from)
    log_line(LOG_WARN, "event=events_not_published first=%lld last=%lld reason=queue_full", (long long)lost_from,
             (long long)last);
}

void relay_post_tick(relay *r, int64_t now)
{
  if (!r) return;
  pthread_mutex_lock(&r->lock);
  if (!r->tick_pending && push_job(r, (job){JOB_TICK, 0, 0, now}) == 0) {
    r->tick_pending = 1;
    pthread_cond_signal(&r->cond);
  }
  pthread_mutex_unlock(&r->lock);
}

static int pop_job(relay *r, job *out)
{
  pthread_mutex_lock(&r->lock);
  while (!r->count && !r->stopping) pthread_cond_wait(&r->cond, &r->lock);
  int got = !r->stopping;
  if (got) {
    *out = r->q[r->head];
    r->head = (r->head + 1) % RELAY_QUEUE_MAX;
    r->count--;
  }
  pthread_mutex_unlock(&r->lock);
  return got;
}

static int64_t now_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

typedef struct {
  relay *r;
  db *db;
  keyring ring;
  void *push;
} worker_state;

/* One frame pair per live device of the recipient. A device key that does
 * not decode is skipped: it came from the ZAP handler, so it cannot happen. */
static void send_sealed(worker_state *w, const event_device *dev, const uint8_t *plain, size_t len)
{
  uint8_t pk[32], sealed[RELAY_SEALED_MAX];
  if (len + crypto_box_SEALBYTES > sizeof sealed || !zmq_z85_decode(pk, dev->device)) return;
  if (crypto_box_seal(sealed, plain, len, pk) != 0) return;
  if (zmq_send(w->push, dev->topic, EVENT_TOPIC_BYTES, ZMQ_SNDMORE) < 0) return;
  zmq_send(w->push, sealed, len + crypto_box_SEALBYTES, 0);
}

/* Pads a packed event up to a multiple of RELAY_PAD_BUCKET bytes, so the
 * size of a sealed frame does not give away the length of a name or a
 * room to someone watching the PUB socket. The pad field's own header (a
 * two-byte tag and a varint length) grows by a byte when the padding
 * reaches 128 bytes, so a size one byte short of a step boundary cannot
 * be reached: the event then pads to the next step instead. */
static void pad_event(Reflect__V1__Event *ev, arena *a)
{
  ev->pad.len = 0;
  ev->pad.data = NULL;
  size_t len = protobuf_c_message_get_packed_size(&ev->base);
  for (size_t want = (len + 3 + RELAY_PAD_BUCKET - 1) / RELAY_PAD_BUCKET * RELAY_PAD_BUCKET;;
       want += RELAY_PAD_BUCKET) {
    for (size_t header = 3; header <= 4; header++) {
      if (want < len + header) continue;
      uint8_t *zeros = arena_alloc(a, want - len - header + 1);
      if (!zeros) return;
      ev->pad.data = zeros;
      ev->pad.len = want - len - header;
      if (protobuf_c_message_get_packed_size(&ev->base) == want) return;
    }
  }
}

static void publish_range(worker_state *w, int64_t first, int64_t last)
{
  relay *r = w->r;
  arena a = {0};
  event_row rows[RELAY_CHUNK];
  size_t n = 0;
  int64_t now = (int64_t)time(NULL);
  const vault *v = keystate_acquire(r->keys);
  if (!v) return; /* sealed: nothing can have been written, the outbox keeps it */
  int txn = db_begin_read(w->db) == SQLITE_OK;
  int rc = store_events_range(w->db, v, &w->ring, &a, first, last, rows, RELAY_CHUNK, &n);
  /* A chunk often holds one person's events in a row (a burst of their
   * reminders): look their devices up once. */
  event_device devs[EVENT_DEVICES_MAX];
  size_t n_devs = 0;
  int64_t devs_of = 0;
  for (size_t i = 0; rc == RC_OK && i < n; i++) {
    Reflect__V1__Event *ev = events_decode(&a, &rows[i]);
    if (!ev) continue; /* left out, as the store leaves out a row that does not open */
    if (rows[i].user_id != devs_of) {
      devs_of = rows[i].user_id;
      if (store_events_devices(w->db, devs_of, now, r->cfg->token_idle_s, devs, EVENT_DEVICES_MAX, &n_devs)) n_devs = 0;
    }
    if (!n_devs) continue;
    ev->sent_us = now_us();
    pad_event(ev, &a);
    size_t len = protobuf_c_message_get_packed_size(&ev->base);
    uint8_t *plain = arena_alloc(&a, len + 1);
    if (!plain) break;
    protobuf_c_message_pack(&ev->base, plain);
    for (size_t k = 0; k < n_devs; k++) send_sealed(w, &devs[k], plain, len);
  }
  if (txn) db_end_read(w->db);
  keystate_release(r->keys);
  if (rc)
    log_line(LOG_ERROR, "event=events_read_failed first=%lld last=%lld code=%d", (long long)first, (long long)last, rc);
  arena_reset(&a);
}

static rcode tick_tx(call *c, void *arg)
{
  (void)arg;
  return scheduler_tick(c);
}

static rcode retention_tx(call *c, void *arg)
{
  return shred_run(c, arg);
}

static void run_tick(worker_state *w, int64_t posted_at)
{
  relay *r = w->r;
  Reflect__V1__Status status = REFLECT__V1__STATUS__INIT;
  Reflect__V1__Reply rep = REFLECT__V1__REPLY__INIT;
  rep.status = &status;
  principal nobody = {0};
  arena a = {0};
  const vault *v = keystate_acquire(r->keys);
  if (!v) { /* sealed: the scheduler waits for the keys */
    pthread_mutex_lock(&r->lock);
    r->tick_pending = 0;
    pthread_mutex_unlock(&r->lock);
    return;
  }
  svc s = {.db = w->db, .vault = v, .cfg = r->cfg, .ring = &w->ring, .relay = r};
  /* The time the tick ran, not when it was asked for: a queue behind a
   * burst must not make reminders look early. */
  int64_t now = (int64_t)time(NULL);
  call c = {.s = &s, .who = &nobody, .a = &a, .ring = &w->ring, .rep = &rep, .now = now > posted_at ? now : posted_at};
  rcode rc = call_write(&c, "run the scheduler", tick_tx, NULL);
  if (rc) log_line(LOG_ERROR, "event=scheduler_failed code=%d message=\"%s\"", rc, status.message);
  /* Retention in its own transaction: a failure there must not cost the
   * reminders, and is left to the next tick. */
  int64_t shredded = 0;
  rcode rrc = call_write(&c, "apply retention", retention_tx, &shredded);
  keystate_release(r->keys);
  if (rrc) log_line(LOG_ERROR, "event=retention_failed code=%d message=\"%s\"", rrc, status.message);
  if (!rrc && shredded) {
    keyring_forget_all(); /* after the commit too; the next run forgets once more */
    shred_checkpoint(w->db);
  }
  if (c.events_last) relay_post_range(r, c.events_first, c.events_last);
  arena_reset(&a);
  pthread_mutex_lock(&r->lock);
  r->tick_pending = 0;
  pthread_mutex_unlock(&r->lock);
}

static void *run(void *arg)
{
  relay_thread *t = arg;
  relay *r = t->r;
  worker_state w = {.r = r};
  char err[512];
  setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), RELAY_NICE);
  if (db_open(r->data_dir, DB_OPEN, r->cfg->synchronous_full, &w.db, err, sizeof err)) {
    log_line(LOG_ERROR, "event=relay_db_failed error=\"%s\"", err);
    return NULL;
  }
  w.push = zmq_socket(r->ctx, ZMQ_PUSH);
  int hwm = 100000, linger = 0;
  if (!w.push || zmq_setsockopt(w.push, ZMQ_SNDHWM, &hwm, sizeof hwm) ||
      zmq_setsockopt(w.push, ZMQ_LINGER, &linger, sizeof linger) || zmq_connect(w.push, RELAY_ENDPOINT)) {
    log_line(LOG_ERROR, "event=relay_socket_failed error=\"%s\"", zmq_strerror(errno));
    if (w.push) zmq_close(w.push);
    db_close(w.db);
    return NULL;
  }
  job j;
  while (pop_job(r, &j)) {
    if (j.kind == JOB_TICK) run_tick(&w, j.now);
    else publish_range(&w, j.first, j.last);
    db_settle_after(w.db, j.kind == JOB_TICK ? "scheduler" : "relay", -1);
  }
  keyring_clear(&w.ring);
  zmq_close(w.push);
  db_close(w.db);
  return NULL;
}

int relay_start(void *ctx, const char *data_dir, const config *cfg, keystate *ks, relay **out)
{
  relay *r = calloc(1, sizeof *r);
  *out = r;
  if (!r) return -1;
  r->ctx = ctx;
  r->data_dir = data_dir;
  r->cfg = cfg;
  r->keys = ks;
  r->n = cfg->event_threads;
  r->t = calloc((size_t)r->n, sizeof *r->t);
  r->q = calloc(RELAY_QUEUE_MAX, sizeof *r->q);
  pthread_mutex_init(&r->lock, NULL);
  pthread_cond_init(&r->cond, NULL);
  if (!r->t || !r->q) return -1;
  for (int i = 0; i < r->n; i++) {
    r->t[i].r = r;
    if (pthread_create(&r->t[i].thread, NULL, run, &r->t[i])) return -1;
    r->t[i].started = 1;
  }
  return 0;
}

void relay_stop(relay *r)
{
  if (!r) return;
  pthread_mutex_lock(&r->lock);
  r->stopping = 1;
  pthread_cond_broadcast(&r->cond);
  pthread_mutex_unlock(&r->lock);
  for (int i = 0; r->t && i < r->n; i++)
    if (r->t[i].started) pthread_join(r->t[i].thread, NULL);
  if (r->dropped) log_line(LOG_WARN, "event=relay_stopped dropped_ranges=%llu", (unsigned long long)r->dropped);
  pthread_mutex_destroy(&r->lock);
  pthread_cond_destroy(&r->cond);
  free(r->q);
  free(r->t);
  free(r);
}
