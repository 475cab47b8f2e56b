/*
 * password — Argon2id password hashes (crypto_pwhash_str, INTERACTIVE
 * limits: tens of ms and 64 MiB, so only the slow workers call these).
 *
 * Contract: password_hash writes a NUL-terminated PHC string into out.
 * password_verify returns 0 only for a match. password_verify_dummy spends
 * the same time as a real verify, so an unknown username cannot be told
 * from a wrong password by timing. password_generate writes `len` random
 * characters from an unambiguous alphabet plus a NUL (out has len+1 bytes).
 */
#ifndef REFLECT_PASSWORD_H
#define REFLECT_PASSWORD_H

#include <stddef.h>

#define PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES */
#define PASSWORD_MIN 12
#define PASSWORD_MAX 1024

int password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);
int password_verify(const char *hash, const char *pw);
void password_verify_dummy(const char *pw);
/* NULL if acceptable, else a sentence saying why not. */
const char *password_check_policy(const char *pw);
void password_generate(char *out, size_t len);

#endif
