/*
 * client_internal — helpers shared by the libreflect source files only; not
 * part of the library's API and not installed.
 *
 * Contract:
 *  - File helpers never follow a symlink for a secret file, create files
 *    with the mode given (never wider), and write through a temporary file
 *    and rename(2) so a crash leaves either the old or the new content.
 *    They return CLIENT_OK or CLIENT_EIO with errno describing the cause
 *    (ENOENT: missing; EPERM: a secret file is group/other-accessible or
 *    not ours; EFBIG: larger than the buffer).
 *  - Buffers are the caller's; nothing here allocates except transiently.
 *  - Whatever held a secret (key, token) is wiped before it is released.
 */
#ifndef REFLECT_CLIENT_INTERNAL_H
#define REFLECT_CLIENT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "client.h"

/* Room for an IANA zone name such as "America/Argentina/Buenos_Aires". */
#define CLIENT_ZONE_MAX 64

/* Creates each missing parent directory of path with mode 0700; existing
 * directories are left as they are. */
int client_file_make_parents(const char *path);
/* Replaces path with data through a temp file in the same directory. */
int client_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* Creates path exclusively (O_CREAT|O_EXCL|O_NOFOLLOW); errno EEXIST if it
 * is already there. */
int client_file_create_new(const char *path, const void *data, size_t len, mode_t mode);
/* Reads a whole file of at most size-1 bytes into buf, NUL-terminated.
 * With private_only, refuses (EPERM) a file that is not a regular file
 * owned by the effective user with no group/other permission bits. */
int client_file_read(const char *path, int private_only, char *buf, size_t size, size_t *len);

/* Joins base and suffix into out; CLIENT_EUSAGE if it does not fit. */
int client_path_join(char *out, size_t size, const char *base, const char *suffix);

/* Nonzero if s is a plausible IANA zone name we may put in $TZ. */
int client_zone_valid(const char *s);

/* Token file PATH.token: 32 bytes (hex) and the organisation's zone. A
 * missing or malformed file loads as "no token" (*len = 0), so that the
 * user can always log in again; an insecure one is refused (EPERM). */
int client_token_load(const char *config_path, uint8_t token[CLIENT_TOKEN_BYTES], size_t *len,
                      char zone[CLIENT_ZONE_MAX]);
int client_token_save(const char *config_path, const uint8_t *token, size_t len,
                      const char *zone);
int client_token_remove(const char *config_path);

/* Reads and checks the device secret key PATH.key into secret (Z85). */
int client_keys_load(const char *config_path, char secret[CLIENT_Z85_KEY]);

/* The keys a client was opened with, Z85, for the event subscription
 * (client_events.c), which uses the same device identity. The secret
 * lives as long as the client; never copy it anywhere that outlives it. */
const char *client_device_secret(const client *c);
const char *client_server_key(const client *c);

/* Whether client_set_clean_text is on, for client_events.c. */
int client_cleans_text(const client *c);

/* Nonzero if key is 40 characters of Z85 that zmq_z85_decode accepts. */
int client_key_valid(const char *key);
/* Nonzero if ep is tcp://… or ipc://…, printable, shorter than max. */
int client_endpoint_valid(const char *ep, size_t max);

#endif
