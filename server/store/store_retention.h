/*
 * store_retention — opening a value sealed under a case's key, whose key
 * retention may have destroyed (shred.h).
 *
 * Contract: store_retention_open is store_keys_open for such a value, but
 * a destroyed key gives the static text RETENTION_DESTROYED (retention.h)
 * and OK rather than an error. Other text is arena memory.
 */
#ifndef REFLECT_STORE_RETENTION_H
#define REFLECT_STORE_RETENTION_H

#include <stddef.h>

#include "store_ctx.h"
#include "store_keys.h"

rcode store_retention_open(store_ctx *c, arena *a, const store_slot *slot, const void *blob, size_t len,
                           char **text) RC_MUST_CHECK;

#endif
