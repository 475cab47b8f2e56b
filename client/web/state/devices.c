#include "devices.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <zmq.h>

#define NAME_HEX (2 * 16 + 1)
#define SEALED_LEN (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 40)

/* The device files this process made for one account, oldest first from
 * `next`, named by a keyed hash of the username (no name is kept). */
typedef struct {
  uint8_t owner[16];
  char files[DEVICES_PER_ACCOUNT][NAME_HEX];
  unsigned n, next;
} account_devices;

struct devices {
  char dir[4096];
  uint8_t *key; /* sodium_malloc: the gateway key */
  pthread_mutex_t lock;
  account_devices *accounts; /* grows with the accounts that log in */
  size_t n_accounts, cap_accounts;
};

static int ensure_dir(const char *path)
{
  if (mkdir(path, 0700) == 0) return 0;
  struct stat st;
  if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
  return -1;
}

/* Reads exactly n bytes from path, refusing a file others may read. */
static int read_secret_file(const char *path, uint8_t *buf, size_t n)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return errno == ENOENT ? DEVICES_ENONE : DEVICES_EIO;
  struct stat st;
  int rc = DEVICES_OK;
  if (fstat(fd, &st) != 0 || (st.st_mode & 077) || (size_t)st.st_size != n) rc = DEVICES_EBAD;
  if (!rc && read(fd, buf, n) != (ssize_t)n) rc = DEVICES_EIO;
  close(fd);
  return rc;
}

/* Writes buf to path atomically (temp file, fsync, rename), mode 0600. */
static int write_secret_file(const char *dir, const char *path, const uint8_t *buf, size_t n)
{
  char tmp[4200];
  if (snprintf(tmp, sizeof tmp, "%s/.tmp-%lx-%lx", dir, (unsigned long)getpid(), (unsigned long)randombytes_random()) >=
      (int)sizeof tmp)
    return DEVICES_EIO;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return DEVICES_EIO;
  int ok = write(fd, buf, n) == (ssize_t)n && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok || rename(tmp, path) != 0) {
    unlink(tmp);
    return DEVICES_EIO;
  }
  return DEVICES_OK;
}

int devices_open(const char *state_dir, devices **out)
{
  *out = NULL;
  if (sodium_init() < 0) return DEVICES_ENOMEM;
  devices *d = calloc(1, sizeof *d);
  if (!d) return DEVICES_ENOMEM;
  pthread_mutex_init(&d->lock, NULL);
  int rc = DEVICES_OK;
  char path[4200];
  if (snprintf(d->dir, sizeof d->dir, "%s/devices", state_dir) >= (int)sizeof d->dir) rc = DEVICES_EIO;
  if (!rc && (ensure_dir(state_dir) || ensure_dir(d->dir))) rc = DEVICES_EIO;
  if (!rc && !(d->key = sodium_malloc(crypto_kdf_KEYBYTES))) rc = DEVICES_ENOMEM;
  if (!rc) {
    snprintf(path, sizeof path, "%s/gateway.key", state_dir);
    rc = read_secret_file(path, d->key, crypto_kdf_KEYBYTES);
    if (rc == DEVICES_ENONE) {
      crypto_kdf_keygen(d->key);
      char tmpdir[4200];
      snprintf(tmpdir, sizeof tmpdir, "%s", state_dir);
      rc = write_secret_file(tmpdir, path, d->key, crypto_kdf_KEYBYTES);
    }
  }
  if (rc) {
    devices_close(d);
    return rc;
  }
  *out = d;
  return DEVICES_OK;
}

void devices_close(devices *d)
{
  if (!d) return;
  if (d->key) sodium_free(d->key);
  pthread_mutex_destroy(&d->lock);
  free(d->accounts);
  free(d);
}

/* The file of a device: a keyed hash of its id, so the directory listing
 * names no cookie. */
static void file_of(const devices *d, const uint8_t id[DEVICES_ID_BYTES], char *path, size_t size)
{
  uint8_t h[16];
  crypto_generichash(h, sizeof h, id, DEVICES_ID_BYTES, d->key, crypto_kdf_KEYBYTES);
  char hex[NAME_HEX];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  snprintf(path, size, "%s/%s", d->dir, hex);
}

/* The sealing key of one device: the gateway key and the browser's id. */
static void seal_key(const devices *d, const uint8_t id[DEVICES_ID_BYTES], uint8_t key[crypto_secretbox_KEYBYTES])
{
  crypto_generichash_state st;
  static const char label[] = "reflect-web device seal v1";
  crypto_generichash_init(&st, d->key, crypto_kdf_KEYBYTES, crypto_secretbox_KEYBYTES);
  crypto_generichash_update(&st, (const uint8_t *)label, sizeof label);
  crypto_generichash_update(&st, id, DEVICES_ID_BYTES);
  crypto_generichash_final(&st, key, crypto_secretbox_KEYBYTES);
}

int devices_load(devices *d, const uint8_t id[DEVICES_ID_BYTES], devices_keys *out)
{
  char path[4200];
  file_of(d, id, path, sizeof path);
  uint8_t sealed[SEALED_LEN];
  int rc = read_secret_file(path, sealed, sizeof sealed);
  if (rc) return rc;
  uint8_t key[crypto_secretbox_KEYBYTES];
  seal_key(d, id, key);
  memset(out, 0, sizeof *out);
  rc = crypto_secretbox_open_easy((uint8_t *)out->secret_key, sealed + crypto_secretbox_NONCEBYTES,
                                  sizeof sealed - crypto_secretbox_NONCEBYTES, sealed, key)
           ? DEVICES_EBAD
           : DEVICES_OK;
  sodium_memzero(key, sizeof key);
  if (!rc && zmq_curve_public(out->public_key, out->secret_key) != 0) rc = DEVICES_EBAD;
  if (rc) sodium_memzero(out, sizeof *out);
  else utimensat(AT_FDCWD, path, NULL, 0); /* last used: the pruning order */
  return rc;
}

/* Keeps the directory under DEVICES_MAX files by removing the longest
 * unused. Called with the lock held, before a new file is written. */
static void prune(devices *d)
{
  DIR *dir = opendir(d->dir);
  if (!dir) return;
  size_t n = 0;
  char oldest[NAME_HEX + 8] = "";
  struct timespec when = {0};
  struct dirent *e;
  while ((e = readdir(dir))) {
    if (strlen(e->d_name) != NAME_HEX - 1) continue;
    n++;
    struct stat st;
    if (fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!oldest[0] || st.st_mtim.tv_sec < when.tv_sec) {
      memcpy(oldest, e->d_name, NAME_HEX); /* its length was checked above */
      when = st.st_mtim;
    }
  }
  if (n >= DEVICES_MAX && oldest[0]) unlinkat(dirfd(dir), oldest, 0);
  closedir(dir);
}

int devices_create(uint8_t id[DEVICES_ID_BYTES], devices_keys *out)
{
  memset(out, 0, sizeof *out);
  if (zmq_curve_keypair(out->public_key, out->secret_key) != 0) return DEVICES_ENOMEM;
  randombytes_buf(id, DEVICES_ID_BYTES);
  return DEVICES_OK;
}

/* The entry of owner, made if new; NULL if out of memory. Under d->lock. */
static account_devices *account_of(devices *d, const char *owner)
{
  static const char label[] = "reflect-web device owner v1";
  uint8_t h[16];
  crypto_generichash_state st;
  crypto_generichash_init(&st, d->key, crypto_kdf_KEYBYTES, sizeof h);
  crypto_generichash_update(&st, (const uint8_t *)label, sizeof label);
  crypto_generichash_update(&st, (const uint8_t *)owner, strlen(owner));
  crypto_generichash_final(&st, h, sizeof h);
  for (size_t i = 0; i < d->n_accounts; i++)
    if (!memcmp(d->accounts[i].owner, h, sizeof h)) return &d->accounts[i];
  if (d->n_accounts == d->cap_accounts) {
    size_t cap = d->cap_accounts ? 2 * d->cap_accounts : 64;
    account_devices *grown = realloc(d->accounts, cap * sizeof *grown);
    if (!grown) return NULL;
    d->accounts = grown;
    d->cap_accounts = cap;
  }
  account_devices *a = &d->accounts[d->n_accounts++];
  memset(a, 0, sizeof *a);
  memcpy(a->owner, h, sizeof h);
  return a;
}

/* Counts name as owner's; past DEVICES_PER_ACCOUNT, owner's oldest file
 * goes, so one account cannot push everyone else's browsers out of the
 * directory (and off their familiar devices) by logging in from many.
 * Under d->lock. */
static void account_add(devices *d, const char *owner, const char *name)
{
  account_devices *a = account_of(d, owner);
  if (!a) return;
  unsigned slot = a->n < DEVICES_PER_ACCOUNT ? a->n++ : a->next++ % DEVICES_PER_ACCOUNT;
  if (a->n == DEVICES_PER_ACCOUNT && a->files[slot][0] && strcmp(a->files[slot], name)) {
    char old[4200];
    snprintf(old, sizeof old, "%s/%s", d->dir, a->files[slot]);
    unlink(old);
  }
  memcpy(a->files[slot], name, NAME_HEX);
  a->next %= DEVICES_PER_ACCOUNT;
}

int devices_save(devices *d, const uint8_t id[DEVICES_ID_BYTES], const devices_keys *keys, const char *owner)
{
  uint8_t sealed[SEALED_LEN], key[crypto_secretbox_KEYBYTES];
  randombytes_buf(sealed, crypto_secretbox_NONCEBYTES);
  seal_key(d, id, key);
  crypto_secretbox_easy(sealed + crypto_secretbox_NONCEBYTES, (const uint8_t *)keys->secret_key, 40, sealed, key);
  sodium_memzero(key, sizeof key);
  char path[4200];
  file_of(d, id, path, sizeof path);
  pthread_mutex_lock(&d->lock);
  prune(d);
  int rc = write_secret_file(d->dir, path, sealed, sizeof sealed);
  if (rc == DEVICES_OK) account_add(d, owner, strrchr(path, '/') + 1);
  pthread_mutex_unlock(&d->lock);
  return rc;
}
