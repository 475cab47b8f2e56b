/* store_tokens on a real database: only a hash of the token is stored,
 * touching records use without extending the expiry, a new login sweeps
 * expired tokens, and deleting by device
 * or by user (keeping one) ends exactly the logins it says. */
#include "store_test.h"
#include "store_tokens.h"

TestSuite(store_tokens, .init = st_setup, .fini = st_teardown);

static void token(uint8_t t[TOKEN_BYTES], uint8_t h[TOKEN_HASH_BYTES], int seed)
{
  memset(t, seed, TOKEN_BYTES);
  store_tokens_hash(t, TOKEN_BYTES, h);
}

Test(store_tokens, only_the_hash_is_stored)
{
  uint8_t t[TOKEN_BYTES], h[TOKEN_HASH_BYTES];
  token(t, h, 0x41); /* "AAAA..." */
  cr_assert_neq(memcmp(t, h, TOKEN_BYTES), 0);
  cr_assert_eq(store_tokens_create(f.db, h, 1, "dev-one", T0, T0 + 3600), 0);
  char raw[TOKEN_BYTES + 1];
  memcpy(raw, t, TOKEN_BYTES);
  raw[TOKEN_BYTES] = '\0';
  cr_assert_eq(st_int("SELECT count(*) FROM tokens WHERE device = 'dev-one' AND length(hash) = 32", 0), 1);
  cr_assert_eq(st_raw_has("SELECT hash FROM tokens WHERE device = 'dev-one'", 0, raw), 0,
               "the token itself is not in the file");
  token_row r;
  cr_assert_eq(store_tokens_lookup(f.db, h, &r), 0);
  cr_assert_eq(r.user_id, 1);
  cr_assert_str_eq(r.device, "dev-one");
  cr_assert_eq(r.last_seen, T0);
  cr_assert_eq(r.expires_at, T0 + 3600);
  /* Looking up by the token instead of its hash finds nothing. */
  cr_assert_eq(store_tokens_lookup(f.db, t, &r), RC_NOT_FOUND);
}

Test(store_tokens, touching_records_use_and_a_login_sweeps_expired_tokens)
{
  uint8_t t[2][TOKEN_BYTES], h[2][TOKEN_HASH_BYTES];
  token(t[0], h[0], 1);
  token(t[1], h[1], 2);
  cr_assert_eq(store_tokens_create(f.db, h[0], 1, "dev", T0, T0 + 3600), 0);
  token_row r;
  cr_assert_eq(store_tokens_touch(f.db, h[0], T0 + 600), 0);
  cr_assert_eq(store_tokens_lookup(f.db, h[0], &r), 0);
  cr_assert_eq(r.last_seen, T0 + 600);
  cr_assert_eq(r.expires_at, T0 + 3600, "use does not extend the absolute expiry");
  /* A login at the moment the first expires sweeps it. */
  cr_assert_eq(store_tokens_create(f.db, h[1], 1, "dev2", T0 + 3600, T0 + 7200), 0);
  cr_assert_eq(store_tokens_lookup(f.db, h[0], &r), RC_NOT_FOUND);
  cr_assert_eq(store_tokens_lookup(f.db, h[1], &r), 0);
}

Test(store_tokens, deleting_by_device_and_by_user)
{
  uint8_t t[4][TOKEN_BYTES], h[4][TOKEN_HASH_BYTES];
  for (int i = 0; i < 4; i++) token(t[i], h[i], 10 + i);
  int64_t other = st_user("other", "Other", ROLE_PRACTITIONER);
  cr_assert_eq(store_tokens_create(f.db, h[0], 1, "laptop", T0, T0 + 99), 0);
  cr_assert_eq(store_tokens_create(f.db, h[1], 1, "phone", T0, T0 + 99), 0);
  cr_assert_eq(store_tokens_create(f.db, h[2], 1, "tablet", T0, T0 + 99), 0);
  cr_assert_eq(store_tokens_create(f.db, h[3], other, "laptop", T0, T0 + 99), 0);
  token_row r;
  cr_assert_eq(store_tokens_delete_device(f.db, "laptop"), 0);
  cr_assert_eq(store_tokens_lookup(f.db, h[0], &r), RC_NOT_FOUND);
  cr_assert_eq(store_tokens_lookup(f.db, h[3], &r), RC_NOT_FOUND, "every login on the device ends");
  cr_assert_eq(store_tokens_lookup(f.db, h[1], &r), 0);
  cr_assert_eq(store_tokens_delete_user(f.db, 1, h[2]), 0);
  cr_assert_eq(store_tokens_lookup(f.db, h[1], &r), RC_NOT_FOUND);
  cr_assert_eq(store_tokens_lookup(f.db, h[2], &r), 0, "the kept login stays");
  cr_assert_eq(store_tokens_delete_user(f.db, 1, NULL), 0);
  cr_assert_eq(store_tokens_lookup(f.db, h[2], &r), RC_NOT_FOUND);
  cr_assert_eq(store_tokens_create(f.db, h[0], 1, "laptop", T0, T0 + 99), 0);
  cr_assert_eq(store_tokens_delete(f.db, h[0]), 0);
  cr_assert_eq(store_tokens_lookup(f.db, h[0], &r), RC_NOT_FOUND);
  cr_assert_eq(st_int("SELECT count(*) FROM tokens", 0), 0);
}
