/* dispatch_frame in-process, against a real data directory: the envelope
 * rules (protocol, op, token, device, expiry) that every request passes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dispatch.h"
#include "fixture.h"
#include "wire.h"

#define DEVICE "devicedevicedevicedevicedevicedevice0001"
#define OTHER "devicedevicedevicedevicedevicedevice0002"

static fixture f;
static void setup(void)
{
  fixture_open(&f);
}
static void teardown(void)
{
  fixture_close(&f);
}
TestSuite(dispatch, .init = setup, .fini = teardown, .timeout = 60);

static Reflect__V1__Reply *send(const char *device, Reflect__V1__Request *req, int slow_ok, int *route)
{
  uint8_t *in, *out = NULL;
  size_t in_len, out_len;
  cr_assert_eq(wire_encode(&req->base, &in, &in_len), WIRE_OK);
  *route = dispatch_frame(&f.s, device, in, in_len, slow_ok, &out, &out_len, NULL);
  free(in);
  if (*route != DISPATCH_REPLY) return NULL;
  Reflect__V1__Reply *rep;
  cr_assert_eq(wire_decode_reply(out, out_len, &rep), WIRE_OK);
  free(out);
  cr_assert_eq(rep->id, req->id, "the reply echoes the request id");
  return rep;
}

static Reflect__V1__Code whoami(const char *device, const uint8_t *token, size_t len, uint32_t protocol)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__WhoAmIRequest w = REFLECT__V1__WHO_AM_IREQUEST__INIT;
  req.protocol = protocol;
  req.id = 99;
  req.op_case = REFLECT__V1__REQUEST__OP_WHOAMI;
  req.whoami = &w;
  req.token.data = (uint8_t *)token;
  req.token.len = len;
  int route;
  Reflect__V1__Reply *rep = send(device, &req, 0, &route);
  Reflect__V1__Code code = rep->status->code;
  if (code == REFLECT__V1__CODE__OK) cr_assert_str_eq(rep->whoami->user->username, "admin");
  else cr_assert_eq(rep->result_case, REFLECT__V1__REPLY__RESULT__NOT_SET);
  wire_free_reply(rep);
  return code;
}

Test(dispatch, a_valid_token_from_its_device_works)
{
  uint8_t tok[32];
  memset(tok, 7, sizeof tok);
  int64_t now = (int64_t)time(NULL);
  fixture_token(&f, 1, tok, DEVICE, now, now + 3600);
  cr_assert_eq(whoami(DEVICE, tok, sizeof tok, WIRE_PROTOCOL), REFLECT__V1__CODE__OK);
  cr_assert_eq(whoami(OTHER, tok, sizeof tok, WIRE_PROTOCOL), REFLECT__V1__CODE__UNAUTHENTICATED);
  cr_assert_eq(whoami(DEVICE, tok, 31, WIRE_PROTOCOL), REFLECT__V1__CODE__UNAUTHENTICATED);
  cr_assert_eq(whoami(DEVICE, NULL, 0, WIRE_PROTOCOL), REFLECT__V1__CODE__UNAUTHENTICATED);
  tok[0] ^= 1;
  cr_assert_eq(whoami(DEVICE, tok, sizeof tok, WIRE_PROTOCOL), REFLECT__V1__CODE__UNAUTHENTICATED);
}

Test(dispatch, expired_and_idle_tokens_are_refused)
{
  uint8_t expired[32], idle[32];
  memset(expired, 1, 32);
  memset(idle, 2, 32);
  int64_t now = (int64_t)time(NULL);
  fixture_token(&f, 1, expired, DEVICE, now - 10, now - 1);
  fixture_token(&f, 1, idle, DEVICE, now - f.cfg.token_idle_s - 1, now + 86400);
  cr_assert_eq(whoami(DEVICE, expired, 32, WIRE_PROTOCOL), REFLECT__V1__CODE__UNAUTHENTICATED);
  cr_assert_eq(whoami(DEVICE, idle, 32, WIRE_PROTOCOL), REFLECT__V1__CODE__UNAUTHENTICATED);
}

Test(dispatch, protocol_version_is_required)
{
  uint8_t tok[32];
  memset(tok, 3, sizeof tok);
  int64_t now = (int64_t)time(NULL);
  fixture_token(&f, 1, tok, DEVICE, now, now + 3600);
  cr_assert_eq(whoami(DEVICE, tok, 32, 0), REFLECT__V1__CODE__INVALID_ARGUMENT);
  /* A newer client is served: fields are only ever added. */
  cr_assert_eq(whoami(DEVICE, tok, 32, WIRE_PROTOCOL + 1), REFLECT__V1__CODE__OK);
}

Test(dispatch, an_empty_request_is_unimplemented_not_a_crash)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  req.protocol = WIRE_PROTOCOL;
  req.id = 5;
  int route;
  Reflect__V1__Reply *rep = send(DEVICE, &req, 0, &route);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__UNIMPLEMENTED);
  wire_free_reply(rep);
}

Test(dispatch, password_hashing_ops_go_to_the_slow_workers)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__LoginRequest l = REFLECT__V1__LOGIN_REQUEST__INIT;
  l.username = "admin";
  l.password = "wrong-password-long";
  req.protocol = WIRE_PROTOCOL;
  req.id = 11;
  req.op_case = REFLECT__V1__REQUEST__OP_LOGIN;
  req.login = &l;
  int route;
  cr_assert_null(send(DEVICE, &req, 0, &route));
  cr_assert_eq(route, DISPATCH_SLOW, "a fast worker must not hash");
  Reflect__V1__Reply *rep = send(DEVICE, &req, 1, &route);
  cr_assert_eq(route, DISPATCH_REPLY);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__UNAUTHENTICATED);
  cr_assert_str_eq(rep->status->message, "wrong username or password");
  wire_free_reply(rep);
}

Test(dispatch, garbage_gets_invalid_argument_with_id_zero)
{
  const uint8_t junk[] = {0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f};
  uint8_t *out;
  size_t out_len;
  cr_assert_eq(dispatch_frame(&f.s, DEVICE, junk, sizeof junk, 0, &out, &out_len, NULL), DISPATCH_REPLY);
  Reflect__V1__Reply *rep;
  cr_assert_eq(wire_decode_reply(out, out_len, &rep), WIRE_OK);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__INVALID_ARGUMENT);
  cr_assert_eq(rep->id, 0);
  wire_free_reply(rep);
  free(out);
}
