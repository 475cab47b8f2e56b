/*
 * case_messages — cases as the wire carries them, for the requests that
 * show one (case show, case decisions, a case's extract) or list them.
 *
 * Contract: the messages and their arrays are allocated from a. They
 * point at the item's strings (the store put them in the same arena); the
 * one held inside the row, retain_until, is copied, so the item itself may
 * be a local. Returns RC_OK or RC_EXHAUSTED.
 */
#ifndef REFLECT_CASE_MESSAGES_H
#define REFLECT_CASE_MESSAGES_H

#include <stddef.h>

#include "arena.h"
#include "rc.h"
#include "reflect.pb-c.h"
#include "store_cases.h"

rcode case_messages_make(arena *a, const case_item *k, Reflect__V1__Case **out) RC_MUST_CHECK;
rcode case_messages_list(arena *a, const case_item *v, size_t n, Reflect__V1__Case ***out) RC_MUST_CHECK;

#endif
