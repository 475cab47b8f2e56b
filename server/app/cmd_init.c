/* `reflectd init`: a new data directory with keys, schema and a first administrator. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "commands.h"
#include "config.h"
#include "datadir.h"
#include "log.h"
#include "password.h"
#include "call.h"
#include "store_audit.h"
#include "store_users.h"

static const char usage[] =
    "usage: reflectd init --data DIR [--admin NAME] [--admin-password-stdin] [--passphrase-stdin]\n"
    "\n"
    "Creates DIR with a new database, the server's CURVE key pair and the master key,\n"
    "and a first administrator account. Refuses a directory that is not empty.\n"
    "  --admin NAME             the administrator's username (default: admin)\n"
    "  --admin-password-stdin   read the administrator's password from stdin;\n"
    "                           otherwise a strong one is generated and shown once\n"
    "  --passphrase-stdin       seal the master key with a passphrase read from stdin\n"
    "                           (first line; before the password) instead of a key file\n";

static int set_meta(db *d, const char *key, const void *value, size_t len)
{
  sqlite3_stmt *st = db_prepare(d, "INSERT INTO meta(key, value) VALUES (?1, ?2)");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_blob(st, 2, value, (int)len, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

typedef struct {
  const char *admin, *password, *mode;
  const uint8_t *salt;
  const vault *v;
  int64_t admin_id;
} init_state;

static rcode init_write(call *c, void *arg)
{
  init_state *st = arg;
  uint8_t check[VAULT_CHECK_BYTES];
  char pwhash[PASSWORD_HASH_MAX];
  if (vault_make_check(st->v, check) || password_hash(st->password, pwhash)) return RC_INTERNAL;
  db *d = c->s->db;
  if (set_meta(d, "seal_mode", st->mode, strlen(st->mode)) || set_meta(d, "key_check", check, sizeof check) ||
      (st->salt && set_meta(d, "passphrase_salt", st->salt, VAULT_SALT_BYTES)))
    return RC_INTERNAL;
  rcode rc = store_users_create(call_store(c), st->admin, "Administrator", ROLE_ADMINISTRATOR, pwhash, &st->admin_id);
  sodium_memzero(pwhash, sizeof pwhash);
  if (rc) return rc;
  return store_audit_append(call_store(c), "init", "server", st->admin);
}

static int make_server_keys(const char *dir, char pub[41], char *err, size_t err_size)
{
  char secret[41], line[42];
  if (zmq_curve_keypair(pub, secret)) {
    snprintf(err, err_size, "this libzmq has no CURVE support");
    return -1;
  }
  snprintf(line, sizeof line, "%s\n", secret);
  int rc = datadir_write_file(dir, DATADIR_SERVER_KEY, line, 0600, err, err_size);
  sodium_memzero(secret, sizeof secret);
  sodium_memzero(line, sizeof line);
  snprintf(line, sizeof line, "%s\n", pub);
  if (!rc) rc = datadir_write_file(dir, DATADIR_SERVER_PUB, line, 0644, err, err_size);
  return rc;
}

int cmd_init(int argc, char **argv)
{
  static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
                                       {"admin", required_argument, NULL, 'a'},
                                       {"admin-password-stdin", no_argument, NULL, 'p'},
                                       {"passphrase-stdin", no_argument, NULL, 's'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *dir = NULL, *admin = "admin";
  int pw_stdin = 0, pass_stdin = 0, ch;
  while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (ch) {
    case 'd': dir = optarg; break;
    case 'a': admin = optarg; break;
    case 'p': pw_stdin = 1; break;
    case 's': pass_stdin = 1; break;
    case 'h': fputs(usage, stdout); return EXIT_OK;
    default: fputs(usage, stderr); return EXIT_USAGE;
    }
  }
  if (!dir || optind != argc) {
    fputs(usage, stderr);
    return EXIT_USAGE;
  }
  if (!store_users_valid_username(admin)) {
    fprintf(stderr, "reflectd: invalid administrator name '%s' (use a-z, 0-9, '.', '_', '-')\n", admin);
    return EXIT_USAGE;
  }
  char passphrase[1024] = "", password[PASSWORD_MAX + 2] = "", err[512];
  if (pass_stdin && (commands_read_line(passphrase, sizeof passphrase) || !*passphrase)) {
    fprintf(stderr, "reflectd: no passphrase on stdin\n");
    return EXIT_USAGE;
  }
  if (pw_stdin) {
    if (commands_read_line(password, sizeof password)) {
      fprintf(stderr, "reflectd: no administrator password on stdin\n");
      return EXIT_USAGE;
    }
  } else {
    password_generate(password, 24);
  }
  const char *why = password_check_policy(password);
  if (why) {
    fprintf(stderr, "reflectd: %s\n", why);
    return EXIT_USAGE;
  }

  if (vault_harden_process() != VAULT_OK) log_line(LOG_WARN, "event=harden_failed");
  int rc = EXIT_FAIL, locked = 1;
  vault *v = NULL;
  db *d = NULL;
  uint8_t salt[VAULT_SALT_BYTES];
  char keyfile[DATADIR_PATH_MAX], pub[41];
  if (datadir_create(dir, err, sizeof err)) goto out;
  if (pass_stdin) {
    vault_new_salt(salt);
    if (vault_open_passphrase(passphrase, strlen(passphrase), salt, &v, &locked)) {
      snprintf(err, sizeof err, "could not derive the master key");
      goto out;
    }
  } else if (datadir_path(dir, DATADIR_MASTER_KEY, keyfile, sizeof keyfile) || vault_create_keyfile(keyfile) ||
             vault_open_keyfile(keyfile, &v, &locked)) {
    snprintf(err, sizeof err, "could not create the master key file in %s", dir);
    goto out;
  }
  if (!locked) log_line(LOG_WARN, "event=mlock_failed hint=\"raise RLIMIT_MEMLOCK so keys cannot be swapped\"");
  if (make_server_keys(dir, pub, err, sizeof err)) goto out;
  if (db_open(dir, DB_CREATE, 1, &d, err, sizeof err)) goto out;
  config cfg;
  config_defaults(&cfg);
  svc s = {.db = d, .vault = v, .cfg = &cfg};
  principal who = {.device = "local"};
  arena a = {0};
  keyring ring = {0};
  Reflect__V1__Status status = REFLECT__V1__STATUS__INIT;
  Reflect__V1__Reply rep = REFLECT__V1__REPLY__INIT;
  rep.status = &status;
  call c = {.s = &s, .who = &who, .a = &a, .ring = &ring, .rep = &rep, .now = (int64_t)time(NULL)};
  init_state st = {admin, password, pass_stdin ? "passphrase" : "keyfile", pass_stdin ? salt : NULL, v, 0};
  rcode wrc = call_write(&c, "initialise the database", init_write, &st);
  if (wrc) snprintf(err, sizeof err, "%s", status.message);
  keyring_clear(&ring);
  arena_reset(&a);
  if (wrc) goto out;
  if (config_write_default(dir, &cfg)) {
    snprintf(err, sizeof err, "could not write %s/%s", dir, CONFIG_FILE_NAME);
    goto out;
  }
  printf("initialised %s\n", dir);
  printf("server public key: %s\n", pub);
  printf("administrator: %s\n", admin);
  if (!pw_stdin)
    printf("administrator password (shown once; change it with `reflect password` after logging in): %s\n", password);
  rc = EXIT_OK;
out:
  if (rc) fprintf(stderr, "reflectd: %s\n", err);
  sodium_memzero(password, sizeof password);
  sodium_memzero(passphrase, sizeof passphrase);
  db_close(d);
  vault_close(v);
  return rc;
}
