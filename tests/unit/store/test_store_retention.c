/* store_retention on a real database: a value under a live case key opens
 * as itself; once the key is destroyed it reads as RETENTION_DESTROYED with
 * OK, while a value that fails authentication is still DATA_LOSS. */
#include <stdlib.h>

#include "store_test.h"
#include "retention.h"
#include "store_keys.h"
#include "store_retention.h"

TestSuite(store_retention, .init = st_setup, .fini = st_teardown);

Test(store_retention, a_destroyed_key_reads_as_destroyed_and_tampering_is_still_data_loss)
{
  int64_t k;
  cr_assert_eq(store_keys_ensure(f.db, f.vault, &ring, T0, "case:4", &k), 0);
  store_slot slot = {"cases", 4, "name", k, 0, NULL};
  uint8_t *blob;
  size_t len;
  cr_assert_eq(store_keys_seal(f.db, f.vault, &ring, &slot, "Alex", &blob, &len), 0);
  store_ctx c = st_ctx(T0);
  char *text = NULL;
  cr_assert_eq(store_retention_open(&c, &a, &slot, blob, len, &text), 0);
  cr_assert_str_eq(text, "Alex");
  blob[len - 1] ^= 1;
  cr_assert_eq(store_retention_open(&c, &a, &slot, blob, len, &text), RC_DATA_LOSS);
  blob[len - 1] ^= 1;
  st_sql("UPDATE data_keys SET wrapped = NULL, destroyed_at = 1 WHERE subject = 'case:4'");
  keyring_forget_all();
  text = NULL;
  cr_assert_eq(store_retention_open(&c, &a, &slot, blob, len, &text), 0);
  cr_assert_str_eq(text, RETENTION_DESTROYED);
  free(blob);
}
