/* Retention and crypto-shredding against a real server whose scheduler
 * ticks every second and which keeps a closed case for 0 years. Pat holds
 * three cases: A (closed, so shredded at the next tick), B (open) and C (a
 * looked-after child, closed, kept until the end of the year she turns 75).
 * A and B are discussed in the same record; A has a named third party.
 * After the tick: A reads as destroyed everywhere, cannot be found by its
 * reference, read, exported or reopened; B, C and the record read as
 * before; the audit says who shredded what; and on disk A's sealed values
 * open under no key that is left, while B's still open the same way. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "vault.h"

static harness_server h;
static harness_run r;

#define A_NAME "Zebedee Quillfeather"
#define A_REF "RT-ALPHA-4417"
#define A_PARTY "Hermione Vantablack"
#define B_NAME "Ottoline Marchbanks"
#define B_REF "RT-BRAVO-9021"
#define B_DECISION "Ottoline stays with her grandmother"
#define C_NAME "Peregrine Thistlewood"
#define C_REF "RT-CARE-3303"

static void serve_short_retention(void)
{
  harness_init_only(&h);
  char path[512];
  snprintf(path, sizeof path, "%s/reflectd.conf", h.data);
  FILE *f = fopen(path, "a");
  cr_assert_not_null(f);
  cr_assert(fputs("\n[events]\nscheduler_seconds = 1\n[retention]\ncase_years = 0\n", f) >= 0);
  fclose(f);
  harness_serve(&h);
}

static const char *file_with(const char *name, const char *text)
{
  static char path[512];
  snprintf(path, sizeof path, "%s/%s", h.dir, name);
  harness_write_file(path, text);
  return path;
}

static void set_up(void)
{
  const char *devs[] = {"admin", "mona", "sam", "pat"};
  const char *roles[] = {NULL, "manager", "supervisor", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 4);
  CLI_OK("admin", NULL, "team", "add", "North");
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  CLI_OK("admin", NULL, "team", "member", "North", "sam");
  CLI_OK("admin", NULL, "team", "member", "North", "pat");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "case", "add", "--ref", A_REF, "--name", A_NAME, "--dob", "2012-03-04", "--risk", "high",
         "--worker", "pat");
  CLI_OK("sam", NULL, "case", "add", "--ref", B_REF, "--name", B_NAME, "--risk", "medium", "--worker", "pat");
  CLI_OK("sam", NULL, "case", "add", "--ref", C_REF, "--name", C_NAME, "--dob", "2010-05-01", "--risk", "low",
         "--worker", "pat", "--looked-after");
  CLI_OK("sam", NULL, "case", "person", "add", A_REF, "--name", A_PARTY, "--relationship", "aunt");
  char when[HARNESS_DAY_AT_SIZE], id[24];
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -3, 10), "--minutes", "90");
  snprintf(id, sizeof id, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "held", id);
  CLI_OK("sam", NULL, "record", "write", id, "--file",
         file_with("r1.txt", "[case " A_REF "]\nrisk: Zebedee's aunt is unwell\ndecision: Zebedee moves to " A_PARTY
                             "\nrationale: she asked\n\n[case " B_REF "]\nrisk: none new\ndecision: " B_DECISION
                             "\nrationale: it works\n"));
}

/* Polls `case show` until the scheduler has shredded the case (bounded). */
static void wait_shredded(const char *id)
{
  for (int i = 0; i < 150; i++) {
    CLI_OK("sam", NULL, "case", "show", id);
    if (strstr(r.out, "destroyed under retention on")) return;
    usleep(100 * 1000);
  }
  cr_assert_fail("case %s was not shredded within 15 s: %s", id, r.out);
}

static void check_through_the_cli(void)
{
  CLI_OK("sam", NULL, "case", "show", "1");
  cr_assert(strstr(r.out, "reference:   [destroyed under retention]"), "%s", r.out);
  cr_assert(strstr(r.out, "name:        [destroyed under retention]"), "%s", r.out);
  cr_assert(strstr(r.out, "risk:        high") && strstr(r.out, "closed:"), "%s", r.out);
  cr_assert_not(strstr(r.out, "Zebedee") || strstr(r.out, "keep until"), "%s", r.out);
  /* The reference answers exactly as one that never existed. */
  CLI_REFUSED("sam", "PERMISSION_DENIED", "case", "show", "--ref", "RT-NEVER-0000");
  char never[sizeof r.err];
  memcpy(never, r.err, sizeof never);
  CLI_REFUSED("sam", "PERMISSION_DENIED", "case", "show", "--ref", A_REF);
  cr_assert_str_eq(r.err, never);
  CLI_REFUSED("sam", "this case's record was destroyed under retention on", "case", "decisions", "1");
  cr_assert(strstr(r.err, "FAILED_PRECONDITION"), "%s", r.err);
  CLI_REFUSED("sam", "destroyed under retention", "case", "people", "1");
  CLI_REFUSED("sam", "destroyed under retention", "case", "person", "add", "1", "--name", "X Y", "--relationship",
              "uncle");
  CLI_REFUSED("mona", "destroyed under retention", "export", "case", "1");
  CLI_REFUSED("sam", "destroyed under retention", "case", "update", "1", "--reopen");
  /* The rest reads as before: B, its decisions and extract, the record, lists. */
  CLI_OK("sam", NULL, "case", "show", "2");
  cr_assert(strstr(r.out, B_NAME) && strstr(r.out, B_REF), "%s", r.out);
  CLI_OK("sam", NULL, "case", "decisions", B_REF);
  cr_assert(strstr(r.out, B_DECISION), "%s", r.out);
  CLI_OK("mona", NULL, "export", "case", B_REF);
  cr_assert(strstr(r.out, B_DECISION), "%s", r.out);
  CLI_OK("sam", NULL, "record", "show", "1");
  cr_assert(strstr(r.out, B_DECISION), "%s", r.out);
  CLI_OK("sam", NULL, "case", "list", "--all");
  cr_assert(strstr(r.out, "[destroyed under retention]") && strstr(r.out, B_NAME) && strstr(r.out, C_NAME), "%s",
            r.out);
  cr_assert_not(strstr(r.out, A_NAME), "%s", r.out);
  CLI_OK("mona", NULL, "case", "list", "--all", "--json");
  cr_assert(strstr(r.out, "\"shredded_at\"") && strstr(r.out, "\"looked_after\":true"), "%s", r.out);
  /* C is a looked-after child born 2010-05-01: kept until the end of 2085. */
  CLI_OK("sam", NULL, "case", "show", "3");
  cr_assert(strstr(r.out, "looked after: yes") && strstr(r.out, "keep until:  2085-12-31"), "%s", r.out);
  cr_assert(strstr(r.out, C_NAME) && !strstr(r.out, "destroyed under retention"), "%s", r.out);
  CLI_OK("sam", NULL, "case", "update", "3", "--reopen");
  CLI_OK("sam", NULL, "case", "show", "3", "--json");
  cr_assert(strstr(r.out, "\"retain_until\":\"\"") && strstr(r.out, "\"open\":true"), "%s", r.out);
  /* Marking it not looked after and closing it gives 0 years: shredded too. */
  CLI_OK("sam", NULL, "case", "update", "3", "--not-looked-after", "--close");
  wait_shredded("3");
  /* A new case may take the freed reference: nothing of the old one is left to clash. */
  CLI_OK("sam", NULL, "case", "add", "--ref", A_REF, "--name", "Someone New", "--risk", "low", "--worker", "pat");
}

static int64_t one_int(sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* Tries to open cases.name of case `id` (sealed under former key `key_id`)
 * with every data key still wrapped in the database. Returns how many
 * opened it. */
static int keys_that_open(sqlite3 *db, const vault *v, int64_t id, int64_t key_id, char *plain, size_t size)
{
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db, "SELECT name FROM cases WHERE id = ?1", -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_int64(st, 1, id);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  size_t blob_len = (size_t)sqlite3_column_bytes(st, 0);
  uint8_t *blob = malloc(blob_len);
  memcpy(blob, sqlite3_column_blob(st, 0), blob_len);
  sqlite3_finalize(st);
  cr_assert_eq(sqlite3_prepare_v2(db, "SELECT id, subject, wrapped FROM data_keys WHERE wrapped IS NOT NULL", -1, &st,
                                  NULL),
               SQLITE_OK);
  int opened = 0, tried = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    vault_key *k;
    cr_assert_eq(vault_unwrap_data_key(v, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
                                       sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2), &k),
                 VAULT_OK);
    tried++;
    /* As it was sealed, and as if it had been sealed under this key. */
    int64_t ids[2] = {key_id, sqlite3_column_int64(st, 0)};
    for (int j = 0; j < (ids[0] == ids[1] ? 1 : 2); j++) {
      vault_ad ad = {"cases", id, "name", ids[j], 0, NULL, 0};
      uint8_t *out;
      size_t out_len;
      if (vault_open_value(k, &ad, blob, blob_len, &out, &out_len) == VAULT_OK) {
        snprintf(plain, size, "%.*s", (int)out_len, (const char *)out);
        vault_free_plain(out, out_len);
        opened++;
      }
    }
    vault_key_free(k);
  }
  sqlite3_finalize(st);
  free(blob);
  cr_assert_gt(tried, 5, "too few keys to make the point (%d)", tried);
  return opened;
}

static void check_on_disk(void)
{
  char path[512];
  static const char *const files[] = {"reflect.db", "reflect.db-wal"};
  static const char *const gone[] = {A_NAME, A_REF, A_PARTY, "Zebedee", "Quillfeather", "Vantablack"};
  for (size_t i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/%s", h.data, files[i]);
    for (size_t j = 0; j < sizeof gone / sizeof gone[0]; j++)
      cr_assert_not(harness_file_contains(path, gone[j]), "'%s' is in %s", gone[j], files[i]);
  }
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  cr_assert_eq(one_int(db, "SELECT count(*) FROM audit WHERE action = 'case.shred' AND object = 'case:1'"
                           " AND user_id IS NULL AND detail LIKE 'retained until ____-__-__'"),
               1);
  cr_assert_eq(one_int(db, "SELECT count(*) FROM cases WHERE shredded_at IS NOT NULL"), 2);
  int64_t a_key = one_int(db, "SELECT key_id FROM cases WHERE id = 1");
  int64_t b_key = one_int(db, "SELECT key_id FROM cases WHERE id = 2");
  char q[160];
  snprintf(q, sizeof q, "SELECT wrapped IS NULL AND destroyed_at IS NOT NULL FROM data_keys WHERE id = %lld",
           (long long)a_key);
  cr_assert_eq(one_int(db, q), 1);
  /* Third parties and decisions were under the same key: nothing else holds it. */
  snprintf(q, sizeof q, "SELECT count(*) FROM case_people WHERE case_id = 1 AND key_id != %lld", (long long)a_key);
  cr_assert_eq(one_int(db, q), 0);

  vault *v;
  int locked;
  snprintf(path, sizeof path, "%s/master.key", h.data);
  cr_assert_eq(vault_open_keyfile(path, &v, &locked), VAULT_OK);
  char plain[256] = "";
  cr_assert_eq(keys_that_open(db, v, 2, b_key, plain, sizeof plain), 1, "the method must open B");
  cr_assert_str_eq(plain, B_NAME);
  plain[0] = '\0';
  cr_assert_eq(keys_that_open(db, v, 1, a_key, plain, sizeof plain), 0, "A's name opened: %s", plain);
  /* Nor can its old reference be confirmed through the blind index. */
  uint8_t idx[VAULT_INDEX_BYTES];
  cr_assert_eq(vault_blind_index(v, "case.reference", (const uint8_t *)A_REF, strlen(A_REF), idx), VAULT_OK);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM cases WHERE id IN (1, 3) AND reference_index = ?1", -1, &st,
                                  NULL),
               SQLITE_OK);
  sqlite3_bind_blob(st, 1, idx, sizeof idx, SQLITE_STATIC);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(st, 0), 0);
  sqlite3_finalize(st);
  vault_close(v);
  sqlite3_close(db);
}

/* `reflectd verify` (H3): the rest still verifies, the shredded values are
 * counted as such. */
static void check_verify(void)
{
  char cmd[1024], out[8192] = "";
  snprintf(cmd, sizeof cmd, "'%s' verify --data '%s' 2>&1", REFLECTD_PATH, h.data);
  FILE *p = popen(cmd, "r");
  cr_assert_not_null(p);
  size_t n = fread(out, 1, sizeof out - 1, p);
  out[n] = '\0';
  int status = pclose(p);
  cr_assert_eq(status, 0, "reflectd verify failed: %s", out);
  const char *s = strstr(out, "values: ");
  long long opened = 0, shredded = 0;
  cr_assert(s && sscanf(s, "values: %lld opened, %lld shredded", &opened, &shredded) == 2, "%s", out);
  /* Case 1 and 3: reference, name, date of birth; A's third party; A's decision. */
  cr_assert(shredded >= 8 && opened > 0, "verify did not count the shredded values: %s", out);
  cr_log_info("reflectd verify: %s", out);
}

/* One log line per shredded case; the retention transaction never failed. */
static void check_log(void)
{
  char path[512];
  snprintf(path, sizeof path, "%s/reflectd.log", h.dir);
  cr_assert(harness_file_contains(path, "event=case_shredded case=1 "), "no log line for case 1");
  cr_assert(harness_file_contains(path, "event=case_shredded case=3 "), "no log line for case 3");
  cr_assert_not(harness_file_contains(path, "event=retention_failed"));
  cr_assert_not(harness_file_contains(path, "event=scheduler_failed"));
}

Test(retention, a_closed_case_is_shredded_and_the_rest_still_reads, .timeout = 120)
{
  serve_short_retention();
  set_up();
  CLI_OK("sam", NULL, "case", "update", "1", "--close");
  CLI_OK("sam", NULL, "case", "update", "3", "--close");
  wait_shredded("1");
  check_through_the_cli();
  cr_assert_eq(harness_stop(&h), 0);
  check_on_disk();
  check_verify();
  check_log();
  harness_cleanup(&h);
}
