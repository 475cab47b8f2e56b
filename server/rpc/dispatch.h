/*
 * dispatch — one request frame in, one reply frame out.
 *
 * Contract: dispatch_frame never trusts the frame. It decodes it within a
 * memory budget, refuses an old protocol, looks the op up in the authz
 * table (absent = denied), authenticates the token against the device that
 * sent it, runs the handler, and always produces a reply frame (*out,
 * malloc'd, caller frees) — except when the op must run on a slow
 * (password-hashing) worker and `slow_ok` is 0: then it returns
 * DISPATCH_SLOW (a login from a device the account has never used) or
 * DISPATCH_SLOW_FAMILIAR (a login from one it has, or a request of someone
 * logged in) and produces nothing, and the caller re-dispatches the same
 * frame on a slow worker, familiar ones first, with *slow_owner (if not
 * NULL) set to whose password work it is (0 for a stranger's login), so
 * the caller can bound each person's share. A request the throttle
 * refuses is answered at once, and never queued. A handler's partial result never leaves: a
 * non-OK reply carries only the Status.
 */
#ifndef REFLECT_DISPATCH_H
#define REFLECT_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "call.h"

enum { DISPATCH_REPLY = 0, DISPATCH_SLOW = 1, DISPATCH_SLOW_FAMILIAR = 2, DISPATCH_ENOMEM = -1 };

/* A password-hashing request is a username, a name and a password: a frame
 * larger than this is refused rather than queued for a slow worker. */
#define DISPATCH_SLOW_MAX (8 * 1024)

int dispatch_frame(svc *s, const char *device, const uint8_t *frame, size_t len, int slow_ok, uint8_t **out,
                   size_t *out_len, int64_t *slow_owner);

#endif
