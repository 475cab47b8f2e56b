#include "fixture.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "unseal.h"
#include "datadir.h"
#include "store_tokens.h"

static void die(const char *what)
{
  fprintf(stderr, "fixture: %s\n", what);
  abort();
}

void fixture_open(fixture *f)
{
  memset(f, 0, sizeof *f);
  snprintf(f->dir, sizeof f->dir, "/tmp/reflect-fixture-XXXXXX");
  if (!mkdtemp(f->dir)) die("mkdtemp");
  snprintf(f->data, sizeof f->data, "%s/data", f->dir);
  char *argv[] = {"init", "--data", f->data, NULL};
  /* init prints the generated administrator password; tests log in by token. */
  fflush(stdout);
  FILE *saved = stdout;
  stdout = fopen("/dev/null", "w");
  int rc = cmd_init(3, argv);
  fclose(stdout);
  stdout = saved;
  if (rc) die("reflectd init failed");
  config_defaults(&f->cfg);
  /* Tests and fuzzing do not need power-loss durability, only speed. */
  f->cfg.synchronous_full = 0;
  char err[512];
  if (db_open(f->data, DB_OPEN, 0, &f->db, err, sizeof err)) die(err);
  if (unseal_open_vault(f->data, f->db, NULL, &f->vault, err, sizeof err)) die(err);
  char secret[41];
  if (datadir_read_secret(f->data, DATADIR_SERVER_KEY, secret, sizeof secret, err, sizeof err) ||
      topic_key_derive(secret, &f->topics))
    die("cannot derive the topic key from the server key");
  sodium_memzero(secret, sizeof secret);
  f->s = (svc){.db = f->db, .vault = f->vault, .cfg = &f->cfg, .topics = &f->topics};
}

void fixture_close(fixture *f)
{
  db_close(f->db);
  vault_close(f->vault);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
  if (system(cmd) != 0) fprintf(stderr, "fixture: could not remove %s\n", f->dir);
}

void fixture_token(fixture *f, int64_t user_id, const uint8_t token[32], const char *device, int64_t last_seen,
                   int64_t expires_at)
{
  uint8_t hash[TOKEN_HASH_BYTES];
  store_tokens_hash(token, 32, hash);
  if (db_begin_write(f->db) || store_tokens_create(f->db, hash, user_id, device, last_seen, expires_at) ||
      db_commit(f->db))
    die("could not install a token");
}
