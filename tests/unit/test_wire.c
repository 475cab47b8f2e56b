#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

Test(wire, utf8_accepts_text_with_newlines_and_accents)
{
  cr_assert_eq(wire_check_utf8("Café\nline two\tand \xe2\x82\xac", 100), WIRE_OK);
  cr_assert_eq(wire_check_utf8("\xf0\x9f\x98\x80", 4), WIRE_OK);
}

Test(wire, utf8_refuses_malformed_and_control)
{
  cr_assert_eq(wire_check_utf8("\xc0\xaf", 10), WIRE_EUTF8, "overlong slash");
  cr_assert_eq(wire_check_utf8("\xed\xa0\x80", 10), WIRE_EUTF8, "surrogate");
  cr_assert_eq(wire_check_utf8("\xf4\x90\x80\x80", 10), WIRE_EUTF8, "past U+10FFFF");
  cr_assert_eq(wire_check_utf8("\xe2\x82", 10), WIRE_EUTF8, "truncated");
  cr_assert_eq(wire_check_utf8("bell\x07", 10), WIRE_EUTF8, "control character");
  cr_assert_eq(wire_check_utf8("abcdef", 5), WIRE_EUTF8, "over the byte limit");
}

Test(wire, round_trips_a_request)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__LoginRequest login = REFLECT__V1__LOGIN_REQUEST__INIT;
  login.username = "amira";
  login.password = "correct horse";
  req.protocol = WIRE_PROTOCOL;
  req.id = 42;
  req.op_case = REFLECT__V1__REQUEST__OP_LOGIN;
  req.login = &login;
  uint8_t *buf;
  size_t len;
  cr_assert_eq(wire_encode(&req.base, &buf, &len), WIRE_OK);
  Reflect__V1__Request *out;
  cr_assert_eq(wire_decode_request(buf, len, &out), WIRE_OK);
  cr_assert_eq(out->id, 42);
  cr_assert_eq(out->op_case, REFLECT__V1__REQUEST__OP_LOGIN);
  cr_assert_str_eq(out->login->username, "amira");
  wire_free_request(out);
  free(buf);
}

Test(wire, refuses_invalid_utf8_in_a_nested_string)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionAddRequest add = REFLECT__V1__SESSION_ADD_REQUEST__INIT;
  char *members[] = {"ok", "bad\xff"};
  add.n_members = 2;
  add.members = members;
  add.room = "";
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_ADD;
  req.session_add = &add;
  uint8_t *buf;
  size_t len;
  cr_assert_eq(wire_encode(&req.base, &buf, &len), WIRE_OK);
  Reflect__V1__Request *out = (void *)1;
  cr_assert_eq(wire_decode_request(buf, len, &out), WIRE_EUTF8);
  cr_assert_null(out);
  free(buf);
}

Test(wire, garbage_and_truncation_are_decode_errors)
{
  const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  Reflect__V1__Request *out;
  cr_assert_eq(wire_decode_request(junk, sizeof junk, &out), WIRE_EDECODE);
  /* field 11 (login), length 100, but only 2 bytes follow */
  const uint8_t trunc[] = {0x5a, 100, 0x0a, 0x00};
  cr_assert_eq(wire_decode_request(trunc, sizeof trunc, &out), WIRE_EDECODE);
}

Test(wire, memory_budget_caps_amplification)
{
  /* A UserListReply with ~400k empty User entries: 2 bytes each on the wire,
   * ~100 bytes each decoded. The decoder must refuse, not allocate 40 MiB. */
  size_t n = 400000;
  size_t len = 3 + 4 + n * 2;
  uint8_t *buf = malloc(len);
  size_t o = 0;
  buf[o++] = 0xaa; /* Reply.user_list: tag (21 << 3) | 2 = 170, a two-byte varint */
  buf[o++] = 0x01;
  size_t inner = n * 2;
  while (inner >= 0x80) { buf[o++] = (uint8_t)(inner | 0x80); inner >>= 7; }
  buf[o++] = (uint8_t)inner;
  for (size_t i = 0; i < n; i++) { buf[o++] = (1 << 3) | 2; buf[o++] = 0; }
  Reflect__V1__Reply *out;
  int rc = wire_decode_reply(buf, o, &out);
  cr_assert_eq(rc, WIRE_EBUDGET, "got %d", rc);
  free(buf);
}

Test(wire, oversized_frame_is_refused_before_decoding)
{
  Reflect__V1__Request *out;
  uint8_t byte = 0;
  cr_assert_eq(wire_decode_request(&byte, WIRE_MAX_FRAME + 1, &out), WIRE_ETOOBIG);
}
