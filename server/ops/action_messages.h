/*
 * action_messages — actions as the wire carries them, for the requests
 * that list them (action list, a session's agenda).
 *
 * Contract: the messages and their array are allocated from a and point
 * into the items' strings, so the items must live as long (both are the
 * call's arena in practice). Returns RC_OK or RC_EXHAUSTED.
 */
#ifndef REFLECT_ACTION_MESSAGES_H
#define REFLECT_ACTION_MESSAGES_H

#include <stddef.h>

#include "arena.h"
#include "rc.h"
#include "reflect.pb-c.h"
#include "store_actions.h"

rcode action_messages_make(arena *a, const action_item *v, size_t n, Reflect__V1__Action ***out) RC_MUST_CHECK;

#endif
