/*
 * harness_ops — the requests integration tests make again and again
 * (agreements, bookings, status changes, actions, reading events), one
 * call each, through libreflect on a harness server (see harness.h).
 *
 * Contract: every function sends one request per step and fails the test
 * (Criterion assertion) unless the server answers OK. Strings passed in
 * are only borrowed for the call; a NULL optional string leaves the field
 * empty. The fixed values a helper chooses are stated at its declaration.
 *
 * Memory: harness_ok and harness_events_since return the reply, which the
 * caller frees with wire_free_reply (events read from it live as long as
 * the reply). Every other helper frees its replies and returns only ids.
 */
#ifndef REFLECT_HARNESS_OPS_H
#define REFLECT_HARNESS_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "reflect/client.h"
#include "reflect.pb-c.h"
#include "wire.h"

/* Sends req and returns the reply; asserts it is OK. */
Reflect__V1__Reply *harness_ok(client *c, Reflect__V1__Request *req);

/* Sends the request whose op is CASE (REFLECT__V1__REQUEST__OP_<CASE>)
 * with msg in req.field, asserts OK and frees the reply. */
#define HARNESS_CALL(c, CASE, field, msg)                   \
  do {                                                      \
    Reflect__V1__Request req_ = REFLECT__V1__REQUEST__INIT; \
    req_.op_case = REFLECT__V1__REQUEST__OP_##CASE;         \
    req_.field = &(msg);                                    \
    wire_free_reply(harness_ok(c, &req_));                  \
  } while (0)

/* sup agrees to supervise `supervisee` every every_days days for 60
 * minutes, from starts_on ("YYYY-MM-DD"; "" or NULL for today); if sign,
 * the supervisee signs it on `see`. Returns the agreement's id. */
uint64_t harness_agreement(client *sup, client *see, const char *supervisee, uint32_t every_days, const char *starts_on,
                           int sign);
/* The supervisee signs agreement id on `see`. */
void harness_sign_agreement(client *see, uint64_t id);

/* sup books a session with the n members at starts_at (Unix seconds) for
 * `minutes` in `room` ("" for none). Returns the session's id. */
uint64_t harness_book(client *sup, const char *const *members, size_t n, int64_t starts_at, uint32_t minutes,
                      const char *room);
/* sup moves session id to starts_at, giving reason (NULL for none). */
void harness_reschedule(client *sup, uint64_t id, int64_t starts_at, const char *reason);
/* sup sets session id's status, giving reason (NULL for none). */
void harness_set_status(client *sup, uint64_t id, Reflect__V1__SessionStatus status, const char *reason);

/* sup adds an action from session for owner, due at due_at, about case
 * case_id (0 for none); evidence_needed may be NULL. Returns its id. */
uint64_t harness_add_action(client *sup, uint64_t session, const char *owner, const char *description,
                            const char *evidence_needed, int64_t due_at, uint64_t case_id);
/* c closes action id with status, giving evidence (NULL for none). */
void harness_close_action(client *c, uint64_t id, Reflect__V1__ActionStatus status, const char *evidence);

/* One page of c's events after seq `after`, at most `limit` (0 for the
 * server's default). Returns the EventsSince reply, asserted OK and of
 * that kind; the caller frees it. */
Reflect__V1__Reply *harness_events_since(client *c, uint64_t after, uint32_t limit);

#endif
