/*
 * wire — the bytes that cross the network, shared by reflectd and libreflect.
 *
 * Contract:
 *  - wire_decode_request/wire_decode_reply turn one untrusted frame into a
 *    message, or refuse it. They never read past `len`, never allocate more
 *    than WIRE_DECODE_BUDGET bytes however the frame is crafted (protobuf-c
 *    itself has no such limit), and accept only frames whose every string
 *    field, at any depth and in every occurrence, is valid UTF-8 without a
 *    NUL byte (protobuf-c would silently cut a string at its first NUL).
 *    On success *out is owned by the caller and must be released with
 *    wire_free_request/wire_free_reply.
 *  - A request's strings are held to their field's kind (wire_field_kind):
 *    one-line by default, so a field added to the proto gets the strictest
 *    rule until it is listed as multi-line text or a secret in wire.c.
 *    Replies and events are held only to WIRE_TEXT_ANY: they may carry what
 *    an older server stored, and whoever shows them cleans them
 *    (wire_clean_strings).
 *  - wire_encode packs any message into a malloc'd buffer that the caller
 *    frees with free().
 *  - wire_check_text is the single definition of "valid text" for Reflect.
 * All functions return 0 on success or a negative WIRE_E* code.
 */
#ifndef REFLECT_WIRE_H
#define REFLECT_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include "reflect.pb-c.h"

/* The protocol version this build speaks. Bump when a client must upgrade. */
#define WIRE_PROTOCOL 1u
/* The oldest client protocol the server still answers. */
#define WIRE_PROTOCOL_MIN 1u

/* ZMQ_MAXMSGSIZE on every socket; a larger frame disconnects the peer. */
#define WIRE_MAX_FRAME (1024 * 1024)
/* Upper bound on heap that decoding one frame may use. Small frames can
 * expand many times over (an empty sub-message costs 2 bytes on the wire
 * and ~50 in memory), so the cap is on memory, not on frame length. */
#define WIRE_DECODE_BUDGET (8 * 1024 * 1024)
/* Messages are non-recursive; this only guards the walker itself. */
#define WIRE_MAX_DEPTH 8

enum {
  WIRE_OK = 0,
  WIRE_EDECODE = -1, /* not a well-formed message of the expected type */
  WIRE_EBUDGET = -2, /* would need more memory than WIRE_DECODE_BUDGET */
  WIRE_EUTF8 = -3,   /* a string field is not valid UTF-8 */
  WIRE_ENOMEM = -4,
  WIRE_ETOOBIG = -5, /* larger than WIRE_MAX_FRAME */
  WIRE_ENUL = -6,    /* a string field holds a NUL byte */
  WIRE_ECHAR = -7,   /* a character its field's kind does not allow */
};

/* What a string field may hold. Every kind is valid UTF-8 (no overlongs,
 * surrogates or code points past U+10FFFF) without NUL or DEL. */
typedef enum {
  /* Names, usernames, rooms, references, titles, dates: no control
   * character at all (C0 including TAB and line breaks, C1), no
   * bidirectional override or isolate (U+202A-U+202E, U+2066-U+2069), no
   * line or paragraph separator (U+2028, U+2029). */
  WIRE_TEXT_LINE = 0,
  /* Record sections, comments, reasons, descriptions: as a line, but LF
   * and TAB are allowed (and U+2028/U+2029). CR is not: send LF. */
  WIRE_TEXT_MULTILINE = 1,
  /* Passwords: never shown, so held only to the rule every password set
   * before these kinds existed met (C0 but TAB, LF and CR refused), lest a
   * stricter rule lock someone out of their account. */
  WIRE_TEXT_SECRET = 2,
  /* Replies and events, as received (the old rule for every string). */
  WIRE_TEXT_ANY = 3,
} wire_text_kind;

/* Why a frame was refused: the field at fault as a path below the
 * request's operation ("username", "sections[1].situation"), or "" when
 * the fault is not in one string; cp is the code point refused (WIRE_ECHAR,
 * and 0 for WIRE_ENUL). */
typedef struct {
  int code;
  uint32_t cp;
  char field[128];
} wire_error;

/* The kind of string field f of message type m (one-line unless listed). */
wire_text_kind wire_field_kind(const ProtobufCMessageDescriptor *m, const ProtobufCFieldDescriptor *f);

/* Checks len bytes at s (which need not be NUL-terminated and may hold
 * NULs) against kind. Returns WIRE_OK, WIRE_EUTF8, WIRE_ENUL or WIRE_ECHAR;
 * on the last two *cp (if cp is non-NULL) receives the code point. */
int wire_check_text(const char *s, size_t len, wire_text_kind kind, uint32_t *cp);

/* wire_check_text of a NUL-terminated s of at most max_bytes, as
 * WIRE_TEXT_ANY; any failure is WIRE_EUTF8. For what a user types into
 * the CLI before it is sent. */
int wire_check_utf8(const char *s, size_t max_bytes);

/* Makes every string of a decoded message (at any depth) safe to show on a
 * terminal, in place, by its field's kind: C0 and C1 controls, DEL,
 * bidirectional overrides and isolates become '?'; in one-line fields TAB,
 * CR, LF and U+2028/U+2029 become a space; in multi-line text LF and TAB
 * stay, and CR before LF is dropped. Never lengthens a string. */
void wire_clean_strings(ProtobufCMessage *m);
/* The same for one NUL-terminated string, as kind (SECRET and ANY count as
 * one line). Must not be the shared empty string of a decoded message. */
void wire_clean_text(char *s, wire_text_kind kind);

/* Reads the protobuf varint at *pos (at most 10 bytes) and moves past it;
 * -1 if it is malformed or runs past len. For scans of raw frames. */
int wire_read_varint(const uint8_t *p, size_t len, size_t *pos, uint64_t *out);

/* why may be NULL. */
int wire_decode_request(const uint8_t *data, size_t len, Reflect__V1__Request **out, wire_error *why);
void wire_free_request(Reflect__V1__Request *req);
int wire_decode_reply(const uint8_t *data, size_t len, Reflect__V1__Reply **out);
void wire_free_reply(Reflect__V1__Reply *rep);
/* An Event opened from a published frame (same rules as a reply). */
int wire_decode_event(const uint8_t *data, size_t len, Reflect__V1__Event **out);
void wire_free_event(Reflect__V1__Event *ev);

int wire_encode(const ProtobufCMessage *m, uint8_t **out, size_t *out_len);

/* gRPC's canonical upper-case name of a code, e.g. "PERMISSION_DENIED". */
const char *wire_code_name(Reflect__V1__Code code);
/* Lower-case role name ("administrator", ...) or NULL; and the inverse. */
const char *wire_role_name(Reflect__V1__Role role);
int wire_role_parse(const char *name, Reflect__V1__Role *out);
/* Lower-case names for people: "low", "medium", "high" ("unknown" for
 * anything else); "note", "disagreement", "resolution". */
const char *wire_risk_name(Reflect__V1__RiskLevel r);
const char *wire_comment_kind_name(Reflect__V1__CommentKind kind);

#endif
