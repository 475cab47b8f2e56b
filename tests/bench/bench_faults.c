/* Overload and login-attack phases; see bench_faults.h. */
#include "bench_faults.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "bench_reflect.h"
#include "reflect/client.h"
#include "wire.h"

#define OV_THREADS 4
#define OV_MAX_SOCKETS 256
#define OV_MAX_WINDOW 256
#define OV_SAMPLES (1u << 21)
#define READ_SAMPLES (1u << 20)

static int cmp_u32(const void *x, const void *y)
{
  uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  return (a > b) - (a < b);
}

static double pct_ms(uint32_t *v, size_t n, double q)
{
  if (!n) return 0;
  qsort(v, n, sizeof *v, cmp_u32);
  size_t k = (size_t)(q * (double)n + 0.999999);
  return v[(k < 1 ? 1 : k > n ? n : k) - 1] / 1000.0;
}

/* ---- overload ----------------------------------------------------------- */

typedef struct {
  void *sock;
  int in_flight;
  uint64_t gen;
  int64_t sent_ns[OV_MAX_WINDOW];
  uint64_t slot_id[OV_MAX_WINDOW]; /* 0 = free */
} ov_socket;

typedef struct {
  const bench_server *s;
  void *ctx;
  const char *pub, *sec;
  const uint8_t *token;
  int first, n, window;
  double seconds;
  ov_socket *socks;
  uint32_t *lat_us;
  atomic_size_t *n_lat;
  atomic_uint_fast64_t *sent, *ok, *refused, *other, *lost;
  int failed;
} ov_thread;

static int ov_send(ov_thread *t, ov_socket *o, int index)
{
  int slot = 0;
  while (slot < t->window && o->slot_id[slot]) slot++;
  if (slot == t->window) return -1;
  uint64_t id = ((uint64_t)(index + 1) << 44) | ((++o->gen & 0xfffffff) << 16) | (uint64_t)slot;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionListRequest list = REFLECT__V1__SESSION_LIST_REQUEST__INIT;
  list.upcoming = 1;
  req.protocol = WIRE_PROTOCOL;
  req.id = id;
  req.token.data = (uint8_t *)t->token;
  req.token.len = CLIENT_TOKEN_BYTES;
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_LIST;
  req.session_list = &list;
  uint8_t *buf;
  size_t len;
  if (wire_encode(&req.base, &buf, &len) != WIRE_OK) return -1;
  int rc = zmq_send(o->sock, buf, len, ZMQ_DONTWAIT);
  free(buf);
  if (rc < 0) return -1;
  o->slot_id[slot] = id;
  o->sent_ns[slot] = bench_now_ns();
  o->in_flight++;
  atomic_fetch_add(t->sent, 1);
  return 0;
}

static void ov_receive(ov_thread *t, ov_socket *o)
{
  zmq_msg_t m;
  zmq_msg_init(&m);
  while (zmq_msg_recv(&m, o->sock, ZMQ_DONTWAIT) >= 0) {
    Reflect__V1__Reply *rep;
    if (wire_decode_reply(zmq_msg_data(&m), zmq_msg_size(&m), &rep) != WIRE_OK) {
      atomic_fetch_add(t->other, 1);
      continue;
    }
    int slot = (int)(rep->id & 0xffff);
    if (slot < t->window && o->slot_id[slot] == rep->id) {
      int64_t us = (bench_now_ns() - o->sent_ns[slot]) / 1000;
      o->slot_id[slot] = 0;
      o->in_flight--;
      if (rep->status->code == REFLECT__V1__CODE__OK) {
        atomic_fetch_add(t->ok, 1);
        size_t i = atomic_fetch_add(t->n_lat, 1);
        if (i < OV_SAMPLES) t->lat_us[i] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
      } else if (rep->status->code == REFLECT__V1__CODE__UNAVAILABLE && strstr(rep->status->message, "busy")) {
        atomic_fetch_add(t->refused, 1);
      } else {
        atomic_fetch_add(t->other, 1);
      }
    } else {
      atomic_fetch_add(t->other, 1);
    }
    wire_free_reply(rep);
  }
  zmq_msg_close(&m);
}

static void *ov_run(void *arg)
{
  ov_thread *t = arg;
  int hwm = 100000, linger = 0;
  for (int i = 0; i < t->n; i++) {
    void *s = t->socks[i].sock = zmq_socket(t->ctx, ZMQ_DEALER);
    if (!s || zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, t->s->server_key, 40) ||
        zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, t->pub, 40) || zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, t->sec, 40) ||
        zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm) || zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm) ||
        zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger) || zmq_connect(s, t->s->rpc)) {
      t->failed = 1;
      return NULL;
    }
  }
  zmq_pollitem_t items[OV_MAX_SOCKETS];
  int64_t end = bench_now_ns() + (int64_t)(t->seconds * 1e9);
  int64_t drain_end = end + (int64_t)(BENCH_DRAIN_S * 1e9);
  for (;;) {
    int64_t now = bench_now_ns();
    int sending = now < end, owed = 0;
    for (int i = 0; i < t->n; i++) {
      while (sending && t->socks[i].in_flight < t->window && ov_send(t, &t->socks[i], t->first + i) == 0) {}
      owed += t->socks[i].in_flight;
      items[i] = (zmq_pollitem_t){t->socks[i].sock, 0, ZMQ_POLLIN, 0};
    }
    if ((!sending && owed == 0) || now >= drain_end) {
      atomic_fetch_add(t->lost, (uint64_t)owed);
      break;
    }
    if (zmq_poll(items, t->n, 1) < 0) break;
    for (int i = 0; i < t->n; i++)
      if (items[i].revents & ZMQ_POLLIN) ov_receive(t, &t->socks[i]);
  }
  for (int i = 0; i < t->n; i++) zmq_close(t->socks[i].sock);
  return NULL;
}

/* One login as pat for a known key pair: many sockets then share the
 * device (a token is bound to the key, not the connection). */
static int login_pat(const bench_server *s, const char *password, char *pub, char *sec, uint8_t *token)
{
  client *c = NULL;
  Reflect__V1__Reply *rep = NULL;
  if (zmq_curve_keypair(pub, sec) || client_open_keys(s->rpc, s->server_key, pub, sec, 30000, &c) != CLIENT_OK)
    return -1;
  int ok = client_login(c, "pat", password, &rep) == CLIENT_OK && rep->status->code == REFLECT__V1__CODE__OK &&
           rep->login->token.len == CLIENT_TOKEN_BYTES;
  if (ok) memcpy(token, rep->login->token.data, CLIENT_TOKEN_BYTES);
  if (rep) wire_free_reply(rep);
  client_close(c);
  return ok ? 0 : -1;
}

int bench_overload_run(const bench_server *s, const char *password, int sockets, int window, double seconds,
                       bench_overload_result *out)
{
  memset(out, 0, sizeof *out);
  if (sockets < OV_THREADS || sockets > OV_MAX_SOCKETS || window < 1 || window > OV_MAX_WINDOW) return -1;
  char pub[41], sec[41];
  uint8_t token[CLIENT_TOKEN_BYTES];
  if (login_pat(s, password, pub, sec, token)) return -1;
  void *ctx = zmq_ctx_new();
  ov_socket *socks = calloc((size_t)sockets, sizeof *socks);
  uint32_t *lat = malloc(OV_SAMPLES * sizeof *lat);
  atomic_size_t n_lat = 0;
  atomic_uint_fast64_t sent = 0, ok = 0, refused = 0, other = 0, lost = 0;
  ov_thread t[OV_THREADS];
  pthread_t th[OV_THREADS];
  int rc = -1, started = 0, per = sockets / OV_THREADS;
  if (!ctx || !socks || !lat) goto out;
  int64_t t0 = bench_now_ns();
  for (int i = 0; i < OV_THREADS; i++) {
    int n = i == OV_THREADS - 1 ? sockets - per * i : per;
    t[i] = (ov_thread){s,   ctx,    pub,   sec, token,    per * i, n,     window, seconds, socks + per * i,
                       lat, &n_lat, &sent, &ok, &refused, &other,  &lost, 0};
    if (pthread_create(&th[i], NULL, ov_run, &t[i])) break;
    started++;
  }
  for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
  double wall = (double)(bench_now_ns() - t0) / 1e9;
  rc = started == OV_THREADS ? 0 : -1;
  for (int i = 0; i < started; i++)
    if (t[i].failed) rc = -1;
  out->sent = sent, out->ok = ok, out->refused = refused, out->other = other, out->lost = lost;
  out->seconds = wall;
  out->replies_per_s = (double)(ok + refused + other) / wall;
  out->refused_pct = sent ? 100.0 * (double)refused / (double)sent : 0;
  size_t n = atomic_load(&n_lat) < OV_SAMPLES ? atomic_load(&n_lat) : OV_SAMPLES;
  out->ok_p50_ms = pct_ms(lat, n, 0.50);
  out->ok_p99_ms = pct_ms(lat, n, 0.99);
out:
  free(lat);
  free(socks);
  if (ctx) zmq_ctx_term(ctx);
  return rc;
}

/* ---- login attack -------------------------------------------------------- */

static const char *const accounts[BENCH_ATTACK_ACCOUNTS] = {"pat", "max", "sue", "admin", "nobody", "intruder"};

/* The phase every thread reads: -1 to stop, else round * 2 + (0 idle, 1
 * under attack). */
#define PHASE_STOP (-1)
#define ATTACK_MAX_ROUNDS 9
#define BUCKETS (2 * ATTACK_MAX_ROUNDS)
#define READ_BUCKET (1u << 17)
#define VICTIM_BUCKET 4096u
#define VICTIM_PAUSE_NS (20 * 1000000L)

typedef struct {
  atomic_int phase;
  atomic_uint_fast64_t checked, throttled, unavailable, other, rotated;
  atomic_uint_fast64_t read_errors, victim_logins, victim_failures;
  uint32_t *read_lat[BUCKETS], *victim_lat[BUCKETS];
  atomic_size_t n_read[BUCKETS], n_victim[BUCKETS];
} attack_state;

typedef struct {
  const bench_server *s;
  attack_state *st;
  int index, rotating;
} attacker;

static void tally(attack_state *st, int rc, const Reflect__V1__Reply *rep)
{
  Reflect__V1__Code code = rc == CLIENT_OK && rep ? rep->status->code : REFLECT__V1__CODE__INTERNAL;
  if (code == REFLECT__V1__CODE__UNAUTHENTICATED) atomic_fetch_add(&st->checked, 1);
  else if (code == REFLECT__V1__CODE__RESOURCE_EXHAUSTED) atomic_fetch_add(&st->throttled, 1);
  else if (code == REFLECT__V1__CODE__UNAVAILABLE) atomic_fetch_add(&st->unavailable, 1);
  else atomic_fetch_add(&st->other, 1);
}

static void pause_ms(long ms)
{
  struct timespec ts = {0, ms * 1000000L};
  nanosleep(&ts, NULL);
}

/* A guesser with one device (throttled by its own key soon enough), or
 * one that takes a fresh CURVE key for every guess, alternating the
 * victim's account (to lock it) and names that are no account (each a
 * full, unthrottled password check: the costliest flood there is). Both
 * guess only while the phase is an attack window. */
static void *attack(void *arg)
{
  attacker *a = arg;
  attack_state *st = a->st;
  client *c = a->rotating ? NULL : bench_server_device(a->s, 30000);
  if (!a->rotating && !c) {
    atomic_fetch_add(&st->other, 1);
    return NULL;
  }
  uint64_t i = 0;
  int ph;
  while ((ph = atomic_load(&st->phase)) != PHASE_STOP) {
    if (ph % 2 == 0) {
      pause_ms(2);
      continue;
    }
    char guess[48], ghost[48];
    snprintf(guess, sizeof guess, "guess-%d-%llu-Summer2026!", a->index, (unsigned long long)i);
    const char *who = accounts[(a->index + i) % BENCH_ATTACK_ACCOUNTS];
    if (a->rotating) {
      snprintf(ghost, sizeof ghost, "ghost-%d-%llu", a->index, (unsigned long long)i);
      who = i % 2 ? ghost : "pat";
      c = bench_server_device(a->s, 30000);
      if (!c) {
        atomic_fetch_add(&st->other, 1);
        break;
      }
      atomic_fetch_add(&st->rotated, 1);
    }
    Reflect__V1__Reply *rep = NULL;
    int rc = client_login(c, who, guess, &rep);
    tally(st, rc, rep);
    if (rep) wire_free_reply(rep);
    if (a->rotating) {
      client_close(c);
      c = NULL;
    }
    i++;
  }
  client_close(c);
  return NULL;
}

typedef struct {
  const bench_driver *d;
  int index;
  attack_state *st;
} reader;

static void keep(uint32_t *lat, atomic_size_t *n, size_t cap, int64_t us)
{
  size_t i = atomic_fetch_add(n, 1);
  if (i < cap) lat[i] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static void *read_loop(void *arg)
{
  reader *r = arg;
  attack_state *st = r->st;
  void *state = r->d->open(r->d->arg, r->index);
  int ph;
  while (state && (ph = atomic_load(&st->phase)) != PHASE_STOP) {
    int64_t t0 = bench_now_ns();
    if (r->d->op(state)) {
      atomic_fetch_add(&st->read_errors, 1);
      continue;
    }
    int64_t us = (bench_now_ns() - t0) / 1000;
    if (atomic_load(&st->phase) != ph) continue; /* straddled a change: neither */
    keep(st->read_lat[ph], &st->n_read[ph], READ_BUCKET, us);
  }
  if (!state) atomic_fetch_add(&st->read_errors, 1);
  if (state && r->d->close) r->d->close(state);
  return NULL;
}

typedef struct {
  client *c;
  attack_state *st;
} victim;

/* The person under attack, at the device they always use: logs in again
 * and again, with a short pause, in every window. */
static void *victim_loop(void *arg)
{
  victim *v = arg;
  attack_state *st = v->st;
  int ph;
  while ((ph = atomic_load(&st->phase)) != PHASE_STOP) {
    int64_t t0 = bench_now_ns();
    Reflect__V1__Reply *rep = NULL;
    int rc = client_login(v->c, "pat", BENCH_USER_PASSWORD, &rep);
    int ok = rc == CLIENT_OK && rep && rep->status->code == REFLECT__V1__CODE__OK;
    if (rep) wire_free_reply(rep);
    int64_t us = (bench_now_ns() - t0) / 1000;
    atomic_fetch_add(ok ? &st->victim_logins : &st->victim_failures, 1);
    if (ok && atomic_load(&st->phase) == ph) keep(st->victim_lat[ph], &st->n_victim[ph], VICTIM_BUCKET, us);
    struct timespec ts = {0, VICTIM_PAUSE_NS};
    nanosleep(&ts, NULL);
  }
  return NULL;
}

static double bucket_pct(attack_state *st, int victim_side, int b, double q)
{
  uint32_t *lat = victim_side ? st->victim_lat[b] : st->read_lat[b];
  size_t cap = victim_side ? VICTIM_BUCKET : READ_BUCKET;
  size_t n = atomic_load(victim_side ? &st->n_victim[b] : &st->n_read[b]);
  return pct_ms(lat, n < cap ? n : cap, q);
}

static int cmp_double(const void *x, const void *y)
{
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

static void spread(double *v, int n, double out[3])
{
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  out[0] = v[n / 2];
  out[1] = v[0];
  out[2] = v[n - 1];
}

/* Pools every round's window of one kind into one percentile. */
static double pooled_pct(attack_state *st, int victim_side, int rounds, int attack_window, double q, uint64_t *count)
{
  size_t total = 0, cap = victim_side ? VICTIM_BUCKET : READ_BUCKET;
  for (int r = 0; r < rounds; r++) {
    size_t n = atomic_load(victim_side ? &st->n_victim[2 * r + attack_window] : &st->n_read[2 * r + attack_window]);
    total += n < cap ? n : cap;
  }
  uint32_t *all = malloc((total + 1) * sizeof *all);
  if (!all) return 0;
  size_t k = 0;
  for (int r = 0; r < rounds; r++) {
    int b = 2 * r + attack_window;
    size_t n = atomic_load(victim_side ? &st->n_victim[b] : &st->n_read[b]);
    n = n < cap ? n : cap;
    memcpy(all + k, victim_side ? st->victim_lat[b] : st->read_lat[b], n * sizeof *all);
    k += n;
  }
  double p = pct_ms(all, k, q);
  free(all);
  if (count) *count = k;
  return p;
}

int bench_attack_run(const bench_server *s, const bench_driver *rd, int readers, int devices, int rotating, int rounds,
                     double window_s, bench_attack_result *out)
{
  memset(out, 0, sizeof *out);
  if (readers < 1 || readers > 16 || devices < 0 || devices > 64 || rotating < 0 || rotating > 16 || rounds < 1 ||
      rounds > ATTACK_MAX_ROUNDS || window_s <= 0)
    return -1;
  attack_state *st = calloc(1, sizeof *st);
  if (!st) return -1;
  int rc = -1, nr = 0, na = 0, vstarted = 0;
  reader r[16];
  attacker a[80];
  pthread_t rt[16], at[80], vt;
  atomic_store(&st->phase, 0);
  for (int b = 0; b < 2 * rounds; b++) {
    st->read_lat[b] = malloc(READ_BUCKET * sizeof(uint32_t));
    st->victim_lat[b] = malloc(VICTIM_BUCKET * sizeof(uint32_t));
    if (!st->read_lat[b] || !st->victim_lat[b]) goto out;
  }
  /* The victim's device becomes familiar with its first login. */
  victim v = {bench_server_device(s, 30000), st};
  Reflect__V1__Reply *rep = NULL;
  if (!v.c || client_login(v.c, "pat", BENCH_USER_PASSWORD, &rep) != CLIENT_OK || !rep ||
      rep->status->code != REFLECT__V1__CODE__OK) {
    fprintf(stderr, "bench: the victim could not log in: %s\n", rep && rep->status ? rep->status->message : "no reply");
    if (rep) wire_free_reply(rep);
    client_close(v.c);
    goto out;
  }
  wire_free_reply(rep);
  for (; nr < readers; nr++) {
    r[nr] = (reader){rd, nr, st};
    if (pthread_create(&rt[nr], NULL, read_loop, &r[nr])) break;
  }
  vstarted = pthread_create(&vt, NULL, victim_loop, &v) == 0;
  for (; na < devices + rotating; na++) {
    a[na] = (attacker){s, st, na, na >= devices};
    if (pthread_create(&at[na], NULL, attack, &a[na])) break;
  }
  double attacked_s = 0;
  for (int round = 0; round < rounds; round++) {
    atomic_store(&st->phase, 2 * round);
    bench_sleep_s(window_s);
    int64_t t0 = bench_now_ns();
    atomic_store(&st->phase, 2 * round + 1);
    bench_sleep_s(window_s);
    attacked_s += (double)(bench_now_ns() - t0) / 1e9;
  }
  atomic_store(&st->phase, PHASE_STOP);
  for (int i = 0; i < na; i++) pthread_join(at[i], NULL);
  for (int i = 0; i < nr; i++) pthread_join(rt[i], NULL);
  if (vstarted) pthread_join(vt, NULL);
  client_close(v.c);
  rc = nr == readers && na == devices + rotating && vstarted ? 0 : -1;

  out->rounds = rounds;
  out->seconds = attacked_s;
  out->checked = st->checked, out->throttled = st->throttled, out->unavailable = st->unavailable;
  out->other = st->other, out->rotated = st->rotated;
  out->attempts = out->checked + out->throttled + out->unavailable + out->other;
  out->checked_per_s = (double)out->checked / attacked_s;
  out->checked_per_account_per_s = out->checked_per_s / BENCH_ATTACK_ACCOUNTS;
  out->read_errors = st->read_errors;
  out->victim_logins = st->victim_logins, out->victim_failures = st->victim_failures;
  out->idle_p50_ms = pooled_pct(st, 0, rounds, 0, 0.50, &out->idle_reads);
  out->idle_p99_ms = pooled_pct(st, 0, rounds, 0, 0.99, NULL);
  out->attack_p50_ms = pooled_pct(st, 0, rounds, 1, 0.50, &out->attack_reads);
  out->attack_p99_ms = pooled_pct(st, 0, rounds, 1, 0.99, NULL);
  out->victim_idle_p99_ms = pooled_pct(st, 1, rounds, 0, 0.99, NULL);
  out->victim_attack_p99_ms = pooled_pct(st, 1, rounds, 1, 0.99, NULL);
  double read_ratio[ATTACK_MAX_ROUNDS], victim_ratio[ATTACK_MAX_ROUNDS];
  for (int round = 0; round < rounds; round++) {
    double ri = bucket_pct(st, 0, 2 * round, 0.99), ra = bucket_pct(st, 0, 2 * round + 1, 0.99);
    double vi = bucket_pct(st, 1, 2 * round, 0.99), va = bucket_pct(st, 1, 2 * round + 1, 0.99);
    read_ratio[round] = ri > 0 ? ra / ri : 0;
    victim_ratio[round] = vi > 0 ? va / vi : 0;
  }
  spread(read_ratio, rounds, out->read_p99_ratio);
  spread(victim_ratio, rounds, out->victim_p99_ratio);
out:
  for (int b = 0; b < BUCKETS; b++) {
    free(st->read_lat[b]);
    free(st->victim_lat[b]);
  }
  free(st);
  return rc;
}
