#include "zap.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "db.h"
#include "log.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_MAX_FRAMES 8
/* Handshakes counted per key and minute, in a table of RATE_SETS sets of
 * RATE_WAYS slots. A key's set comes from a hash keyed with a secret made
 * at start, so nobody can choose keys that share a set; within it a key
 * takes a slot whose minute is over, else the one counted longest ago.
 * The table stays this size whatever connects. */
#define RATE_SETS 2048
#define RATE_WAYS 4

typedef struct {
  uint8_t key[32];
  int64_t window; /* the minute counted; 0: free */
  int count;
} rate_slot;

struct zap {
  void *sock;
  pthread_t thread;
  const char *data_dir;
  const config *cfg;
  server_stats *stats;
  db *db;
  uint8_t rate_secret[crypto_shorthash_KEYBYTES];
  rate_slot rate[RATE_SETS][RATE_WAYS];
};

static void send_reply(void *sock, zmq_msg_t *req, int ok, const char *user_id)
{
  /* version, request id (echoed), status code, status text, user id, metadata */
  const char *code = ok ? "200" : "400";
  const char *text = ok ? "OK" : "refused";
  zmq_send(sock, "1.0", 3, ZMQ_SNDMORE);
  zmq_send(sock, zmq_msg_data(&req[1]), zmq_msg_size(&req[1]), ZMQ_SNDMORE);
  zmq_send(sock, code, 3, ZMQ_SNDMORE);
  zmq_send(sock, text, strlen(text), ZMQ_SNDMORE);
  zmq_send(sock, user_id, strlen(user_id), ZMQ_SNDMORE);
  zmq_send(sock, "", 0, 0);
}

static int frame_is(zmq_msg_t *m, const char *s)
{
  size_t n = strlen(s);
  return zmq_msg_size(m) == n && memcmp(zmq_msg_data(m), s, n) == 0;
}

/* 1 while key has made fewer than `limit` handshakes this minute (and
 * counts this one). */
static int within_rate(zap *z, const uint8_t key[32], int64_t now, int limit)
{
  int64_t minute = now / 60 + 1; /* never 0, which marks a free slot */
  uint8_t h[crypto_shorthash_BYTES];
  crypto_shorthash(h, key, 32, z->rate_secret);
  uint64_t set;
  memcpy(&set, h, sizeof set);
  rate_slot *ways = z->rate[set % RATE_SETS], *s = NULL;
  for (int i = 0; i < RATE_WAYS && !s; i++)
    if (ways[i].window && !memcmp(ways[i].key, key, 32)) s = &ways[i];
  if (!s) {
    s = &ways[0];
    for (int i = 1; i < RATE_WAYS; i++)
      if (ways[i].window < s->window) s = &ways[i];
    memcpy(s->key, key, 32);
    s->window = minute;
    s->count = 0;
  }
  if (s->window != minute) {
    s->window = minute;
    s->count = 0;
  }
  return ++s->count <= limit;
}

/* 1 if the query (?1 the device, ?2 now, ?3 the idle limit) finds a row;
 * 0 if not, or if the database cannot say (refused: deny by default). */
static int device_has(zap *z, const char *sql, const char *device)
{
  if (!z->db) {
    char err[512];
    if (db_open(z->data_dir, DB_OPEN, z->cfg->synchronous_full, &z->db, err, sizeof err)) {
      log_line(LOG_ERROR, "event=zap_db_failed error=\"%s\"", err);
      z->db = NULL;
      return 0;
    }
  }
  sqlite3_stmt *st = db_prepare(z->db, sql);
  if (!st) return 0;
  int64_t now = (int64_t)time(NULL);
  sqlite3_bind_text(st, 1, device, -1, SQLITE_STATIC);
  if (sqlite3_bind_parameter_count(st) >= 2) sqlite3_bind_int64(st, 2, now);
  if (sqlite3_bind_parameter_count(st) >= 3) sqlite3_bind_int64(st, 3, z->cfg->token_idle_s);
  int yes = 0;
  db_one_exists(st, &yes);
  db_settle_after(z->db, "zap", -1);
  return yes;
}

static int live_login(zap *z, const char *device)
{
  return device_has(z,
                    "SELECT 1 FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.device = ?1 AND t.expires_at > ?2"
                    " AND t.last_seen > ?2 - ?3 AND u.active AND NOT u.must_change_password",
                    device);
}

static int known_device(zap *z, const char *device)
{
  return device_has(z, "SELECT 1 FROM familiar_devices WHERE device = ?1", device) || live_login(z, device);
}

/* Who may finish a handshake: see zap.h. *why names a refusal for the log. */
static int admit(zap *z, zmq_msg_t *domain, const uint8_t key[32], const char *user_id, const char **why)
{
  long long open = atomic_load(&z->stats->clients) + atomic_load(&z->stats->subscribers);
  int crowded = open >= z->cfg->connections;
  /* When crowded even a known key opens connections slowly: a person's
   * devices still get in, one insider's cannot fill the rest. */
  if (!within_rate(z, key, (int64_t)time(NULL), crowded ? ZAP_PER_KEY_PER_MINUTE_CROWDED : ZAP_PER_KEY_PER_MINUTE)) {
    *why = "rate";
    return 0;
  }
  size_t n = zmq_msg_size(domain);
  const char *d = zmq_msg_data(domain);
  if (n == strlen(ZAP_DOMAIN_EVENTS) && !memcmp(d, ZAP_DOMAIN_EVENTS, n)) {
    *why = "no_login";
    return live_login(z, user_id);
  }
  if (n != strlen(ZAP_DOMAIN_REQUESTS) || memcmp(d, ZAP_DOMAIN_REQUESTS, n)) {
    *why = "domain";
    return 0;
  }
  if (!crowded) return 1;
  *why = "full";
  return known_device(z, user_id);
}

static void *run(void *arg)
{
  zap *z = arg;
  for (;;) {
    zmq_msg_t f[ZAP_MAX_FRAMES];
    int n = 0, more = 1, failed = 0;
    while (more) {
      zmq_msg_t m;
      zmq_msg_init(&m);
      if (zmq_msg_recv(&m, z->sock, 0) < 0) {
        zmq_msg_close(&m);
        failed = 1;
        break;
      }
      more = zmq_msg_more(&m);
      if (n < ZAP_MAX_FRAMES) f[n++] = m;
      else zmq_msg_close(&m);
    }
    if (failed) {
      for (int i = 0; i < n; i++) zmq_msg_close(&f[i]);
      if (errno == ETERM) break;
      continue;
    }
    /* RFC 27: version, request id, domain, address, identity, mechanism, credentials... */
    char user_id[41] = "";
    const char *why = "malformed";
    int ok = n >= 7 && frame_is(&f[0], "1.0") && frame_is(&f[5], "CURVE") && zmq_msg_size(&f[6]) == 32 &&
             zmq_z85_encode(user_id, zmq_msg_data(&f[6]), 32) != NULL;
    if (ok) ok = admit(z, &f[2], zmq_msg_data(&f[6]), user_id, &why);
    if (n >= 2) send_reply(z->sock, f, ok, ok ? user_id : "");
    if (!ok) {
      atomic_fetch_add(&z->stats->refused_handshakes, 1);
      char address[64] = "?";
      if (n >= 4) {
        size_t len = zmq_msg_size(&f[3]) < sizeof address - 1 ? zmq_msg_size(&f[3]) : sizeof address - 1;
        memcpy(address, zmq_msg_data(&f[3]), len);
        address[len] = '\0';
      }
      /* One line per refusal would let a flood fill the log: the first
       * of every 1,000, with the count. */
      unsigned long long refused = atomic_load(&z->stats->refused_handshakes);
      if (refused % 1000 == 1)
        log_line(LOG_WARN, "event=zap_refused address=%s reason=%s refused=%llu", address, why, refused);
    }
    for (int i = 0; i < n; i++) zmq_msg_close(&f[i]);
  }
  zmq_close(z->sock);
  db_close(z->db);
  return NULL;
}

int zap_start(void *ctx, const char *data_dir, const config *cfg, server_stats *stats, zap **out)
{
  zap *z = calloc(1, sizeof *z);
  if (!z) return -1;
  z->data_dir = data_dir;
  z->cfg = cfg;
  z->stats = stats;
  crypto_shorthash_keygen(z->rate_secret);
  z->sock = zmq_socket(ctx, ZMQ_REP);
  int linger = 0;
  if (!z->sock || zmq_setsockopt(z->sock, ZMQ_LINGER, &linger, sizeof linger) || zmq_bind(z->sock, ZAP_ENDPOINT)) {
    if (z->sock) zmq_close(z->sock);
    free(z);
    return -1;
  }
  /* The socket moves to the new thread; pthread_create is the memory barrier. */
  if (pthread_create(&z->thread, NULL, run, z)) {
    zmq_close(z->sock);
    free(z);
    return -1;
  }
  *out = z;
  return 0;
}

void zap_stop(zap *z)
{
  if (!z) return;
  pthread_join(z->thread, NULL);
  free(z);
}
