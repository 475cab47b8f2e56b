/*
 * client_internal — helpers shared by the libreflect source files only; not
 * part of the library's API and not installed.
 *
 * Contract:
 *  - Buffers are the caller's; nothing here allocates except transiently.
 *  - Whatever held a secret (key, token) is wiped before it is released.
 *  - Each function is defined in the file named for its prefix
 *    (client_token_* in client_token.c, client_keys_* in client_keys.c).
 */
#ifndef REFLECT_CLIENT_INTERNAL_H
#define REFLECT_CLIENT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "reflect/client.h"
#include "reflect/client_file.h"

/* Room for an IANA zone name such as "America/Argentina/Buenos_Aires". */
#define CLIENT_ZONE_MAX 64


/* client_token.c. Nonzero if s is a plausible IANA zone name we may put
 * in $TZ (the zone saved with the token and taken from a login reply). */
int client_token_zone_valid(const char *s);

/* Token file PATH.token: 32 bytes (hex) and the organisation's zone. A
 * missing or malformed file loads as "no token" (*len = 0), so that the
 * user can always log in again; an insecure one is refused (EPERM). */
int client_token_load(const char *config_path, uint8_t token[CLIENT_TOKEN_BYTES], size_t *len,
                      char zone[CLIENT_ZONE_MAX]);
int client_token_save(const char *config_path, const uint8_t *token, size_t len, const char *zone);
int client_token_remove(const char *config_path);

/* client_keys.c. Reads and checks the device secret key PATH.key into
 * secret (Z85; the caller's buffer, to wipe when done). */
int client_keys_load(const char *config_path, char secret[CLIENT_Z85_KEY]);
/* Keeps an existing key pair (re-running setup must not change the
 * device's identity) or makes one, and rewrites PATH.pub from the secret. */
int client_keys_ensure(const char *config_path);

/* The keys a client was opened with, Z85, for the event subscription
 * (client_events.c), which uses the same device identity. The secret
 * lives as long as the client; never copy it anywhere that outlives it. */
const char *client_device_secret(const client *c);
const char *client_server_key(const client *c);

/* Whether client_set_clean_text is on, for client_events.c. */
int client_cleans_text(const client *c);


#endif
