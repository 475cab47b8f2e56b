/* Shredding a case leaves no readable trace of what session
 * records said about it.
 *
 * A record discusses case A (every field a unique marker) and case B; it
 * is signed, amended (revision 2) and signed again; A is closed and, with
 * case_years = 0, shredded at the next scheduler tick. Then every reply a
 * user can get about that session, its cases and its team — record show of
 * each revision as each party and as the manager (text and JSON), history,
 * diff, agenda, case list/show/decisions, the extracts, the inspection
 * pack, the audit — holds none of A's markers, and the record shows
 * "[destroyed under retention]" where A's section was. An amendment made
 * in the editor afterwards drops the destroyed section. On disk: no marker
 * in reflect.db, its WAL or a backup, and no sealed value that any key
 * left (the live database's, or a restored backup's) still opens holds one,
 * while B's texts still open (the check can find what is there).
 *
 * The second test starts from revisions written as before schema v14
 * (format 2: case texts inside the body, under the session's key), one of
 * them about a case shredded by the old code: at the first start with keys
 * (a sealed start, then `reflectd unseal`) they are moved under their
 * cases' keys, the shredded case's texts are gone, and a case shredded
 * afterwards is destroyed in those revisions too. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backup_util.h"
#include "commands.h"
#include "unseal.h"
#include "db.h"
#include "harness.h"
#include "store_keys.h"
#include "verify_catalog.h"
#include "wire.h"

static harness_server h;
static harness_run r;

/* Case A: everything said about it is a marker. */
#define A_REF "Qzv-A-5150"
#define A_NAME "Qzvname Brambleby"
#define A_SIT1 "QzvSitOneWombat"
#define A_ANA1 "QzvAnaOneNarwhal"
#define A_RISK1 "QzvRiskOneOcelot"
#define A_DEC1 "QzvDecOnePangolin"
#define A_RAT1 "QzvRatOneAxolotl"
#define A_SIT2 "QzvSitTwoKestrel"
#define A_DEC2 "QzvDecTwoQuokka"
#define A_RAT2 "QzvRatTwoTapir"
/* Case B stays open: its texts must still read, and still open on disk. */
#define B_REF "KEEP-B-2024"
#define B_SIT "KeepSitBadger"
#define B_DEC "KeepDecHeron"

static const char *const a_markers[] = {A_REF, A_NAME, A_SIT1, A_ANA1, A_RISK1, A_DEC1, A_RAT1, A_SIT2, A_DEC2, A_RAT2};

/* What must be gone: the test's markers, and a prefix they all share (for
 * replies, which are text; files are searched for whole markers only). */
static const char *const *gone;
static size_t n_gone;
static const char *gone_prefix;

static const char *file_with(const char *name, const char *text)
{
  static char path[512];
  snprintf(path, sizeof path, "%s/%s", h.dir, name);
  harness_write_file(path, text);
  return path;
}

static void add_retention(harness_server *hs)
{
  char path[512];
  snprintf(path, sizeof path, "%s/reflectd.conf", hs->data);
  FILE *f = fopen(path, "a");
  cr_assert_not_null(f);
  cr_assert(fputs("\n[events]\nscheduler_seconds = 1\n[retention]\ncase_years = 0\n", f) >= 0);
  fclose(f);
}

/* None of A's markers in what a command printed (stdout and stderr). */
static void none_in_reply(const char *what)
{
  for (size_t i = 0; i <= n_gone; i++) {
    const char *m = i < n_gone ? gone[i] : gone_prefix;
    cr_assert_not(strstr(r.out, m), "%s printed '%s':\n%s", what, m, r.out);
    cr_assert_not(strstr(r.err, m), "%s said '%s':\n%s", what, m, r.err);
  }
}

/* Polls `case show` until the scheduler has shredded the case (bounded). */
static void wait_shredded(const char *who, const char *id)
{
  for (int i = 0; i < 150; i++) {
    CLI_OK(who, NULL, "case", "show", id);
    if (strstr(r.out, "destroyed under retention on")) return;
    usleep(100 * 1000);
  }
  cr_assert_fail("case %s was not shredded within 15 s: %s", id, r.out);
}

/* ---- what is left on disk --------------------------------------------- */

static int holds(const uint8_t *p, size_t n, const char *marker)
{
  return memmem(p, n, marker, strlen(marker)) != NULL;
}

/* A sealed value's plaintext, and (a record's body is a packed message in
 * base64) its decoding if it is base64: does it hold the marker? */
static int plain_holds(const uint8_t *p, size_t n, const char *marker)
{
  if (holds(p, n, marker)) return 1;
  uint8_t *bin = malloc(n + 1);
  size_t len = 0;
  int found = bin &&
              sodium_base642bin(bin, n + 1, (const char *)p, n, NULL, &len, NULL,
                                sodium_base64_VARIANT_ORIGINAL_NO_PADDING) == 0 &&
              holds(bin, len, marker);
  free(bin);
  return found;
}

/* Opens every sealed value of the data directory's database (every table
 * `reflectd verify` knows) with every key still in it, as an attacker who
 * had the master key would, and fails if one holds any of A's markers.
 * Returns how many of the opened values hold `control`. */
static int openable_values(const char *data_dir, const char *passphrase, const char *control)
{
  db *d = NULL;
  vault *v = NULL;
  char err[512];
  cr_assert_eq(db_open(data_dir, DB_OPEN, 1, &d, err, sizeof err), 0, "%s", err);
  cr_assert_eq(unseal_open_vault(data_dir, d, passphrase, &v, err, sizeof err), 0, "%s", err);
  keyring ring = {0};
  arena a = {0};
  int found = 0;
  long opened = 0;
  for (size_t t = 0; t < verify_catalog_count; t++) {
    const verify_sealed_table *cat = &verify_catalog[t];
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db_handle(d), cat->sql, -1, &st, NULL), SQLITE_OK, "%s", cat->table);
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (int i = 0; cat->columns[i]; i++) {
        int col = cat->first_sealed + i;
        if (sqlite3_column_type(st, col) == SQLITE_NULL) continue;
        char context[VAULT_CONTEXT_MAX + 1] = "";
        if (cat->context) cat->context(st, cat->columns[i], context, sizeof context);
        store_slot slot = {cat->table,
                           sqlite3_column_int64(st, 0),
                           cat->columns[i],
                           sqlite3_column_int64(st, 1),
                           sqlite3_column_int64(st, 2),
                           context[0] ? context : NULL};
        uint8_t *plain;
        size_t len;
        if (store_keys_open_bytes(d, v, &ring, &slot, sqlite3_column_blob(st, col),
                                  (size_t)sqlite3_column_bytes(st, col), &a, &plain, &len))
          continue;
        opened++;
        for (size_t m = 0; m < n_gone; m++)
          cr_assert_not(plain_holds(plain, len, gone[m]), "%s row %lld column %s still opens, holding '%s'", cat->table,
                        (long long)sqlite3_column_int64(st, 0), cat->columns[i], gone[m]);
        found += plain_holds(plain, len, control);
        arena_reset(&a);
      }
    }
    sqlite3_finalize(st);
  }
  cr_log_info("%s: %ld sealed values open, %d hold '%s'", data_dir, opened, found, control);
  cr_assert_gt(opened, 10, "too few values opened to make the point");
  keyring_clear(&ring);
  vault_close(v);
  db_close(d);
  return found;
}

static void no_marker_in_file(const char *path)
{
  for (size_t i = 0; i < n_gone; i++)
    cr_assert_not(file_has(path, gone[i], strlen(gone[i])), "'%s' is in %s", gone[i], path);
}

/* ---- test 1: a case shredded after records discussed it ---------------- */

static void set_up(char sid[24])
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
  CLI_OK("sam", NULL, "case", "add", "--ref", A_REF, "--name", A_NAME, "--risk", "high", "--worker", "pat");
  CLI_OK("sam", NULL, "case", "add", "--ref", B_REF, "--name", "Keepname Oakley", "--risk", "medium", "--worker",
         "pat");
  char when[HARNESS_DAY_AT_SIZE];
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -3, 10), "--minutes", "90");
  snprintf(sid, 24, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "held", sid);
  CLI_OK("sam", NULL, "record", "write", sid, "--file",
         file_with("r1.txt", "[wellbeing]\nTired after a long week.\n\n"
                             "[case " A_REF "]\nsituation: " A_SIT1 "\nanalysis: " A_ANA1 "\nrisk: " A_RISK1
                             "\ndecision: " A_DEC1 "\nrationale: " A_RAT1 "\n\n"
                             "[case " B_REF "]\nsituation: " B_SIT "\ndecision: " B_DEC "\nrationale: it works\n\n"
                             "[notes]\nOrdinary notes.\n"));
  CLI_OK("sam", NULL, "record", "sign", sid, "--revision", "1");
  CLI_OK("pat", NULL, "record", "sign", sid, "--revision", "1");
  CLI_OK("sam", NULL, "record", "write", sid, "--reason", "the decision changed", "--file",
         file_with("r2.txt", "[wellbeing]\nTired after a long week.\n\n"
                             "[case " A_REF "]\nsituation: " A_SIT2 "\nanalysis: " A_ANA1 "\nrisk: " A_RISK1
                             "\ndecision: " A_DEC2 "\nrationale: " A_RAT2 "\n\n"
                             "[case " B_REF "]\nsituation: " B_SIT "\ndecision: " B_DEC "\nrationale: it works\n\n"
                             "[notes]\nOrdinary notes, amended.\n"));
  CLI_OK("sam", NULL, "record", "sign", sid, "--revision", "2");
  CLI_OK("pat", NULL, "record", "sign", sid, "--revision", "2");
}

/* The inspection pack of team North around the session, as JSON. */
static void inspection_json(void)
{
  char from[HARNESS_DATE_SIZE], to[HARNESS_DATE_SIZE];
  CLI("mona", NULL, "export", "inspection", "--team", "North", "--from", harness_date_in(from, -10), "--to",
      harness_date_in(to, 0), "--sample", "20", "--json");
}

/* Before: the markers are there to be found, so their absence later means
 * something. */
static void check_before(const char *sid)
{
  CLI_OK("mona", NULL, "record", "show", sid);
  cr_assert(strstr(r.out, A_SIT2) && strstr(r.out, A_DEC2) && strstr(r.out, "[case " A_REF "]"), "%s", r.out);
  CLI_OK("pat", NULL, "record", "show", sid, "--revision", "1");
  cr_assert(strstr(r.out, A_SIT1) && strstr(r.out, A_RAT1), "%s", r.out);
  inspection_json();
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert(strstr(r.out, A_DEC2) && strstr(r.out, A_REF), "%s", r.out);
}

/* A record's text with A's section destroyed and B's intact. */
static void shows_destroyed(const char *what)
{
  cr_assert_eq(r.status, 0, "%s: %s", what, r.err);
  none_in_reply(what);
  cr_assert(strstr(r.out, "[destroyed under retention]"), "%s does not say what was destroyed:\n%s", what, r.out);
  cr_assert(strstr(r.out, B_SIT), "%s lost case B:\n%s", what, r.out);
}

static void check_replies(const char *sid)
{
  static const char *const readers[] = {"sam", "pat", "mona"};
  for (size_t i = 0; i < 3; i++) {
    const char *who = readers[i];
    CLI(who, NULL, "record", "show", sid);
    shows_destroyed("record show");
    cr_assert(strstr(r.out, "[case [destroyed under retention]]\nsituation: [destroyed under retention]\n"
                            "analysis: [destroyed under retention]\nrisk: [destroyed under retention]\n"
                            "decision: [destroyed under retention]\nrationale: [destroyed under retention]\n"),
              "%s", r.out);
    CLI(who, NULL, "record", "show", sid, "--revision", "1");
    shows_destroyed("record show --revision 1");
    CLI(who, NULL, "record", "show", sid, "--revision", "2", "--json");
    shows_destroyed("record show --revision 2 --json");
    cr_assert(strstr(r.out, "\"case_reference\":\"[destroyed under retention]\"") &&
                  strstr(r.out, "\"destroyed\":true") && strstr(r.out, "\"destroyed\":false"),
              "%s", r.out);
    CLI(who, NULL, "record", "show", sid, "--revision", "1", "--json");
    shows_destroyed("record show --revision 1 --json");
    CLI(who, NULL, "record", "history", sid);
    none_in_reply("record history");
    CLI(who, NULL, "record", "history", sid, "--json");
    none_in_reply("record history --json");
    CLI(who, NULL, "record", "diff", sid, "1", "2");
    cr_assert_eq(r.status, 0, "%s", r.err);
    none_in_reply("record diff");
    cr_assert(strstr(r.out, "+Ordinary notes, amended."), "%s", r.out);
    CLI(who, NULL, "agenda", sid, "--json");
    none_in_reply("agenda");
    CLI(who, NULL, "case", "list", "--all", "--json");
    none_in_reply("case list");
    CLI(who, NULL, "case", "show", "1", "--json");
    none_in_reply("case show");
    CLI(who, NULL, "case", "decisions", "1");
    none_in_reply("case decisions of A");
    CLI(who, NULL, "case", "decisions", B_REF, "--json");
    none_in_reply("case decisions of B");
    cr_assert(strstr(r.out, B_DEC), "%s", r.out);
  }
  CLI("mona", NULL, "export", "case", "1");
  none_in_reply("export case A");
  CLI_OK("mona", NULL, "export", "case", B_REF);
  none_in_reply("export case B");
  cr_assert(strstr(r.out, B_DEC), "%s", r.out);
  inspection_json();
  shows_destroyed("export inspection --json");
  cr_assert(strstr(r.out, "\"destroyed\":true"), "%s", r.out);
  CLI_OK("mona", NULL, "audit", "show", "--session", sid);
  none_in_reply("audit show");
}

/* The editor starts an amendment from the latest revision: the destroyed
 * section is a comment there, not a heading that could not be sent back. */
static void amend_in_the_editor(const char *sid)
{
  char script[512], seen[512];
  snprintf(script, sizeof script, "%s/editor.sh", h.dir);
  snprintf(seen, sizeof seen, "%s/seen.txt", h.dir);
  FILE *f = fopen(script, "w");
  cr_assert_not_null(f);
  fprintf(f, "#!/bin/sh\ncp \"$1\" '%s'\n", seen);
  fclose(f);
  cr_assert_eq(chmod(script, 0700), 0);
  cr_assert_eq(setenv("EDITOR", script, 1), 0);
  unsetenv("VISUAL");
  CLI_OK("sam", NULL, "record", "write", sid, "--edit", "--reason", "nothing to add");
  cr_assert_eq(atoi(r.out), 3, "%s", r.out);
  no_marker_in_file(seen);
  cr_assert(harness_file_contains(seen, "# [case] discussed here; destroyed under retention"));
  CLI_OK("sam", NULL, "record", "show", sid);
  none_in_reply("record show of the amendment");
  cr_assert(strstr(r.out, B_SIT) && !strstr(r.out, "destroyed under retention"), "%s", r.out);
}

static void check_disk(const char *backup)
{
  char path[512];
  static const char *const files[] = {"reflect.db", "reflect.db-wal"};
  for (size_t i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/%s", h.data, files[i]);
    no_marker_in_file(path);
  }
  no_marker_in_file(backup);
  cr_assert_gt(openable_values(h.data, NULL, B_SIT), 0, "B's situation should still open");
  /* A restored backup opens no more than the live database. */
  char restored[512], key[512];
  snprintf(restored, sizeof restored, "%s/restored", h.dir);
  snprintf(key, sizeof key, "%s/master.key", h.data);
  harness_run br;
  reflectd(&h, &br, NULL, "restore", "--from", backup, "--data", restored, "--key", key, (const char *)NULL);
  cr_assert_eq(br.status, 0, "restore: %s", br.err);
  cr_assert_gt(openable_values(restored, NULL, B_SIT), 0, "B's situation should open in the restored copy");
}

static void check_verify(void)
{
  harness_run vr;
  reflectd(&h, &vr, NULL, "verify", "--data", h.data, (const char *)NULL);
  cr_assert_eq(vr.status, 0, "reflectd verify failed: %s %s", vr.out, vr.err);
  long long opened = 0, shredded = 0;
  const char *s = strstr(vr.out, "values: ");
  cr_assert(s && sscanf(s, "values: %lld opened, %lld shredded", &opened, &shredded) == 2, "%s", vr.out);
  /* A's reference and name, and in each of two revisions its section's six
   * texts and the decision log's three. */
  cr_assert_geq(shredded, 2 + 2 * (6 + 3), "%s", vr.out);
  cr_assert_not(strstr(vr.out, "records:"), "nothing is left to move: %s", vr.out);
}

Test(shred, a_shredded_case_leaves_no_readable_trace, .timeout = 240)
{
  gone = a_markers;
  n_gone = sizeof a_markers / sizeof a_markers[0];
  gone_prefix = "Qzv";
  harness_init_only(&h);
  add_retention(&h);
  harness_serve(&h);
  char sid[24];
  set_up(sid);
  check_before(sid);
  CLI_OK("sam", NULL, "case", "update", "1", "--close");
  wait_shredded("sam", "1");
  check_replies(sid);
  amend_in_the_editor(sid);
  cr_assert_eq(harness_stop(&h), 0);
  char backup[512];
  snprintf(backup, sizeof backup, "%s/after.bak", h.dir);
  harness_run br;
  reflectd(&h, &br, NULL, "backup", "--data", h.data, "--to", backup, (const char *)NULL);
  cr_assert_eq(br.status, 0, "backup: %s", br.err);
  check_disk(backup);
  check_verify();
  harness_cleanup(&h);
}

/* ---- test 2: revisions written before v14, moved at unseal -------------- */

#define PASSPHRASE "shred test passphrase, long enough"
/* Case D was shredded by the old code, before the move; E is shredded
 * after it; F stays. */
#define D_REF "Wqx-D-0001"
#define D_SIT "WqxSitDormouse"
#define D_DEC "WqxDecMarmot"
#define E_REF "Wqx-E-0002"
#define E_SIT1 "WqxSitOneCurlew"
#define E_SIT2 "WqxSitTwoPlover"
#define E_DEC "WqxDecSiskin"
#define F_REF "LIVE-F-0003"
#define F_SIT "LiveSitHedgehog"

static const char *const de_markers[] = {D_REF, D_SIT, D_DEC, E_REF, E_SIT1, E_SIT2, E_DEC};

/* `reflectd serve` on a passphrase-sealed directory: with the passphrase
 * on stdin, or --sealed. Ready when a ping comes back. */
static void serve_passphrase(const char *stdin_text, const char *extra)
{
  int in[2];
  cr_assert_eq(pipe(in), 0);
  pid_t parent = getpid(), pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    char log[400];
    snprintf(log, sizeof log, "%s/reflectd.log", h.dir);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 2);
      close(fd);
    }
    dup2(in[0], 0);
    close(in[1]);
    execl(REFLECTD_PATH, REFLECTD_PATH, "serve", "--data", h.data, "--listen", h.rpc, "--publish", h.pub, "--workers",
          "4", extra, (char *)NULL);
    _exit(127);
  }
  close(in[0]);
  if (stdin_text) cr_assert_eq(write(in[1], stdin_text, strlen(stdin_text)), (ssize_t)strlen(stdin_text));
  close(in[1]);
  h.pid = pid;
  client *c = harness_device(&h);
  for (int i = 0; i < HARNESS_START_MS / 50; i++) {
    Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
    Reflect__V1__PingRequest ping = REFLECT__V1__PING_REQUEST__INIT;
    req.op_case = REFLECT__V1__REQUEST__OP_PING;
    req.ping = &ping;
    Reflect__V1__Reply *rep = NULL;
    if (client_call(c, &req, &rep) == CLIENT_OK) {
      wire_free_reply(rep);
      client_close(c);
      return;
    }
    int st;
    cr_assert_eq(waitpid(pid, &st, WNOHANG), 0, "reflectd exited during start-up (see %s/reflectd.log)", h.dir);
    usleep(50 * 1000);
  }
  cr_assert_fail("reflectd did not answer");
}

static void init_passphrase(void)
{
  memset(&h, 0, sizeof h);
  snprintf(h.dir, sizeof h.dir, "/tmp/reflect-test-XXXXXX");
  cr_assert_not_null(mkdtemp(h.dir));
  snprintf(h.data, sizeof h.data, "%s/data", h.dir);
  snprintf(h.rpc, sizeof h.rpc, "ipc://%s/rpc.sock", h.dir);
  snprintf(h.pub, sizeof h.pub, "ipc://%s/pub.sock", h.dir);
  harness_run ir;
  reflectd(&h, &ir, PASSPHRASE "\n" HARNESS_ADMIN_PASSWORD "\n", "init", "--data", h.data, "--passphrase-stdin",
           "--admin-password-stdin", (const char *)NULL);
  cr_assert_eq(ir.status, 0, "init: %s", ir.err);
  char path[400];
  snprintf(path, sizeof path, "%s/server.pub", h.data);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f);
  cr_assert_not_null(fgets(h.server_key, sizeof h.server_key, f));
  fclose(f);
}

static int64_t one_int(db *d, const char *sql)
{
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(d), sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* What the server before v14 wrote for a case discussed in a revision: a
 * decision-log row under the case's key (store_decisions_add). */
static void old_decision(db *d, vault *v, keyring *ring, int64_t session, uint32_t rev, int64_t case_id, int64_t by,
                         const char *decision)
{
  char q[128], context[128];
  snprintf(q, sizeof q, "SELECT key_id FROM cases WHERE id = %lld", (long long)case_id);
  int64_t key_id = one_int(d, q);
  snprintf(context, sizeof context, "session=%lld;revision=%u;case=%lld;decided_by=%lld", (long long)session, rev,
           (long long)case_id, (long long)by);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(d),
                                  "INSERT INTO case_discussions(session_id, revision, case_id, decided_by, key_id,"
                                  " decision, rationale) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                  -1, &st, NULL),
               SQLITE_OK);
  sqlite3_bind_int64(st, 1, session);
  sqlite3_bind_int64(st, 2, rev);
  sqlite3_bind_int64(st, 3, case_id);
  sqlite3_bind_int64(st, 4, by);
  sqlite3_bind_int64(st, 5, key_id);
  const char *texts[2] = {decision, "it is for the best"};
  const char *columns[2] = {"decision", "rationale"};
  for (int i = 0; i < 2; i++) {
    store_slot slot = {"case_discussions", case_id, columns[i], key_id, rev, context};
    uint8_t *blob;
    size_t len;
    cr_assert_eq(store_keys_seal(d, v, ring, &slot, texts[i], &blob, &len), 0);
    sqlite3_bind_blob(st, 6 + i, blob, (int)len, free);
  }
  cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(db_handle(d)));
  sqlite3_finalize(st);
}

/* A revision as the server before v14 wrote it (format 2): the sections
 * packed, wellbeing text apart, each case section's texts in the body, all
 * under the session's key with ";format=2" in the associated data. */
static void old_revision(db *d, vault *v, keyring *ring, uint32_t rev, const char *e_sit)
{
  int64_t session = 1, author = one_int(d, "SELECT id FROM users WHERE username = 'sam'");
  int64_t key_id = one_int(d, "SELECT key_id FROM sessions WHERE id = 1");
  int64_t id = one_int(d, "SELECT coalesce(max(id), 0) + 1 FROM record_revisions");
  int64_t at = (int64_t)time(NULL) - 100 + rev;
  Reflect__V1__RecordSection sec[5];
  for (int i = 0; i < 5; i++) reflect__v1__record_section__init(&sec[i]);
  sec[0].kind = REFLECT__V1__SECTION_KIND__SECTION_WELLBEING; /* its text goes apart */
  const char *refs[3] = {D_REF, E_REF, F_REF}, *sits[3] = {D_SIT, e_sit, F_SIT}, *decs[3] = {D_DEC, E_DEC, ""};
  for (int k = 0; k < 3; k++) {
    sec[1 + k].kind = REFLECT__V1__SECTION_KIND__SECTION_CASE;
    sec[1 + k].case_reference = (char *)refs[k];
    sec[1 + k].situation = (char *)sits[k];
    sec[1 + k].decision = (char *)decs[k];
    sec[1 + k].rationale = *decs[k] ? "it is for the best" : "";
    sec[1 + k].case_id = (uint64_t)(k + 1);
  }
  sec[4].kind = REFLECT__V1__SECTION_KIND__SECTION_NOTES;
  sec[4].text = rev == 1 ? "Notes of the first revision." : "Notes of the second revision.";
  Reflect__V1__RecordSection *ptrs[5] = {&sec[0], &sec[1], &sec[2], &sec[3], &sec[4]};
  Reflect__V1__StoredRecord rec = REFLECT__V1__STORED_RECORD__INIT;
  rec.sections = ptrs;
  rec.n_sections = 5;
  size_t len = reflect__v1__stored_record__get_packed_size(&rec);
  uint8_t *packed = malloc(len);
  reflect__v1__stored_record__pack(&rec, packed);
  size_t b64_len = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  char *b64 = malloc(b64_len);
  sodium_bin2base64(b64, b64_len, packed, len, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  free(packed);
  char context[128];
  snprintf(context, sizeof context, "session=%lld;author=%lld;at=%lld;format=2", (long long)session, (long long)author,
           (long long)at);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(d),
                                  "INSERT INTO record_revisions(id, session_id, revision, author_id, created_at,"
                                  " key_id, reason, body, format, wellbeing) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                                  " 2, ?9)",
                                  -1, &st, NULL),
               SQLITE_OK);
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, session);
  sqlite3_bind_int64(st, 3, rev);
  sqlite3_bind_int64(st, 4, author);
  sqlite3_bind_int64(st, 5, at);
  sqlite3_bind_int64(st, 6, key_id);
  const char *columns[3] = {"body", "reason", "wellbeing"};
  const char *texts[3] = {b64, rev > 1 ? "amended" : NULL, "Coping, just."};
  const int params[3] = {8, 7, 9};
  for (int i = 0; i < 3; i++) {
    if (!texts[i]) continue;
    store_slot slot = {"record_revisions", id, columns[i], key_id, rev, context};
    uint8_t *blob;
    size_t blob_len;
    cr_assert_eq(store_keys_seal(d, v, ring, &slot, texts[i], &blob, &blob_len), 0);
    sqlite3_bind_blob(st, params[i], blob, (int)blob_len, free);
  }
  cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(db_handle(d)));
  sqlite3_finalize(st);
  free(b64);
  old_decision(d, v, ring, session, rev, 1, author, D_DEC);
  old_decision(d, v, ring, session, rev, 2, author, E_DEC);
}

/* Two format-2 revisions of session 1, then case D shredded the way the
 * old retention run did it: its key destroyed, its index made random.
 * old_bodies gets 48 bytes from the middle of each revision's sealed body,
 * to look for on disk once they were replaced. */
static uint8_t old_bodies[2][48];

static void write_as_before_v14(const char *passphrase)
{
  db *d = NULL;
  vault *v = NULL;
  char err[512];
  cr_assert_eq(db_open(h.data, DB_OPEN, 1, &d, err, sizeof err), 0, "%s", err);
  cr_assert_eq(unseal_open_vault(h.data, d, passphrase, &v, err, sizeof err), 0, "%s", err);
  keyring ring = {0};
  cr_assert_eq(db_begin_write(d), SQLITE_OK);
  old_revision(d, v, &ring, 1, E_SIT1);
  old_revision(d, v, &ring, 2, E_SIT2);
  char *sql_err = NULL;
  cr_assert_eq(sqlite3_exec(db_handle(d),
                            "UPDATE cases SET open = 0, closed_at = 1000, retain_until = '2000-01-01',"
                            " shredded_at = 2000, reference_index = randomblob(32) WHERE id = 1;"
                            "UPDATE data_keys SET wrapped = NULL, destroyed_at = 2000"
                            " WHERE id = (SELECT key_id FROM cases WHERE id = 1);",
                            NULL, NULL, &sql_err),
               SQLITE_OK, "%s", sql_err ? sql_err : "");
  cr_assert_eq(db_commit(d), SQLITE_OK);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(d), "SELECT body FROM record_revisions ORDER BY id", -1, &st, NULL),
               SQLITE_OK);
  for (int i = 0; i < 2; i++) {
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    size_t n = (size_t)sqlite3_column_bytes(st, 0);
    cr_assert_gt(n, 200);
    memcpy(old_bodies[i], (const uint8_t *)sqlite3_column_blob(st, 0) + n / 2, sizeof old_bodies[i]);
  }
  sqlite3_finalize(st);
  keyring_clear(&ring);
  vault_close(v);
  db_close(d);
}

/* The bodies the move replaced are in neither the database nor its WAL. */
static void old_bodies_gone(void)
{
  char path[512];
  static const char *const files[] = {"reflect.db", "reflect.db-wal"};
  for (size_t i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/%s", h.data, files[i]);
    for (int b = 0; b < 2; b++)
      cr_assert_not(file_has(path, old_bodies[b], sizeof old_bodies[b]), "revision %d's old body is still in %s", b + 1,
                    files[i]);
  }
}

static void old_set_up(void)
{
  const char *devs[] = {"admin", "sam", "pat"};
  const char *roles[] = {NULL, "supervisor", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 3);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "case", "add", "--ref", D_REF, "--name", "Wqxname Dormer", "--risk", "high", "--worker", "pat");
  CLI_OK("sam", NULL, "case", "add", "--ref", E_REF, "--name", "Wqxname Eames", "--risk", "low", "--worker", "pat");
  CLI_OK("sam", NULL, "case", "add", "--ref", F_REF, "--name", "Livename Fenwick", "--risk", "low", "--worker", "pat");
  char when[HARNESS_DAY_AT_SIZE];
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -3, 10), "--minutes", "90");
  cr_assert_eq(harness_id(&r), 1);
  CLI_OK("sam", NULL, "session", "held", "1");
}

static long long db_count(const char *sql)
{
  char path[512];
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  return query_int(path, sql);
}

static void verify_passphrase(harness_run *vr)
{
  reflectd(&h, vr, PASSPHRASE "\n", "verify", "--data", h.data, "--passphrase-stdin", (const char *)NULL);
  cr_assert_eq(vr->status, 0, "reflectd verify failed: %s %s", vr->out, vr->err);
}

Test(shred, older_revisions_move_under_their_cases_keys_at_unseal, .timeout = 240)
{
  gone = de_markers;
  n_gone = 3; /* D's, until E is shredded too */
  gone_prefix = "Wqx-D";
  init_passphrase();
  add_retention(&h);
  serve_passphrase(PASSPHRASE "\n", "--passphrase-stdin");
  old_set_up();
  cr_assert_eq(harness_stop(&h), 0);
  write_as_before_v14(PASSPHRASE);
  harness_run vr;
  verify_passphrase(&vr);
  cr_assert(strstr(vr.out, "records: 2 revisions written before case discussions were sealed apart"),
            "verify counts what is to move: %s", vr.out);

  /* Sealed: nothing moves, nothing is served, until the keys come. */
  serve_passphrase(NULL, "--sealed");
  cr_assert_eq(db_count("SELECT count(*) FROM record_revisions WHERE format = 2"), 2);
  harness_run ur;
  reflectd(&h, &ur, PASSPHRASE "\n", "unseal", "--data", h.data, "--passphrase-stdin", (const char *)NULL);
  cr_assert_eq(ur.status, 0, "unseal: %s", ur.err);
  char log[512];
  snprintf(log, sizeof log, "%s/reflectd.log", h.dir);
  cr_assert(harness_file_contains(log, "event=records_resealed revisions=2 skipped=0"));
  old_bodies_gone();
  cr_assert_eq(db_count("SELECT count(*) FROM record_revisions WHERE format = 2"), 0);
  cr_assert_eq(db_count("SELECT count(*) FROM record_case_sections"), 6);
  /* D was gone before its texts could move: nothing of it was sealed again. */
  cr_assert_eq(db_count("SELECT count(*) FROM record_case_sections WHERE case_id = 1 AND coalesce(reference,"
                        " situation, analysis, risk, decision, rationale) IS NULL"),
               2);

  for (int rev = 1; rev <= 2; rev++) {
    char n[4];
    snprintf(n, sizeof n, "%d", rev);
    CLI_OK("sam", NULL, "record", "show", "1", "--revision", n);
    none_in_reply("record show of a moved revision");
    cr_assert(strstr(r.out, "[case [destroyed under retention]]\nsituation: [destroyed under retention]\n"), "%s",
              r.out);
    cr_assert(strstr(r.out, rev == 1 ? E_SIT1 : E_SIT2) && strstr(r.out, "[case " F_REF "]") && strstr(r.out, F_SIT) &&
                  strstr(r.out, "Coping, just."),
              "the rest reads as written: %s", r.out);
  }
  CLI_OK("sam", NULL, "case", "decisions", E_REF);
  cr_assert(strstr(r.out, E_DEC), "%s", r.out);

  /* E is closed and shredded now: in the moved revisions too. */
  CLI_OK("sam", NULL, "case", "update", "2", "--close");
  wait_shredded("sam", "2");
  n_gone = sizeof de_markers / sizeof de_markers[0];
  gone_prefix = "Wqx";
  for (int rev = 1; rev <= 2; rev++) {
    char n[4];
    snprintf(n, sizeof n, "%d", rev);
    CLI_OK("pat", NULL, "record", "show", "1", "--revision", n, "--json");
    none_in_reply("record show after E was shredded");
    cr_assert(strstr(r.out, F_SIT) && strstr(r.out, "\"destroyed\":true"), "%s", r.out);
  }
  CLI_OK("pat", NULL, "record", "diff", "1", "1", "2");
  none_in_reply("record diff");
  cr_assert_eq(harness_stop(&h), 0);

  char path[512];
  static const char *const files[] = {"reflect.db", "reflect.db-wal"};
  for (size_t i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/%s", h.data, files[i]);
    no_marker_in_file(path);
  }
  cr_assert_gt(openable_values(h.data, PASSPHRASE, F_SIT), 0, "F's situation should still open");
  verify_passphrase(&vr);
  cr_assert_not(strstr(vr.out, "records:"), "nothing is left to move: %s", vr.out);
  harness_cleanup(&h);
}

/* The same revisions in a key-file directory are moved at the start. */
Test(shred, older_revisions_move_at_a_start_with_keys, .timeout = 120)
{
  gone = de_markers;
  n_gone = 3;
  gone_prefix = "Wqx-D";
  harness_init_only(&h);
  harness_serve(&h);
  old_set_up();
  cr_assert_eq(harness_stop(&h), 0);
  write_as_before_v14(NULL);
  harness_serve(&h);
  char log[512];
  snprintf(log, sizeof log, "%s/reflectd.log", h.dir);
  cr_assert(harness_file_contains(log, "event=records_resealed revisions=2 skipped=0"));
  old_bodies_gone();
  cr_assert_eq(db_count("SELECT count(*) FROM record_revisions WHERE format = 3"), 2);
  CLI_OK("pat", NULL, "record", "show", "1", "--revision", "1");
  none_in_reply("record show of a moved revision");
  cr_assert(strstr(r.out, "[case [destroyed under retention]]") && strstr(r.out, E_SIT1) && strstr(r.out, F_SIT), "%s",
            r.out);
  /* A second start has nothing left to move. */
  cr_assert_eq(harness_stop(&h), 0);
  harness_serve(&h);
  CLI_OK("pat", NULL, "record", "show", "1");
  cr_assert(strstr(r.out, E_SIT2), "%s", r.out);
  cr_assert_eq(harness_stop(&h), 0);
  FILE *f = fopen(log, "r");
  cr_assert_not_null(f);
  char line[1024];
  int moves = 0;
  while (fgets(line, sizeof line, f)) moves += strstr(line, "event=records_resealed") != NULL;
  fclose(f);
  cr_assert_eq(moves, 1, "moved once, not again");
  harness_cleanup(&h);
}
