/*
 * session_messages — a session as the store lists it (session_item), as
 * the wire's Session: shared by `session list` and `session show`.
 *
 * Contract: the message and its arrays are allocated from c->a; strings
 * are borrowed from the item (arena memory of the same request). Returns 0
 * or RC_EXHAUSTED.
 */
#ifndef REFLECT_SESSION_MESSAGES_H
#define REFLECT_SESSION_MESSAGES_H

#include "call.h"
#include "store_sessions.h"

rcode session_messages_from_item(call *c, const session_item *in, Reflect__V1__Session **out) RC_MUST_CHECK;

#endif
