/*
 * vault — see vault.h for the contract and docs/architecture.md#d4-keys-and-encryption-at-rest for why.
 *
 * The master key never leaves its locked page: subkeys are derived on demand
 * into stack buffers that are wiped before return, so a vault can be shared
 * read-only by every worker thread without any locking.
 */
#include "vault.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* Table, column and blind-index domain names are short ASCII identifiers;
 * the bound lets the associated data live in a fixed stack buffer. */
#define NAME_MAX_BYTES 64
#define SUBJECT_MAX_BYTES 128
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define WRAPPED_BYTES (NONCE_BYTES + VAULT_KEY_BYTES + TAG_BYTES)

/* Each subkey has its own context and id so that no two uses can ever share
 * key material, even if a later version adds a subkey under one context. */
enum {
  SUBKEY_WRAP = 1,
  SUBKEY_CHECK = 2,
  SUBKEY_INDEX = 3,
  SUBKEY_SECRET = 4,
  SUBKEY_INDEXWRAP = 5,
  SUBKEY_BACKUPMAC = 6
};
static const char CTX_WRAP[crypto_kdf_CONTEXTBYTES] = "RFLWRAP1";
static const char CTX_CHECK[crypto_kdf_CONTEXTBYTES] = "RFLCHEK1";
static const char CTX_INDEX[crypto_kdf_CONTEXTBYTES] = "RFLBIDX1";
static const char CTX_SECRET[crypto_kdf_CONTEXTBYTES] = "RFLSECR1";
static const char CTX_INDEXWRAP[crypto_kdf_CONTEXTBYTES] = "RFLIWRP1";
static const char CTX_BACKUPMAC[crypto_kdf_CONTEXTBYTES] = "RFLBMAC1";

/* Prefixes version each encoding and keep one kind of input from ever being
 * read as another. The data-key prefix is stored with its NUL. */
static const char DATAKEY_AD_PREFIX[] = "reflect.datakey.v1";
static const char VALUE_AD_PREFIX[] = "reflect.value.v1";
static const char CHECK_CONSTANT[] = "reflect.check.v1";

_Static_assert(VAULT_SALT_BYTES == crypto_pwhash_SALTBYTES, "salt size");
_Static_assert(VAULT_KEY_BYTES == crypto_kdf_KEYBYTES, "kdf key size");
_Static_assert(VAULT_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "aead key size");
_Static_assert(VAULT_VALUE_OVERHEAD == NONCE_BYTES + TAG_BYTES, "value overhead");

struct vault {
  unsigned char *master; /* sodium_malloc'd, read-only once set */
  unsigned char *index;  /* the blind-index key: NULL means derived from master */
};

struct vault_key {
  unsigned char *key; /* sodium_malloc'd, read-only once set */
  int64_t id;         /* the key id it was made or unwrapped for */
};

/* Allocates a guarded key buffer and reports whether it could be kept out of
 * swap: sodium_malloc tries mlock but hides the outcome, and past
 * RLIMIT_MEMLOCK it fails silently, which the operator must hear about. */
static unsigned char *alloc_secret(int *locked)
{
  unsigned char *p = sodium_malloc(VAULT_KEY_BYTES);
  if (p == NULL) return NULL;
  int ok = sodium_mlock(p, VAULT_KEY_BYTES) == 0;
  if (locked != NULL) *locked = ok;
  return p;
}

static int vault_wrap_master(unsigned char *master, vault **out)
{
  vault *v = malloc(sizeof *v);
  if (v == NULL) {
    sodium_free(master);
    return VAULT_ENOMEM;
  }
  sodium_mprotect_readonly(master);
  v->master = master;
  v->index = NULL;
  *out = v;
  return VAULT_OK;
}

/* Fixed little-endian widths, so encodings do not depend on the host. */
static unsigned char *put_le(unsigned char *p, uint64_t x, int bytes)
{
  for (int i = 0; i < bytes; i++) p[i] = (unsigned char)(x >> (8 * i));
  return p + bytes;
}

static unsigned char *put_str(unsigned char *p, const char *s, size_t len)
{
  p = put_le(p, len, 4);
  memcpy(p, s, len);
  return p + len;
}

/* Length of a bounded name, or 0 if it is NULL, empty or too long. */
static size_t name_len(const char *s, size_t max)
{
  if (s == NULL) return 0;
  size_t n = strnlen(s, max + 1);
  return n > max ? 0 : n;
}

int vault_harden_process(void)
{
  struct rlimit none = {0, 0};
  if (setrlimit(RLIMIT_CORE, &none) != 0) return VAULT_EIO;
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return VAULT_EIO;
  return VAULT_OK;
}

/* A key file whose directory entry is lost in a crash would make every
 * record written under it unreadable, so its directory is synced too. */
static int fsync_parent_dir(const char *path)
{
  const char *slash = strrchr(path, '/');
  char *dir = slash == NULL ? strdup(".") : slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
  if (dir == NULL) return VAULT_ENOMEM;
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  free(dir);
  if (fd < 0) return VAULT_EIO;
  int rc = fsync(fd) == 0 ? VAULT_OK : VAULT_EIO;
  close(fd);
  return rc;
}

/* Writes key to a new 0600 file (O_EXCL), fsynced with its directory. A
 * half-written key file would later be refused as malformed and block a
 * retry through O_EXCL, so any failure removes it. */
static int write_key_file(const char *path, const unsigned char key[VAULT_KEY_BYTES])
{
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno == EEXIST ? VAULT_EEXIST : VAULT_EIO;
  size_t done = 0;
  int rc = VAULT_OK;
  while (done < VAULT_KEY_BYTES) {
    ssize_t n = write(fd, key + done, VAULT_KEY_BYTES - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      rc = VAULT_EIO;
      break;
    }
    done += (size_t)n;
  }
  if (rc == VAULT_OK && fsync(fd) != 0) rc = VAULT_EIO;
  if (close(fd) != 0 && rc == VAULT_OK) rc = VAULT_EIO;
  if (rc == VAULT_OK) rc = fsync_parent_dir(path);
  if (rc != VAULT_OK) unlink(path);
  return rc;
}

int vault_create_keyfile(const char *path)
{
  if (path == NULL || *path == '\0') return VAULT_EINVAL;
  if (sodium_init() < 0) return VAULT_EIO;
  unsigned char key[VAULT_KEY_BYTES];
  randombytes_buf(key, sizeof key);
  int rc = write_key_file(path, key);
  sodium_memzero(key, sizeof key);
  return rc;
}

int vault_open_keyfile(const char *path, vault **out, int *locked)
{
  if (locked != NULL) *locked = 0;
  if (out == NULL) return VAULT_EINVAL;
  *out = NULL;
  if (path == NULL || *path == '\0') return VAULT_EINVAL;
  if (sodium_init() < 0) return VAULT_EIO;
  /* O_NONBLOCK so that a FIFO planted at the path cannot hang start-up
   * before fstat gets the chance to refuse it. */
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return errno == ELOOP ? VAULT_EPERM : VAULT_EIO;

  struct stat st;
  int rc = VAULT_OK;
  if (fstat(fd, &st) != 0) rc = VAULT_EIO;
  else if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) rc = VAULT_EPERM;
  else if (st.st_size != VAULT_KEY_BYTES) rc = VAULT_EFORMAT;
  unsigned char *master = NULL;
  if (rc == VAULT_OK && (master = alloc_secret(locked)) == NULL) rc = VAULT_ENOMEM;

  size_t done = 0;
  while (rc == VAULT_OK && done < VAULT_KEY_BYTES) {
    ssize_t n = read(fd, master + done, VAULT_KEY_BYTES - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) rc = VAULT_EIO;
    else if (n == 0) rc = VAULT_EFORMAT; /* truncated since fstat */
    else done += (size_t)n;
  }
  close(fd);
  if (rc != VAULT_OK) {
    sodium_free(master); /* NULL-safe */
    return rc;
  }
  return vault_wrap_master(master, out);
}

int vault_open_passphrase(const char *passphrase, size_t len, const uint8_t salt[VAULT_SALT_BYTES], vault **out,
                          int *locked)
{
  if (locked != NULL) *locked = 0;
  if (out == NULL) return VAULT_EINVAL;
  *out = NULL;
  if (passphrase == NULL || len == 0 || salt == NULL || len > crypto_pwhash_PASSWD_MAX) return VAULT_EINVAL;
  if (sodium_init() < 0) return VAULT_EIO;
  unsigned char *master = alloc_secret(locked);
  if (master == NULL) return VAULT_ENOMEM;
  /* Argon2id fails only when it cannot get its working memory. */
  if (crypto_pwhash(master, VAULT_KEY_BYTES, passphrase, len, salt, crypto_pwhash_OPSLIMIT_MODERATE,
                    crypto_pwhash_MEMLIMIT_MODERATE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    sodium_free(master);
    return VAULT_ENOMEM;
  }
  return vault_wrap_master(master, out);
}

void vault_new_salt(uint8_t salt[VAULT_SALT_BYTES])
{
  if (salt == NULL) return;
  /* Even if initialisation fails, randombytes_buf never returns predictable
   * bytes: it seeds itself or aborts. */
  int ignored = sodium_init();
  (void)ignored;
  randombytes_buf(salt, VAULT_SALT_BYTES);
}

void vault_close(vault *v)
{
  if (v == NULL) return;
  sodium_free(v->master);
  sodium_free(v->index);
  free(v);
}

int vault_clone(const vault *v, vault **out)
{
  if (out == NULL) return VAULT_EINVAL;
  *out = NULL;
  if (v == NULL) return VAULT_EINVAL;
  unsigned char *master = alloc_secret(NULL);
  if (master == NULL) return VAULT_ENOMEM;
  memcpy(master, v->master, VAULT_KEY_BYTES);
  unsigned char *index = NULL;
  if (v->index != NULL) {
    if ((index = sodium_malloc(VAULT_KEY_BYTES)) == NULL) {
      sodium_free(master);
      return VAULT_ENOMEM;
    }
    memcpy(index, v->index, VAULT_KEY_BYTES);
    sodium_mprotect_readonly(index);
  }
  int rc = vault_wrap_master(master, out);
  if (rc != VAULT_OK) {
    sodium_free(index);
    return rc;
  }
  (*out)->index = index;
  return VAULT_OK;
}

static void derive(const vault *v, uint64_t id, const char ctx[crypto_kdf_CONTEXTBYTES],
                   unsigned char sub[VAULT_KEY_BYTES])
{
  crypto_kdf_derive_from_key(sub, VAULT_KEY_BYTES, id, ctx, v->master);
}

int vault_make_check(const vault *v, uint8_t out[VAULT_CHECK_BYTES])
{
  if (v == NULL || out == NULL) return VAULT_EINVAL;
  unsigned char sub[VAULT_KEY_BYTES];
  derive(v, SUBKEY_CHECK, CTX_CHECK, sub);
  crypto_generichash(out, VAULT_CHECK_BYTES, (const unsigned char *)CHECK_CONSTANT, sizeof CHECK_CONSTANT - 1, sub,
                     sizeof sub);
  sodium_memzero(sub, sizeof sub);
  return VAULT_OK;
}

int vault_verify_check(const vault *v, const uint8_t check[VAULT_CHECK_BYTES])
{
  if (v == NULL || check == NULL) return VAULT_EINVAL;
  uint8_t mine[VAULT_CHECK_BYTES];
  vault_make_check(v, mine);
  return sodium_memcmp(mine, check, VAULT_CHECK_BYTES) == 0 ? VAULT_OK : VAULT_EINTEGRITY;
}

/* prefix NUL || key_id (8 LE) || subject: only the subject varies in length
 * and it comes last, so the encoding is unambiguous. */
static size_t datakey_ad(unsigned char ad[sizeof DATAKEY_AD_PREFIX + 8 + SUBJECT_MAX_BYTES], int64_t key_id,
                         const char *subject, size_t subject_len)
{
  memcpy(ad, DATAKEY_AD_PREFIX, sizeof DATAKEY_AD_PREFIX);
  unsigned char *p = put_le(ad + sizeof DATAKEY_AD_PREFIX, (uint64_t)key_id, 8);
  memcpy(p, subject, subject_len);
  return (size_t)(p - ad) + subject_len;
}

static vault_key *key_alloc(void)
{
  vault_key *k = malloc(sizeof *k);
  if (k == NULL) return NULL;
  /* sodium_malloc tries mlock itself; whether locking works at all was
   * already reported when the vault was opened. */
  k->key = sodium_malloc(VAULT_KEY_BYTES);
  if (k->key == NULL) {
    free(k);
    return NULL;
  }
  return k;
}

int vault_new_data_key(const vault *v, int64_t key_id, const char *subject, vault_key **key, uint8_t **wrapped,
                       size_t *wrapped_len)
{
  if (key != NULL) *key = NULL;
  if (wrapped != NULL) *wrapped = NULL;
  if (wrapped_len != NULL) *wrapped_len = 0;
  size_t subject_len = name_len(subject, SUBJECT_MAX_BYTES);
  if (v == NULL || key == NULL || wrapped == NULL || wrapped_len == NULL || subject_len == 0) return VAULT_EINVAL;

  vault_key *k = key_alloc();
  uint8_t *w = malloc(WRAPPED_BYTES);
  if (k == NULL || w == NULL) {
    vault_key_free(k);
    free(w);
    return VAULT_ENOMEM;
  }
  k->id = key_id;
  crypto_aead_xchacha20poly1305_ietf_keygen(k->key);
  sodium_mprotect_readonly(k->key);

  unsigned char ad[sizeof DATAKEY_AD_PREFIX + 8 + SUBJECT_MAX_BYTES];
  size_t ad_len = datakey_ad(ad, key_id, subject, subject_len);
  unsigned char sub[VAULT_KEY_BYTES];
  derive(v, SUBKEY_WRAP, CTX_WRAP, sub);
  randombytes_buf(w, NONCE_BYTES);
  crypto_aead_xchacha20poly1305_ietf_encrypt(w + NONCE_BYTES, NULL, k->key, VAULT_KEY_BYTES, ad, ad_len, NULL, w, sub);
  sodium_memzero(sub, sizeof sub);

  *key = k;
  *wrapped = w;
  *wrapped_len = WRAPPED_BYTES;
  return VAULT_OK;
}

int vault_unwrap_data_key(const vault *v, int64_t key_id, const char *subject, const uint8_t *wrapped,
                          size_t wrapped_len, vault_key **key)
{
  if (key == NULL) return VAULT_EINVAL;
  *key = NULL;
  size_t subject_len = name_len(subject, SUBJECT_MAX_BYTES);
  if (v == NULL || wrapped == NULL || subject_len == 0) return VAULT_EINVAL;
  /* A stored wrapped key of the wrong size can only be corruption. */
  if (wrapped_len != WRAPPED_BYTES) return VAULT_EINTEGRITY;

  vault_key *k = key_alloc();
  if (k == NULL) return VAULT_ENOMEM;
  unsigned char ad[sizeof DATAKEY_AD_PREFIX + 8 + SUBJECT_MAX_BYTES];
  size_t ad_len = datakey_ad(ad, key_id, subject, subject_len);
  unsigned char sub[VAULT_KEY_BYTES];
  derive(v, SUBKEY_WRAP, CTX_WRAP, sub);
  int ok = crypto_aead_xchacha20poly1305_ietf_decrypt(k->key, NULL, NULL, wrapped + NONCE_BYTES,
                                                      WRAPPED_BYTES - NONCE_BYTES, ad, ad_len, wrapped, sub) == 0;
  sodium_memzero(sub, sizeof sub);
  if (!ok) {
    vault_key_free(k);
    return VAULT_EINTEGRITY;
  }
  sodium_mprotect_readonly(k->key);
  k->id = key_id;
  *key = k;
  return VAULT_OK;
}

void vault_key_free(vault_key *k)
{
  if (k == NULL) return;
  sodium_free(k->key);
  free(k);
}

/* prefix || u32 len || table || i64 row || u32 len || column || i64 key_id
 * || i64 revision. Both strings are length-prefixed, so no two different
 * bindings can produce the same bytes. Returns 0 for an invalid binding. */
#define VALUE_AD_MAX (sizeof VALUE_AD_PREFIX - 1 + 2 * (4 + NAME_MAX_BYTES) + 3 * 8 + 4 + VAULT_CONTEXT_MAX)
static size_t value_ad(unsigned char buf[VALUE_AD_MAX], const vault_ad *ad)
{
  size_t tlen = name_len(ad->table, NAME_MAX_BYTES);
  size_t clen = name_len(ad->column, NAME_MAX_BYTES);
  if (tlen == 0 || clen == 0) return 0;
  memcpy(buf, VALUE_AD_PREFIX, sizeof VALUE_AD_PREFIX - 1);
  unsigned char *p = put_str(buf + sizeof VALUE_AD_PREFIX - 1, ad->table, tlen);
  p = put_le(p, (uint64_t)ad->row, 8);
  p = put_str(p, ad->column, clen);
  p = put_le(p, (uint64_t)ad->key_id, 8);
  p = put_le(p, (uint64_t)ad->revision, 8);
  /* Appended only when present, so values sealed without a context keep
   * exactly the bytes they were sealed with. */
  if (ad->context_len) {
    if (!ad->context || ad->context_len > VAULT_CONTEXT_MAX) return 0;
    p = put_str(p, (const char *)ad->context, ad->context_len);
  }
  return (size_t)(p - buf);
}

int vault_seal_value(const vault_key *k, const vault_ad *ad, const uint8_t *plain, size_t plain_len, uint8_t **out,
                     size_t *out_len)
{
  if (out != NULL) *out = NULL;
  if (out_len != NULL) *out_len = 0;
  if (k == NULL || ad == NULL || out == NULL || out_len == NULL) return VAULT_EINVAL;
  if ((plain == NULL && plain_len != 0) || plain_len > VAULT_MAX_VALUE) return VAULT_EINVAL;
  /* A value sealed under one key but labelled with another could never be
   * opened again: refuse the caller's mix-up instead of losing the data. */
  if (ad->key_id != k->id) return VAULT_EINVAL;
  unsigned char adbuf[VALUE_AD_MAX];
  size_t ad_len = value_ad(adbuf, ad);
  if (ad_len == 0) return VAULT_EINVAL;

  size_t len = NONCE_BYTES + plain_len + TAG_BYTES;
  uint8_t *buf = malloc(len);
  if (buf == NULL) return VAULT_ENOMEM;
  static const uint8_t empty[1];
  randombytes_buf(buf, NONCE_BYTES);
  crypto_aead_xchacha20poly1305_ietf_encrypt(buf + NONCE_BYTES, NULL, plain != NULL ? plain : empty, plain_len, adbuf,
                                             ad_len, NULL, buf, k->key);
  *out = buf;
  *out_len = len;
  return VAULT_OK;
}

int vault_open_value_into(const vault_key *k, const vault_ad *ad, const uint8_t *sealed, size_t sealed_len,
                          uint8_t *out, size_t out_size, size_t *out_len)
{
  if (out_len != NULL) *out_len = 0;
  if (k == NULL || ad == NULL || sealed == NULL || out == NULL || out_len == NULL || ad->key_id != k->id)
    return VAULT_EINVAL;
  if (sealed_len < VAULT_VALUE_OVERHEAD) return VAULT_EINTEGRITY;
  /* Nothing this vault sealed can be larger. */
  if (sealed_len - VAULT_VALUE_OVERHEAD > VAULT_MAX_VALUE) return VAULT_EINTEGRITY;
  size_t plain_len = sealed_len - VAULT_VALUE_OVERHEAD;
  if (out_size < plain_len + 1) return VAULT_EINVAL;
  unsigned char adbuf[VALUE_AD_MAX];
  size_t ad_len = value_ad(adbuf, ad);
  if (ad_len == 0) return VAULT_EINVAL;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, sealed + NONCE_BYTES, sealed_len - NONCE_BYTES, adbuf,
                                                 ad_len, sealed, k->key) != 0) {
    sodium_memzero(out, plain_len + 1);
    return VAULT_EINTEGRITY;
  }
  out[plain_len] = '\0';
  *out_len = plain_len;
  return VAULT_OK;
}

int vault_open_value(const vault_key *k, const vault_ad *ad, const uint8_t *sealed, size_t sealed_len, uint8_t **out,
                     size_t *out_len)
{
  if (out != NULL) *out = NULL;
  if (out_len != NULL) *out_len = 0;
  if (out == NULL || out_len == NULL || sealed == NULL) return VAULT_EINVAL;
  if (sealed_len < VAULT_VALUE_OVERHEAD || sealed_len - VAULT_VALUE_OVERHEAD > VAULT_MAX_VALUE)
    return VAULT_EINTEGRITY;                           /* refuse before allocating */
  size_t size = sealed_len - VAULT_VALUE_OVERHEAD + 1; /* +1: the NUL, and never malloc(0) */
  uint8_t *buf = malloc(size);
  if (buf == NULL) return VAULT_ENOMEM;
  int rc = vault_open_value_into(k, ad, sealed, sealed_len, buf, size, out_len);
  if (rc != VAULT_OK) {
    free(buf); /* already wiped by the failed open, or never written */
    return rc;
  }
  *out = buf;
  return VAULT_OK;
}

void vault_free_plain(uint8_t *plain, size_t len)
{
  if (plain == NULL) return;
  sodium_memzero(plain, len);
  free(plain);
}

/* The index key: adopted from the database after a rotation, otherwise
 * derived from the master key as it always was. */
static void index_key(const vault *v, unsigned char out[VAULT_KEY_BYTES])
{
  if (v->index) memcpy(out, v->index, VAULT_KEY_BYTES);
  else derive(v, SUBKEY_INDEX, CTX_INDEX, out);
}

int vault_blind_index(const vault *v, const char *domain, const uint8_t *data, size_t len,
                      uint8_t out[VAULT_INDEX_BYTES])
{
  size_t dlen = name_len(domain, NAME_MAX_BYTES);
  if (v == NULL || out == NULL || dlen == 0 || (data == NULL && len != 0)) return VAULT_EINVAL;
  unsigned char sub[VAULT_KEY_BYTES];
  index_key(v, sub);
  unsigned char dlen_le[4];
  put_le(dlen_le, dlen, 4);
  crypto_generichash_state st;
  crypto_generichash_init(&st, sub, sizeof sub, VAULT_INDEX_BYTES);
  crypto_generichash_update(&st, dlen_le, sizeof dlen_le);
  crypto_generichash_update(&st, (const unsigned char *)domain, dlen);
  if (len != 0) crypto_generichash_update(&st, data, len);
  crypto_generichash_final(&st, out, VAULT_INDEX_BYTES);
  sodium_memzero(sub, sizeof sub);
  sodium_memzero(&st, sizeof st); /* the state holds the keyed chaining value */
  return VAULT_OK;
}

const char *vault_strerror(int code)
{
  switch (code) {
  case VAULT_OK: return "success";
  case VAULT_EIO: return "key file could not be read or written";
  case VAULT_EPERM: return "key file is not a private regular file";
  case VAULT_EINTEGRITY: return "authentication failed (tampered, moved or wrong key)";
  case VAULT_ENOMEM: return "out of memory";
  case VAULT_EINVAL: return "invalid argument";
  case VAULT_EEXIST: return "key file already exists";
  case VAULT_EFORMAT: return "key file has the wrong size";
  default: return "unknown vault error";
  }
}

/* --- Rotation, backups, the audit chain -------------------------------- */

int vault_create_random(vault **out, int *locked)
{
  if (locked != NULL) *locked = 0;
  if (out == NULL) return VAULT_EINVAL;
  *out = NULL;
  if (sodium_init() < 0) return VAULT_EIO;
  unsigned char *master = alloc_secret(locked);
  if (master == NULL) return VAULT_ENOMEM;
  randombytes_buf(master, VAULT_KEY_BYTES);
  return vault_wrap_master(master, out);
}

int vault_write_keyfile(const vault *v, const char *path)
{
  if (v == NULL || path == NULL || *path == '\0') return VAULT_EINVAL;
  return write_key_file(path, v->master);
}

/* Wrapped index key: nonce || key || tag under a master subkey of its
 * own, with a fixed AD, so it can never be confused with a data key. */
static const char INDEXKEY_AD[] = "reflect.indexkey.v1";

int vault_wrap_index_key(const vault *v, uint8_t **wrapped, size_t *wrapped_len)
{
  if (wrapped != NULL) *wrapped = NULL;
  if (v == NULL || wrapped == NULL || wrapped_len == NULL) return VAULT_EINVAL;
  uint8_t *w = malloc(WRAPPED_BYTES);
  if (w == NULL) return VAULT_ENOMEM;
  unsigned char key[VAULT_KEY_BYTES], sub[VAULT_KEY_BYTES];
  index_key(v, key);
  derive(v, SUBKEY_INDEXWRAP, CTX_INDEXWRAP, sub);
  randombytes_buf(w, NONCE_BYTES);
  crypto_aead_xchacha20poly1305_ietf_encrypt(w + NONCE_BYTES, NULL, key, VAULT_KEY_BYTES,
                                             (const unsigned char *)INDEXKEY_AD, sizeof INDEXKEY_AD - 1, NULL, w, sub);
  sodium_memzero(key, sizeof key);
  sodium_memzero(sub, sizeof sub);
  *wrapped = w;
  *wrapped_len = WRAPPED_BYTES;
  return VAULT_OK;
}

static int set_index(vault *v, const unsigned char key[VAULT_KEY_BYTES])
{
  unsigned char *p = sodium_malloc(VAULT_KEY_BYTES);
  if (p == NULL) return VAULT_ENOMEM;
  memcpy(p, key, VAULT_KEY_BYTES);
  sodium_mprotect_readonly(p);
  sodium_free(v->index);
  v->index = p;
  return VAULT_OK;
}

int vault_adopt_index_key(vault *v, const uint8_t *wrapped, size_t wrapped_len)
{
  if (v == NULL || wrapped == NULL) return VAULT_EINVAL;
  if (wrapped_len != WRAPPED_BYTES) return VAULT_EINTEGRITY;
  unsigned char key[VAULT_KEY_BYTES], sub[VAULT_KEY_BYTES];
  derive(v, SUBKEY_INDEXWRAP, CTX_INDEXWRAP, sub);
  int ok = crypto_aead_xchacha20poly1305_ietf_decrypt(key, NULL, NULL, wrapped + NONCE_BYTES,
                                                      WRAPPED_BYTES - NONCE_BYTES, (const unsigned char *)INDEXKEY_AD,
                                                      sizeof INDEXKEY_AD - 1, wrapped, sub) == 0;
  sodium_memzero(sub, sizeof sub);
  int rc = ok ? set_index(v, key) : VAULT_EINTEGRITY;
  sodium_memzero(key, sizeof key);
  return rc;
}

int vault_copy_index_key(vault *dst, const vault *src)
{
  if (dst == NULL || src == NULL) return VAULT_EINVAL;
  unsigned char key[VAULT_KEY_BYTES];
  index_key(src, key);
  int rc = set_index(dst, key);
  sodium_memzero(key, sizeof key);
  return rc;
}

int vault_rewrap_data_key(const vault *from, const vault *to, int64_t key_id, const char *subject,
                          const uint8_t *wrapped, size_t wrapped_len, uint8_t **out, size_t *out_len)
{
  if (out != NULL) *out = NULL;
  if (out_len != NULL) *out_len = 0;
  size_t subject_len = name_len(subject, SUBJECT_MAX_BYTES);
  if (from == NULL || to == NULL || out == NULL || out_len == NULL || subject_len == 0) return VAULT_EINVAL;
  vault_key *k = NULL;
  int rc = vault_unwrap_data_key(from, key_id, subject, wrapped, wrapped_len, &k);
  if (rc != VAULT_OK) return rc;
  uint8_t *w = malloc(WRAPPED_BYTES);
  if (w == NULL) {
    vault_key_free(k);
    return VAULT_ENOMEM;
  }
  unsigned char ad[sizeof DATAKEY_AD_PREFIX + 8 + SUBJECT_MAX_BYTES];
  size_t ad_len = datakey_ad(ad, key_id, subject, subject_len);
  unsigned char sub[VAULT_KEY_BYTES];
  derive(to, SUBKEY_WRAP, CTX_WRAP, sub);
  randombytes_buf(w, NONCE_BYTES);
  crypto_aead_xchacha20poly1305_ietf_encrypt(w + NONCE_BYTES, NULL, k->key, VAULT_KEY_BYTES, ad, ad_len, NULL, w, sub);
  sodium_memzero(sub, sizeof sub);
  vault_key_free(k);
  *out = w;
  *out_len = WRAPPED_BYTES;
  return VAULT_OK;
}

#define SECRET_MAX 4096
static const char SECRET_AD_PREFIX[] = "reflect.secret.v1";

static size_t secret_ad(unsigned char *buf, const char *purpose, size_t plen)
{
  memcpy(buf, SECRET_AD_PREFIX, sizeof SECRET_AD_PREFIX);
  memcpy(buf + sizeof SECRET_AD_PREFIX, purpose, plen);
  return sizeof SECRET_AD_PREFIX + plen;
}

int vault_seal_secret(const vault *v, const char *purpose, const uint8_t *plain, size_t len, uint8_t **out,
                      size_t *out_len)
{
  if (out != NULL) *out = NULL;
  size_t plen = name_len(purpose, NAME_MAX_BYTES);
  if (v == NULL || out == NULL || out_len == NULL || plen == 0 || (plain == NULL && len) || len > SECRET_MAX)
    return VAULT_EINVAL;
  uint8_t *buf = malloc(NONCE_BYTES + len + TAG_BYTES);
  if (buf == NULL) return VAULT_ENOMEM;
  unsigned char ad[sizeof SECRET_AD_PREFIX + NAME_MAX_BYTES], sub[VAULT_KEY_BYTES];
  size_t ad_len = secret_ad(ad, purpose, plen);
  static const uint8_t empty[1];
  derive(v, SUBKEY_SECRET, CTX_SECRET, sub);
  randombytes_buf(buf, NONCE_BYTES);
  crypto_aead_xchacha20poly1305_ietf_encrypt(buf + NONCE_BYTES, NULL, plain ? plain : empty, len, ad, ad_len, NULL, buf,
                                             sub);
  sodium_memzero(sub, sizeof sub);
  *out = buf;
  *out_len = NONCE_BYTES + len + TAG_BYTES;
  return VAULT_OK;
}

int vault_open_secret(const vault *v, const char *purpose, const uint8_t *sealed, size_t len, uint8_t **out,
                      size_t *out_len)
{
  if (out != NULL) *out = NULL;
  if (out_len != NULL) *out_len = 0;
  size_t plen = name_len(purpose, NAME_MAX_BYTES);
  if (v == NULL || out == NULL || out_len == NULL || plen == 0 || sealed == NULL) return VAULT_EINVAL;
  if (len < NONCE_BYTES + TAG_BYTES || len - NONCE_BYTES - TAG_BYTES > SECRET_MAX) return VAULT_EINTEGRITY;
  size_t n = len - NONCE_BYTES - TAG_BYTES;
  uint8_t *buf = malloc(n + 1);
  if (buf == NULL) return VAULT_ENOMEM;
  unsigned char ad[sizeof SECRET_AD_PREFIX + NAME_MAX_BYTES], sub[VAULT_KEY_BYTES];
  size_t ad_len = secret_ad(ad, purpose, plen);
  derive(v, SUBKEY_SECRET, CTX_SECRET, sub);
  int ok = crypto_aead_xchacha20poly1305_ietf_decrypt(buf, NULL, NULL, sealed + NONCE_BYTES, len - NONCE_BYTES, ad,
                                                      ad_len, sealed, sub) == 0;
  sodium_memzero(sub, sizeof sub);
  if (!ok) {
    sodium_memzero(buf, n + 1);
    free(buf);
    return VAULT_EINTEGRITY;
  }
  buf[n] = '\0';
  *out = buf;
  *out_len = n;
  return VAULT_OK;
}

/* salt || nonce || master || tag, under Argon2id(passphrase, salt). */
static const char EXPORT_AD[] = "reflect.master.export.v1";
#define EXPORT_BYTES (VAULT_SALT_BYTES + NONCE_BYTES + VAULT_KEY_BYTES + TAG_BYTES)

static int export_key(const char *pass, size_t len, const uint8_t *salt, unsigned char out[VAULT_KEY_BYTES])
{
  return crypto_pwhash(out, VAULT_KEY_BYTES, pass, len, salt, crypto_pwhash_OPSLIMIT_MODERATE,
                       crypto_pwhash_MEMLIMIT_MODERATE, crypto_pwhash_ALG_ARGON2ID13) == 0
             ? VAULT_OK
             : VAULT_ENOMEM;
}

int vault_export_master(const vault *v, const char *passphrase, size_t len, uint8_t **out, size_t *out_len)
{
  if (out != NULL) *out = NULL;
  if (v == NULL || passphrase == NULL || len == 0 || len > crypto_pwhash_PASSWD_MAX || out == NULL || out_len == NULL)
    return VAULT_EINVAL;
  uint8_t *buf = malloc(EXPORT_BYTES);
  if (buf == NULL) return VAULT_ENOMEM;
  randombytes_buf(buf, VAULT_SALT_BYTES + NONCE_BYTES);
  unsigned char key[VAULT_KEY_BYTES];
  if (export_key(passphrase, len, buf, key) != VAULT_OK) {
    free(buf);
    return VAULT_ENOMEM;
  }
  crypto_aead_xchacha20poly1305_ietf_encrypt(buf + VAULT_SALT_BYTES + NONCE_BYTES, NULL, v->master, VAULT_KEY_BYTES,
                                             (const unsigned char *)EXPORT_AD, sizeof EXPORT_AD - 1, NULL,
                                             buf + VAULT_SALT_BYTES, key);
  sodium_memzero(key, sizeof key);
  *out = buf;
  *out_len = EXPORT_BYTES;
  return VAULT_OK;
}

int vault_import_master(const uint8_t *blob, size_t blob_len, const char *passphrase, size_t len, vault **out,
                        int *locked)
{
  if (locked != NULL) *locked = 0;
  if (out == NULL) return VAULT_EINVAL;
  *out = NULL;
  if (blob == NULL || passphrase == NULL || len == 0 || len > crypto_pwhash_PASSWD_MAX) return VAULT_EINVAL;
  if (blob_len != EXPORT_BYTES) return VAULT_EINTEGRITY;
  if (sodium_init() < 0) return VAULT_EIO;
  unsigned char key[VAULT_KEY_BYTES];
  if (export_key(passphrase, len, blob, key) != VAULT_OK) return VAULT_ENOMEM;
  unsigned char *master = alloc_secret(locked);
  if (master == NULL) {
    sodium_memzero(key, sizeof key);
    return VAULT_ENOMEM;
  }
  int ok = crypto_aead_xchacha20poly1305_ietf_decrypt(master, NULL, NULL, blob + VAULT_SALT_BYTES + NONCE_BYTES,
                                                      VAULT_KEY_BYTES + TAG_BYTES, (const unsigned char *)EXPORT_AD,
                                                      sizeof EXPORT_AD - 1, blob + VAULT_SALT_BYTES, key) == 0;
  sodium_memzero(key, sizeof key);
  if (!ok) {
    sodium_free(master);
    return VAULT_EINTEGRITY;
  }
  return vault_wrap_master(master, out);
}

int vault_mac(const vault_key *k, const uint8_t *data, size_t len, uint8_t out[VAULT_MAC_BYTES])
{
  if (k == NULL || out == NULL || (data == NULL && len)) return VAULT_EINVAL;
  static const uint8_t empty[1];
  crypto_generichash(out, VAULT_MAC_BYTES, data ? data : empty, len, k->key, VAULT_KEY_BYTES);
  return VAULT_OK;
}

/* The state lives in guarded memory: it holds the keyed hash's internal
 * state, which is as good as the subkey to anyone who reads it, and
 * sodium_malloc also gives the 64-byte alignment the state needs. */
struct vault_mac_state {
  crypto_generichash_state st;
};

int vault_mac_init(const vault *v, const char *purpose, vault_mac_state **out)
{
  if (out) *out = NULL;
  if (v == NULL || purpose == NULL || out == NULL) return VAULT_EINVAL;
  vault_mac_state *s = sodium_malloc(sizeof *s);
  if (s == NULL) return VAULT_ENOMEM;
  unsigned char sub[VAULT_KEY_BYTES];
  derive(v, SUBKEY_BACKUPMAC, CTX_BACKUPMAC, sub);
  crypto_generichash_init(&s->st, sub, sizeof sub, VAULT_MAC_BYTES);
  sodium_memzero(sub, sizeof sub);
  /* The purpose (with its length) comes first, so two uses of this subkey
   * can never produce the same MAC over the same data. */
  unsigned char len[8];
  put_le(len, strlen(purpose), 8);
  crypto_generichash_update(&s->st, len, sizeof len);
  crypto_generichash_update(&s->st, (const unsigned char *)purpose, strlen(purpose));
  *out = s;
  return VAULT_OK;
}

void vault_mac_update(vault_mac_state *s, const void *data, size_t len)
{
  if (s != NULL && data != NULL && len) crypto_generichash_update(&s->st, data, len);
}

int vault_mac_final(vault_mac_state *s, uint8_t out[VAULT_MAC_BYTES])
{
  if (s == NULL || out == NULL) {
    vault_mac_free(s);
    return VAULT_EINVAL;
  }
  crypto_generichash_final(&s->st, out, VAULT_MAC_BYTES);
  vault_mac_free(s);
  return VAULT_OK;
}

void vault_mac_free(vault_mac_state *s)
{
  sodium_free(s); /* wipes before releasing; NULL is fine */
}
