#include "password.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

/* The fuzzing build (tests/fuzz) hashes with the minimum cost so that the
 * fuzzer explores the request paths instead of spending its time in Argon2.
 * Never defined in a build that serves anyone. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define PW_OPS crypto_pwhash_OPSLIMIT_MIN
#define PW_MEM crypto_pwhash_MEMLIMIT_MIN
#else
#define PW_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE
#endif

int password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
  return crypto_pwhash_str(out, pw, strlen(pw), PW_OPS, PW_MEM) == 0 ? 0 : -1;
}

int password_verify(const char *hash, const char *pw)
{
  return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0 ? 0 : -1;
}

static char dummy_hash[PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
  char pw[33];
  password_generate(pw, 32);
  if (password_hash(pw, dummy_hash) != 0) dummy_hash[0] = '\0';
  sodium_memzero(pw, sizeof pw);
}

void password_verify_dummy(const char *pw)
{
  pthread_once(&dummy_once, make_dummy);
  if (dummy_hash[0]) (void)password_verify(dummy_hash, pw);
}

const char *password_check_policy(const char *pw)
{
  size_t n = strlen(pw);
  if (n < PASSWORD_MIN) return "a password needs at least 12 characters";
  if (n > PASSWORD_MAX) return "a password may have at most 1024 bytes";
  return NULL;
}

void password_generate(char *out, size_t len)
{
  /* No 0/O, 1/l/I: someone reads it off a screen once and types it. */
  static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  for (size_t i = 0; i < len; i++) out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
  out[len] = '\0';
}
