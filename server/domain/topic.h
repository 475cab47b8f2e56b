/*
 * topic — the event topics a device may subscribe to (docs/architecture.md#d6-events).
 *
 * A topic is 16 bytes: 8 random bytes, fresh at every login, then 8 bytes
 * of a keyed BLAKE2b over the device's CURVE key (Z85) and those random
 * bytes. The key comes from the server's CURVE secret, so it survives a
 * restart and needs no unsealing. The main thread checks each subscription
 * the PUB socket receives against the subscriber's own CURVE key (its ZAP
 * User-Id) without touching the database: a device can subscribe only to
 * a topic made for it, never to another's nor to everything, and a new
 * login's topic cannot be linked to the last one.
 *
 * Contract: topic_key_derive fills *k from the server's Z85 secret (0, or
 * -1 if it does not decode); the caller owns k and wipes it with
 * sodium_memzero. The other functions never fail and allocate nothing.
 */
#ifndef REFLECT_TOPIC_H
#define REFLECT_TOPIC_H

#include <stddef.h>
#include <stdint.h>

#define TOPIC_BYTES 16

typedef struct {
  uint8_t key[32];
} topic_key;

int topic_key_derive(const char *secret_z85, topic_key *k);
void topic_make(const topic_key *k, const char *device_z85, uint8_t out[TOPIC_BYTES]);
/* 1 if topic (len bytes) was made by topic_make for device_z85. */
int topic_valid(const topic_key *k, const char *device_z85, const uint8_t *topic, size_t len);

#endif
