/* The device's CURVE key pair beside its config file: PATH.key (the
 * secret, Z85, mode 0600) and PATH.pub; and what a Z85 key must look like.
 * See client_internal.h and, for client_key_valid, client.h. */
#include "client_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <zmq.h>

int client_key_valid(const char *key)
{
  uint8_t bin[32];
  if (!key || strlen(key) != CLIENT_Z85_KEY - 1) return 0;
  int ok = zmq_z85_decode(bin, key) != NULL;
  sodium_memzero(bin, sizeof bin);
  return ok;
}

int client_keys_load(const char *config_path, char secret[CLIENT_Z85_KEY])
{
  char path[4096];
  char text[128];
  size_t n;
  if (client_file_path_join(path, sizeof path, config_path, ".key")) return CLIENT_EUSAGE;
  int rc = client_file_read(path, 1, text, sizeof text, &n);
  if (rc) return rc;
  while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' ')) text[--n] = '\0';
  if (!client_key_valid(text)) {
    sodium_memzero(text, sizeof text);
    errno = EINVAL;
    return CLIENT_EIO;
  }
  memcpy(secret, text, CLIENT_Z85_KEY);
  sodium_memzero(text, sizeof text);
  return CLIENT_OK;
}

/* Keeps an existing key pair (re-running setup must not change the
 * device's identity); makes one otherwise. PATH.pub is always rewritten
 * from the secret, so the two cannot disagree. */
int client_keys_ensure(const char *config_path)
{
  char key_path[4096], pub_path[4096];
  char secret[CLIENT_Z85_KEY], pub[CLIENT_Z85_KEY];
  char line[CLIENT_Z85_KEY + 1];
  if (client_file_path_join(key_path, sizeof key_path, config_path, ".key") ||
      client_file_path_join(pub_path, sizeof pub_path, config_path, ".pub"))
    return CLIENT_EUSAGE;
  int rc = client_keys_load(config_path, secret);
  if (rc && errno == ENOENT) {
    if (zmq_curve_keypair(pub, secret) != 0) return CLIENT_EIO;
    snprintf(line, sizeof line, "%s\n", secret);
    rc = client_file_create_new(key_path, line, CLIENT_Z85_KEY, 0600);
    sodium_memzero(line, sizeof line);
    /* Another setup running at the same moment won; use its key. */
    if (rc && errno == EEXIST) rc = client_keys_load(config_path, secret);
  }
  if (rc == CLIENT_OK) {
    if (zmq_curve_public(pub, secret) != 0) {
      rc = CLIENT_EIO;
    } else {
      snprintf(line, sizeof line, "%s\n", pub);
      rc = client_file_write_atomic(pub_path, line, CLIENT_Z85_KEY, 0644);
    }
  }
  sodium_memzero(secret, sizeof secret);
  return rc;
}
