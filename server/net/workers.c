#include "workers.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <zmq.h>

#include "db.h"
#include "auth_cache.h"
#include "dispatch.h"
#include "log.h"
#include "wire.h"

#define CLIENT_ID_MAX 256
/* Password hashing (Argon2id, ~64 MiB and tens of ms of CPU each) runs
 * below the request workers' priority: under a password-guessing attack
 * the guesses that get past the throttle must not take the CPU from people
 * at work. A genuine login waits a little longer; nothing else does. */
#define SLOW_NICE 10

typedef struct job {
  struct job *next;
  int64_t owner; /* whose password work (ops_auth_slow_lane); 0: a stranger's */
  size_t client_len, len;
  uint8_t client[CLIENT_ID_MAX];
  char device[DEVICE_Z85_LEN + 1];
  uint8_t frame[];
} job;

typedef struct {
  workers *pool;
  pthread_t thread;
  int index, slow, started;
  int64_t running_owner; /* a slow worker's job's owner while it runs (under the pool lock) */
} worker;

/* The slow workers' two lanes: logins from devices their account has
 * used (and requests of people logged in) go first; strangers' logins
 * wait, each lane bounded by slow_queue. With more than one slow worker,
 * one is a reserve: as many hashes as the others run at once (so a
 * morning's logins leave the rest of the machine as much CPU and memory
 * as before), and the reserve takes a familiar job only while a
 * stranger's hash runs, so a flood of guesses never stands between a
 * person and their own device's login. No one person may have more than
 * SLOW_PER_OWNER requests waiting or running, so nobody logged in can
 * fill the familiar lane either. */
#define SLOW_PER_OWNER 2
enum { LANE_FAMILIAR, LANE_STRANGER, LANES };

typedef struct {
  job *head, *tail;
  int queued, busy;
} lane;

struct workers {
  void *ctx;
  const char *data_dir;
  const config *cfg;
  keystate *keys;
  relay *relay;
  const topic_key *topics;
  worker *w;
  int n;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  lane lanes[LANES];
  int n_slow; /* slow workers */
  int normal; /* hashes at once, the reserve aside: slow_workers - 1, at least 1 */
  int stopping;
};

/* Jobs hold passwords; replies hold decrypted records. Wipe both. */
static void free_job(job *j)
{
  sodium_memzero(j, sizeof *j + j->len);
  free(j);
}

static void free_reply(uint8_t *out, size_t len)
{
  if (!out) return;
  sodium_memzero(out, len);
  free(out);
}

/* Called with the lock held. */
static int owner_share(const workers *p, int64_t owner)
{
  int n = 0;
  for (int i = 0; i < LANES; i++)
    for (const job *j = p->lanes[i].head; j; j = j->next) n += j->owner == owner;
  for (int i = 0; i < p->n; i++) n += p->w[i].slow && p->w[i].running_owner == owner;
  return n;
}

/* 0 queued; 1 the lane is full; 2 this person already has their share. */
static int slow_push(workers *p, int which, int64_t owner, const zmq_msg_t *client, const char *device,
                     const zmq_msg_t *frame)
{
  if (zmq_msg_size(client) > CLIENT_ID_MAX) return -1;
  job *j = malloc(sizeof *j + zmq_msg_size(frame));
  if (!j) return -1;
  j->next = NULL;
  j->owner = owner;
  j->client_len = zmq_msg_size(client);
  memcpy(j->client, zmq_msg_data((zmq_msg_t *)client), j->client_len);
  snprintf(j->device, sizeof j->device, "%s", device);
  j->len = zmq_msg_size(frame);
  memcpy(j->frame, zmq_msg_data((zmq_msg_t *)frame), j->len);
  pthread_mutex_lock(&p->lock);
  lane *l = &p->lanes[which];
  int full = l->queued >= p->cfg->slow_queue || p->stopping;
  if (!full && owner && owner_share(p, owner) >= SLOW_PER_OWNER) full = 2;
  if (!full) {
    if (l->tail) l->tail->next = j;
    else l->head = j;
    l->tail = j;
    l->queued++;
    pthread_cond_broadcast(&p->cond);
  }
  pthread_mutex_unlock(&p->lock);
  if (full) free_job(j);
  return full;
}

/* The lane a free slow worker serves next, or -1: familiar first. */
static int next_lane(const workers *p)
{
  int busy = p->lanes[LANE_FAMILIAR].busy + p->lanes[LANE_STRANGER].busy;
  int reserve = busy < p->n_slow && p->lanes[LANE_STRANGER].busy > 0;
  if (p->lanes[LANE_FAMILIAR].head && (busy < p->normal || reserve)) return LANE_FAMILIAR;
  if (p->lanes[LANE_STRANGER].head && busy < p->normal) return LANE_STRANGER;
  return -1;
}

static job *slow_pop(workers *p, worker *w, int *which)
{
  pthread_mutex_lock(&p->lock);
  while ((*which = next_lane(p)) < 0 && !p->stopping) pthread_cond_wait(&p->cond, &p->lock);
  /* Once stopping, queued logins are dropped: their clients get no reply
   * and retry; shutdown must not wait for a queue of Argon2 hashes. */
  job *j = NULL;
  if (!p->stopping) {
    lane *l = &p->lanes[*which];
    j = l->head;
    l->head = j->next;
    if (!l->head) l->tail = NULL;
    l->queued--;
    l->busy++;
    w->running_owner = j->owner;
  }
  pthread_mutex_unlock(&p->lock);
  return j;
}

static void slow_done(workers *p, worker *w, int which)
{
  pthread_mutex_lock(&p->lock);
  p->lanes[which].busy--;
  w->running_owner = 0;
  /* A stranger's place may have come free for a worker waiting on it. */
  pthread_cond_broadcast(&p->cond);
  pthread_mutex_unlock(&p->lock);
}

int workers_slow_idle(workers *p)
{
  pthread_mutex_lock(&p->lock);
  int idle = 1;
  for (int i = 0; i < LANES; i++) idle = idle && !p->lanes[i].head && p->lanes[i].busy == 0;
  pthread_mutex_unlock(&p->lock);
  return idle;
}

/* [kind] or [kind][client][reply] to the broker. */
static void send_back(void *sock, const char *kind, const void *client, size_t client_len, uint8_t *reply,
                      size_t reply_len)
{
  if (!reply) {
    zmq_send(sock, kind, 1, 0);
    return;
  }
  zmq_send(sock, kind, 1, ZMQ_SNDMORE);
  zmq_send(sock, client, client_len, ZMQ_SNDMORE);
  zmq_send(sock, reply, reply_len, 0);
}

/* An UNAVAILABLE reply to a request we will not run, with its id if
 * readable: the lane is full, or (share) this person already has
 * SLOW_PER_OWNER waiting. */
static void refuse_busy(const uint8_t *frame, size_t len, int share, uint8_t **out, size_t *out_len)
{
  Reflect__V1__Status st = REFLECT__V1__STATUS__INIT;
  Reflect__V1__Reply rep = REFLECT__V1__REPLY__INIT;
  st.code = REFLECT__V1__CODE__UNAVAILABLE;
  st.message = share ? (char *)"you already have password checks waiting; try again when they are done"
                     : (char *)"the server is busy with other logins; try again shortly";
  rep.status = &st;
  Reflect__V1__Request *req;
  if (wire_decode_request(frame, len, &req, NULL) == WIRE_OK) {
    rep.id = req->id;
    wire_free_request(req);
  }
  if (wire_encode(&rep.base, out, out_len) != WIRE_OK) *out = NULL;
}

static void *connect_backend(worker *w, db **d)
{
  workers *p = w->pool;
  char err[512];
  void *sock = zmq_socket(p->ctx, ZMQ_DEALER);
  char id[16];
  int n = snprintf(id, sizeof id, "%c%d", w->slow ? 's' : 'f', w->index);
  int linger = 0;
  if (!sock) return NULL;
  zmq_setsockopt(sock, ZMQ_ROUTING_ID, id, (size_t)n);
  zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
  if (zmq_connect(sock, WORKER_BACKEND)) {
    zmq_close(sock);
    return NULL;
  }
  if (db_open(p->data_dir, DB_OPEN, p->cfg->synchronous_full, d, err, sizeof err)) {
    log_line(LOG_ERROR, "event=worker_db_failed error=\"%s\"", err);
    zmq_send(sock, "E", 1, 0);
    zmq_close(sock);
    return NULL;
  }
  return sock;
}

static void *run_fast(void *arg)
{
  worker *w = arg;
  db *d;
  void *sock = connect_backend(w, &d);
  if (!sock) return NULL;
  keyring *ring = calloc(1, sizeof *ring);
  auth_cache *auth = calloc(1, sizeof *auth);
  svc s = {d, NULL, w->pool->cfg, ring, auth, w->pool->relay, w->pool->topics};
  send_back(sock, "R", NULL, 0, NULL, 0);
  for (;;) {
    zmq_msg_t client, device, frame;
    zmq_msg_init(&client);
    zmq_msg_init(&device);
    zmq_msg_init(&frame);
    if (zmq_msg_recv(&client, sock, 0) < 0 || zmq_msg_recv(&device, sock, 0) < 0 || zmq_msg_recv(&frame, sock, 0) < 0) {
      int stop = errno == ETERM;
      zmq_msg_close(&client);
      zmq_msg_close(&device);
      zmq_msg_close(&frame);
      if (stop) break;
      continue;
    }
    char dev[DEVICE_Z85_LEN + 1] = "";
    if (zmq_msg_size(&device) == DEVICE_Z85_LEN) memcpy(dev, zmq_msg_data(&device), DEVICE_Z85_LEN);
    uint8_t *out = NULL;
    size_t out_len = 0;
    s.vault = keystate_acquire(w->pool->keys);
    int64_t owner = 0;
    int r = dispatch_frame(&s, dev, zmq_msg_data(&frame), zmq_msg_size(&frame), 0, &out, &out_len, &owner);
    if (s.vault) keystate_release(w->pool->keys);
    s.vault = NULL;
    int refused =
        r == DISPATCH_SLOW || r == DISPATCH_SLOW_FAMILIAR
            ? slow_push(w->pool, r == DISPATCH_SLOW ? LANE_STRANGER : LANE_FAMILIAR, owner, &client, dev, &frame)
            : 0;
    if (refused) refuse_busy(zmq_msg_data(&frame), zmq_msg_size(&frame), refused == 2, &out, &out_len);
    send_back(sock, "R", zmq_msg_data(&client), zmq_msg_size(&client), out, out_len);
    free_reply(out, out_len);
    zmq_msg_close(&client);
    zmq_msg_close(&device);
    zmq_msg_close(&frame);
  }
  if (ring) keyring_clear(ring);
  free(ring);
  if (auth) sodium_memzero(auth, sizeof *auth);
  free(auth);
  zmq_close(sock);
  db_close(d);
  return NULL;
}

static void *run_slow(void *arg)
{
  worker *w = arg;
  db *d;
  void *sock = connect_backend(w, &d);
  if (!sock) return NULL;
  svc s = {d, NULL, w->pool->cfg, NULL, NULL, w->pool->relay, w->pool->topics};
  setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), SLOW_NICE);
  zmq_send(sock, "H", 1, 0);
  job *j;
  int which;
  while ((j = slow_pop(w->pool, w, &which))) {
    uint8_t *out = NULL;
    size_t out_len = 0;
    s.vault = keystate_acquire(w->pool->keys);
    dispatch_frame(&s, j->device, j->frame, j->len, 1, &out, &out_len, NULL);
    if (s.vault) keystate_release(w->pool->keys);
    s.vault = NULL;
    if (out) send_back(sock, "S", j->client, j->client_len, out, out_len);
    free_reply(out, out_len);
    free_job(j);
    slow_done(w->pool, w, which);
  }
  zmq_close(sock);
  db_close(d);
  return NULL;
}

int workers_start(void *ctx, const char *data_dir, const config *cfg, keystate *ks, relay *rl, const topic_key *topics,
                  workers **out)
{
  workers *p = calloc(1, sizeof *p);
  if (!p) return -1;
  p->ctx = ctx;
  p->data_dir = data_dir;
  p->cfg = cfg;
  p->keys = ks;
  p->relay = rl;
  p->topics = topics;
  p->n = cfg->workers + cfg->slow_workers;
  p->n_slow = cfg->slow_workers;
  p->normal = cfg->slow_workers > 1 ? cfg->slow_workers - 1 : 1;
  p->w = calloc((size_t)p->n, sizeof *p->w);
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->cond, NULL);
  *out = p;
  if (!p->w) return -1;
  for (int i = 0; i < p->n; i++) {
    worker *w = &p->w[i];
    w->pool = p;
    w->slow = i >= cfg->workers;
    w->index = w->slow ? i - cfg->workers : i;
    if (pthread_create(&w->thread, NULL, w->slow ? run_slow : run_fast, w)) return -1;
    w->started = 1;
  }
  return 0;
}

void workers_stop(workers *p)
{
  if (!p) return;
  pthread_mutex_lock(&p->lock);
  p->stopping = 1;
  pthread_cond_broadcast(&p->cond);
  pthread_mutex_unlock(&p->lock);
  for (int i = 0; p->w && i < p->n; i++)
    if (p->w[i].started) pthread_join(p->w[i].thread, NULL);
  for (int i = 0; i < LANES; i++)
    while (p->lanes[i].head) {
      job *j = p->lanes[i].head;
      p->lanes[i].head = j->next;
      free_job(j);
    }
  pthread_mutex_destroy(&p->lock);
  pthread_cond_destroy(&p->cond);
  free(p->w);
  free(p);
}
