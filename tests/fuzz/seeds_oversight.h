/*
 * seeds_oversight — seed requests for the issue-5 ops, for fuzz_seeds.
 * Fills out[0..max) with ops and their (static) sub-messages; returns how many.
 */
#ifndef REFLECT_SEEDS_OVERSIGHT_H
#define REFLECT_SEEDS_OVERSIGHT_H

#include <stddef.h>

#include "reflect.pb-c.h"

typedef struct {
  Reflect__V1__Request__OpCase op;
  void *msg;
} seed_op;

size_t seeds_oversight(seed_op *out, size_t max);

#endif
