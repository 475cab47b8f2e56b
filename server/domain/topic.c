#include "topic.h"

#include <sodium.h>
#include <string.h>
#include <zmq.h>

#define NONCE_BYTES 8
#define TAG_BYTES (TOPIC_BYTES - NONCE_BYTES)

int topic_key_derive(const char *secret_z85, topic_key *k)
{
  uint8_t secret[32];
  if (strlen(secret_z85) != 40 || !zmq_z85_decode(secret, secret_z85)) return -1;
  static const char label[] = "reflect event topic key v1";
  crypto_generichash(k->key, sizeof k->key, (const uint8_t *)label, sizeof label - 1, secret, sizeof secret);
  sodium_memzero(secret, sizeof secret);
  return 0;
}

static void tag(const topic_key *k, const char *device_z85, const uint8_t nonce[NONCE_BYTES], uint8_t out[TAG_BYTES])
{
  crypto_generichash_state st;
  crypto_generichash_init(&st, k->key, sizeof k->key, TAG_BYTES);
  crypto_generichash_update(&st, (const uint8_t *)device_z85, strlen(device_z85));
  crypto_generichash_update(&st, nonce, NONCE_BYTES);
  crypto_generichash_final(&st, out, TAG_BYTES);
}

void topic_make(const topic_key *k, const char *device_z85, uint8_t out[TOPIC_BYTES])
{
  randombytes_buf(out, NONCE_BYTES);
  tag(k, device_z85, out, out + NONCE_BYTES);
}

int topic_valid(const topic_key *k, const char *device_z85, const uint8_t *topic, size_t len)
{
  if (len != TOPIC_BYTES) return 0;
  uint8_t want[TAG_BYTES];
  tag(k, device_z85, topic, want);
  return sodium_memcmp(want, topic + NONCE_BYTES, TAG_BYTES) == 0;
}
