/*
 * wire — the bytes that cross the network, shared by reflectd and libreflect.
 *
 * Contract:
 *  - wire_decode_request/wire_decode_reply turn one untrusted frame into a
 *    message, or refuse it. They never read past `len`, never allocate more
 *    than WIRE_DECODE_BUDGET bytes however the frame is crafted (protobuf-c
 *    itself has no such limit), and accept only frames whose every string
 *    field, at any depth, is valid UTF-8. On success *out is owned by the
 *    caller and must be released with wire_free_request/wire_free_reply.
 *  - wire_encode packs any message into a malloc'd buffer that the caller
 *    frees with free().
 *  - wire_check_utf8 is the single definition of "valid text" for Reflect.
 * All functions return 0 on success or a negative WIRE_E* code.
 */
#ifndef REFLECT_WIRE_H
#define REFLECT_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include "reflect.pb-c.h"

/* The protocol version this build speaks. Bump when a client must upgrade. */
#define WIRE_PROTOCOL          1u
/* The oldest client protocol the server still answers. */
#define WIRE_PROTOCOL_MIN      1u

/* ZMQ_MAXMSGSIZE on every socket; a larger frame disconnects the peer. */
#define WIRE_MAX_FRAME         (1024 * 1024)
/* Upper bound on heap that decoding one frame may use. Small frames can
 * expand many times over (an empty sub-message costs 2 bytes on the wire
 * and ~50 in memory), so the cap is on memory, not on frame length. */
#define WIRE_DECODE_BUDGET     (8 * 1024 * 1024)
/* Messages are non-recursive; this only guards the walker itself. */
#define WIRE_MAX_DEPTH         8

enum {
  WIRE_OK = 0,
  WIRE_EDECODE = -1,   /* not a well-formed message of the expected type */
  WIRE_EBUDGET = -2,   /* would need more memory than WIRE_DECODE_BUDGET */
  WIRE_EUTF8 = -3,     /* a string field is not valid UTF-8 */
  WIRE_ENOMEM = -4,
  WIRE_ETOOBIG = -5,   /* larger than WIRE_MAX_FRAME */
};

/* Valid UTF-8 of at most max_bytes, no NUL, no C0 controls except TAB, LF
 * and CR, no overlongs, no surrogates. */
int wire_check_utf8(const char *s, size_t max_bytes);

/* Walks every string field of m (including repeated and nested ones) and
 * checks it with wire_check_utf8 against WIRE_MAX_FRAME. On failure, if
 * bad_field is non-NULL it receives the name of the offending field (a
 * static string owned by the generated descriptors). */
int wire_check_strings(const ProtobufCMessage *m, const char **bad_field);

int  wire_decode_request(const uint8_t *data, size_t len, Reflect__V1__Request **out);
void wire_free_request(Reflect__V1__Request *req);
int  wire_decode_reply(const uint8_t *data, size_t len, Reflect__V1__Reply **out);
void wire_free_reply(Reflect__V1__Reply *rep);
/* An Event opened from a published frame (same rules as a reply). */
int  wire_decode_event(const uint8_t *data, size_t len, Reflect__V1__Event **out);
void wire_free_event(Reflect__V1__Event *ev);

int wire_encode(const ProtobufCMessage *m, uint8_t **out, size_t *out_len);

/* gRPC's canonical upper-case name of a code, e.g. "PERMISSION_DENIED". */
const char *wire_code_name(Reflect__V1__Code code);
/* Lower-case role name ("administrator", ...) or NULL; and the inverse. */
const char *wire_role_name(Reflect__V1__Role role);
int wire_role_parse(const char *name, Reflect__V1__Role *out);

#endif
