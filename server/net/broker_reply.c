/* The main thread's own replies; see broker_reply.h. */
#include "broker_reply.h"

#include <stdlib.h>

#include "wire.h"

/* Advances *pos past n bytes, refusing to go past len (n may be huge). */
static int skip(size_t len, size_t *pos, uint64_t n)
{
  if (n > len - *pos) return -1;
  *pos += (size_t)n;
  return 0;
}

int broker_reply_request_id(const uint8_t *frame, size_t len, uint64_t *id)
{
  size_t pos = 0;
  int found = 0;
  *id = 0;
  if (!frame && len) return -1;
  while (pos < len) {
    uint64_t key, v;
    if (wire_read_varint(frame, len, &pos, &key)) goto bad;
    uint64_t field = key >> 3;
    if (field == 0) goto bad;
    switch (key & 7) {
    case 0:
      if (wire_read_varint(frame, len, &pos, &v)) goto bad;
      if (field == 2) {
        *id = v;
        found = 1;
      }
      break;
    case 1:
      if (skip(len, &pos, 8)) goto bad;
      break;
    case 2:
      if (wire_read_varint(frame, len, &pos, &v) || skip(len, &pos, v)) goto bad;
      break;
    case 5:
      if (skip(len, &pos, 4)) goto bad;
      break;
    default: goto bad; /* groups (3, 4) are not in proto3; 6, 7 do not exist */
    }
  }
  return found ? 0 : -1;
bad:
  *id = 0;
  return -1;
}

int broker_reply_encode(uint64_t id, Reflect__V1__Code code, const char *message, uint8_t **out, size_t *out_len)
{
  Reflect__V1__Status st = REFLECT__V1__STATUS__INIT;
  Reflect__V1__Reply rep = REFLECT__V1__REPLY__INIT;
  st.code = code;
  st.message = (char *)message;
  rep.id = id;
  rep.status = &st;
  *out = NULL;
  *out_len = 0;
  return wire_encode(&rep.base, out, out_len) == WIRE_OK ? 0 : -1;
}
