/* Backups and their keys: a backup passphrase that restores alone, a
 * passphrase-sealed directory round-tripping, and scheduled backups that
 * keep exactly the newest N of their own files. */
#define _GNU_SOURCE /* memmem, in backup_util.h */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backup_util.h"
#include "harness.h"

#define BACKUP_PASS "a backup passphrase kept in the safe"

Test(backup, a_backup_passphrase_restores_alone, .timeout = 120)
{
  harness_server h;
  harness_init_only(&h);
  harness_run br;
  char bak[400], plain_bak[400], target[400], path[500], key[400];
  snprintf(bak, sizeof bak, "%s/p.bak", h.dir);
  snprintf(plain_bak, sizeof plain_bak, "%s/k.bak", h.dir);
  snprintf(target, sizeof target, "%s/target", h.dir);
  snprintf(key, sizeof key, "%s/master.key", h.data);
  reflectd(&h, &br, "short\n", "backup", "--data", h.data, "--to", bak, "--backup-passphrase-stdin",
           (const char *)NULL);
  cr_assert_eq(br.status, 2, "a short backup passphrase is refused: %s", br.err);
  reflectd(&h, &br, BACKUP_PASS "\n", "backup", "--data", h.data, "--to", bak, "--backup-passphrase-stdin",
           (const char *)NULL);
  cr_assert_eq(br.status, 0, "%s", br.err);
  cr_assert_not(file_has(bak, BACKUP_PASS, strlen(BACKUP_PASS)));
  reflectd(&h, &br, NULL, "backup", "--data", h.data, "--to", plain_bak, (const char *)NULL);
  cr_assert_eq(br.status, 0, "%s", br.err);

  reflectd(&h, &br, "not the passphrase at all\n", "restore", "--from", bak, "--data", target,
           "--backup-passphrase-stdin", (const char *)NULL);
  cr_assert(br.status == 1 && strstr(br.err, "wrong backup passphrase"), "%d %s", br.status, br.err);
  reflectd(&h, &br, BACKUP_PASS "\n", "restore", "--from", plain_bak, "--data", target, "--backup-passphrase-stdin",
           (const char *)NULL);
  cr_assert(br.status == 1 && strstr(br.err, "carries no key under a backup passphrase"), "%d %s", br.status, br.err);

  reflectd(&h, &br, BACKUP_PASS "\n", "restore", "--from", bak, "--data", target, "--backup-passphrase-stdin",
           (const char *)NULL);
  cr_assert_eq(br.status, 0, "%s", br.err);
  /* The same master key comes back as a private key file, with the key pair. */
  uint8_t a[64], b[64];
  snprintf(path, sizeof path, "%s/master.key", target);
  cr_assert_eq(read_bytes(key, a, sizeof a), 32);
  cr_assert_eq(read_bytes(path, b, sizeof b), 32);
  cr_assert_eq(memcmp(a, b, 32), 0);
  struct stat sb;
  cr_assert_eq(stat(path, &sb), 0);
  cr_assert_eq(sb.st_mode & 0777, 0600);
  snprintf(path, sizeof path, "%s/server.key", target);
  cr_assert_eq(stat(path, &sb), 0);
  cr_assert_eq(sb.st_mode & 0777, 0600);
  char pub_a[64] = "", pub_b[64] = "";
  snprintf(path, sizeof path, "%s/server.pub", h.data);
  read_bytes(path, pub_a, 63);
  snprintf(path, sizeof path, "%s/server.pub", target);
  read_bytes(path, pub_b, 63);
  cr_assert_str_eq(pub_a, pub_b);
  reflectd(&h, &br, NULL, "verify", "--data", target, (const char *)NULL);
  cr_assert_eq(br.status, 0, "%s %s", br.out, br.err);
  harness_cleanup(&h);
}

/* Reads the config reflectd init wrote and turns scheduled backups on. */
static void schedule_backups(harness_server *h, const char *dir, int keep)
{
  char path[400], text[16384], line[600];
  snprintf(path, sizeof path, "%s/reflectd.conf", h->data);
  size_t n = read_bytes(path, text, sizeof text - 1);
  text[n] = '\0';
  char *at = strstr(text, "\ndir = \n");
  cr_assert_not_null(at, "the default config has an empty [backup] dir: %s", text);
  char *rest = strstr(at + 1, "\n");
  snprintf(line, sizeof line, "\ndir = %s\nkeep = %d", dir, keep);
  char out[17000];
  snprintf(out, sizeof out, "%.*s%s%s", (int)(at - text), text, line, rest);
  /* Drop the default keep line that follows. */
  char *dup = strstr(out, "\nkeep = 7\n");
  cr_assert_not_null(dup);
  memmove(dup, dup + strlen("\nkeep = 7"), strlen(dup + strlen("\nkeep = 7")) + 1);
  harness_write_file(path, out);
}

Test(backup, scheduled_backups_keep_the_newest_n, .timeout = 120)
{
  harness_server h;
  harness_init_only(&h);
  char dir[400], keep_me[500];
  snprintf(dir, sizeof dir, "%s/backups", h.dir);
  cr_assert_eq(mkdir(dir, 0700), 0);
  /* Something of the administrator's own in the same directory. */
  snprintf(keep_me, sizeof keep_me, "%s/reflect-notes.bak", dir);
  harness_write_file(keep_me, "mine\n");
  schedule_backups(&h, dir, 2);
  cr_assert_eq(setenv("REFLECT_BACKUP_EVERY_SECONDS", "1", 1), 0);
  harness_serve(&h);
  char db[400];
  snprintf(db, sizeof db, "%s/reflect.db", h.data);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    if (query_int(db, "SELECT count(*) FROM backups WHERE scheduled = 1 AND ok = 1") >= 5) break;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cr_assert_lt(t1.tv_sec - t0.tv_sec, 30, "five scheduled backups within 30 s");
    usleep(200000);
  }
  cr_assert_eq(harness_stop(&h), 0, "stops promptly and cleanly");
  unsetenv("REFLECT_BACKUP_EVERY_SECONDS");
  cr_assert_eq(query_int(db, "SELECT count(*) FROM backups WHERE scheduled = 1 AND ok = 0"), 0);
  long long made = query_int(db, "SELECT count(*) FROM backups WHERE scheduled = 1");
  cr_assert_eq(query_int(db, "SELECT count(*) FROM backups WHERE scheduled = 1 AND removed_at IS NULL"), 2);
  cr_assert_eq(query_int(db, "SELECT count(*) FROM backups WHERE scheduled = 1 AND removed_at IS NOT NULL"), made - 2);
  /* The two the table keeps are the two newest, and the only ones on disk. */
  cr_assert_eq(dir_entries(dir), 3, "two backups and the administrator's file");
  cr_assert_eq(access(keep_me, F_OK), 0);
  sqlite3 *d;
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  cr_assert_eq(sqlite3_prepare_v2(d, "SELECT path, removed_at IS NULL FROM backups WHERE scheduled = 1 ORDER BY id", -1,
                                  &st, NULL),
               SQLITE_OK);
  int row = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *p = (const char *)sqlite3_column_text(st, 0);
    int kept = sqlite3_column_int(st, 1);
    cr_assert_eq(kept, row >= made - 2, "row %d (%s) kept=%d", row, p, kept);
    cr_assert_eq(access(p, F_OK) == 0, kept, "%s on disk iff kept", p);
    row++;
  }
  sqlite3_finalize(st);
  /* A copy restored from the newest must never prune the original's files. */
  cr_assert_eq(sqlite3_prepare_v2(d, "SELECT path FROM backups WHERE scheduled = 1 ORDER BY id DESC LIMIT 1", -1, &st,
                                  NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  char newest[600], target[400], key[400], restored_db[500];
  snprintf(newest, sizeof newest, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(d);
  snprintf(target, sizeof target, "%s/restored", h.dir);
  snprintf(key, sizeof key, "%s/master.key", h.data);
  harness_run br;
  reflectd(&h, &br, NULL, "restore", "--from", newest, "--data", target, "--key", key, (const char *)NULL);
  cr_assert_eq(br.status, 0, "%s", br.err);
  snprintf(restored_db, sizeof restored_db, "%s/reflect.db", target);
  cr_assert_gt(query_int(restored_db, "SELECT count(*) FROM backups"), 0, "the history is kept");
  cr_assert_eq(query_int(restored_db, "SELECT count(*) FROM backups WHERE scheduled = 1"), 0);
  cr_log_info("scheduled: %lld made, 2 kept", made);
  harness_cleanup(&h);
}

#define DATA_PASS "the data directory's own long passphrase"

Test(backup, a_passphrase_sealed_directory_round_trips, .timeout = 120)
{
  harness_server h;
  memset(&h, 0, sizeof h);
  snprintf(h.dir, sizeof h.dir, "/tmp/reflect-test-XXXXXX");
  cr_assert_not_null(mkdtemp(h.dir));
  snprintf(h.data, sizeof h.data, "%s/data", h.dir);
  harness_run br;
  reflectd(&h, &br, DATA_PASS "\n" HARNESS_ADMIN_PASSWORD "\n", "init", "--data", h.data, "--passphrase-stdin",
           "--admin-password-stdin", (const char *)NULL);
  cr_assert_eq(br.status, 0, "%s", br.err);
  char bak[400], target[400], path[500];
  snprintf(bak, sizeof bak, "%s/s.bak", h.dir);
  snprintf(target, sizeof target, "%s/target", h.dir);
  reflectd(&h, &br, NULL, "backup", "--data", h.data, "--to", bak, (const char *)NULL);
  cr_assert(br.status == 1 && strstr(br.err, "--passphrase-stdin"), "a sealed directory needs its passphrase: %s",
            br.err);
  reflectd(&h, &br, DATA_PASS "\n", "backup", "--data", h.data, "--to", bak, "--passphrase-stdin", (const char *)NULL);
  cr_assert_eq(br.status, 0, "%s", br.err);
  cr_assert_not(file_has(bak, DATA_PASS, strlen(DATA_PASS)));

  reflectd(&h, &br, "a wrong passphrase of some length\n", "restore", "--from", bak, "--data", target,
           "--passphrase-stdin", (const char *)NULL);
  cr_assert(br.status == 1 && strstr(br.err, "wrong passphrase"), "%d %s", br.status, br.err);
  reflectd(&h, &br, DATA_PASS "\n", "restore", "--from", bak, "--data", target, "--passphrase-stdin",
           (const char *)NULL);
  cr_assert_eq(br.status, 0, "%s", br.err);
  /* Still sealed by the passphrase: no key file appears. */
  snprintf(path, sizeof path, "%s/master.key", target);
  cr_assert_neq(access(path, F_OK), 0);
  reflectd(&h, &br, DATA_PASS "\n", "verify", "--data", target, "--passphrase-stdin", (const char *)NULL);
  cr_assert_eq(br.status, 0, "%s %s", br.out, br.err);
  harness_cleanup(&h);
}

/* A copy of a genuine backup, edited with plain SQLite as anyone holding
 * the file could. */
static void tampered_copy(const char *from, const char *to, const char *sql)
{
  struct stat sb;
  cr_assert_eq(stat(from, &sb), 0);
  copy_prefix(from, to, (size_t)sb.st_size);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(to, &db), SQLITE_OK);
  char *msg = NULL;
  cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s", sql, msg ? msg : "");
  sqlite3_close(db);
}

/* Restore of `from` must fail naming needle, leaving no target behind. */
static void refused(harness_server *h, const char *from, const char *target, const char *key, const char *needle)
{
  harness_run br;
  reflectd(h, &br, NULL, "restore", "--from", from, "--data", target, "--key", key, (const char *)NULL);
  cr_assert_eq(br.status, 1, "restore of %s must fail: %s %s", from, br.out, br.err);
  cr_assert(strstr(br.err, needle), "expected '%s' in: %s", needle, br.err);
  cr_assert_eq(dir_entries(target), -1, "nothing is left at %s", target);
}

Test(backup, restore_refuses_an_edited_backup, .timeout = 120)
{
  harness_server h;
  harness_init_only(&h);
  harness_run br;
  char bak[400], key[400], target[400], edited[400];
  snprintf(bak, sizeof bak, "%s/b.bak", h.dir);
  snprintf(key, sizeof key, "%s/master.key", h.data);
  snprintf(target, sizeof target, "%s/target", h.dir);
  snprintf(edited, sizeof edited, "%s/edited.bak", h.dir);
  reflectd(&h, &br, NULL, "backup", "--data", h.data, "--to", bak, (const char *)NULL);
  cr_assert_eq(br.status, 0, "%s", br.err);

  /* A role changed: everything else, key check included, is genuine. */
  tampered_copy(bak, edited, "UPDATE users SET role = CASE role WHEN 1 THEN 2 ELSE 1 END");
  refused(&h, edited, target, key, "this backup has been altered since it was made");
  unlink(edited);
  /* A WITHOUT ROWID table's rows (a manager slipped into a team) and the
   * id sequence are sealed too. */
  tampered_copy(bak, edited, "INSERT INTO team_members VALUES (7, 1, 1, 0, 1)");
  refused(&h, edited, target, key, "this backup has been altered since it was made");
  unlink(edited);
  tampered_copy(bak, edited, "INSERT INTO sqlite_sequence VALUES ('events', 1000)");
  refused(&h, edited, target, key, "this backup has been altered since it was made");
  unlink(edited);
  /* An extra trigger, on a table of ours or on backup_meta, is refused
   * before any connection could run it. */
  tampered_copy(bak, edited, "CREATE TRIGGER evil AFTER UPDATE ON meta BEGIN UPDATE users SET role = 5; END");
  refused(&h, edited, target, key, "altered");
  unlink(edited);
  tampered_copy(bak, edited, "CREATE TRIGGER evil BEFORE DELETE ON backup_meta BEGIN SELECT 1; END");
  refused(&h, edited, target, key, "altered");
  unlink(edited);
  tampered_copy(bak, edited, "CREATE VIEW peek AS SELECT * FROM users");
  refused(&h, edited, target, key, "altered");
  unlink(edited);
  /* A seal cannot simply be dropped. */
  tampered_copy(bak, edited, "DELETE FROM backup_meta WHERE key = 'content_mac'");
  refused(&h, edited, target, key, "made by an older version of reflectd, or altered");
  unlink(edited);
  /* Nor moved: a seal of another genuine backup does not fit this one. */
  char other[400];
  snprintf(other, sizeof other, "%s/other.bak", h.dir);
  sleep(1); /* a different made_at */
  reflectd(&h, &br, NULL, "backup", "--data", h.data, "--to", other, (const char *)NULL);
  cr_assert_eq(br.status, 0, "%s", br.err);
  char sql[900];
  snprintf(sql, sizeof sql,
           "ATTACH '%s' AS o; UPDATE backup_meta SET value = (SELECT value FROM o.backup_meta WHERE key = "
           "'content_mac') WHERE key = 'content_mac'; DETACH o;",
           other);
  tampered_copy(bak, edited, sql);
  refused(&h, edited, target, key, "this backup has been altered since it was made");

  /* The untouched backup still restores and verifies. */
  reflectd(&h, &br, NULL, "restore", "--from", bak, "--data", target, "--key", key, (const char *)NULL);
  cr_assert_eq(br.status, 0, "%s", br.err);
  reflectd(&h, &br, NULL, "verify", "--data", target, (const char *)NULL);
  cr_assert_eq(br.status, 0, "%s %s", br.out, br.err);
  harness_cleanup(&h);
}
