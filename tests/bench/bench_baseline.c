/* Raw baselines: a CURVE ROUTER echo, a SQLite WAL/FULL insert loop and
 * crypto_box_seal.
 * See bench_baseline.h for the contract. */
#include "bench_baseline.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "wire.h"

#define ECHO_HWM 1000      /* reflectd's frontend HWM (server/broker.c) */
#define ECHO_CLIENT_HWM 16 /* libreflect's (client/client.c) */
#define ECHO_TIMEOUT_MS 5000

struct bench_echo {
  void *ctx, *router, *zap;
  pthread_t router_thread, zap_thread;
  int router_started, zap_started;
  char endpoint[256];
  char public_key[41];
};

/* ---- ZAP: accept every CURVE client, User-Id = its key in Z85 ---------- */

static void *zap_run(void *arg)
{
  void *sock = arg;
  for (;;) {
    zmq_msg_t f[8];
    int n = 0, more = 1;
    while (more) {
      zmq_msg_t m;
      zmq_msg_init(&m);
      if (zmq_msg_recv(&m, sock, 0) < 0) {
        zmq_msg_close(&m);
        for (int i = 0; i < n; i++) zmq_msg_close(&f[i]);
        zmq_close(sock);
        return NULL; /* ETERM: the context is shutting down */
      }
      more = zmq_msg_more(&m);
      if (n < 8) f[n++] = m;
      else zmq_msg_close(&m);
    }
    char user[41] = "";
    int ok = n >= 7 && zmq_msg_size(&f[6]) == 32 && zmq_z85_encode(user, zmq_msg_data(&f[6]), 32);
    if (n >= 2) {
      zmq_send(sock, "1.0", 3, ZMQ_SNDMORE);
      zmq_send(sock, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), ZMQ_SNDMORE);
      zmq_send(sock, ok ? "200" : "400", 3, ZMQ_SNDMORE);
      zmq_send(sock, ok ? "OK" : "refused", ok ? 2 : 7, ZMQ_SNDMORE);
      zmq_send(sock, user, strlen(user), ZMQ_SNDMORE);
      zmq_send(sock, "", 0, 0);
    }
    for (int i = 0; i < n; i++) zmq_msg_close(&f[i]);
  }
}

/* ---- the echo ROUTER --------------------------------------------------- */

static void *router_run(void *arg)
{
  void *s = arg;
  for (;;) {
    zmq_msg_t id, body;
    zmq_msg_init(&id);
    zmq_msg_init(&body);
    if (zmq_msg_recv(&id, s, 0) < 0 || zmq_msg_recv(&body, s, 0) < 0) {
      int stop = errno == ETERM;
      zmq_msg_close(&id);
      zmq_msg_close(&body);
      if (stop) break;
      continue;
    }
    /* As the broker does: never block on a slow or vanished peer. */
    if (zmq_msg_send(&id, s, ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0) zmq_msg_send(&body, s, ZMQ_DONTWAIT);
    zmq_msg_close(&id);
    zmq_msg_close(&body);
  }
  zmq_close(s);
  return NULL;
}

int bench_echo_start(const char *endpoint, bench_echo **out)
{
  bench_echo *e = calloc(1, sizeof *e);
  char secret[41];
  int one = 1, hwm = ECHO_HWM, linger = 0;
  int64_t max = WIRE_MAX_FRAME;
  *out = NULL;
  if (!e) return -1;
  snprintf(e->endpoint, sizeof e->endpoint, "%s", endpoint);
  if (zmq_curve_keypair(e->public_key, secret)) goto fail;
  e->ctx = zmq_ctx_new();
  if (!e->ctx) goto fail;
  /* The ZAP handler is bound before the ROUTER, as in reflectd. */
  e->zap = zmq_socket(e->ctx, ZMQ_REP);
  if (!e->zap || zmq_setsockopt(e->zap, ZMQ_LINGER, &linger, sizeof linger) ||
      zmq_bind(e->zap, "inproc://zeromq.zap.01"))
    goto fail;
  e->router = zmq_socket(e->ctx, ZMQ_ROUTER);
  if (!e->router || zmq_setsockopt(e->router, ZMQ_CURVE_SERVER, &one, sizeof one) ||
      zmq_setsockopt(e->router, ZMQ_CURVE_SECRETKEY, secret, 40) ||
      zmq_setsockopt(e->router, ZMQ_ZAP_DOMAIN, "reflect", 7) ||
      zmq_setsockopt(e->router, ZMQ_MAXMSGSIZE, &max, sizeof max) ||
      zmq_setsockopt(e->router, ZMQ_SNDHWM, &hwm, sizeof hwm) ||
      zmq_setsockopt(e->router, ZMQ_RCVHWM, &hwm, sizeof hwm) ||
      zmq_setsockopt(e->router, ZMQ_LINGER, &linger, sizeof linger) ||
      zmq_setsockopt(e->router, ZMQ_ROUTER_MANDATORY, &one, sizeof one) || zmq_bind(e->router, endpoint)) {
    fprintf(stderr, "bench: echo router on %s: %s\n", endpoint, zmq_strerror(errno));
    goto fail;
  }
  sodium_memzero(secret, sizeof secret);
  /* Sockets move to their threads; pthread_create is the memory barrier. */
  if (pthread_create(&e->zap_thread, NULL, zap_run, e->zap)) goto fail;
  e->zap_started = 1;
  if (pthread_create(&e->router_thread, NULL, router_run, e->router)) goto fail;
  e->router_started = 1;
  *out = e;
  return 0;
fail:
  sodium_memzero(secret, sizeof secret);
  bench_echo_stop(e);
  return -1;
}

void bench_echo_stop(bench_echo *e)
{
  if (!e) return;
  if (e->ctx) zmq_ctx_shutdown(e->ctx);
  if (e->router_started) pthread_join(e->router_thread, NULL);
  else if (e->router) zmq_close(e->router);
  if (e->zap_started) pthread_join(e->zap_thread, NULL);
  else if (e->zap) zmq_close(e->zap);
  if (e->ctx) zmq_ctx_term(e->ctx);
  free(e);
}

/* ---- echo clients ------------------------------------------------------ */

typedef struct {
  void *ctx, *sock;
  uint8_t payload[BENCH_ECHO_BYTES], reply[BENCH_ECHO_BYTES + 1];
} echo_client;

static void echo_close(void *p)
{
  echo_client *c = p;
  if (c->sock) zmq_close(c->sock);
  if (c->ctx) zmq_ctx_term(c->ctx);
  free(c);
}

static int echo_op(void *p)
{
  echo_client *c = p;
  if (zmq_send(c->sock, c->payload, sizeof c->payload, 0) != (int)sizeof c->payload) return -1;
  int n = zmq_recv(c->sock, c->reply, sizeof c->reply, 0);
  return n == (int)sizeof c->payload && memcmp(c->reply, c->payload, sizeof c->payload) == 0 ? 0 : -1;
}

static void *echo_open(void *arg, int index)
{
  bench_echo *e = arg;
  echo_client *c = calloc(1, sizeof *c);
  char pub[41], sec[41];
  int zero = 0, one = 1, hwm = ECHO_CLIENT_HWM, timeout = ECHO_TIMEOUT_MS;
  int64_t max = WIRE_MAX_FRAME;
  if (!c) return NULL;
  randombytes_buf(c->payload, sizeof c->payload);
  c->payload[0] = (uint8_t)index;
  c->ctx = zmq_ctx_new();
  c->sock = c->ctx ? zmq_socket(c->ctx, ZMQ_DEALER) : NULL;
  if (!c->sock || zmq_curve_keypair(pub, sec) || zmq_setsockopt(c->sock, ZMQ_LINGER, &zero, sizeof zero) ||
      zmq_setsockopt(c->sock, ZMQ_IMMEDIATE, &one, sizeof one) ||
      zmq_setsockopt(c->sock, ZMQ_MAXMSGSIZE, &max, sizeof max) ||
      zmq_setsockopt(c->sock, ZMQ_RCVHWM, &hwm, sizeof hwm) || zmq_setsockopt(c->sock, ZMQ_SNDHWM, &hwm, sizeof hwm) ||
      zmq_setsockopt(c->sock, ZMQ_SNDTIMEO, &timeout, sizeof timeout) ||
      zmq_setsockopt(c->sock, ZMQ_RCVTIMEO, &timeout, sizeof timeout) ||
      zmq_setsockopt(c->sock, ZMQ_CURVE_SERVERKEY, e->public_key, 41) ||
      zmq_setsockopt(c->sock, ZMQ_CURVE_PUBLICKEY, pub, 41) || zmq_setsockopt(c->sock, ZMQ_CURVE_SECRETKEY, sec, 41) ||
      zmq_connect(c->sock, e->endpoint) || echo_op(c) != 0) {
    fprintf(stderr, "bench: echo client %d could not connect: %s\n", index, zmq_strerror(errno));
    echo_close(c);
    return NULL;
  }
  return c;
}

bench_driver bench_echo_driver(bench_echo *e)
{
  return (bench_driver){echo_open, echo_op, echo_close, e};
}

/* ---- SQLite WAL, synchronous=FULL, one row per transaction -------------- */

typedef struct {
  sqlite3 *h;
  sqlite3_stmt *begin, *insert, *commit;
  uint8_t blob[BENCH_BLOB_BYTES];
} sqlite_client;

static void sqlite_close(void *p)
{
  sqlite_client *c = p;
  sqlite3_finalize(c->begin);
  sqlite3_finalize(c->insert);
  sqlite3_finalize(c->commit);
  sqlite3_close(c->h);
  free(c);
}

static void *sqlite_open(void *arg, int index)
{
  (void)index;
  sqlite_client *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  int rc = sqlite3_open_v2(arg, &c->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(c->h,
                      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                      "CREATE TABLE IF NOT EXISTS rows(id INTEGER PRIMARY KEY, body BLOB NOT NULL);",
                      NULL, NULL, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(c->h, "BEGIN IMMEDIATE", -1, &c->begin, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(c->h, "INSERT INTO rows(body) VALUES (?1)", -1, &c->insert, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(c->h, "COMMIT", -1, &c->commit, NULL);
  if (rc != SQLITE_OK) {
    fprintf(stderr, "bench: sqlite baseline %s: %s\n", (const char *)arg, c->h ? sqlite3_errmsg(c->h) : "?");
    sqlite_close(c);
    return NULL;
  }
  return c;
}

static int sqlite_op(void *p)
{
  sqlite_client *c = p;
  randombytes_buf(c->blob, sizeof c->blob);
  int rc = sqlite3_step(c->begin);
  sqlite3_reset(c->begin);
  if (rc != SQLITE_DONE) return -1;
  sqlite3_bind_blob(c->insert, 1, c->blob, sizeof c->blob, SQLITE_STATIC);
  rc = sqlite3_step(c->insert);
  sqlite3_reset(c->insert);
  int crc = sqlite3_step(c->commit);
  sqlite3_reset(c->commit);
  if (rc != SQLITE_DONE || crc != SQLITE_DONE) {
    sqlite3_exec(c->h, "ROLLBACK", NULL, NULL, NULL);
    return -1;
  }
  return 0;
}

bench_driver bench_sqlite_driver(const char *path)
{
  return (bench_driver){sqlite_open, sqlite_op, sqlite_close, (void *)path};
}

/* ---- crypto_box_seal, one thread ---------------------------------------- */

double bench_seal_rate(double seconds)
{
  uint8_t pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  uint8_t msg[BENCH_SEAL_BYTES], sealed[BENCH_SEAL_BYTES + crypto_box_SEALBYTES];
  crypto_box_keypair(pk, sk);
  randombytes_buf(msg, sizeof msg);
  /* Checked in batches so reading the clock costs nothing measurable. */
  uint64_t n = 0;
  int64_t t0 = bench_now_ns(), t1 = t0, limit = (int64_t)(seconds * 1e9);
  while (t1 - t0 < limit) {
    for (int i = 0; i < 64; i++, n++) {
      msg[0] = (uint8_t)n;
      if (crypto_box_seal(sealed, msg, sizeof msg, pk)) return -1;
    }
    t1 = bench_now_ns();
  }
  /* Opening one proves the loop sealed something real. */
  uint8_t back[BENCH_SEAL_BYTES];
  if (crypto_box_seal_open(back, sealed, sizeof sealed, pk, sk) || memcmp(back, msg, sizeof msg)) return -1;
  sodium_memzero(sk, sizeof sk);
  return (double)n / ((double)(t1 - t0) / 1e9);
}
