/*
 * principal — who is asking: the device (the CURVE key the ZAP handler
 * authenticated, passed explicitly from the frontend because message
 * properties do not survive inproc forwarding) and, once the token has
 * been checked, the user. Plain data, filled by the request layer and
 * read by every layer below it (the store's visibility rules, the audit
 * log's who and where). A header only.
 */
#ifndef REFLECT_PRINCIPAL_H
#define REFLECT_PRINCIPAL_H

#include <stdint.h>

#include "role.h"

#define USERNAME_MAX 64
#define DEVICE_Z85_LEN 40

typedef struct {
  char device[DEVICE_Z85_LEN + 1];
  int authenticated;
  int64_t user_id;
  user_role role;
  int must_change; /* an administrator set the password: see REQUEST_FIRST */
  char username[USERNAME_MAX + 1];
  uint8_t token_hash[32];
  int64_t expires_at;
} principal;

#endif
