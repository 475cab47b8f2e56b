/* The broker's own replies and queue: the id scan reads only what it is
 * given and finds the id wherever protobuf may put it; the queue keeps its
 * count and byte limits and its order. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "broker_queue.h"
#include "broker_reply.h"
#include "wire.h"

static uint8_t *login_frame(uint64_t id, size_t *len)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__LoginRequest login = REFLECT__V1__LOGIN_REQUEST__INIT;
  login.username = "amira";
  login.password = "correct horse battery";
  uint8_t token[32];
  memset(token, 0xab, sizeof token);
  req.protocol = WIRE_PROTOCOL;
  req.id = id;
  req.token.data = token;
  req.token.len = sizeof token;
  req.op_case = REFLECT__V1__REQUEST__OP_LOGIN;
  req.login = &login;
  uint8_t *out;
  cr_assert_eq(wire_encode(&req.base, &out, len), WIRE_OK);
  return out;
}

Test(broker_reply, finds_the_id_of_a_real_request)
{
  uint64_t ids[] = {1, 127, 128, 300, 0xffffffffull, UINT64_MAX};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    size_t len;
    uint8_t *f = login_frame(ids[i], &len);
    uint64_t id = 7;
    cr_assert_eq(broker_reply_request_id(f, len, &id), 0);
    cr_assert_eq(id, ids[i]);
    free(f);
  }
}

Test(broker_reply, every_truncation_is_refused_or_still_right)
{
  size_t len;
  uint8_t *f = login_frame(987654321, &len);
  for (size_t n = 0; n < len; n++) {
    /* A copy of exactly n bytes, so ASan catches any read past it. */
    uint8_t *cut = malloc(n ? n : 1);
    memcpy(cut, f, n);
    uint64_t id = 5;
    int rc = broker_reply_request_id(cut, n, &id);
    cr_assert(rc == -1 || id == 987654321, "prefix %zu gave id %llu", n, (unsigned long long)id);
    if (rc) cr_assert_eq(id, 0);
    free(cut);
  }
  free(f);
}

Test(broker_reply, refuses_malformed_frames)
{
  uint64_t id;
  const uint8_t group[] = {0x10, 0x05, 0x1b};                                  /* id 5, then a start-group key */
  const uint8_t huge_len[] = {0x10, 0x05, 0x1a, 0xff, 0xff, 0xff, 0xff, 0x0f}; /* token of 4 GiB */
  const uint8_t long_varint[] = {0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  const uint8_t field0[] = {0x00, 0x01};
  const uint8_t no_id[] = {0x08, 0x01};             /* protocol only */
  const uint8_t id_as_bytes[] = {0x12, 0x01, 0x05}; /* field 2 with the wrong wire type */
  cr_assert_eq(broker_reply_request_id(group, sizeof group, &id), -1);
  cr_assert_eq(broker_reply_request_id(huge_len, sizeof huge_len, &id), -1);
  cr_assert_eq(broker_reply_request_id(long_varint, sizeof long_varint, &id), -1);
  cr_assert_eq(broker_reply_request_id(field0, sizeof field0, &id), -1);
  cr_assert_eq(broker_reply_request_id(no_id, sizeof no_id, &id), -1);
  cr_assert_eq(broker_reply_request_id(id_as_bytes, sizeof id_as_bytes, &id), -1);
  cr_assert_eq(broker_reply_request_id(NULL, 0, &id), -1);
}

Test(broker_reply, last_id_wins_and_fixed_fields_are_skipped)
{
  /* id 1, a fixed64 field 9, a fixed32 field 8, id 2 */
  const uint8_t f[] = {0x10, 0x01, 0x49, 1, 2, 3, 4, 5, 6, 7, 8, 0x45, 1, 2, 3, 4, 0x10, 0x02};
  uint64_t id;
  cr_assert_eq(broker_reply_request_id(f, sizeof f, &id), 0);
  cr_assert_eq(id, 2);
}

Test(broker_reply, encodes_a_decodable_unavailable_reply)
{
  uint8_t *out;
  size_t len;
  cr_assert_eq(broker_reply_encode(4242, REFLECT__V1__CODE__UNAVAILABLE, BROKER_BUSY_MESSAGE, &out, &len), 0);
  Reflect__V1__Reply *rep;
  cr_assert_eq(wire_decode_reply(out, len, &rep), WIRE_OK);
  cr_assert_eq(rep->id, 4242);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__UNAVAILABLE);
  cr_assert_str_eq(rep->status->message, BROKER_BUSY_MESSAGE);
  wire_free_reply(rep);
  free(out);
}

static void msg_of(zmq_msg_t *m, const char *text, size_t len)
{
  cr_assert_eq(zmq_msg_init_size(m, len), 0);
  memset(zmq_msg_data(m), 0, len);
  memcpy(zmq_msg_data(m), text, strlen(text) < len ? strlen(text) : len);
}

Test(broker_queue, keeps_order_and_both_limits)
{
  broker_queue q;
  const char user[] = "0123456789012345678901234567890123456789";
  cr_assert_eq(broker_queue_init(&q, 3, 1000), 0);
  for (int i = 0; i < 4; i++) {
    zmq_msg_t c, f;
    char name[8];
    snprintf(name, sizeof name, "r%d", i);
    msg_of(&c, "peer", 5);
    msg_of(&f, name, 100);
    int rc = broker_queue_push(&q, &c, user, &f);
    cr_assert_eq(rc, i < 3 ? 0 : -1, "push %d", i);
    /* Refused: nothing was moved, the caller still owns its messages. */
    if (rc) cr_assert_eq(zmq_msg_size(&f), 100);
    zmq_msg_close(&c);
    zmq_msg_close(&f);
  }
  cr_assert_eq(q.bytes, 3 * 105);
  zmq_msg_t c, f;
  char who[41];
  zmq_msg_init(&c);
  zmq_msg_init(&f);
  cr_assert_eq(broker_queue_pop(&q, &c, who, &f), 0);
  cr_assert_str_eq((const char *)zmq_msg_data(&f), "r0");
  cr_assert_str_eq(who, user);
  /* Room for one more by count, but not for 900 more bytes. */
  zmq_msg_t big_c, big_f;
  msg_of(&big_c, "peer", 5);
  msg_of(&big_f, "big", 900);
  cr_assert_eq(broker_queue_push(&q, &big_c, user, &big_f), -1);
  zmq_msg_close(&big_c);
  zmq_msg_close(&big_f);
  cr_assert_eq(broker_queue_pop(&q, &c, who, &f), 0);
  cr_assert_str_eq((const char *)zmq_msg_data(&f), "r1");
  zmq_msg_close(&c);
  zmq_msg_close(&f);
  /* r2 is still queued: freeing the queue releases it (LSan checks). */
  broker_queue_free(&q);
}
