/* Helpers shared by the reflectd subcommands (see commands.h). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "datadir.h"
#include "log.h"

int commands_read_line(char *buf, size_t size)
{
  /* No stdio buffer may keep a copy of a passphrase or password. */
  static int unbuffered;
  if (!unbuffered) { setvbuf(stdin, NULL, _IONBF, 0); unbuffered = 1; }
  if (!fgets(buf, (int)size, stdin)) return -1;
  size_t n = strcspn(buf, "\n");
  if (buf[n] != '\n' && !feof(stdin)) return -1; /* longer than the buffer */
  buf[n] = '\0';
  if (n && buf[n - 1] == '\r') buf[n - 1] = '\0';
  return 0;
}

static int get_meta(db *d, const char *key, void *buf, size_t size, size_t *len)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT value FROM meta WHERE key = ?1");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int rc = -1;
  if (sqlite3_step(st) == SQLITE_ROW) {
    size_t n = (size_t)sqlite3_column_bytes(st, 0);
    if (n <= size) {
      memcpy(buf, sqlite3_column_blob(st, 0), n);
      *len = n;
      rc = 0;
    }
  }
  sqlite3_reset(st);
  return rc;
}

int commands_open_vault(const char *dir, db *d, const char *passphrase, vault **out, char *err,
                        size_t err_size)
{
  char mode[32] = "";
  uint8_t check[VAULT_CHECK_BYTES], salt[VAULT_SALT_BYTES];
  size_t n = 0;
  int locked = 0;
  *out = NULL;
  if (get_meta(d, "seal_mode", mode, sizeof mode - 1, &n)) {
    snprintf(err, err_size, "%s has no seal mode: not initialised by reflectd init?", dir);
    return -1;
  }
  mode[n] = '\0';
  if (get_meta(d, "key_check", check, sizeof check, &n) || n != sizeof check) {
    snprintf(err, err_size, "%s has no key check value: the database is damaged", dir);
    return -1;
  }
  if (!strcmp(mode, "passphrase")) {
    if (!passphrase) {
      snprintf(err, err_size, "%s is sealed with a passphrase: pass --passphrase-stdin", dir);
      return -1;
    }
    if (get_meta(d, "passphrase_salt", salt, sizeof salt, &n) || n != sizeof salt ||
        vault_open_passphrase(passphrase, strlen(passphrase), salt, out, &locked)) {
      snprintf(err, err_size, "could not derive the master key");
      return -1;
    }
  } else {
    char path[DATADIR_PATH_MAX];
    int vrc = datadir_path(dir, DATADIR_MASTER_KEY, path, sizeof path) ? VAULT_EINVAL
                                                                       : vault_open_keyfile(path, out, &locked);
    if (vrc) {
      snprintf(err, err_size, "cannot open the master key %s: %s", path, vault_strerror(vrc));
      return -1;
    }
  }
  if (vault_verify_check(*out, check) != VAULT_OK) {
    vault_close(*out);
    *out = NULL;
    snprintf(err, err_size, "wrong master key for %s (wrong passphrase or key file)", dir);
    return -1;
  }
  if (!locked)
    log_line(LOG_WARN, "event=mlock_failed hint=\"raise RLIMIT_MEMLOCK (LimitMEMLOCK=) so keys cannot be swapped\"");
  return 0;
}

