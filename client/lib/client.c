/* libreflect's connection: a CURVE DEALER, request ids, Lazy Pirate
 * timeouts, and the login token. See client.h for the contract. */
#include "client_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <zmq.h>

#include "wire.h"

/* A thin client has one request in flight; a few queued frames are enough,
 * and a bound keeps a misbehaving server from filling our memory. */
#define CLIENT_HWM 16

struct client {
  void *zctx;
  void *sock; /* NULL after a failed re-make; made again on the next call */
  int timeout_ms;
  uint64_t next_id;
  size_t token_len;
  uint8_t token[CLIENT_TOKEN_BYTES];
  char zone[CLIENT_ZONE_MAX];
  char endpoint[CLIENT_ENDPOINT_MAX];
  char server_key[CLIENT_Z85_KEY];
  char public_key[CLIENT_Z85_KEY];
  char secret_key[CLIENT_Z85_KEY];
  char path[4096]; /* the config path; "" for client_open_keys: nothing saved */
  int clean_text;  /* client_set_clean_text */
  int own_zctx;    /* zctx is ours to end (not the caller's, client_open_keys_in) */
};

static int client_socket_open(client *c)
{
  void *s = zmq_socket(c->zctx, ZMQ_DEALER);
  if (!s) return CLIENT_ENOMEM;
  int zero = 0, one = 1, hwm = CLIENT_HWM;
  int64_t max = WIRE_MAX_FRAME;
  /* Z85 keys are passed with their terminating NUL: 41 bytes. */
  if (zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero) || zmq_setsockopt(s, ZMQ_IMMEDIATE, &one, sizeof one) ||
      zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max, sizeof max) || zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm) ||
      zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm) ||
      zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, c->server_key, CLIENT_Z85_KEY) ||
      zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, c->public_key, CLIENT_Z85_KEY) ||
      zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, c->secret_key, CLIENT_Z85_KEY) || zmq_connect(s, c->endpoint)) {
    zmq_close(s);
    return CLIENT_EUSAGE;
  }
  c->sock = s;
  return CLIENT_OK;
}

/* Lazy Pirate: a DEALER that lost a reply may still deliver it, or hold
 * a half-made connection; a fresh socket starts clean. */
static void client_socket_reset(client *c)
{
  if (c->sock) zmq_close(c->sock);
  c->sock = NULL;
  (void)client_socket_open(c);
}

int client_open_keys_in(void *zctx, const char *endpoint, const char *server_key, const char *public_key,
                        const char *secret_key, int timeout_ms, client **out)
{
  *out = NULL;
  if (!client_endpoint_valid(endpoint, CLIENT_ENDPOINT_MAX) || !client_key_valid(server_key) ||
      !client_key_valid(public_key) || !client_key_valid(secret_key))
    return CLIENT_EUSAGE;
  if (sodium_init() < 0) return CLIENT_ENOMEM;
  /* Guarded, locked memory: the struct holds the device's secret key and
   * the login token, which must never reach swap or a core file. */
  client *c = sodium_malloc(sizeof *c);
  if (!c) return CLIENT_ENOMEM;
  memset(c, 0, sizeof *c);
  c->timeout_ms = timeout_ms > 0 ? timeout_ms : CLIENT_DEFAULT_TIMEOUT_MS;
  snprintf(c->endpoint, sizeof c->endpoint, "%s", endpoint);
  memcpy(c->server_key, server_key, CLIENT_Z85_KEY);
  memcpy(c->public_key, public_key, CLIENT_Z85_KEY);
  memcpy(c->secret_key, secret_key, CLIENT_Z85_KEY);
  /* A random start keeps a late reply to an earlier process (same server,
   * same device) from matching one of ours; 2^62 leaves room to count up. */
  randombytes_buf(&c->next_id, sizeof c->next_id);
  c->next_id = (c->next_id & ((UINT64_C(1) << 62) - 1)) | 1;
  c->own_zctx = zctx == NULL;
  c->zctx = zctx ? zctx : zmq_ctx_new();
  int rc = c->zctx ? client_socket_open(c) : CLIENT_ENOMEM;
  if (rc) {
    client_close(c);
    return rc;
  }
  *out = c;
  return CLIENT_OK;
}

int client_open_keys(const char *endpoint, const char *server_key, const char *public_key, const char *secret_key,
                     int timeout_ms, client **out)
{
  return client_open_keys_in(NULL, endpoint, server_key, public_key, secret_key, timeout_ms, out);
}

int client_open(const client_config *cfg, int timeout_ms, client **out)
{
  char secret[CLIENT_Z85_KEY], pub[CLIENT_Z85_KEY];
  *out = NULL;
  if (!cfg->path[0] || !client_key_valid(cfg->server_key) || !client_endpoint_valid(cfg->server, CLIENT_ENDPOINT_MAX))
    return CLIENT_ECONFIG;
  int rc = client_keys_load(cfg->path, secret);
  if (rc) return errno == ENOENT ? CLIENT_ECONFIG : rc;
  if (zmq_curve_public(pub, secret) != 0) {
    sodium_memzero(secret, sizeof secret);
    return CLIENT_ECONFIG;
  }
  rc = client_open_keys(cfg->server, cfg->server_key, pub, secret, timeout_ms, out);
  sodium_memzero(secret, sizeof secret);
  if (rc) return rc;
  client *c = *out;
  snprintf(c->path, sizeof c->path, "%s", cfg->path);
  rc = client_token_load(c->path, c->token, &c->token_len, c->zone);
  if (rc) {
    int saved = errno; /* says why the token file was refused */
    client_close(c);
    *out = NULL;
    errno = saved;
  }
  return rc;
}

int client_dup(const client *c, void *zctx, client **out)
{
  int rc = client_open_keys_in(zctx, c->endpoint, c->server_key, c->public_key, c->secret_key, c->timeout_ms, out);
  if (rc) return rc;
  client *d = *out;
  memcpy(d->token, c->token, sizeof d->token);
  d->token_len = c->token_len;
  memcpy(d->zone, c->zone, sizeof d->zone);
  d->clean_text = c->clean_text;
  return CLIENT_OK;
}

void client_close(client *c)
{
  if (!c) return;
  if (c->sock) zmq_close(c->sock);
  if (c->zctx && c->own_zctx) zmq_ctx_term(c->zctx);
  sodium_free(c); /* wipes it */
}

static int64_t client_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on the socket until deadline; 1 ready, 0 timed out. */
static int client_wait(client *c, short events, int64_t deadline)
{
  for (;;) {
    int64_t left = deadline - client_now_ms();
    if (left <= 0) return 0;
    zmq_pollitem_t item = {.socket = c->sock, .events = events};
    int n = zmq_poll(&item, 1, (long)left);
    if (n > 0 && (item.revents & events)) return 1;
    if (n < 0 && errno != EINTR) return 0;
  }
}

/* Receives one message. Returns CLIENT_OK with *out set, CLIENT_EPROTO
 * for a frame that is not a Reply (or not exactly one frame). */
static int client_recv_reply(client *c, Reflect__V1__Reply **out)
{
  zmq_msg_t msg;
  int parts = 0, rc = CLIENT_OK;
  *out = NULL;
  do {
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, c->sock, ZMQ_DONTWAIT) < 0) {
      zmq_msg_close(&msg);
      return parts ? CLIENT_EPROTO : CLIENT_ETIMEOUT;
    }
    if (++parts == 1 && !zmq_msg_more(&msg)) {
      if (wire_decode_reply(zmq_msg_data(&msg), zmq_msg_size(&msg), out) != WIRE_OK) rc = CLIENT_EPROTO;
      else if (c->clean_text) wire_clean_strings(&(*out)->base);
    } else {
      rc = CLIENT_EPROTO;
    }
    /* A login reply carries the token: leave no copy in freed memory. */
    sodium_memzero(zmq_msg_data(&msg), zmq_msg_size(&msg));
  } while (zmq_msg_more(&msg) && zmq_msg_close(&msg) == 0);
  zmq_msg_close(&msg);
  if (rc && *out) {
    wire_free_reply(*out);
    *out = NULL;
  }
  return rc;
}

/* A reply is ours if it carries our id, or id 0 with an error: the server
 * answers a frame it could not decode without knowing its id. */
static int client_reply_matches(const Reflect__V1__Reply *rep, uint64_t id)
{
  if (rep->id == id) return 1;
  return rep->id == 0 && rep->status && rep->status->code != REFLECT__V1__CODE__OK;
}

int client_call(client *c, Reflect__V1__Request *req, Reflect__V1__Reply **out)
{
  uint8_t *buf = NULL;
  size_t len = 0;
  *out = NULL;
  if (!c->sock && client_socket_open(c) != CLIENT_OK) return CLIENT_ENOMEM;
  uint64_t id = c->next_id++;
  req->protocol = WIRE_PROTOCOL;
  req->id = id;
  req->token.data = c->token_len ? c->token : NULL;
  req->token.len = c->token_len;
  int wrc = wire_encode(&req->base, &buf, &len);
  if (wrc) return wrc == WIRE_ETOOBIG ? CLIENT_EUSAGE : CLIENT_ENOMEM;
  int64_t deadline = client_now_ms() + c->timeout_ms;
  /* ZMQ_IMMEDIATE: writable only once a CURVE handshake has completed, so
   * a server that is down or has another key shows up as a timeout here. */
  int sent = client_wait(c, ZMQ_POLLOUT, deadline) && zmq_send(c->sock, buf, len, ZMQ_DONTWAIT) == (int)len;
  sodium_memzero(buf, len); /* token and perhaps a password */
  free(buf);
  while (sent && client_wait(c, ZMQ_POLLIN, deadline)) {
    Reflect__V1__Reply *rep;
    int rc = client_recv_reply(c, &rep);
    if (rc == CLIENT_ETIMEOUT) continue;
    if (rc) return rc;
    if (client_reply_matches(rep, id)) {
      *out = rep;
      return CLIENT_OK;
    }
    wire_free_reply(rep); /* late reply to a request that timed out */
  }
  client_socket_reset(c);
  return CLIENT_ETIMEOUT;
}

int client_login(client *c, const char *username, const char *password, Reflect__V1__Reply **out)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__LoginRequest login = REFLECT__V1__LOGIN_REQUEST__INIT;
  *out = NULL;
  login.username = (char *)username;
  login.password = (char *)password;
  req.op_case = REFLECT__V1__REQUEST__OP_LOGIN;
  req.login = &login;
  int rc = client_call(c, &req, out);
  if (rc) return rc;
  Reflect__V1__Reply *rep = *out;
  if (rep->status && rep->status->code != REFLECT__V1__CODE__OK) return CLIENT_OK;
  if (rep->result_case != REFLECT__V1__REPLY__RESULT_LOGIN || rep->login->token.len != CLIENT_TOKEN_BYTES) {
    wire_free_reply(rep);
    *out = NULL;
    return CLIENT_EPROTO;
  }
  client_set_token(c, rep->login->token.data, rep->login->token.len);
  const char *zone = rep->login->timezone;
  snprintf(c->zone, sizeof c->zone, "%s", zone && client_token_zone_valid(zone) ? zone : "");
  if (c->path[0]) return client_token_save(c->path, c->token, c->token_len, c->zone);
  return CLIENT_OK;
}

int client_logout(client *c, Reflect__V1__Reply **out)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__LogoutRequest logout = REFLECT__V1__LOGOUT_REQUEST__INIT;
  *out = NULL;
  if (!c->token_len) return CLIENT_ENOTOKEN;
  req.op_case = REFLECT__V1__REQUEST__OP_LOGOUT;
  req.logout = &logout;
  int rc = client_call(c, &req, out);
  /* Forget the token here whatever the server said: leaving it on disk
   * because the server was unreachable would be the worse failure. */
  client_set_token(c, NULL, 0);
  int frc = c->path[0] ? client_token_remove(c->path) : CLIENT_OK;
  return rc ? rc : frc;
}

void client_set_token(client *c, const uint8_t *token, size_t len)
{
  sodium_memzero(c->token, sizeof c->token);
  c->token_len = 0;
  if (!token || len == 0 || len > sizeof c->token) return;
  memcpy(c->token, token, len);
  c->token_len = len;
}

int client_has_token(const client *c)
{
  return c->token_len > 0;
}

void client_set_clean_text(client *c, int on)
{
  c->clean_text = on != 0;
}

int client_cleans_text(const client *c)
{
  return c->clean_text;
}

const char *client_timezone(const client *c)
{
  return c->zone;
}

const char *client_device_key(const client *c)
{
  return c->public_key;
}

const char *client_device_secret(const client *c)
{
  return c->secret_key;
}

const char *client_server_key(const client *c)
{
  return c->server_key;
}

const char *client_strerror(int code)
{
  switch (code) {
  case CLIENT_OK: return "success";
  case CLIENT_EUSAGE: return "invalid argument";
  case CLIENT_EIO: return "cannot read or write a device file";
  case CLIENT_ECONFIG: return "no usable configuration (run `reflect setup`)";
  case CLIENT_ETIMEOUT: return "no reply from the server in time";
  case CLIENT_EPROTO: return "the server's reply could not be decoded";
  case CLIENT_ENOMEM: return "out of memory";
  case CLIENT_ENOTOKEN: return "not logged in on this device";
  case CLIENT_ENOEVENT: return "no event in time";
  case CLIENT_EUNAUTH: return "the server has ended this device's login";
  case CLIENT_EREFUSED: return "the server refused the request";
  default: return "unknown error";
  }
}

void client_free_reply(Reflect__V1__Reply *rep)
{
  wire_free_reply(rep);
}

void client_free_event(Reflect__V1__Event *ev)
{
  wire_free_event(ev);
}
