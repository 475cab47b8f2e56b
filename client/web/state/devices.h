/*
 * devices — one CURVE key pair per browser, so reflectd's token binding,
 * audit device and familiar-device rules apply to each browser as to any
 * other device (docs/architecture.md#d11-web).
 *
 * Contract:
 *  - A browser is named by a random 32-byte id (the gateway's long-lived
 *    device cookie). Its key pair is made at its first login and kept in
 *    STATE/devices/<name>, where name is a keyed hash of the id, sealed
 *    (XSalsa20-Poly1305) under a key derived from the gateway's own key
 *    (STATE/gateway.key, made at first start, 0600) and the id. The state
 *    directory alone opens nothing: the key of each device also needs its
 *    browser's cookie, and a cookie alone needs the gateway's key.
 *  - devices_load returns DEVICES_ENONE for an id with no file (an unknown
 *    or forged cookie), DEVICES_EBAD for a file that does not open.
 *  - At most DEVICES_MAX files are kept; making one more removes the
 *    longest unused (a browser that comes back after that logs in as a
 *    new device), so no one can grow the state directory without bound.
 *    And at most DEVICES_PER_ACCOUNT are kept for one account of those
 *    made since the gateway started: one more removes that account's
 *    oldest, so logging in from many fresh browsers with one password
 *    recycles that account's own devices, never pushes out other people's
 *    (whose browsers are familiar devices to reflectd).
 *  - Keys are written into the caller's buffers, which the caller wipes;
 *    devices is safe to use from several threads.
 */
#ifndef REFLECT_WEB_DEVICES_H
#define REFLECT_WEB_DEVICES_H

#include <stddef.h>
#include <stdint.h>

#define DEVICES_ID_BYTES 32
#define DEVICES_KEY_Z85 41 /* 40 characters and a NUL */
#define DEVICES_MAX 20000
#define DEVICES_PER_ACCOUNT 16

enum { DEVICES_OK = 0, DEVICES_ENONE = -1, DEVICES_EBAD = -2, DEVICES_EIO = -3, DEVICES_ENOMEM = -4 };

typedef struct devices devices;

typedef struct {
  char public_key[DEVICES_KEY_Z85];
  char secret_key[DEVICES_KEY_Z85];
} devices_keys;

/* Opens (making if needed, 0700) STATE and STATE/devices, and loads or
 * makes STATE/gateway.key. */
int devices_open(const char *state_dir, devices **out);
void devices_close(devices *d);

int devices_load(devices *d, const uint8_t id[DEVICES_ID_BYTES], devices_keys *out);
/* A new id (into id) and key pair (into out), in memory only: a browser
 * is kept only once a login from it has worked (devices_save), so failed
 * attempts write nothing. */
int devices_create(uint8_t id[DEVICES_ID_BYTES], devices_keys *out);
/* Seals keys to disk as the device of id, a browser of account owner. */
int devices_save(devices *d, const uint8_t id[DEVICES_ID_BYTES], const devices_keys *keys, const char *owner);

#endif
