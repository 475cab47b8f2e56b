/*
 * vault — every cryptographic operation on stored data
 * (docs/architecture.md#d4-keys-and-encryption-at-rest).
 *
 * Contract:
 *  - A vault holds the 32-byte master key in sodium_malloc'd memory that is
 *    mlock'ed (failure is reported through *locked, never ignored) and kept
 *    read-only except while being set. The master key is never written to
 *    the database; it comes from a 0600 key file or from an administrator's
 *    passphrase stretched with Argon2id.
 *  - Data keys: one random key per subject ("user:42", "case:7"), stored
 *    wrapped (XChaCha20-Poly1305 under a crypto_kdf subkey of the master key,
 *    associated data = key id + subject), so a wrapped key moved to another
 *    id or subject fails to unwrap. Unwrapped keys live in vault_key objects
 *    (sodium_malloc'd), freed and wiped with vault_key_free.
 *  - Values: vault_seal_value encrypts with XChaCha20-Poly1305-IETF under a
 *    data key, a random 24-byte nonce, and associated data binding table,
 *    row id, column, key id and revision. The stored form is nonce||ct||tag.
 *    vault_open_value returns VAULT_EINTEGRITY for any tampering or a value
 *    moved to another row/column/revision. The AD's key_id must be the id
 *    the key was made or unwrapped for (VAULT_EINVAL otherwise).
 *  - Memory: buffers returned through `uint8_t **out` are malloc'd and owned
 *    by the caller. Plaintext must be released with vault_free_plain, which
 *    wipes it first. Plaintext buffers always carry one extra NUL byte after
 *    *out_len so text can be used as a C string.
 *  - Thread safety: a vault is immutable after open and may be shared by
 *    every worker thread; vault_key objects likewise.
 * Every function returns VAULT_OK (0) or a negative VAULT_E* code.
 */
#ifndef REFLECT_VAULT_H
#define REFLECT_VAULT_H

#include <stddef.h>
#include <stdint.h>

#define VAULT_KEY_BYTES 32
#define VAULT_SALT_BYTES 16 /* crypto_pwhash_SALTBYTES */
#define VAULT_CHECK_BYTES 32
#define VAULT_INDEX_BYTES 32
#define VAULT_VALUE_OVERHEAD (24 + 16) /* nonce + Poly1305 tag */
#define VAULT_MAX_VALUE (4 * 1024 * 1024)

enum {
  VAULT_OK = 0,
  VAULT_EIO = -1,        /* a file could not be read or written */
  VAULT_EPERM = -2,      /* key file readable by group or others, or not a regular file */
  VAULT_EINTEGRITY = -3, /* authentication failed: tampered, moved, or wrong key */
  VAULT_ENOMEM = -4,
  VAULT_EINVAL = -5,  /* bad argument: wrong length, too large, NULL */
  VAULT_EEXIST = -6,  /* refusing to overwrite an existing key file */
  VAULT_EFORMAT = -7, /* key file is not exactly VAULT_KEY_BYTES long */
};

typedef struct vault vault;
typedef struct vault_key vault_key;

/* What a stored value is bound to. table and column are short ASCII names. */
typedef struct {
  const char *table;
  int64_t row;
  const char *column;
  int64_t key_id;
  int64_t revision;
  /* Optional further facts the value must stay bound to (the session and
   * author of a record revision), up to VAULT_CONTEXT_MAX bytes. */
  const void *context;
  size_t context_len;
} vault_ad;

#define VAULT_CONTEXT_MAX 128

/* Process hardening for a process that will hold keys: RLIMIT_CORE 0 and
 * PR_SET_DUMPABLE 0. Safe to call more than once. */
int vault_harden_process(void);

/* Writes a new random master key to path (O_CREAT|O_EXCL, mode 0600). */
int vault_create_keyfile(const char *path);
/* Reads the master key from a key file; refuses group/other permissions. */
int vault_open_keyfile(const char *path, vault **out, int *locked);
/* Derives the master key from a passphrase with Argon2id (MODERATE limits). */
int vault_open_passphrase(const char *passphrase, size_t len, const uint8_t salt[VAULT_SALT_BYTES], vault **out,
                          int *locked);
/* Fills salt with random bytes, for a new passphrase-sealed data directory. */
void vault_new_salt(uint8_t salt[VAULT_SALT_BYTES]);
/* Wipes and frees the master key. NULL is a no-op. */
void vault_close(vault *v);

/* A value derived from the master key (not revealing it) that the database
 * stores so that a wrong key is told apart from corrupt data at start. */
int vault_make_check(const vault *v, uint8_t out[VAULT_CHECK_BYTES]);
/* VAULT_OK if check was made by this master key, VAULT_EINTEGRITY if not. */
int vault_verify_check(const vault *v, const uint8_t check[VAULT_CHECK_BYTES]);

/* Creates a random data key for (key_id, subject); returns it unwrapped in
 * *key and wrapped in *wrapped (malloc'd). */
int vault_new_data_key(const vault *v, int64_t key_id, const char *subject, vault_key **key, uint8_t **wrapped,
                       size_t *wrapped_len);
int vault_unwrap_data_key(const vault *v, int64_t key_id, const char *subject, const uint8_t *wrapped,
                          size_t wrapped_len, vault_key **key);
void vault_key_free(vault_key *k);

int vault_seal_value(const vault_key *k, const vault_ad *ad, const uint8_t *plain, size_t plain_len, uint8_t **out,
                     size_t *out_len);
int vault_open_value(const vault_key *k, const vault_ad *ad, const uint8_t *sealed, size_t sealed_len, uint8_t **out,
                     size_t *out_len);
/* The same, into the caller's buffer of out_size >= sealed_len -
 * VAULT_VALUE_OVERHEAD + 1 bytes (plaintext and its NUL); on failure the
 * buffer holds no plaintext. For callers whose memory is already wiped on
 * release (the per-request arena), this saves a copy. */
int vault_open_value_into(const vault_key *k, const vault_ad *ad, const uint8_t *sealed, size_t sealed_len,
                          uint8_t *out, size_t out_size, size_t *out_len);
void vault_free_plain(uint8_t *plain, size_t len);

/* Keyed BLAKE2b blind index for equality look-ups on an encrypted
 * identifier. `domain` separates uses ("case.reference"). */
int vault_blind_index(const vault *v, const char *domain, const uint8_t *data, size_t len,
                      uint8_t out[VAULT_INDEX_BYTES]);

/* --- Rotation, backups, the audit chain -------------------------------- */

/* A new random master key in memory (for rotation), and writing a vault's
 * master key to a new 0600 file (O_EXCL, fsynced with its directory). */
int vault_create_random(vault **out, int *locked);
int vault_write_keyfile(const vault *v, const char *path);

/* The blind-index key. A vault derives it from its master key (as every
 * database made before rotation existed does); once a master key has been
 * rotated, the database keeps the index key wrapped under the current
 * master (meta "index_key"), because every stored index must keep
 * matching. vault_wrap_index_key wraps v's index key under v's master;
 * vault_adopt_index_key unwraps such a blob and makes it v's index key
 * (call before sharing v); vault_copy_index_key gives dst src's index key
 * (the new vault of a rotation). */
int vault_wrap_index_key(const vault *v, uint8_t **wrapped, size_t *wrapped_len);
int vault_adopt_index_key(vault *v, const uint8_t *wrapped, size_t wrapped_len);
int vault_copy_index_key(vault *dst, const vault *src);

/* Re-wraps a stored data key from one master key to another without the
 * data key leaving locked memory: *out is malloc'd (caller frees). */
int vault_rewrap_data_key(const vault *from, const vault *to, int64_t key_id, const char *subject,
                          const uint8_t *wrapped, size_t wrapped_len, uint8_t **out, size_t *out_len);

/* Seals a small secret (the server's CURVE secret key in a backup) under
 * a subkey of the master key; `purpose` ("backup.server_key") is bound as
 * associated data. *out malloc'd; vault_open_secret's *out must be freed
 * with vault_free_plain. */
int vault_seal_secret(const vault *v, const char *purpose, const uint8_t *plain, size_t len, uint8_t **out,
                      size_t *out_len);
int vault_open_secret(const vault *v, const char *purpose, const uint8_t *sealed, size_t len, uint8_t **out,
                      size_t *out_len);

/* The master key sealed under a separate passphrase (Argon2id MODERATE,
 * random salt inside the blob): a backup that carries this restores with
 * the passphrase alone. VAULT_EINTEGRITY for a wrong passphrase. */
int vault_export_master(const vault *v, const char *passphrase, size_t len, uint8_t **out, size_t *out_len);
int vault_import_master(const uint8_t *blob, size_t blob_len, const char *passphrase, size_t len, vault **out,
                        int *locked);

/* Keyed BLAKE2b-256 of data under a data key (the audit chain's key). */
#define VAULT_MAC_BYTES 32
int vault_mac(const vault_key *k, const uint8_t *data, size_t len, uint8_t out[VAULT_MAC_BYTES]);

/* A copy of v (master and index key) in its own locked memory: a backup
 * works from one so it need not hold the keystate's lock for minutes,
 * which would stall every request behind a rotation waiting for it. */
int vault_clone(const vault *v, vault **out);

/* Human-readable name of a VAULT_E* code, for logs and errors. */
const char *vault_strerror(int code);

/* Incremental keyed BLAKE2b-256 under a subkey of the master key (its
 * own crypto_kdf context), for sealing data too large to hold at once (a
 * backup's content). `purpose` separates uses ("backup.content").
 * vault_mac_final writes the MAC and frees the state; vault_mac_free
 * abandons one. Both wipe it. */
typedef struct vault_mac_state vault_mac_state;
int vault_mac_init(const vault *v, const char *purpose, vault_mac_state **out);
void vault_mac_update(vault_mac_state *s, const void *data, size_t len);
int vault_mac_final(vault_mac_state *s, uint8_t out[VAULT_MAC_BYTES]);
void vault_mac_free(vault_mac_state *s);

#endif
