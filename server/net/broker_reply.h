/*
 * broker_reply — the answers reflectd's main thread gives by itself,
 * without a worker: "busy" when the queue is full, "stopping" for what
 * was still queued at shutdown, and INVALID_ARGUMENT for a message of more
 * than one part (docs/architecture.md#d1-shape: the main thread does no slow
 * work, so it never decodes a whole request).
 *
 * Contract:
 *  - broker_reply_request_id scans only the top level of an untrusted
 *    Request frame for field 2 (id, varint). It reads no byte past len,
 *    allocates nothing, and takes O(len) time whatever the frame holds.
 *    Returns 0 with *id set (the last occurrence wins, as in protobuf), or
 *    -1 if the frame is malformed or has no id (*id is then 0).
 *  - broker_reply_encode packs Reply{id, Status{code, message}} into a
 *    malloc'd buffer that the caller frees with free(). Returns 0 or -1.
 */
#ifndef REFLECT_BROKER_REPLY_H
#define REFLECT_BROKER_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "reflect.pb-c.h"

#define BROKER_BUSY_MESSAGE "the server is busy: try again shortly"
#define BROKER_STOPPING_MESSAGE "the server is stopping: try again shortly"
#define BROKER_PARTS_MESSAGE                                                                       \
  "a request is exactly one frame; this message had more than one part (a DEALER sends the frame " \
  "alone, with no empty delimiter)"

int broker_reply_request_id(const uint8_t *frame, size_t len, uint64_t *id);
int broker_reply_encode(uint64_t id, Reflect__V1__Code code, const char *message, uint8_t **out, size_t *out_len);

#endif
