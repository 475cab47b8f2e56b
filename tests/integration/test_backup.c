/* Backups and restore: `reflectd backup` against a server taking writes,
 * restore to new directories that verify and serve the same content,
 * nothing readable in any of the files, and refusals of anything that is
 * not a backup of ours or comes with the wrong key. (Passphrases and the
 * scheduled backups: test_backup_keys.c.) */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup_util.h"
#include "harness.h"
#include "wire.h"

static harness_run r;

#define CHILD "Wilhelmina Okafor-Lindqvist"
#define REF "CH-BK-4471"
#define RECORD "Marker-Record-Bittern: the placement is holding but contact visits unsettle her"

/* Real content: a child's case, a held session with a written record. */
static void populate(harness_server *hp, char *cid, char *sid, char *case_json, char *record_json)
{
  harness_server h = *hp;
  const char *devs[] = {"admin", "sam", "pat"};
  const char *roles[] = {NULL, "supervisor", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 3);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "case", "add", "--ref", REF, "--name", CHILD, "--dob", "2014-03-09", "--risk", "high", "--worker",
         "pat");
  snprintf(cid, 24, "%ld", harness_id(&r));
  char when[HARNESS_DAY_AT_SIZE];
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -3, 10), "--minutes", "60");
  snprintf(sid, 24, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "held", sid);
  CLI_OK("sam", "[notes]\n" RECORD "\n", "record", "write", sid);
  CLI_OK("sam", NULL, "case", "show", cid, "--json");
  cr_assert(strstr(r.out, CHILD), "%s", r.out);
  cr_assert_lt(strlen(r.out), 8192);
  memcpy(case_json, r.out, strlen(r.out) + 1);
  CLI_OK("pat", NULL, "record", "show", sid, "--json");
  cr_assert(strstr(r.out, "Marker-Record-Bittern"), "%s", r.out);
  cr_assert_lt(strlen(r.out), 8192);
  memcpy(record_json, r.out, strlen(r.out) + 1);
}

/* The write load: cases added as fast as the server takes them. */
typedef struct {
  client *c;
  volatile int stop;
  pthread_mutex_t mu;
  int64_t acked[4096];
  int n_acked, failed;
} load;

static void *load_main(void *arg)
{
  load *l = arg;
  for (int i = 0; !l->stop && i < 4096; i++) {
    char ref[32], name[48];
    snprintf(ref, sizeof ref, "LOAD-%d", i);
    snprintf(name, sizeof name, "Load child %d", i);
    Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
    Reflect__V1__CaseAddRequest add = REFLECT__V1__CASE_ADD_REQUEST__INIT;
    add.reference = ref;
    add.name = name;
    add.risk = REFLECT__V1__RISK_LEVEL__RISK_LOW;
    add.allocated = "pat";
    req.op_case = REFLECT__V1__REQUEST__OP_CASE_ADD;
    req.case_add = &add;
    Reflect__V1__Reply *rep = NULL;
    int ok = client_call(l->c, &req, &rep) == CLIENT_OK && rep->status->code == REFLECT__V1__CODE__OK &&
             rep->result_case == REFLECT__V1__REPLY__RESULT_CASE_ADD;
    pthread_mutex_lock(&l->mu);
    if (ok) l->acked[l->n_acked++] = (int64_t)rep->case_add->id;
    else l->failed++;
    pthread_mutex_unlock(&l->mu);
    if (rep) wire_free_reply(rep);
  }
  return NULL;
}

static int acked_now(load *l)
{
  pthread_mutex_lock(&l->mu);
  int n = l->n_acked;
  pthread_mutex_unlock(&l->mu);
  return n;
}

#define N_BACKUPS 3

Test(backup, online_backups_restore_to_the_same_content, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  char cid[24], sid[24], case_json[8192], record_json[8192];
  populate(&h, cid, sid, case_json, record_json);

  load l = {.c = harness_user(&h, "sam")};
  pthread_mutex_init(&l.mu, NULL);
  pthread_t t;
  cr_assert_eq(pthread_create(&t, NULL, load_main, &l), 0);
  while (acked_now(&l) < 5) usleep(10000);

  char bak[N_BACKUPS][400], out[N_BACKUPS][400];
  int before[N_BACKUPS];
  harness_run br;
  for (int i = 0; i < N_BACKUPS; i++) {
    snprintf(bak[i], sizeof bak[i], "%s/b%d.bak", h.dir, i);
    before[i] = acked_now(&l);
    reflectd(&h, &br, NULL, "backup", "--data", h.data, "--to", bak[i], (const char *)NULL);
    cr_assert_eq(br.status, 0, "backup %d: %s", i, br.err);
    cr_assert(strstr(br.out, bak[i]) && strstr(br.out, " bytes ") && strstr(br.out, " ms"), "%s", br.out);
    cr_log_info("backup %d during the load: %s", i, br.out);
    usleep(150000);
  }
  int during = acked_now(&l) - before[0];
  l.stop = 1;
  pthread_join(t, NULL);
  client_close(l.c);
  cr_assert_gt(during, 0, "writes were acknowledged while the backups ran");
  cr_assert_eq(l.failed, 0, "no write failed during the backups");
  cr_log_info("load: %d cases acknowledged, %d while the backups ran", l.n_acked, during);
  reflectd(&h, &br, NULL, "backup", "--data", h.data, "--to", bak[0], (const char *)NULL);
  cr_assert(br.status == 1 && strstr(br.err, "already exists"), "never overwrites: %d %s", br.status, br.err);

  /* Each restores into a new directory that verifies and holds every write
   * acknowledged before its backup began. */
  char key[400], master[64];
  snprintf(key, sizeof key, "%s/master.key", h.data);
  cr_assert_eq(read_bytes(key, master, sizeof master), 32);
  for (int i = 0; i < N_BACKUPS; i++) {
    snprintf(out[i], sizeof out[i], "%s/restored%d", h.dir, i);
    reflectd(&h, &br, NULL, "restore", "--from", bak[i], "--data", out[i], "--key", key, (const char *)NULL);
    cr_assert_eq(br.status, 0, "restore %d: %s", i, br.err);
    cr_assert(strstr(br.out, "integrity=ok"), "%s", br.out);
    cr_log_info("restore %d: %s", i, br.out);
    reflectd(&h, &br, NULL, "verify", "--data", out[i], (const char *)NULL);
    cr_assert_eq(br.status, 0, "verify %d: %s %s", i, br.out, br.err);
    char db[500], q[200];
    snprintf(db, sizeof db, "%s/reflect.db", out[i]);
    for (int j = 0; j < before[i]; j++) {
      snprintf(q, sizeof q, "SELECT count(*) FROM cases WHERE id = %lld", (long long)l.acked[j]);
      cr_assert_eq(query_int(db, q), 1, "restore %d lacks case %lld acknowledged before it", i, (long long)l.acked[j]);
    }
    cr_assert_eq(query_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'backup_meta'"), 0);
  }
  cr_assert_eq(harness_stop(&h), 0);
  /* The running server made them (it holds the keys), over its control socket. */
  char log_path[400];
  snprintf(log_path, sizeof log_path, "%s/reflectd.log", h.dir);
  cr_assert(harness_file_contains(log_path, "event=control_command command=backup ok=1"));

  /* Nothing readable in any backup or restored file; not the keys either. */
  char server_secret[64] = "", path[1300];
  snprintf(path, sizeof path, "%s/server.key", h.data);
  read_bytes(path, server_secret, 40);
  const char *plain[] = {CHILD,
                         "Okafor-Lindqvist",
                         REF,
                         "Marker-Record-Bittern",
                         "contact visits unsettle",
                         "Load child 1",
                         HARNESS_PASSWORD,
                         HARNESS_ADMIN_PASSWORD,
                         server_secret};
  for (int i = 0; i < N_BACKUPS; i++) {
    const char *files[] = {bak[i], "reflect.db", "reflect.db-wal"};
    for (int f = 0; f < 3; f++) {
      if (f) snprintf(path, sizeof path, "%s/%s", out[i], files[f]);
      else snprintf(path, sizeof path, "%s", bak[i]);
      for (size_t p = 0; p < sizeof plain / sizeof plain[0]; p++)
        cr_assert_not(file_has(path, plain[p], strlen(plain[p])), "'%s' is readable in %s", plain[p], path);
      cr_assert_not(file_has(path, master, 32), "the master key is in %s", path);
    }
  }

  /* A server on the restored directory (same key pair, same endpoints)
   * gives back exactly what was acknowledged before the backups. */
  cr_assert_lt(strlen(out[N_BACKUPS - 1]), sizeof h.data);
  memcpy(h.data, out[N_BACKUPS - 1], strlen(out[N_BACKUPS - 1]) + 1);
  harness_serve(&h);
  CLI_OK("sam", NULL, "case", "show", cid, "--json");
  cr_assert_str_eq(r.out, case_json);
  CLI_OK("pat", NULL, "record", "show", sid, "--json");
  cr_assert_str_eq(r.out, record_json);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

#define RESTORE_REFUSED(from, target, key, needle)                                                          \
  do {                                                                                                      \
    reflectd(&h, &br, NULL, "restore", "--from", from, "--data", target, "--key", key, (const char *)NULL); \
    cr_assert_eq(br.status, 1, "restore of %s must fail: %s %s", from, br.out, br.err);                     \
    cr_assert(strstr(br.err, needle), "expected '%s' in: %s", needle, br.err);                              \
  } while (0)

Test(backup, restore_refuses_what_it_cannot_trust, .timeout = 120)
{
  harness_server h, other;
  harness_init_only(&h);
  harness_init_only(&other);
  harness_run br;
  char bak[400], key[400], wrong_key[400], target[400], path[500];
  snprintf(bak, sizeof bak, "%s/b.bak", h.dir);
  snprintf(key, sizeof key, "%s/master.key", h.data);
  snprintf(wrong_key, sizeof wrong_key, "%s/master.key", other.data);
  snprintf(target, sizeof target, "%s/target", h.dir);
  /* No server runs: the command opens the directory itself. */
  reflectd(&h, &br, NULL, "backup", "--data", h.data, "--to", bak, (const char *)NULL);
  cr_assert_eq(br.status, 0, "%s", br.err);

  /* A target with anything in it is left alone. */
  cr_assert_eq(mkdir(target, 0700), 0);
  snprintf(path, sizeof path, "%s/precious.txt", target);
  harness_write_file(path, "not yours\n");
  RESTORE_REFUSED(bak, target, key, "not empty");
  cr_assert_eq(dir_entries(target), 1, "the target is untouched");
  cr_assert_eq(unlink(path), 0);

  /* The wrong master key is named as such, and nothing is left behind. */
  RESTORE_REFUSED(bak, target, wrong_key, "this backup was made under a different master key");
  cr_assert(strstr(br.err, "retired-keys"), "%s", br.err);
  cr_assert_eq(dir_entries(target), 0, "an existing empty target stays empty");
  char fresh[400];
  snprintf(fresh, sizeof fresh, "%s/fresh", h.dir);
  RESTORE_REFUSED(bak, fresh, wrong_key, "different master key");
  cr_assert_eq(dir_entries(fresh), -1, "a target it would have made is not left behind");

  /* Truncated, garbage, and a database that is not a backup. */
  struct stat sb;
  cr_assert_eq(stat(bak, &sb), 0);
  char cut[400], junk[400], bare[400];
  snprintf(cut, sizeof cut, "%s/cut.bak", h.dir);
  copy_prefix(bak, cut, (size_t)sb.st_size / 2);
  RESTORE_REFUSED(cut, target, key, "damaged");
  snprintf(junk, sizeof junk, "%s/junk.bak", h.dir);
  harness_write_file(junk, "this is not a database at all, just some text pretending to be one............"
                           "..........................................................................\n");
  RESTORE_REFUSED(junk, target, key, "not a Reflect backup");
  snprintf(bare, sizeof bare, "%s/bare.bak", h.dir);
  copy_prefix(bak, bare, (size_t)sb.st_size);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(bare, &db), SQLITE_OK);
  cr_assert_eq(sqlite3_exec(db, "DROP TABLE backup_meta", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  RESTORE_REFUSED(bare, target, key, "no backup_meta");
  /* The live database itself is not a backup either. */
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  RESTORE_REFUSED(path, target, key, "not a Reflect backup");
  cr_assert_eq(dir_entries(target), 0);

  /* Usage: exactly one way to the key. */
  reflectd(&h, &br, "x\n", "restore", "--from", bak, "--data", target, "--key", key, "--passphrase-stdin",
           (const char *)NULL);
  cr_assert_eq(br.status, 2, "%s", br.err);
  reflectd(&h, &br, NULL, "restore", "--from", bak, "--data", target, (const char *)NULL);
  cr_assert_eq(br.status, 2, "%s", br.err);

  /* And the right key still works after all that. */
  reflectd(&h, &br, NULL, "restore", "--from", bak, "--data", target, "--key", key, (const char *)NULL);
  cr_assert_eq(br.status, 0, "%s", br.err);
  harness_cleanup(&other);
  harness_cleanup(&h);
}
