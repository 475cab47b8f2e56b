/* store_keys on a real database: one data key per subject, stored wrapped;
 * a sealed value is bound to its slot (table, row, column, revision,
 * context), so moving it to another slot or flipping a byte is DATA_LOSS;
 * a destroyed key is NOT_FOUND, even to a keyring that had it cached. */
#include <stdlib.h>

#include "store_test.h"
#include "store_keys.h"

TestSuite(store_keys, .init = st_setup, .fini = st_teardown);

Test(store_keys, one_key_per_subject_stored_wrapped)
{
  int64_t k1 = 0, k2 = 0, k3 = 0;
  cr_assert_eq(store_keys_ensure(f.db, f.vault, &ring, T0, "case:77", &k1), 0);
  cr_assert_eq(store_keys_ensure(f.db, f.vault, &ring, T0 + 5, "case:77", &k2), 0);
  cr_assert_eq(k1, k2, "the same subject has exactly one key");
  cr_assert_eq(store_keys_ensure(f.db, f.vault, &ring, T0, "case:78", &k3), 0);
  cr_assert_neq(k1, k3);
  cr_assert_eq(st_int("SELECT count(*) FROM data_keys WHERE subject = 'case:77'", 0), 1);
  cr_assert_eq(st_int("SELECT created_at FROM data_keys WHERE id = ?1", k1), T0);
  cr_assert_gt(st_int("SELECT length(wrapped) FROM data_keys WHERE id = ?1", k1), 32, "wrapped, not bare");
  const vault_key *a1 = NULL, *a2 = NULL;
  cr_assert_eq(store_keys_find(f.db, f.vault, &ring, "case:77", &a1), 0);
  cr_assert_eq(store_keys_find(f.db, f.vault, &ring, "case:79", &a2), RC_NOT_FOUND, "find never creates");
  cr_assert_eq(store_keys_get(f.db, f.vault, &ring, T0, "case:79", &a2), 0, "get does");
  cr_assert_eq(st_int("SELECT count(*) FROM data_keys WHERE subject = 'case:79'", 0), 1);
}

static int64_t key(const char *subject)
{
  int64_t id = 0;
  cr_assert_eq(store_keys_ensure(f.db, f.vault, &ring, T0, subject, &id), 0);
  return id;
}

Test(store_keys, a_value_opens_only_in_its_own_slot)
{
  int64_t k = key("user:50");
  store_slot slot = {"users", 50, "name", k, 0, "ctx=1"};
  uint8_t *blob;
  size_t len;
  cr_assert_eq(store_keys_seal(f.db, f.vault, &ring, &slot, "Private Person", &blob, &len), 0);
  cr_assert_not(st_contains(blob, len, "Private"), "no plaintext in the sealed blob");
  char *text = NULL;
  cr_assert_eq(store_keys_open(f.db, f.vault, &ring, &slot, blob, len, &a, &text), 0);
  cr_assert_str_eq(text, "Private Person");

  store_slot moved[] = {
      {"cases", 50, "name", k, 0, "ctx=1"}, {"users", 51, "name", k, 0, "ctx=1"}, {"users", 50, "room", k, 0, "ctx=1"},
      {"users", 50, "name", k, 1, "ctx=1"}, {"users", 50, "name", k, 0, "ctx=2"}, {"users", 50, "name", k, 0, NULL},
  };
  for (size_t i = 0; i < sizeof moved / sizeof moved[0]; i++)
    cr_assert_eq(store_keys_open(f.db, f.vault, &ring, &moved[i], blob, len, &a, &text), RC_DATA_LOSS, "slot %zu", i);
  store_slot other_key = {"users", 50, "name", key("user:51"), 0, "ctx=1"};
  cr_assert_eq(store_keys_open(f.db, f.vault, &ring, &other_key, blob, len, &a, &text), RC_DATA_LOSS);
  blob[len - 1] ^= 1;
  cr_assert_eq(store_keys_open(f.db, f.vault, &ring, &slot, blob, len, &a, &text), RC_DATA_LOSS);
  free(blob);
}

Test(store_keys, bytes_round_trip_including_zeros)
{
  int64_t k = key("session:3");
  store_slot slot = {"sessions", 3, "body", k, 2, NULL};
  const uint8_t data[] = {0, 1, 2, 0, 255, 0};
  uint8_t *blob, *out;
  size_t len, out_len;
  cr_assert_eq(store_keys_seal_bytes(f.db, f.vault, &ring, &slot, data, sizeof data, &blob, &len), 0);
  cr_assert_eq(store_keys_open_bytes(f.db, f.vault, &ring, &slot, blob, len, &a, &out, &out_len), 0);
  cr_assert_eq(out_len, sizeof data);
  cr_assert_eq(memcmp(out, data, sizeof data), 0);
  cr_assert_eq(out[out_len], 0, "followed by a NUL");
  free(blob);
}

Test(store_keys, a_destroyed_key_opens_nothing_even_from_a_warm_ring)
{
  int64_t k = key("case:9");
  store_slot slot = {"cases", 9, "name", k, 0, NULL};
  uint8_t *blob;
  size_t len;
  cr_assert_eq(store_keys_seal(f.db, f.vault, &ring, &slot, "Child Name", &blob, &len), 0);
  char *text = NULL;
  cr_assert_eq(store_keys_open(f.db, f.vault, &ring, &slot, blob, len, &a, &text), 0);
  /* Destroyed the way shredding does it (keyring.h: then every ring
   * forgets); the ring that had the key cached opens nothing with it. */
  st_sql("UPDATE data_keys SET wrapped = NULL, destroyed_at = 1 WHERE subject = 'case:9'");
  keyring_forget_all();
  cr_assert_eq(store_keys_open(f.db, f.vault, &ring, &slot, blob, len, &a, &text), RC_NOT_FOUND);
  const vault_key *vk;
  cr_assert_eq(store_keys_find(f.db, f.vault, &ring, "case:9", &vk), RC_NOT_FOUND);
  int64_t again = 0;
  cr_assert_eq(store_keys_ensure(f.db, f.vault, &ring, T0, "case:9", &again), 0);
  cr_assert_eq(again, k, "the subject keeps its (destroyed) key: no new one is made");
  free(blob);
}
