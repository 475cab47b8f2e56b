#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vault.h"

/* Each test runs in its own process; the fixture gives it a private
 * directory for key files and removes it afterwards. */
static char dir[64];

static void make_dir(void)
{
  strcpy(dir, "/tmp/test_vault.XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
  DIR *d = opendir(dir);
  if (d == NULL) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    if (unlink(p) != 0) rmdir(p);
  }
  closedir(d);
  rmdir(dir);
}

TestSuite(vault, .init = make_dir, .fini = remove_dir);

/* Rotates through a few buffers so a test can hold several paths at once. */
static const char *path_in_dir(const char *name)
{
  static char p[4][256];
  static unsigned next;
  char *buf = p[next++ % 4];
  snprintf(buf, sizeof p[0], "%s/%s", dir, name);
  return buf;
}

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  cr_assert_geq(fd, 0);
  cr_assert_eq(write(fd, data, len), (ssize_t)len);
  cr_assert_eq(fchmod(fd, mode), 0); /* explicit, so umask cannot interfere */
  close(fd);
}

/* A fresh vault from a new key file in the test directory. */
static vault *new_vault(const char *name)
{
  const char *p = path_in_dir(name);
  cr_assert_eq(vault_create_keyfile(p), VAULT_OK);
  vault *v = NULL;
  cr_assert_eq(vault_open_keyfile(p, &v, NULL), VAULT_OK);
  cr_assert_not_null(v);
  return v;
}

static int same_check(const vault *a, const vault *b)
{
  uint8_t ca[VAULT_CHECK_BYTES];
  cr_assert_eq(vault_make_check(a, ca), VAULT_OK);
  return vault_verify_check(b, ca) == VAULT_OK;
}

/* ---- key files ---- */

Test(vault, keyfile_round_trip)
{
  const char *p = path_in_dir("master.key");
  cr_assert_eq(vault_create_keyfile(p), VAULT_OK);
  struct stat st;
  cr_assert_eq(stat(p, &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0600);
  cr_assert_eq(st.st_size, VAULT_KEY_BYTES);

  vault *a = NULL, *b = NULL;
  int locked = -1;
  cr_assert_eq(vault_open_keyfile(p, &a, &locked), VAULT_OK);
  cr_assert(locked == 0 || locked == 1);
  cr_assert_eq(vault_open_keyfile(p, &b, NULL), VAULT_OK);
  cr_assert(same_check(a, b), "the same key file gives the same master key");
  vault_close(a);
  vault_close(b);
}

Test(vault, two_keyfiles_hold_different_keys)
{
  vault *a = new_vault("a.key");
  vault *b = new_vault("b.key");
  cr_assert_not(same_check(a, b));
  vault_close(a);
  vault_close(b);
}

Test(vault, create_refuses_to_overwrite)
{
  const char *p = path_in_dir("master.key");
  cr_assert_eq(vault_create_keyfile(p), VAULT_OK);
  uint8_t before[VAULT_KEY_BYTES], after[VAULT_KEY_BYTES];
  FILE *f = fopen(p, "rb");
  cr_assert_eq(fread(before, 1, sizeof before, f), sizeof before);
  fclose(f);
  cr_assert_eq(vault_create_keyfile(p), VAULT_EEXIST);
  f = fopen(p, "rb");
  cr_assert_eq(fread(after, 1, sizeof after, f), sizeof after);
  fclose(f);
  cr_assert_arr_eq(before, after, sizeof before, "existing key left untouched");
}

Test(vault, create_through_a_dangling_symlink_is_refused)
{
  /* O_EXCL must not follow a symlink to create a file elsewhere. */
  const char *target = path_in_dir("elsewhere.key");
  const char *link = path_in_dir("master.key");
  cr_assert_eq(symlink(target, link), 0);
  cr_assert_eq(vault_create_keyfile(link), VAULT_EEXIST);
  cr_assert_neq(access(target, F_OK), 0);
}

Test(vault, open_refuses_group_or_world_access)
{
  const char *p = path_in_dir("master.key");
  uint8_t key[VAULT_KEY_BYTES] = {1};
  const mode_t modes[] = {0644, 0640, 0604, 0660, 0601, 0610};
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
    write_file(p, key, sizeof key, modes[i]);
    vault *v = (vault *)1;
    cr_assert_eq(vault_open_keyfile(p, &v, NULL), VAULT_EPERM, "mode %o", (unsigned)modes[i]);
    cr_assert_null(v);
  }
  write_file(p, key, sizeof key, 0400);
  vault *v = NULL;
  cr_assert_eq(vault_open_keyfile(p, &v, NULL), VAULT_OK, "0400 is private enough");
  vault_close(v);
}

Test(vault, open_refuses_wrong_size)
{
  const char *p = path_in_dir("master.key");
  uint8_t key[VAULT_KEY_BYTES + 1] = {0};
  const size_t sizes[] = {0, 1, VAULT_KEY_BYTES - 1, VAULT_KEY_BYTES + 1};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    write_file(p, key, sizes[i], 0600);
    vault *v = (vault *)1;
    cr_assert_eq(vault_open_keyfile(p, &v, NULL), VAULT_EFORMAT, "size %zu", sizes[i]);
    cr_assert_null(v);
  }
}

Test(vault, open_refuses_symlink_directory_and_fifo, .timeout = 10)
{
  const char *real = path_in_dir("real.key");
  cr_assert_eq(vault_create_keyfile(real), VAULT_OK);
  const char *link = path_in_dir("link.key");
  cr_assert_eq(symlink(real, link), 0);
  vault *ok = NULL;
  cr_assert_eq(vault_open_keyfile(real, &ok, NULL), VAULT_OK, "the target itself is fine");
  vault_close(ok);
  vault *v = (vault *)1;
  cr_assert_eq(vault_open_keyfile(link, &v, NULL), VAULT_EPERM);
  cr_assert_null(v);

  cr_assert_eq(vault_open_keyfile(dir, &v, NULL), VAULT_EPERM, "a directory");

  const char *fifo = path_in_dir("fifo");
  cr_assert_eq(mkfifo(fifo, 0600), 0);
  cr_assert_eq(vault_open_keyfile(fifo, &v, NULL), VAULT_EPERM, "a FIFO, without hanging");
}

Test(vault, open_missing_file_is_io_error)
{
  vault *v = (vault *)1;
  cr_assert_eq(vault_open_keyfile(path_in_dir("absent.key"), &v, NULL), VAULT_EIO);
  cr_assert_null(v);
  cr_assert_eq(vault_create_keyfile(path_in_dir("no/such/dir.key")), VAULT_EIO);
}

/* ---- passphrase (three Argon2id MODERATE derivations in total) ---- */

Test(vault, passphrase_is_deterministic_per_passphrase_and_salt, .timeout = 120)
{
  uint8_t salt[VAULT_SALT_BYTES];
  vault_new_salt(salt);
  const char *pass = "correct horse battery staple";
  vault *a = NULL, *b = NULL, *c = NULL;
  int locked = -1;
  cr_assert_eq(vault_open_passphrase(pass, strlen(pass), salt, &a, &locked), VAULT_OK);
  cr_assert(locked == 0 || locked == 1);
  cr_assert_eq(vault_open_passphrase(pass, strlen(pass), salt, &b, NULL), VAULT_OK);
  cr_assert(same_check(a, b), "same passphrase and salt, same key");
  const char *other = "correct horse battery stapler";
  cr_assert_eq(vault_open_passphrase(other, strlen(other), salt, &c, NULL), VAULT_OK);
  cr_assert_not(same_check(a, c), "another passphrase, another key");
  vault_close(a);
  vault_close(b);
  vault_close(c);
}

Test(vault, passphrase_bad_arguments)
{
  uint8_t salt[VAULT_SALT_BYTES] = {0};
  vault *v = (vault *)1;
  cr_assert_eq(vault_open_passphrase("", 0, salt, &v, NULL), VAULT_EINVAL);
  cr_assert_null(v);
  cr_assert_eq(vault_open_passphrase(NULL, 4, salt, &v, NULL), VAULT_EINVAL);
  cr_assert_eq(vault_open_passphrase("pass", 4, NULL, &v, NULL), VAULT_EINVAL);
  cr_assert_eq(vault_open_passphrase("pass", 4, salt, NULL, NULL), VAULT_EINVAL);
}

Test(vault, new_salt_is_random)
{
  uint8_t a[VAULT_SALT_BYTES], b[VAULT_SALT_BYTES];
  vault_new_salt(a);
  vault_new_salt(b);
  cr_assert_neq(memcmp(a, b, sizeof a), 0);
  vault_new_salt(NULL);
}

/* ---- check value ---- */

Test(vault, check_value_tells_keys_apart)
{
  vault *a = new_vault("a.key");
  vault *b = new_vault("b.key");
  uint8_t check[VAULT_CHECK_BYTES], again[VAULT_CHECK_BYTES];
  cr_assert_eq(vault_make_check(a, check), VAULT_OK);
  cr_assert_eq(vault_make_check(a, again), VAULT_OK);
  cr_assert_arr_eq(check, again, sizeof check, "deterministic");
  cr_assert_eq(vault_verify_check(a, check), VAULT_OK);
  cr_assert_eq(vault_verify_check(b, check), VAULT_EINTEGRITY);
  check[7] ^= 1;
  cr_assert_eq(vault_verify_check(a, check), VAULT_EINTEGRITY);
  vault_close(a);
  vault_close(b);
}

/* ---- data keys ---- */

static const vault_ad AD = {"sessions", 42, "notes", 7, 3, NULL, 0};

/* Proves two vault_key objects hold the same key: one seals, the other opens. */
static int same_key(const vault_key *x, const vault_key *y)
{
  uint8_t *sealed, *plain;
  size_t sealed_len, plain_len;
  cr_assert_eq(vault_seal_value(x, &AD, (const uint8_t *)"probe", 5, &sealed, &sealed_len), VAULT_OK);
  int rc = vault_open_value(y, &AD, sealed, sealed_len, &plain, &plain_len);
  free(sealed);
  vault_free_plain(plain, plain_len);
  return rc == VAULT_OK;
}

Test(vault, data_key_wrap_round_trip)
{
  vault *v = new_vault("master.key");
  vault_key *k = NULL, *u = NULL;
  uint8_t *w = NULL;
  size_t wlen = 0;
  cr_assert_eq(vault_new_data_key(v, 7, "case:7", &k, &w, &wlen), VAULT_OK);
  cr_assert_not_null(k);
  cr_assert_gt(wlen, VAULT_KEY_BYTES);
  cr_assert_eq(vault_unwrap_data_key(v, 7, "case:7", w, wlen, &u), VAULT_OK);
  cr_assert(same_key(k, u));

  vault_key *k2;
  uint8_t *w2;
  size_t wlen2;
  cr_assert_eq(vault_new_data_key(v, 8, "case:8", &k2, &w2, &wlen2), VAULT_OK);
  cr_assert_not(same_key(k, k2), "each data key is fresh");
  vault_key_free(k);
  vault_key_free(k2);
  vault_key_free(u);
  free(w);
  free(w2);
  vault_close(v);
}

Test(vault, data_key_unwrap_is_bound_to_id_subject_bytes_and_master)
{
  vault *v = new_vault("master.key");
  vault *other = new_vault("other.key");
  vault_key *k, *u = (vault_key *)1;
  uint8_t *w;
  size_t wlen;
  cr_assert_eq(vault_new_data_key(v, 7, "user:42", &k, &w, &wlen), VAULT_OK);

  cr_assert_eq(vault_unwrap_data_key(v, 8, "user:42", w, wlen, &u), VAULT_EINTEGRITY);
  cr_assert_null(u);
  cr_assert_eq(vault_unwrap_data_key(v, 7, "user:43", w, wlen, &u), VAULT_EINTEGRITY);
  cr_assert_eq(vault_unwrap_data_key(v, 7, "user:4", w, wlen, &u), VAULT_EINTEGRITY);
  cr_assert_eq(vault_unwrap_data_key(other, 7, "user:42", w, wlen, &u), VAULT_EINTEGRITY);
  cr_assert_eq(vault_unwrap_data_key(v, 7, "user:42", w, wlen - 1, &u), VAULT_EINTEGRITY);
  for (size_t i = 0; i < wlen; i++) {
    for (int bit = 0; bit < 8; bit += 7) {
      w[i] ^= (uint8_t)(1u << bit);
      cr_assert_eq(vault_unwrap_data_key(v, 7, "user:42", w, wlen, &u), VAULT_EINTEGRITY, "byte %zu bit %d", i, bit);
      cr_assert_null(u);
      w[i] ^= (uint8_t)(1u << bit);
    }
  }
  cr_assert_eq(vault_unwrap_data_key(v, 7, "user:42", w, wlen, &u), VAULT_OK);
  vault_key_free(u);
  vault_key_free(k);
  free(w);
  vault_close(v);
  vault_close(other);
}

Test(vault, data_key_subject_limits)
{
  vault *v = new_vault("master.key");
  vault_key *k = (vault_key *)1;
  uint8_t *w = (uint8_t *)1;
  size_t wlen = 1;
  char subject[130];
  memset(subject, 's', 128);
  subject[128] = '\0';
  cr_assert_eq(vault_new_data_key(v, 1, subject, &k, &w, &wlen), VAULT_OK, "128 bytes is fine");
  vault_key *u;
  cr_assert_eq(vault_unwrap_data_key(v, 1, subject, w, wlen, &u), VAULT_OK);
  vault_key_free(u);
  vault_key_free(k);
  free(w);
  subject[128] = 's';
  subject[129] = '\0';
  cr_assert_eq(vault_new_data_key(v, 1, subject, &k, &w, &wlen), VAULT_EINVAL);
  cr_assert_null(k);
  cr_assert_null(w);
  cr_assert_eq(vault_new_data_key(v, 1, NULL, &k, &w, &wlen), VAULT_EINVAL);
  cr_assert_eq(vault_new_data_key(v, 1, "", &k, &w, &wlen), VAULT_EINVAL);
  vault_close(v);
}

/* ---- values ---- */

struct fixture {
  vault *v;
  vault_key *k;
  uint8_t *w;
};

static struct fixture setup_key(void)
{
  struct fixture f;
  size_t wlen;
  f.v = new_vault("master.key");
  cr_assert_eq(vault_new_data_key(f.v, AD.key_id, "case:7", &f.k, &f.w, &wlen), VAULT_OK);
  return f;
}

static void teardown_key(struct fixture *f)
{
  vault_key_free(f->k);
  free(f->w);
  vault_close(f->v);
}

static void round_trip(const vault_key *k, const uint8_t *data, size_t len)
{
  uint8_t *sealed, *plain;
  size_t sealed_len, plain_len;
  cr_assert_eq(vault_seal_value(k, &AD, data, len, &sealed, &sealed_len), VAULT_OK);
  cr_assert_eq(sealed_len, len + VAULT_VALUE_OVERHEAD);
  cr_assert_eq(vault_open_value(k, &AD, sealed, sealed_len, &plain, &plain_len), VAULT_OK);
  cr_assert_eq(plain_len, len);
  if (len > 0) cr_assert_arr_eq(plain, data, len);
  cr_assert_eq(plain[len], 0, "NUL after the plaintext");
  vault_free_plain(plain, plain_len);
  free(sealed);
}

Test(vault, value_round_trips_text_empty_and_binary)
{
  struct fixture f = setup_key();
  const char *text = "Seen at home; mother reports the school meeting went well.";
  round_trip(f.k, (const uint8_t *)text, strlen(text));
  round_trip(f.k, (const uint8_t *)"", 0);
  round_trip(f.k, NULL, 0);
  uint8_t bin[256];
  for (size_t i = 0; i < sizeof bin; i++) bin[i] = (uint8_t)(255 - i);
  round_trip(f.k, bin, sizeof bin);

  uint8_t *big = malloc(VAULT_MAX_VALUE);
  memset(big, 'x', VAULT_MAX_VALUE);
  round_trip(f.k, big, VAULT_MAX_VALUE);
  free(big);
  teardown_key(&f);
}

Test(vault, value_text_is_a_c_string)
{
  struct fixture f = setup_key();
  uint8_t *sealed, *plain;
  size_t sealed_len, plain_len;
  cr_assert_eq(vault_seal_value(f.k, &AD, (const uint8_t *)"Amira", 5, &sealed, &sealed_len), VAULT_OK);
  cr_assert_eq(vault_open_value(f.k, &AD, sealed, sealed_len, &plain, &plain_len), VAULT_OK);
  cr_assert_str_eq((const char *)plain, "Amira");
  vault_free_plain(plain, plain_len);
  free(sealed);
  teardown_key(&f);
}

static void expect_open_fails(const vault_key *k, const vault_ad *ad, const uint8_t *sealed, size_t len,
                              const char *what)
{
  uint8_t *plain = (uint8_t *)1;
  size_t plain_len = 99;
  cr_assert_eq(vault_open_value(k, ad, sealed, len, &plain, &plain_len), VAULT_EINTEGRITY, "%s", what);
  cr_assert_null(plain, "%s", what);
  cr_assert_eq(plain_len, 0, "%s", what);
}

Test(vault, value_is_bound_to_every_ad_component)
{
  struct fixture f = setup_key();
  uint8_t *sealed;
  size_t len;
  cr_assert_eq(vault_seal_value(f.k, &AD, (const uint8_t *)"secret", 6, &sealed, &len), VAULT_OK);

  vault_ad ad = AD;
  ad.table = "session";
  expect_open_fails(f.k, &ad, sealed, len, "table");
  ad.table = "sessionz"; /* same length: only the bytes differ */
  expect_open_fails(f.k, &ad, sealed, len, "table, same length");
  ad = AD;
  ad.row = 43;
  expect_open_fails(f.k, &ad, sealed, len, "row");
  ad = AD;
  ad.column = "note";
  expect_open_fails(f.k, &ad, sealed, len, "column");
  ad.column = "notez";
  expect_open_fails(f.k, &ad, sealed, len, "column, same length");
  ad = AD;
  ad.key_id = 8;
  /* Naming another key is refused before decrypting: a caller's mix-up. */
  uint8_t *plain = (uint8_t *)"untouched";
  size_t plain_len = 1;
  cr_assert_eq(vault_open_value(f.k, &ad, sealed, len, &plain, &plain_len), VAULT_EINVAL, "key_id");
  cr_assert_null(plain);
  uint8_t *resealed = (uint8_t *)"untouched";
  cr_assert_eq(vault_seal_value(f.k, &ad, (const uint8_t *)"x", 1, &resealed, &plain_len), VAULT_EINVAL,
               "sealing under a key labelled with another id");
  cr_assert_null(resealed);
  ad = AD;
  ad.revision = 4;
  expect_open_fails(f.k, &ad, sealed, len, "revision");
  ad = AD;
  ad.row = -42;
  expect_open_fails(f.k, &ad, sealed, len, "negative row");
  free(sealed);

  /* Moving bytes between table and column must not keep the same binding. */
  vault_ad ab = {"ab", 1, "c", AD.key_id, 1, NULL, 0}, a_bc = {"a", 1, "bc", AD.key_id, 1, NULL, 0};
  cr_assert_eq(vault_seal_value(f.k, &ab, (const uint8_t *)"x", 1, &sealed, &len), VAULT_OK);
  expect_open_fails(f.k, &a_bc, sealed, len, "table/column boundary");
  free(sealed);
  teardown_key(&f);
}

Test(vault, value_fails_under_another_data_key)
{
  struct fixture f = setup_key();
  vault_key *k2;
  uint8_t *w2, *sealed;
  size_t wlen2, len;
  cr_assert_eq(vault_new_data_key(f.v, AD.key_id, "case:7", &k2, &w2, &wlen2), VAULT_OK);
  cr_assert_eq(vault_seal_value(f.k, &AD, (const uint8_t *)"secret", 6, &sealed, &len), VAULT_OK);
  expect_open_fails(k2, &AD, sealed, len, "another key");
  free(sealed);
  vault_key_free(k2);
  free(w2);
  teardown_key(&f);
}

Test(vault, value_tampering_and_truncation_fail)
{
  struct fixture f = setup_key();
  uint8_t *sealed;
  size_t len;
  const char *text = "disclosed on 3 March";
  cr_assert_eq(vault_seal_value(f.k, &AD, (const uint8_t *)text, strlen(text), &sealed, &len), VAULT_OK);
  for (size_t i = 0; i < len; i++) {
    sealed[i] ^= 0x01;
    expect_open_fails(f.k, &AD, sealed, len, "flipped low bit");
    sealed[i] ^= 0x81;
    expect_open_fails(f.k, &AD, sealed, len, "flipped high bit");
    sealed[i] ^= 0x80;
  }
  for (size_t cut = 0; cut < len; cut++) expect_open_fails(f.k, &AD, sealed, cut, "truncated");
  uint8_t *longer = malloc(len + 1);
  memcpy(longer, sealed, len);
  longer[len] = 0;
  expect_open_fails(f.k, &AD, longer, len + 1, "extended");
  free(longer);
  free(sealed);
  teardown_key(&f);
}

Test(vault, value_nonce_is_random_and_plaintext_hidden)
{
  struct fixture f = setup_key();
  const char *text = "the child's name is Jordan Example";
  uint8_t *s1, *s2;
  size_t l1, l2;
  cr_assert_eq(vault_seal_value(f.k, &AD, (const uint8_t *)text, strlen(text), &s1, &l1), VAULT_OK);
  cr_assert_eq(vault_seal_value(f.k, &AD, (const uint8_t *)text, strlen(text), &s2, &l2), VAULT_OK);
  cr_assert_eq(l1, l2);
  cr_assert_neq(memcmp(s1, s2, l1), 0, "two seals differ");
  cr_assert_neq(memcmp(s1, s2, 24), 0, "nonces differ");
  cr_assert_null(memmem(s1, l1, text, strlen(text)));
  cr_assert_null(memmem(s1, l1, "Jordan", 6));
  free(s1);
  free(s2);
  teardown_key(&f);
}

Test(vault, value_size_and_argument_checks)
{
  struct fixture f = setup_key();
  uint8_t *out = (uint8_t *)1;
  size_t out_len = 1;
  uint8_t *big = calloc(1, (size_t)VAULT_MAX_VALUE + 1);
  cr_assert_eq(vault_seal_value(f.k, &AD, big, (size_t)VAULT_MAX_VALUE + 1, &out, &out_len), VAULT_EINVAL);
  cr_assert_null(out);
  cr_assert_eq(out_len, 0);
  free(big);

  const uint8_t *p = (const uint8_t *)"x";
  cr_assert_eq(vault_seal_value(NULL, &AD, p, 1, &out, &out_len), VAULT_EINVAL);
  cr_assert_eq(vault_seal_value(f.k, NULL, p, 1, &out, &out_len), VAULT_EINVAL);
  cr_assert_eq(vault_seal_value(f.k, &AD, NULL, 1, &out, &out_len), VAULT_EINVAL);
  cr_assert_eq(vault_seal_value(f.k, &AD, p, 1, NULL, &out_len), VAULT_EINVAL);
  cr_assert_eq(vault_seal_value(f.k, &AD, p, 1, &out, NULL), VAULT_EINVAL);
  vault_ad bad = AD;
  bad.table = NULL;
  cr_assert_eq(vault_seal_value(f.k, &bad, p, 1, &out, &out_len), VAULT_EINVAL);
  bad = AD;
  bad.column = NULL;
  cr_assert_eq(vault_seal_value(f.k, &bad, p, 1, &out, &out_len), VAULT_EINVAL);
  bad.column = "";
  cr_assert_eq(vault_seal_value(f.k, &bad, p, 1, &out, &out_len), VAULT_EINVAL);
  char longname[200];
  memset(longname, 'n', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  bad.column = longname;
  cr_assert_eq(vault_seal_value(f.k, &bad, p, 1, &out, &out_len), VAULT_EINVAL);

  uint8_t sealed[VAULT_VALUE_OVERHEAD] = {0};
  cr_assert_eq(vault_open_value(NULL, &AD, sealed, sizeof sealed, &out, &out_len), VAULT_EINVAL);
  cr_assert_eq(vault_open_value(f.k, NULL, sealed, sizeof sealed, &out, &out_len), VAULT_EINVAL);
  cr_assert_eq(vault_open_value(f.k, &AD, NULL, sizeof sealed, &out, &out_len), VAULT_EINVAL);
  cr_assert_eq(vault_open_value(f.k, &AD, sealed, sizeof sealed, NULL, &out_len), VAULT_EINVAL);
  cr_assert_eq(vault_open_value(f.k, &AD, sealed, sizeof sealed, &out, NULL), VAULT_EINVAL);
  vault_free_plain(NULL, 10);
  teardown_key(&f);
}

/* ---- blind index ---- */

Test(vault, blind_index_deterministic_and_separated)
{
  vault *a = new_vault("a.key");
  vault *b = new_vault("b.key");
  const uint8_t *ref = (const uint8_t *)"CR-2024-0042";
  uint8_t x[VAULT_INDEX_BYTES], y[VAULT_INDEX_BYTES], z[VAULT_INDEX_BYTES];
  cr_assert_eq(vault_blind_index(a, "case.reference", ref, 12, x), VAULT_OK);
  cr_assert_eq(vault_blind_index(a, "case.reference", ref, 12, y), VAULT_OK);
  cr_assert_arr_eq(x, y, sizeof x, "deterministic");
  cr_assert_eq(vault_blind_index(a, "user.email", ref, 12, z), VAULT_OK);
  cr_assert_neq(memcmp(x, z, sizeof x), 0, "per domain");
  cr_assert_eq(vault_blind_index(b, "case.reference", ref, 12, z), VAULT_OK);
  cr_assert_neq(memcmp(x, z, sizeof x), 0, "per master key");
  cr_assert_eq(vault_blind_index(a, "case.reference", ref, 11, z), VAULT_OK);
  cr_assert_neq(memcmp(x, z, sizeof x), 0, "per data");
  /* The domain/data boundary is length-prefixed, so shifting it changes the index. */
  cr_assert_eq(vault_blind_index(a, "ab", (const uint8_t *)"c", 1, y), VAULT_OK);
  cr_assert_eq(vault_blind_index(a, "a", (const uint8_t *)"bc", 2, z), VAULT_OK);
  cr_assert_neq(memcmp(y, z, sizeof y), 0, "domain boundary");
  cr_assert_eq(vault_blind_index(a, "case.reference", NULL, 0, z), VAULT_OK, "empty data");

  uint8_t check[VAULT_CHECK_BYTES];
  cr_assert_eq(vault_make_check(a, check), VAULT_OK);
  cr_assert_neq(memcmp(check, x, sizeof x), 0);

  cr_assert_eq(vault_blind_index(NULL, "d", ref, 12, z), VAULT_EINVAL);
  cr_assert_eq(vault_blind_index(a, NULL, ref, 12, z), VAULT_EINVAL);
  cr_assert_eq(vault_blind_index(a, "", ref, 12, z), VAULT_EINVAL);
  cr_assert_eq(vault_blind_index(a, "d", NULL, 12, z), VAULT_EINVAL);
  cr_assert_eq(vault_blind_index(a, "d", ref, 12, NULL), VAULT_EINVAL);
  vault_close(a);
  vault_close(b);
}

/* ---- known answers: the stored formats must never change silently ----
 * Vectors were computed independently of vault.c (Python ctypes calls into
 * libsodium with the encodings written out by hand), so they pin the subkey
 * contexts and ids, the check constant, the blind-index and both AD formats.
 * If this test fails, existing databases would no longer open. */

Test(vault, known_answers_for_stored_formats)
{
  uint8_t master[VAULT_KEY_BYTES];
  for (size_t i = 0; i < sizeof master; i++) master[i] = (uint8_t)i;
  const char *p = path_in_dir("master.key");
  write_file(p, master, sizeof master, 0600);
  vault *v = NULL;
  cr_assert_eq(vault_open_keyfile(p, &v, NULL), VAULT_OK);

  static const uint8_t check[VAULT_CHECK_BYTES] = "\xc0\xd4\xd2\x45\xbd\x9c\x6b\x0c\xc9\x13\x47\x02\xda\x43\xf9\x10"
                                                  "\x43\x37\xb8\x8d\x73\x61\xa8\xdf\xb1\x5a\xee\x84\x3b\xa6\x2b\x22";
  cr_assert_eq(vault_verify_check(v, check), VAULT_OK);

  static const uint8_t index[VAULT_INDEX_BYTES] = "\x4a\x6e\x0a\xd9\xf3\xe3\x7f\x3a\xa9\xa1\x8a\x32\xa7\x93\xd6\x32"
                                                  "\xd7\xb0\x70\xed\x89\xb6\x10\x3c\x41\x4d\x0d\x82\xe5\x1f\xe8\xd8";
  uint8_t got[VAULT_INDEX_BYTES];
  cr_assert_eq(vault_blind_index(v, "case.reference", (const uint8_t *)"CR-2024-0042", 12, got), VAULT_OK);
  cr_assert_arr_eq(got, index, sizeof index);

  static const uint8_t wrapped[] = "\x16\xfd\x10\x7a\x29\x15\x85\x2e\x98\xc3\x89\x53\x01\xa7\x13\x80"
                                   "\x9a\xbc\xa1\xe3\x82\x94\x3b\x65\x90\xc2\xda\x1a\x71\x33\x75\x6c"
                                   "\x9a\x68\xa7\x15\x6e\xc5\x55\xc1\x17\xdd\xdb\x7c\x6e\xe6\x32\xc1"
                                   "\x20\x58\x58\x8e\x3a\xc2\x9e\x63\xdc\x62\x84\x9a\x0f\x6c\xff\x4b"
                                   "\x6a\x49\xe5\x9f\xf9\x7a\x4a\x32";
  static const uint8_t sealed[] = "\x8d\x57\xfa\xb8\xb6\x98\x53\xdf\xc6\x37\xd2\x1d\x4d\x79\x39\x89"
                                  "\xac\xf9\x5b\x74\xcb\xf4\xc2\x1d\x7c\xd5\x8e\x68\xcd\x9f\xb6\x1c"
                                  "\xcb\x9b\x1a\xa8\xa3\xae\x2b\x17\x74\x1e\x45\x2b\xb0\x20\x7e\xdf"
                                  "\x22\x2e\x4c\x60\x9c";
  vault_key *k = NULL;
  cr_assert_eq(vault_unwrap_data_key(v, 7, "case:7", wrapped, sizeof wrapped - 1, &k), VAULT_OK);
  uint8_t *plain;
  size_t plain_len;
  cr_assert_eq(vault_open_value(k, &AD, sealed, sizeof sealed - 1, &plain, &plain_len), VAULT_OK);
  cr_assert_str_eq((const char *)plain, "Seen at home.");
  vault_free_plain(plain, plain_len);
  vault_key_free(k);
  vault_close(v);
}

/* ---- NULL arguments and odds and ends ---- */

Test(vault, null_arguments_are_refused)
{
  vault *v = new_vault("master.key");
  vault *out = (vault *)1;
  uint8_t buf[VAULT_CHECK_BYTES] = {0};
  cr_assert_eq(vault_create_keyfile(NULL), VAULT_EINVAL);
  cr_assert_eq(vault_create_keyfile(""), VAULT_EINVAL);
  cr_assert_eq(vault_open_keyfile(NULL, &out, NULL), VAULT_EINVAL);
  cr_assert_null(out);
  cr_assert_eq(vault_open_keyfile(path_in_dir("master.key"), NULL, NULL), VAULT_EINVAL);
  cr_assert_eq(vault_make_check(NULL, buf), VAULT_EINVAL);
  cr_assert_eq(vault_make_check(v, NULL), VAULT_EINVAL);
  cr_assert_eq(vault_verify_check(NULL, buf), VAULT_EINVAL);
  cr_assert_eq(vault_verify_check(v, NULL), VAULT_EINVAL);

  vault_key *k = (vault_key *)1;
  uint8_t *w = (uint8_t *)1;
  size_t wlen = 1;
  cr_assert_eq(vault_new_data_key(NULL, 1, "s", &k, &w, &wlen), VAULT_EINVAL);
  cr_assert_null(k);
  cr_assert_null(w);
  cr_assert_eq(vault_new_data_key(v, 1, "s", NULL, &w, &wlen), VAULT_EINVAL);
  cr_assert_eq(vault_new_data_key(v, 1, "s", &k, NULL, &wlen), VAULT_EINVAL);
  cr_assert_eq(vault_new_data_key(v, 1, "s", &k, &w, NULL), VAULT_EINVAL);
  cr_assert_eq(vault_unwrap_data_key(NULL, 1, "s", buf, sizeof buf, &k), VAULT_EINVAL);
  cr_assert_eq(vault_unwrap_data_key(v, 1, NULL, buf, sizeof buf, &k), VAULT_EINVAL);
  cr_assert_eq(vault_unwrap_data_key(v, 1, "s", NULL, sizeof buf, &k), VAULT_EINVAL);
  cr_assert_eq(vault_unwrap_data_key(v, 1, "s", buf, sizeof buf, NULL), VAULT_EINVAL);

  vault_close(NULL);
  vault_key_free(NULL);
  vault_close(v);
}

Test(vault, strerror_names_every_code)
{
  const int codes[] = {VAULT_OK,     VAULT_EIO,    VAULT_EPERM,  VAULT_EINTEGRITY,
                       VAULT_ENOMEM, VAULT_EINVAL, VAULT_EEXIST, VAULT_EFORMAT};
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    cr_assert_not_null(vault_strerror(codes[i]));
    for (size_t j = 0; j < i; j++) cr_assert_str_neq(vault_strerror(codes[i]), vault_strerror(codes[j]));
  }
  cr_assert_not_null(vault_strerror(12345));
}

Test(vault, harden_process_disables_core_dumps)
{
  cr_assert_eq(vault_harden_process(), VAULT_OK);
  cr_assert_eq(vault_harden_process(), VAULT_OK, "idempotent");
  struct rlimit rl;
  cr_assert_eq(getrlimit(RLIMIT_CORE, &rl), 0);
  cr_assert_eq(rl.rlim_cur, 0);
  cr_assert_eq(rl.rlim_max, 0);
  cr_assert_eq(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
}

Test(vault, value_is_bound_to_its_context)
{
  struct fixture f = setup_key();
  vault_ad ad = AD;
  ad.context = "session=3;author=9";
  ad.context_len = strlen(ad.context);
  uint8_t *sealed;
  size_t len;
  cr_assert_eq(vault_seal_value(f.k, &ad, (const uint8_t *)"secret", 6, &sealed, &len), VAULT_OK);
  vault_ad moved = ad;
  moved.context = "session=4;author=9";
  expect_open_fails(f.k, &moved, sealed, len, "another session");
  expect_open_fails(f.k, &AD, sealed, len, "no context at all");
  uint8_t *plain;
  size_t plain_len;
  cr_assert_eq(vault_open_value(f.k, &ad, sealed, len, &plain, &plain_len), VAULT_OK);
  vault_free_plain(plain, plain_len);
  free(sealed);
  char big[VAULT_CONTEXT_MAX + 1];
  memset(big, 'x', sizeof big);
  ad.context = big;
  ad.context_len = sizeof big;
  cr_assert_eq(vault_seal_value(f.k, &ad, (const uint8_t *)"x", 1, &sealed, &len), VAULT_EINVAL);
  teardown_key(&f);
}

/* ---- rotation, backups, the audit chain ---- */

static vault *random_vault(void)
{
  vault *v = NULL;
  int locked = -1;
  cr_assert_eq(vault_create_random(&v, &locked), VAULT_OK);
  cr_assert_not_null(v);
  cr_assert(locked == 0 || locked == 1);
  return v;
}

static void blind(const vault *v, const char *what, uint8_t out[VAULT_INDEX_BYTES])
{
  cr_assert_eq(vault_blind_index(v, "case.reference", (const uint8_t *)what, strlen(what), out), VAULT_OK);
}

Test(vault, random_master_and_write_keyfile)
{
  vault *a = random_vault(), *b = random_vault(), *c = NULL;
  cr_assert_not(same_check(a, b), "two random master keys must differ");
  const char *p = path_in_dir("rotated.key");
  cr_assert_eq(vault_write_keyfile(a, p), VAULT_OK);
  struct stat st;
  cr_assert_eq(stat(p, &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0600);
  cr_assert_eq(st.st_size, VAULT_KEY_BYTES);
  cr_assert_eq(vault_open_keyfile(p, &c, NULL), VAULT_OK);
  cr_assert(same_check(a, c), "the written key file must hold the vault's master key");
  cr_assert_eq(vault_write_keyfile(b, p), VAULT_EEXIST, "an existing key file is never overwritten");
  vault_close(c);
  cr_assert_eq(vault_open_keyfile(p, &c, NULL), VAULT_OK);
  cr_assert(same_check(a, c), "a refused write leaves the old file alone");
  cr_assert_eq(vault_write_keyfile(NULL, path_in_dir("x.key")), VAULT_EINVAL);
  cr_assert_eq(vault_write_keyfile(a, ""), VAULT_EINVAL);
  cr_assert_eq(vault_write_keyfile(a, path_in_dir("no-such-dir/x.key")), VAULT_EIO);
  cr_assert_eq(vault_create_random(NULL, NULL), VAULT_EINVAL);
  vault_close(a);
  vault_close(b);
  vault_close(c);
}

Test(vault, rewrap_moves_a_data_key_to_the_new_master)
{
  vault *old = random_vault(), *fresh = random_vault();
  vault_key *k = NULL, *u = NULL;
  uint8_t *w = NULL, *w2 = NULL, *w3 = NULL;
  size_t wl = 0, wl2 = 0, wl3 = 0;
  cr_assert_eq(vault_new_data_key(old, 7, "case:7", &k, &w, &wl), VAULT_OK);
  cr_assert_eq(vault_rewrap_data_key(old, fresh, 7, "case:7", w, wl, &w2, &wl2), VAULT_OK);
  cr_assert_eq(wl2, wl);
  cr_assert_neq(memcmp(w, w2, wl), 0);
  /* The same data key, now under the new master only. */
  cr_assert_eq(vault_unwrap_data_key(fresh, 7, "case:7", w2, wl2, &u), VAULT_OK);
  cr_assert(same_key(k, u));
  vault_key_free(u);
  u = NULL;
  cr_assert_eq(vault_unwrap_data_key(old, 7, "case:7", w2, wl2, &u), VAULT_EINTEGRITY);
  cr_assert_eq(vault_unwrap_data_key(fresh, 7, "case:7", w, wl, &u), VAULT_EINTEGRITY);
  /* Still bound to its id and subject, and only the old master opens the original. */
  cr_assert_eq(vault_rewrap_data_key(old, fresh, 8, "case:7", w, wl, &w3, &wl3), VAULT_EINTEGRITY);
  cr_assert_null(w3);
  cr_assert_eq(vault_rewrap_data_key(old, fresh, 7, "case:8", w, wl, &w3, &wl3), VAULT_EINTEGRITY);
  cr_assert_eq(vault_rewrap_data_key(fresh, old, 7, "case:7", w, wl, &w3, &wl3), VAULT_EINTEGRITY);
  cr_assert_eq(vault_rewrap_data_key(old, fresh, 7, "case:7", w, wl - 1, &w3, &wl3), VAULT_EINTEGRITY);
  cr_assert_eq(vault_rewrap_data_key(old, NULL, 7, "case:7", w, wl, &w3, &wl3), VAULT_EINVAL);
  cr_assert_eq(vault_rewrap_data_key(old, fresh, 7, "", w, wl, &w3, &wl3), VAULT_EINVAL);
  /* A chain of rotations keeps the key. */
  vault *third = random_vault();
  cr_assert_eq(vault_rewrap_data_key(fresh, third, 7, "case:7", w2, wl2, &w3, &wl3), VAULT_OK);
  cr_assert_eq(vault_unwrap_data_key(third, 7, "case:7", w3, wl3, &u), VAULT_OK);
  cr_assert(same_key(u, k));
  vault_key_free(u);
  vault_key_free(k);
  free(w);
  free(w2);
  free(w3);
  vault_close(old);
  vault_close(fresh);
  vault_close(third);
}

Test(vault, index_key_survives_rotation)
{
  vault *old = random_vault(), *fresh = random_vault();
  uint8_t before[VAULT_INDEX_BYTES], after[VAULT_INDEX_BYTES], other[VAULT_INDEX_BYTES];
  blind(old, "REF-0042", before);
  blind(fresh, "REF-0042", other);
  cr_assert_neq(memcmp(before, other, sizeof before), 0, "each master derives its own index key");
  cr_assert_eq(vault_copy_index_key(fresh, old), VAULT_OK);
  blind(fresh, "REF-0042", after);
  cr_assert_eq(memcmp(before, after, sizeof before), 0, "the new vault must keep the old index key");

  /* Stored wrapped under the new master, adopted by the vault a restart opens. */
  uint8_t *w = NULL;
  size_t wl = 0;
  const char *p = path_in_dir("fresh.key");
  cr_assert_eq(vault_wrap_index_key(fresh, &w, &wl), VAULT_OK);
  cr_assert_eq(vault_write_keyfile(fresh, p), VAULT_OK);
  vault *reopened = NULL;
  cr_assert_eq(vault_open_keyfile(p, &reopened, NULL), VAULT_OK);
  blind(reopened, "REF-0042", other);
  cr_assert_neq(memcmp(before, other, sizeof before), 0);
  cr_assert_eq(vault_adopt_index_key(reopened, w, wl), VAULT_OK);
  blind(reopened, "REF-0042", other);
  cr_assert_eq(memcmp(before, other, sizeof before), 0);

  /* Only the master it was wrapped under opens it; nothing tampered does. */
  cr_assert_eq(vault_adopt_index_key(old, w, wl), VAULT_EINTEGRITY);
  blind(old, "REF-0042", other);
  cr_assert_eq(memcmp(before, other, sizeof before), 0, "a failed adopt leaves the index key alone");
  w[wl - 1] ^= 1;
  cr_assert_eq(vault_adopt_index_key(reopened, w, wl), VAULT_EINTEGRITY);
  w[wl - 1] ^= 1;
  cr_assert_eq(vault_adopt_index_key(reopened, w, wl - 1), VAULT_EINTEGRITY);
  cr_assert_eq(vault_adopt_index_key(reopened, NULL, wl), VAULT_EINVAL);
  cr_assert_eq(vault_copy_index_key(NULL, old), VAULT_EINVAL);
  uint8_t *w2 = NULL;
  size_t wl2 = 0;
  cr_assert_eq(vault_wrap_index_key(reopened, &w2, &wl2), VAULT_OK);
  cr_assert_eq(wl2, wl);
  cr_assert_neq(memcmp(w, w2, wl), 0, "a fresh nonce each time");
  free(w);
  free(w2);
  vault_close(old);
  vault_close(fresh);
  vault_close(reopened);
}

Test(vault, sealed_secret_round_trip_and_binding)
{
  vault *v = random_vault(), *other = random_vault();
  const char secret[] = "Z85-server-secret-key-0123456789abcdefgh";
  uint8_t *s = NULL, *p = NULL;
  size_t sl = 0, pl = 0;
  cr_assert_eq(vault_seal_secret(v, "backup.server_key", (const uint8_t *)secret, sizeof secret - 1, &s, &sl),
               VAULT_OK);
  cr_assert_eq(sl, sizeof secret - 1 + VAULT_VALUE_OVERHEAD);
  cr_assert_null(memmem(s, sl, "server-secret", 13), "the secret must not be readable in the blob");
  cr_assert_eq(vault_open_secret(v, "backup.server_key", s, sl, &p, &pl), VAULT_OK);
  cr_assert_eq(pl, sizeof secret - 1);
  cr_assert_str_eq((const char *)p, secret);
  vault_free_plain(p, pl);
  p = NULL;
  cr_assert_eq(vault_open_secret(v, "backup.other", s, sl, &p, &pl), VAULT_EINTEGRITY);
  cr_assert_eq(vault_open_secret(other, "backup.server_key", s, sl, &p, &pl), VAULT_EINTEGRITY);
  s[sl / 2] ^= 0x20;
  cr_assert_eq(vault_open_secret(v, "backup.server_key", s, sl, &p, &pl), VAULT_EINTEGRITY);
  cr_assert_null(p);
  cr_assert_eq(vault_open_secret(v, "backup.server_key", s, VAULT_VALUE_OVERHEAD - 1, &p, &pl), VAULT_EINTEGRITY);
  free(s);
  /* Empty secrets work; oversize and nameless ones are refused. */
  cr_assert_eq(vault_seal_secret(v, "x", NULL, 0, &s, &sl), VAULT_OK);
  cr_assert_eq(vault_open_secret(v, "x", s, sl, &p, &pl), VAULT_OK);
  cr_assert_eq(pl, 0);
  cr_assert_eq(p[0], '\0');
  vault_free_plain(p, pl);
  free(s);
  static uint8_t big[4097];
  cr_assert_eq(vault_seal_secret(v, "x", big, sizeof big, &s, &sl), VAULT_EINVAL);
  cr_assert_eq(vault_seal_secret(v, "", big, 1, &s, &sl), VAULT_EINVAL);
  cr_assert_null(s);
  vault_close(v);
  vault_close(other);
}

Test(vault, master_export_import_with_a_backup_passphrase, .timeout = 180)
{
  vault *v = random_vault(), *w = NULL;
  uint8_t *blob = NULL;
  size_t bl = 0;
  const char pass[] = "backup passphrase for the safe";
  cr_assert_eq(vault_export_master(v, pass, strlen(pass), &blob, &bl), VAULT_OK);
  cr_assert_eq(vault_import_master(blob, bl, pass, strlen(pass), &w, NULL), VAULT_OK);
  cr_assert(same_check(v, w), "the imported master key must be the exported one");
  vault_close(w);
  w = NULL;
  cr_assert_eq(vault_import_master(blob, bl, "wrong passphrase", 16, &w, NULL), VAULT_EINTEGRITY);
  cr_assert_null(w);
  cr_assert_eq(vault_import_master(blob, bl - 1, pass, strlen(pass), &w, NULL), VAULT_EINTEGRITY);
  cr_assert_eq(vault_import_master(blob, bl, pass, 0, &w, NULL), VAULT_EINVAL);
  cr_assert_eq(vault_export_master(v, "", 0, &blob, &bl), VAULT_EINVAL);
  free(blob);
  vault_close(v);
}

Test(vault, mac_is_keyed_and_deterministic)
{
  vault *v = random_vault();
  vault_key *k1 = NULL, *k2 = NULL;
  uint8_t *w = NULL;
  size_t wl = 0;
  cr_assert_eq(vault_new_data_key(v, 1, "audit", &k1, &w, &wl), VAULT_OK);
  free(w);
  cr_assert_eq(vault_new_data_key(v, 2, "audit2", &k2, &w, &wl), VAULT_OK);
  free(w);
  uint8_t a[VAULT_MAC_BYTES], b[VAULT_MAC_BYTES], c[VAULT_MAC_BYTES], e[VAULT_MAC_BYTES];
  cr_assert_eq(vault_mac(k1, (const uint8_t *)"row 1", 5, a), VAULT_OK);
  cr_assert_eq(vault_mac(k1, (const uint8_t *)"row 1", 5, b), VAULT_OK);
  cr_assert_eq(memcmp(a, b, sizeof a), 0);
  cr_assert_eq(vault_mac(k1, (const uint8_t *)"row 2", 5, b), VAULT_OK);
  cr_assert_neq(memcmp(a, b, sizeof a), 0);
  cr_assert_eq(vault_mac(k2, (const uint8_t *)"row 1", 5, c), VAULT_OK);
  cr_assert_neq(memcmp(a, c, sizeof a), 0, "another key gives another MAC");
  cr_assert_eq(vault_mac(k1, NULL, 0, e), VAULT_OK);
  cr_assert_eq(vault_mac(k1, NULL, 1, e), VAULT_EINVAL);
  cr_assert_eq(vault_mac(NULL, (const uint8_t *)"x", 1, e), VAULT_EINVAL);
  vault_key_free(k1);
  vault_key_free(k2);
  vault_close(v);
}
