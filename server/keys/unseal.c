/* Opening a data directory's keys (see unseal.h). */
#include "unseal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "datadir.h"
#include "log.h"
#include "rotate.h"


/* Opens a key file and checks it: 0 opens the database, 1 does not (or
 * cannot be read: vrc says why), -1 out of memory. */
static int try_keyfile(const char *path, const uint8_t check[VAULT_CHECK_BYTES], vault **out, int *locked, int *vrc)
{
  *vrc = vault_open_keyfile(path, out, locked);
  if (*vrc == VAULT_ENOMEM) return -1;
  if (*vrc) return 1;
  if (vault_verify_check(*out, check) == VAULT_OK) return 0;
  vault_close(*out);
  *out = NULL;
  *vrc = VAULT_EINTEGRITY;
  return 1;
}

/* The directory this process holds the lock of (unseal_lock_dir): only
 * its holder, the server or an offline rotation, may rename or remove key
 * files. A `verify` beside a running server that is in the middle of a
 * rotation would otherwise delete the new key the rotation is about to
 * commit to. */
static char held_dir[DATADIR_PATH_MAX];

/* Key-file mode, settling a rotation a crash interrupted (rotate.h): the
 * database answers to master.key.new once the rotation committed, to
 * master.key before. Without the directory lock the files are left as
 * they are and the key that passes the check is used in memory. */
static int open_keyfile_mode(const char *dir, const uint8_t check[VAULT_CHECK_BYTES], vault **out, int *locked,
                             char *err, size_t err_size)
{
  char path[DATADIR_PATH_MAX], fresh[DATADIR_PATH_MAX];
  if (datadir_path(dir, DATADIR_MASTER_KEY, path, sizeof path) ||
      datadir_path(dir, ROTATE_NEW_KEY, fresh, sizeof fresh)) {
    snprintf(err, err_size, "the data directory's path is too long");
    return -1;
  }
  int vrc = 0, nvrc = 0, has_new = access(fresh, F_OK) == 0;
  int settle = held_dir[0] && !strcmp(held_dir, dir);
  int r = try_keyfile(path, check, out, locked, &vrc);
  if (r < 0) {
    snprintf(err, err_size, "out of memory");
    return -1;
  }
  if (r == 0) {
    if (has_new && settle) {
      /* Written before a transaction that never committed: the database
       * never used it. */
      if (unlink(fresh) != 0) {
        snprintf(err, err_size, "cannot remove the stale %s: %s", fresh, strerror(errno));
        vault_close(*out);
        *out = NULL;
        return -1;
      }
      log_line(LOG_WARN, "event=rotation_abandoned removed=%s", fresh);
    }
    return 0;
  }
  if (has_new && try_keyfile(fresh, check, out, locked, &nvrc) == 0) {
    if (!settle) return 0; /* a rotation committed; its holder renames the files */
    char retired[DATADIR_PATH_MAX];
    if (rotate_finish_keyfile(dir, retired, sizeof retired, err, err_size)) {
      vault_close(*out);
      *out = NULL;
      return -1;
    }
    log_line(LOG_WARN, "event=rotation_completed retired=%s", retired);
    return 0;
  }
  if (vrc == VAULT_EINTEGRITY) {
    snprintf(err, err_size, "wrong master key for %s (wrong passphrase or key file)", dir);
    return UNSEAL_EWRONGKEY;
  }
  snprintf(err, err_size, "cannot open the master key %s: %s", path, vault_strerror(vrc));
  return -1;
}

int unseal_open_vault(const char *dir, db *d, const char *passphrase, vault **out, char *err, size_t err_size)
{
  char mode[32] = "";
  uint8_t check[VAULT_CHECK_BYTES], salt[VAULT_SALT_BYTES], wrapped[256];
  size_t n = 0;
  int locked = 1;
  *out = NULL;
  if (rotate_seal_mode(d, mode, sizeof mode)) {
    snprintf(err, err_size, "%s has no seal mode: not initialised by reflectd init?", dir);
    return -1;
  }
  if (db_meta_get(d, "key_check", check, sizeof check, &n) || n != sizeof check) {
    snprintf(err, err_size, "%s has no key check value: the database is damaged", dir);
    return -1;
  }
  if (!strcmp(mode, "passphrase")) {
    if (!passphrase) {
      snprintf(err, err_size, "%s is sealed with a passphrase: pass --passphrase-stdin", dir);
      return -1;
    }
    if (db_meta_get(d, "passphrase_salt", salt, sizeof salt, &n) || n != sizeof salt ||
        vault_open_passphrase(passphrase, strlen(passphrase), salt, out, &locked)) {
      snprintf(err, err_size, "could not derive the master key");
      return -1;
    }
    if (vault_verify_check(*out, check) != VAULT_OK) {
      vault_close(*out);
      *out = NULL;
      snprintf(err, err_size, "wrong master key for %s (wrong passphrase or key file)", dir);
      return UNSEAL_EWRONGKEY;
    }
  } else {
    int rc = open_keyfile_mode(dir, check, out, &locked, err, err_size);
    if (rc) return rc;
  }
  /* After a rotation the blind-index key is no longer the one the master
   * key derives: the database keeps it wrapped, and every stored index
   * depends on it. */
  if (db_meta_get(d, "index_key", wrapped, sizeof wrapped, &n) == 0) {
    int vrc = vault_adopt_index_key(*out, wrapped, n);
    if (vrc) {
      vault_close(*out);
      *out = NULL;
      snprintf(err, err_size, "the stored blind-index key does not open: %s", vault_strerror(vrc));
      return -1;
    }
  }
  if (!locked)
    log_line(LOG_WARN, "event=mlock_failed hint=\"raise RLIMIT_MEMLOCK (LimitMEMLOCK=) so keys cannot be swapped\"");
  return 0;
}

int unseal_lock_dir(const char *dir, int *fd, char *err, size_t err_size)
{
  *fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0) {
    snprintf(err, err_size, "cannot open %s: %s", dir, strerror(errno));
    return -1;
  }
  if (flock(*fd, LOCK_EX | LOCK_NB) == 0) {
    snprintf(held_dir, sizeof held_dir, "%s", dir);
    return 0;
  }
  int busy = errno == EWOULDBLOCK;
  snprintf(err, err_size, busy ? "a server is already running on %s" : "cannot lock %s: %s", dir, strerror(errno));
  close(*fd);
  *fd = -1;
  return busy ? 1 : -1;
}
