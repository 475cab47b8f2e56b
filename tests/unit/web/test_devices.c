/* devices: a browser's keys come back only with its id; the files are
 * private and name no cookie; one account logging in from ever more
 * browsers recycles its own devices and never pushes out another's. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "devices.h"

static char dir[] = "/tmp/reflect-test-devices-XXXXXX";
static devices *d;

static void setup(void)
{
  cr_assert_geq(sodium_init(), 0);
  cr_assert_not_null(mkdtemp(dir));
  cr_assert_eq(devices_open(dir, &d), DEVICES_OK);
}

static void teardown(void)
{
  devices_close(d);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
}

TestSuite(devices, .init = setup, .fini = teardown);

static size_t device_files(void)
{
  char path[256];
  snprintf(path, sizeof path, "%s/devices", dir);
  DIR *dd = opendir(path);
  cr_assert_not_null(dd);
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(dd))) {
    if (e->d_name[0] == '.') continue;
    struct stat st;
    cr_assert_eq(fstatat(dirfd(dd), e->d_name, &st, 0), 0);
    cr_assert_eq(st.st_mode & 077, 0, "a device file is private");
    n++;
  }
  closedir(dd);
  return n;
}

static void new_device(const char *owner, uint8_t id[DEVICES_ID_BYTES], devices_keys *keys)
{
  cr_assert_eq(devices_create(id, keys), DEVICES_OK);
  cr_assert_eq(devices_save(d, id, keys, owner), DEVICES_OK);
}

Test(devices, keys_come_back_with_their_id_only)
{
  uint8_t id[DEVICES_ID_BYTES], other[DEVICES_ID_BYTES];
  devices_keys keys, got;
  new_device("pat", id, &keys);
  cr_assert_eq(devices_load(d, id, &got), DEVICES_OK);
  cr_assert_str_eq(got.public_key, keys.public_key);
  cr_assert_str_eq(got.secret_key, keys.secret_key);
  randombytes_buf(other, sizeof other);
  cr_assert_eq(devices_load(d, other, &got), DEVICES_ENONE, "a forged cookie names nothing");
  cr_assert_eq(device_files(), 1);
}

Test(devices, one_account_recycles_its_own_devices_and_no_one_elses)
{
  uint8_t sam_id[DEVICES_ID_BYTES], ids[DEVICES_PER_ACCOUNT + 4][DEVICES_ID_BYTES];
  devices_keys keys;
  new_device("sam", sam_id, &keys);
  for (int i = 0; i < DEVICES_PER_ACCOUNT + 4; i++) new_device("mallory", ids[i], &keys);
  cr_assert_eq(device_files(), 1 + DEVICES_PER_ACCOUNT, "mallory keeps %d", DEVICES_PER_ACCOUNT);
  cr_assert_eq(devices_load(d, sam_id, &keys), DEVICES_OK, "sam's browser is still known");
  for (int i = 0; i < 4; i++) cr_assert_eq(devices_load(d, ids[i], &keys), DEVICES_ENONE, "mallory's oldest went");
  for (int i = 4; i < DEVICES_PER_ACCOUNT + 4; i++) cr_assert_eq(devices_load(d, ids[i], &keys), DEVICES_OK);
}
