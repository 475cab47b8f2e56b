/*
 * fuzz_common — what the fuzz target and its seed generator agree on: the
 * fuzzer's device key and the per-role tokens the target installs.
 */
#ifndef REFLECT_FUZZ_COMMON_H
#define REFLECT_FUZZ_COMMON_H

#include <stdint.h>
#include <string.h>

#define FUZZ_DEVICE "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"

static inline void fuzz_token(int role, uint8_t token[32])
{
  memset(token, role, 32);
}

#endif
