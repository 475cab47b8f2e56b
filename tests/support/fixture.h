/*
 * fixture — a real data directory opened in-process, for tests and the
 * fuzzer that call dispatch_frame without a network: `reflectd init` on a
 * temporary directory, then the database and vault opened the way
 * `reflectd serve` opens them.
 *
 * Contract: fixture_open aborts with a message on any failure (it is test
 * scaffolding, used before a test framework may be running). The fixture
 * owns its db and vault; fixture_close releases them and removes the
 * directory. fixture_token installs a login token directly, bound to
 * `device`, so a caller can act as any user without hashing a password.
 */
#ifndef REFLECT_FIXTURE_H
#define REFLECT_FIXTURE_H

#include <stdint.h>

#include "config.h"
#include "db.h"
#include "call.h"
#include "vault.h"

typedef struct {
  char dir[64];
  char data[96];
  config cfg;
  db *db;
  vault *vault;
  topic_key topics; /* from the data directory's server key, as serve makes it */
  svc s;
} fixture;

void fixture_open(fixture *f);
void fixture_close(fixture *f);
void fixture_token(fixture *f, int64_t user_id, const uint8_t token[32], const char *device, int64_t last_seen,
                   int64_t expires_at);

#endif
