/* What reaches the server from outside: CURVE with the wrong server key and
 * plain (non-CURVE) clients get nothing; oversized frames disconnect the
 * sender; garbage and malformed requests get INVALID_ARGUMENT, never a
 * crash; a token only works from the device it was issued to. */
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
  cr_assert_eq(exchange(wrong, frame, len, buf, sizeof buf, 1500), -1, "a client with the wrong server key got a reply");
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
  struct { const void *p; size_t n; } cases[] = {{junk, sizeof junk}, {noproto, nolen}, {bad_utf8, sizeof bad_utf8}};
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
