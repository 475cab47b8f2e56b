/* What reaches the server from outside: CURVE with the wrong server key and
 * plain (non-CURVE) clients get nothing; oversized frames disconnect the
 * sender; garbage and malformed requests get INVALID_ARGUMENT, never a
 * crash, and so do messages of more than one part and text a C string would
 * cut short; a token only works from the device it was issued to. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "harness.h"
#include "wire.h"

static void *raw_dealer(void *ctx, harness_server *h, int curve, const char *server_key)
{
  void *s = zmq_socket(ctx, ZMQ_DEALER);
  int linger = 0;
  zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
  if (curve) {
    char pub[41], sec[41];
    zmq_curve_keypair(pub, sec);
    zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, server_key, 40);
    zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, pub, 40);
    zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, 40);
  }
  cr_assert_eq(zmq_connect(s, h->rpc), 0);
  return s;
}

/* Sends one frame and waits up to ms for one back; returns its length or -1. */
static int exchange(void *s, const void *data, size_t len, uint8_t *buf, size_t cap, int ms)
{
  zmq_send(s, data, len, ZMQ_DONTWAIT);
  zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
  if (zmq_poll(&it, 1, ms) <= 0) return -1;
  return zmq_recv(s, buf, cap, 0);
}

static void assert_server_alive(harness_server *h)
{
  client *c = harness_device(h);
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__PingRequest ping = REFLECT__V1__PING_REQUEST__INIT;
  req.op_case = REFLECT__V1__REQUEST__OP_PING;
  req.ping = &ping;
  Reflect__V1__Reply *rep = harness_call(c, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK);
  wire_free_reply(rep);
  client_close(c);
}

static uint8_t *ping_frame(uint32_t protocol, size_t *len)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__PingRequest ping = REFLECT__V1__PING_REQUEST__INIT;
  req.protocol = protocol;
  req.id = 7;
  req.op_case = REFLECT__V1__REQUEST__OP_PING;
  req.ping = &ping;
  uint8_t *buf;
  cr_assert_eq(wire_encode(&req.base, &buf, len), WIRE_OK);
  return buf;
}

Test(transport, wrong_server_key_and_plain_clients_get_nothing, .timeout = 60)
{
  harness_server h;
  harness_start(&h);
  void *ctx = zmq_ctx_new();
  size_t len;
  uint8_t *frame = ping_frame(WIRE_PROTOCOL, &len), buf[1024];

  char other_pub[41], other_sec[41];
  zmq_curve_keypair(other_pub, other_sec);
  void *wrong = raw_dealer(ctx, &h, 1, other_pub);
  cr_assert_eq(exchange(wrong, frame, len, buf, sizeof buf, 1500), -1,
               "a client with the wrong server key got a reply");
  void *plain = raw_dealer(ctx, &h, 0, NULL);
  cr_assert_eq(exchange(plain, frame, len, buf, sizeof buf, 1500), -1, "a plain client got a reply");
  /* Positive control: the same frame over proper CURVE is answered. */
  void *good = raw_dealer(ctx, &h, 1, h.server_key);
  cr_assert_gt(exchange(good, frame, len, buf, sizeof buf, 5000), 0);

  zmq_close(wrong);
  zmq_close(plain);
  zmq_close(good);
  zmq_ctx_term(ctx);
  free(frame);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

Test(transport, oversized_and_malformed_frames, .timeout = 60)
{
  harness_server h;
  harness_start(&h);
  void *ctx = zmq_ctx_new();
  uint8_t buf[4096];

  /* Over ZMQ_MAXMSGSIZE: the server drops the connection, answers nothing. */
  size_t big = WIRE_MAX_FRAME + 4096;
  uint8_t *huge = calloc(1, big);
  void *s = raw_dealer(ctx, &h, 1, h.server_key);
  cr_assert_eq(exchange(s, huge, big, buf, sizeof buf, 1500), -1, "an oversized frame was answered");
  zmq_close(s);
  free(huge);
  assert_server_alive(&h);

  /* Garbage, a request without a protocol version, invalid UTF-8: each is
   * answered with INVALID_ARGUMENT. */
  s = raw_dealer(ctx, &h, 1, h.server_key);
  const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  size_t nolen;
  uint8_t *noproto = ping_frame(0, &nolen);
  /* field 11 (login) { field 1 (username) = "\xff" } */
  const uint8_t bad_utf8[] = {0x08, 0x01, 0x5a, 0x03, 0x0a, 0x01, 0xff};
  struct {
    const void *p;
    size_t n;
  } cases[] = {{junk, sizeof junk}, {noproto, nolen}, {bad_utf8, sizeof bad_utf8}};
  for (size_t i = 0; i < 3; i++) {
    int n = exchange(s, cases[i].p, cases[i].n, buf, sizeof buf, 5000);
    cr_assert_gt(n, 0, "case %zu got no reply", i);
    Reflect__V1__Reply *rep;
    cr_assert_eq(wire_decode_reply(buf, (size_t)n, &rep), WIRE_OK);
    cr_assert_eq(rep->status->code, REFLECT__V1__CODE__INVALID_ARGUMENT, "case %zu: %s", i,
                 wire_code_name(rep->status->code));
    wire_free_reply(rep);
  }
  free(noproto);
  zmq_close(s);
  zmq_ctx_term(ctx);
  assert_server_alive(&h);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

Test(transport, token_only_works_from_its_device, .timeout = 60)
{
  harness_server h;
  harness_start(&h);
  client *a = harness_device(&h);
  Reflect__V1__Reply *rep;
  cr_assert_eq(client_login(a, "admin", HARNESS_ADMIN_PASSWORD, &rep), CLIENT_OK);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK);
  uint8_t token[32];
  cr_assert_eq(rep->login->token.len, 32);
  memcpy(token, rep->login->token.data, 32);
  wire_free_reply(rep);

  client *b = harness_device(&h);
  client_set_token(b, token, sizeof token);
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__WhoAmIRequest who = REFLECT__V1__WHO_AM_IREQUEST__INIT;
  req.op_case = REFLECT__V1__REQUEST__OP_WHOAMI;
  req.whoami = &who;
  rep = harness_call(b, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__UNAUTHENTICATED);
  cr_assert(strstr(rep->status->message, "another device"), "%s", rep->status->message);
  wire_free_reply(rep);
  rep = harness_call(a, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK);
  cr_assert_str_eq(rep->whoami->user->username, "admin");
  wire_free_reply(rep);
  client_close(a);
  client_close(b);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* A ping from a client with these keys (fresh when pub is NULL); 1 if it
 * was answered within ms. */
static int ping_as(harness_server *h, const char *pub, const char *sec, int ms)
{
  char p[41], s[41];
  if (!pub) {
    cr_assert_eq(zmq_curve_keypair(p, s), 0);
    pub = p;
    sec = s;
  }
  client *c = NULL;
  cr_assert_eq(client_open_keys(h->rpc, h->server_key, pub, sec, ms, &c), CLIENT_OK);
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__PingRequest ping = REFLECT__V1__PING_REQUEST__INIT;
  req.op_case = REFLECT__V1__REQUEST__OP_PING;
  req.ping = &ping;
  Reflect__V1__Reply *rep = NULL;
  int ok = client_call(c, &req, &rep) == CLIENT_OK;
  if (rep) wire_free_reply(rep);
  client_close(c);
  return ok;
}

/* Idle connections are bounded. Beyond [server] connections,
 * strangers' keys are refused at the handshake, while a device that has
 * logged in before still connects, so a flood of idle connections from
 * fresh keys cannot lock people out. */
Test(transport, a_flood_of_idle_connections_does_not_lock_out_known_devices, .timeout = 120)
{
  harness_server h;
  harness_init_only(&h);
  char cmd[800];
  snprintf(cmd, sizeof cmd, "sed -i 's/^connections = .*/connections = 16/' '%s/reflectd.conf'", h.data);
  cr_assert_eq(system(cmd), 0);
  harness_serve(&h);
  char pub[41], sec[41];
  cr_assert_eq(zmq_curve_keypair(pub, sec), 0);
  client *admin = NULL;
  cr_assert_eq(client_open_keys(h.rpc, h.server_key, pub, sec, 5000, &admin), CLIENT_OK);
  harness_login(admin, "admin", HARNESS_ADMIN_PASSWORD);
  Reflect__V1__Reply *rep = NULL;
  cr_assert_eq(client_logout(admin, &rep), CLIENT_OK); /* known now, logged in or not */
  wire_free_reply(rep);
  client_close(admin);

  /* Strangers connect, one after another, and stay, idle, until the
   * server holds its sixteen connections and turns the next one away. */
  client *idle[17];
  int n = 0;
  for (; n < 17; n++) {
    char p[41], k[41];
    cr_assert_eq(zmq_curve_keypair(p, k), 0);
    cr_assert_eq(client_open_keys(h.rpc, h.server_key, p, k, 1500, &idle[n]), CLIENT_OK);
    Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
    Reflect__V1__PingRequest ping = REFLECT__V1__PING_REQUEST__INIT;
    req.op_case = REFLECT__V1__REQUEST__OP_PING;
    req.ping = &ping;
    Reflect__V1__Reply *pong = NULL;
    int ok = client_call(idle[n], &req, &pong) == CLIENT_OK;
    if (pong) wire_free_reply(pong);
    if (!ok) break;
  }
  cr_assert(n >= 12 && n <= 16, "%d idle strangers got in under a limit of 16 connections", n);
  if (n < 17) client_close(idle[n]);
  cr_assert_not(ping_as(&h, NULL, NULL, 1000), "a stranger got in beyond the limit");
  cr_assert(ping_as(&h, pub, sec, 5000), "the administrator's device was locked out");
  for (int i = 0; i < n; i++) client_close(idle[i]);
  int back = 0;
  for (int i = 0; i < 50 && !back; i++) back = ping_as(&h, NULL, NULL, 300);
  cr_assert(back, "strangers connect again once the idle connections are gone");
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* Waits up to ms for one reply on s and decodes it; NULL if none came. */
static Reflect__V1__Reply *reply_on(void *s, int ms)
{
  uint8_t buf[4096];
  zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
  if (zmq_poll(&it, 1, ms) <= 0) return NULL;
  int n = zmq_recv(s, buf, sizeof buf, 0);
  cr_assert_gt(n, 0);
  int more = 0;
  size_t sz = sizeof more;
  zmq_getsockopt(s, ZMQ_RCVMORE, &more, &sz);
  cr_assert_not(more, "a reply is one frame");
  Reflect__V1__Reply *rep;
  cr_assert_eq(wire_decode_reply(buf, (size_t)n, &rep), WIRE_OK);
  return rep;
}

/* One frame is one request: a ping followed by anything else in the same
 * message is refused, not answered as the ping alone. */
Test(transport, a_multi_part_request_is_refused, .timeout = 60)
{
  harness_server h;
  harness_start(&h);
  void *ctx = zmq_ctx_new();
  size_t len;
  uint8_t *frame = ping_frame(WIRE_PROTOCOL, &len);
  void *s = raw_dealer(ctx, &h, 1, h.server_key);

  /* [ping][extra] */
  zmq_send(s, frame, len, ZMQ_SNDMORE);
  zmq_send(s, "extra", 5, 0);
  Reflect__V1__Reply *rep = reply_on(s, 5000);
  cr_assert_not_null(rep, "no reply to a two-part message");
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__INVALID_ARGUMENT, "got %s: %s", wire_code_name(rep->status->code),
               rep->status->message);
  cr_assert_eq(rep->result_case, REFLECT__V1__REPLY__RESULT__NOT_SET, "the ping was not run");
  cr_assert_eq(rep->id, 7, "the id of the first part, which can be read");
  cr_assert(strstr(rep->status->message, "exactly one frame"), "%s", rep->status->message);
  wire_free_reply(rep);

  /* [][ping], as a REQ socket would send it: refused the same way. */
  zmq_send(s, "", 0, ZMQ_SNDMORE);
  zmq_send(s, frame, len, 0);
  rep = reply_on(s, 5000);
  cr_assert_not_null(rep);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__INVALID_ARGUMENT);
  cr_assert_eq(rep->id, 0, "an empty first part has no id");
  wire_free_reply(rep);

  /* The connection still works for a proper request. */
  zmq_send(s, frame, len, 0);
  rep = reply_on(s, 5000);
  cr_assert_not_null(rep);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK);
  cr_assert_eq(rep->result_case, REFLECT__V1__REPLY__RESULT_PING);
  wire_free_reply(rep);

  free(frame);
  zmq_close(s);
  zmq_ctx_term(ctx);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* A login frame for username, with its first '\x01' made a NUL after
 * encoding (protobuf-c packs C strings, so it cannot be made before). */
static uint8_t *login_frame_with_nul(const char *username, const char *password, size_t *len)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__LoginRequest login = REFLECT__V1__LOGIN_REQUEST__INIT;
  login.username = (char *)username;
  login.password = (char *)password;
  req.protocol = WIRE_PROTOCOL;
  req.id = 9;
  req.op_case = REFLECT__V1__REQUEST__OP_LOGIN;
  req.login = &login;
  uint8_t *buf;
  cr_assert_eq(wire_encode(&req.base, &buf, len), WIRE_OK);
  uint8_t *mark = memchr(buf + 4, 0x01, *len - 4); /* past protocol's own 0x01 */
  cr_assert_not_null(mark);
  *mark = 0;
  return buf;
}

/* `victim\0anything` with victim's password must not log in as victim:
 * protobuf-c would hand the server "victim". */
Test(transport, a_nul_in_a_username_or_password_is_refused, .timeout = 60)
{
  harness_server h;
  harness_start(&h);
  client *admin = harness_user(&h, "admin");
  harness_add_user(admin, "victim", "Vic Tim", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  void *ctx = zmq_ctx_new();
  void *s = raw_dealer(ctx, &h, 1, h.server_key);

  size_t len;
  uint8_t *frame = login_frame_with_nul("victim\x01"
                                        "anything",
                                        HARNESS_PASSWORD, &len);
  zmq_send(s, frame, len, 0);
  free(frame);
  Reflect__V1__Reply *rep = reply_on(s, 10000);
  cr_assert_not_null(rep);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__INVALID_ARGUMENT, "got %s (%s)%s",
               wire_code_name(rep->status->code), rep->status->message,
               rep->result_case == REFLECT__V1__REPLY__RESULT_LOGIN ? ": logged in as victim" : "");
  cr_assert_str_eq(rep->status->field, "username");
  cr_assert(strstr(rep->status->message, "NUL"), "%s", rep->status->message);
  cr_assert_eq(rep->id, 0, "an undecodable frame is answered with id 0");
  wire_free_reply(rep);

  /* The password: "right password\0whatever" is not the right password. */
  char pw[128];
  snprintf(pw, sizeof pw, "%s\x01whatever", HARNESS_PASSWORD);
  frame = login_frame_with_nul("victim", pw, &len);
  zmq_send(s, frame, len, 0);
  free(frame);
  rep = reply_on(s, 10000);
  cr_assert_not_null(rep);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__INVALID_ARGUMENT, "got %s", wire_code_name(rep->status->code));
  cr_assert_str_eq(rep->status->field, "password");
  wire_free_reply(rep);

  zmq_close(s);
  zmq_ctx_term(ctx);
  client_close(admin);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}
