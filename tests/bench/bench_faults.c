/* Overload and login-attack phases; see bench_faults.h. */
#include "bench_faults.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "client.h"
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
  uint64_t slot_id[OV_MAX_WINDOW];  /* 0 = free */
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
      while (sending && t->socks[i].in_flight < t->window && ov_send(t, &t->socks[i], t->first + i) == 0) {
      }
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
    t[i] = (ov_thread){s, ctx, pub, sec, token, per * i, n, window, seconds, socks + per * i, lat, &n_lat,
                       &sent, &ok, &refused, &other, &lost, 0};
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

typedef struct {
  const bench_server *s;
  int index, attempts;
  atomic_uint_fast64_t *checked, *throttled, *unavailable, *other;
} attacker;

static void *attack(void *arg)
{
  attacker *a = arg;
  client *c = bench_server_device(a->s, 30000);
  for (int i = 0; c && i < a->attempts; i++) {
    char guess[48];
    snprintf(guess, sizeof guess, "guess-%d-%d-Summer2026!", a->index, i);
    Reflect__V1__Reply *rep = NULL;
    int rc = client_login(c, accounts[(a->index + i) % BENCH_ATTACK_ACCOUNTS], guess, &rep);
    Reflect__V1__Code code = rc == CLIENT_OK && rep ? rep->status->code : REFLECT__V1__CODE__INTERNAL;
    if (code == REFLECT__V1__CODE__UNAUTHENTICATED) atomic_fetch_add(a->checked, 1);
    else if (code == REFLECT__V1__CODE__RESOURCE_EXHAUSTED) atomic_fetch_add(a->throttled, 1);
    else if (code == REFLECT__V1__CODE__UNAVAILABLE) atomic_fetch_add(a->unavailable, 1);
    else atomic_fetch_add(a->other, 1);
    if (rep) wire_free_reply(rep);
  }
  if (!c) atomic_fetch_add(a->other, (uint64_t)a->attempts);
  client_close(c);
  return NULL;
}

typedef struct {
  const bench_driver *d;
  int index;
  atomic_int *phase;        /* 0 idle, 1 attack, 2 stop */
  uint32_t *lat[2];
  atomic_size_t *n[2];
  atomic_uint_fast64_t *errors;
} reader;

static void *read_loop(void *arg)
{
  reader *r = arg;
  void *state = r->d->open(r->d->arg, r->index);
  int ph;
  while (state && (ph = atomic_load(r->phase)) < 2) {
    int64_t t0 = bench_now_ns();
    if (r->d->op(state)) {
      atomic_fetch_add(r->errors, 1);
      continue;
    }
    int64_t us = (bench_now_ns() - t0) / 1000;
    if (atomic_load(r->phase) != ph) continue; /* straddled the change: neither */
    size_t i = atomic_fetch_add(r->n[ph], 1);
    if (i < READ_SAMPLES) r->lat[ph][i] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
  }
  if (!state) atomic_fetch_add(r->errors, 1);
  if (state && r->d->close) r->d->close(state);
  return NULL;
}

int bench_attack_run(const bench_server *s, const bench_driver *rd, int readers, int devices, int attempts,
                     double idle_s, bench_attack_result *out)
{
  memset(out, 0, sizeof *out);
  if (readers < 1 || readers > 16 || devices < 1 || devices > 64 || attempts < devices) return -1;
  atomic_int phase = 0;
  atomic_size_t n[2] = {0, 0};
  atomic_uint_fast64_t errors = 0, checked = 0, throttled = 0, unavailable = 0, other = 0;
  uint32_t *lat[2] = {malloc(READ_SAMPLES * sizeof(uint32_t)), malloc(READ_SAMPLES * sizeof(uint32_t))};
  reader r[16];
  attacker a[64];
  pthread_t rt[16], at[64];
  int nr = 0, na = 0, rc = -1;
  if (!lat[0] || !lat[1]) goto out;
  for (; nr < readers; nr++) {
    r[nr] = (reader){rd, nr, &phase, {lat[0], lat[1]}, {&n[0], &n[1]}, &errors};
    if (pthread_create(&rt[nr], NULL, read_loop, &r[nr])) break;
  }
  bench_sleep_s(idle_s);
  atomic_store(&phase, 1);
  int64_t t0 = bench_now_ns();
  for (; na < devices; na++) {
    a[na] = (attacker){s, na, attempts / devices + (na < attempts % devices), &checked, &throttled, &unavailable,
                       &other};
    if (pthread_create(&at[na], NULL, attack, &a[na])) break;
  }
  for (int i = 0; i < na; i++) pthread_join(at[i], NULL);
  out->seconds = (double)(bench_now_ns() - t0) / 1e9;
  atomic_store(&phase, 2);
  for (int i = 0; i < nr; i++) pthread_join(rt[i], NULL);
  rc = nr == readers && na == devices ? 0 : -1;
  out->checked = checked, out->throttled = throttled, out->unavailable = unavailable, out->other = other;
  out->attempts = checked + throttled + unavailable + other;
  out->checked_per_s = (double)checked / out->seconds;
  out->checked_per_account_per_s = out->checked_per_s / BENCH_ATTACK_ACCOUNTS;
  size_t k0 = n[0] < READ_SAMPLES ? n[0] : READ_SAMPLES, k1 = n[1] < READ_SAMPLES ? n[1] : READ_SAMPLES;
  out->idle_reads = n[0], out->attack_reads = n[1], out->read_errors = errors;
  out->idle_p50_ms = pct_ms(lat[0], k0, 0.50);
  out->idle_p99_ms = pct_ms(lat[0], k0, 0.99);
  out->attack_p50_ms = pct_ms(lat[1], k1, 0.50);
  out->attack_p99_ms = pct_ms(lat[1], k1, 0.99);
out:
  free(lat[0]);
  free(lat[1]);
  return rc;
}
