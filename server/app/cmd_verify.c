/* `reflectd verify` and `reflectd audit verify` (commands.h): read-only
 * checks of a data directory, a stopped server's or a restored copy. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_chain.h"
#include "commands.h"
#include "unseal.h"
#include "datadir.h"
#include "rc.h"
#include "verify.h"

static const char verify_usage[] = "usage: reflectd verify --data DIR [--passphrase-stdin] [--json]\n"
                                   "\n"
                                   "Checks a data directory without changing it: every data key unwraps, every\n"
                                   "encrypted value opens with its key (values of crypto-shredded cases count as\n"
                                   "shredded), SQLite's integrity and foreign keys hold, and the audit log's hash\n"
                                   "chain is whole. Exits 0 only when everything holds.\n"
                                   "  --data DIR          the data directory (a server's, or a restored backup)\n"
                                   "  --passphrase-stdin  read the passphrase from stdin (passphrase-sealed data)\n"
                                   "  --json              print the report as JSON\n";

static const char audit_usage[] =
    "usage: reflectd audit verify --data DIR [--passphrase-stdin] [--expect-head HEX --expect-entries N]\n"
    "\n"
    "Checks the audit log's hash chain and prints its entry count and head. The\n"
    "database cannot prove its newest entries were not removed: record the head\n"
    "and count somewhere else, and pass them back later with --expect-head and\n"
    "--expect-entries to check that entry N still carries that head.\n";

typedef struct {
  const char *dir, *expect_head;
  int64_t expect_entries;
  int pass_stdin, json;
} verify_args;

/* The database must already be at this binary's schema: opening an older
 * one would migrate it, and verify never writes. */
static int check_schema(const char *dir, char *err, size_t err_size)
{
  char path[DATADIR_PATH_MAX];
  if (datadir_path(dir, DB_FILE_NAME, path, sizeof path)) {
    snprintf(err, err_size, "data directory path too long");
    return -1;
  }
  sqlite3 *h = NULL;
  int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL);
  sqlite3_stmt *st = NULL;
  int version = -1;
  if (rc == SQLITE_OK && sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  if (version < 0) snprintf(err, err_size, "cannot read %.300s", path);
  else if (version < db_schema_version())
    snprintf(err, err_size, "%.300s is at schema v%d, older than this reflectd's v%d: start the server once", path,
             version, db_schema_version());
  return version < 0 || version < db_schema_version() ? -1 : 0;
}

static int open_dir(const verify_args *a, db **d, vault **v)
{
  char err[512], passphrase[1024] = "";
  *d = NULL;
  *v = NULL;
  if (a->pass_stdin && (commands_read_line(passphrase, sizeof passphrase) || !*passphrase)) {
    fprintf(stderr, "reflectd: no passphrase on stdin\n");
    return EXIT_FAIL;
  }
  int rc = check_schema(a->dir, err, sizeof err) || db_open(a->dir, DB_OPEN, 1, d, err, sizeof err) ||
           unseal_open_vault(a->dir, *d, a->pass_stdin ? passphrase : NULL, v, err, sizeof err);
  sodium_memzero(passphrase, sizeof passphrase);
  if (rc) {
    fprintf(stderr, "reflectd: %s\n", err);
    db_close(*d);
    *d = NULL;
    return EXIT_FAIL;
  }
  return EXIT_OK;
}

/* Options shared by both commands; 0 ok, EXIT_USAGE, or -1 after --help. */
static int parse(int argc, char **argv, const char *usage, int audit, verify_args *a)
{
  static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
                                       {"passphrase-stdin", no_argument, NULL, 'p'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"expect-head", required_argument, NULL, 'e'},
                                       {"expect-entries", required_argument, NULL, 'n'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  memset(a, 0, sizeof *a);
  optind = 1;
  int ch;
  char *end;
  while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (ch) {
    case 'd': a->dir = optarg; break;
    case 'p': a->pass_stdin = 1; break;
    case 'j': a->json = 1; break;
    case 'e':
      if (!audit) goto usage;
      a->expect_head = optarg;
      break;
    case 'n':
      if (!audit) goto usage;
      a->expect_entries = strtoll(optarg, &end, 10);
      if (*end || a->expect_entries < 1) goto usage;
      break;
    case 'h': fputs(usage, stdout); return -1;
    default: goto usage;
    }
  }
  if (!a->dir || optind != argc || (!a->expect_head != !a->expect_entries)) goto usage;
  if (a->expect_head && strlen(a->expect_head) != 2 * AUDIT_CHAIN_BYTES) goto usage;
  return 0;
usage:
  fputs(usage, stderr);
  return EXIT_USAGE;
}

static void hex(const uint8_t *b, char out[2 * AUDIT_CHAIN_BYTES + 1])
{
  sodium_bin2hex(out, 2 * AUDIT_CHAIN_BYTES + 1, b, AUDIT_CHAIN_BYTES);
}

static void json_string(const char *s)
{
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static void print_report(const verify_report *r, int json)
{
  char head[2 * AUDIT_CHAIN_BYTES + 1];
  hex(r->audit_head, head);
  if (json) {
    printf("{\"ok\":%s,\"keys\":{\"total\":%lld,\"destroyed\":%lld,\"failed\":%lld},"
           "\"values\":{\"total\":%lld,\"opened\":%lld,\"shredded\":%lld,\"failed\":%lld},"
           "\"integrity_ok\":%s,\"fk_violations\":%lld,"
           "\"audit\":{\"ok\":%s,\"entries\":%lld,\"unchained\":%lld,\"first_bad\":%lld,\"head\":\"%s\"},"
           "\"records_pending\":%lld,\"first_failure\":",
           r->ok ? "true" : "false", (long long)r->keys, (long long)r->keys_destroyed, (long long)r->keys_failed,
           (long long)r->values, (long long)r->opened, (long long)r->shredded, (long long)r->failed,
           r->integrity_ok ? "true" : "false", (long long)r->fk_violations, r->audit_ok ? "true" : "false",
           (long long)r->audit_entries, (long long)r->audit_unchained, (long long)r->audit_first_bad, head,
           (long long)r->records_pending);
    json_string(r->first_failure);
    puts("}");
    return;
  }
  printf("keys: %lld ok, %lld destroyed, %lld failed\n", (long long)(r->keys - r->keys_destroyed - r->keys_failed),
         (long long)r->keys_destroyed, (long long)r->keys_failed);
  printf("values: %lld opened, %lld shredded, %lld failed\n", (long long)r->opened, (long long)r->shredded,
         (long long)r->failed);
  printf("integrity: %s\n", r->integrity_ok ? "ok" : "FAILED");
  printf("foreign keys: %s (%lld violations)\n", r->fk_violations ? "FAILED" : "ok", (long long)r->fk_violations);
  printf("audit chain: %lld entries, head %s%s\n", (long long)r->audit_entries, head, r->audit_ok ? "" : " (broken)");
  if (r->records_pending)
    printf("records: %lld revisions written before case discussions were sealed apart still hold them under the "
           "session's key; the server moves them under the cases' keys at its next start with keys\n",
           (long long)r->records_pending);
  if (r->ok) puts("verify: OK");
  else printf("verify: FAILED: %s\n", r->first_failure);
}

int cmd_verify(int argc, char **argv)
{
  verify_args a;
  int rc = parse(argc, argv, verify_usage, 0, &a);
  if (rc) return rc < 0 ? EXIT_OK : rc;
  db *d;
  vault *v;
  if ((rc = open_dir(&a, &d, &v))) return rc;
  verify_report r;
  char err[512];
  rc = verify_run(d, v, &r, err, sizeof err);
  vault_close(v);
  db_close(d);
  if (rc) {
    fprintf(stderr, "reflectd: %s\n", err);
    return EXIT_FAIL;
  }
  print_report(&r, a.json);
  if (!r.ok) fprintf(stderr, "reflectd: verify failed: %s\n", r.first_failure);
  return r.ok ? EXIT_OK : EXIT_FAIL;
}

static int audit_verify(const verify_args *a)
{
  db *d;
  vault *v;
  int rc = open_dir(a, &d, &v);
  if (rc) return rc;
  keyring ring = {0};
  audit_verify_report r;
  uint8_t at[AUDIT_CHAIN_BYTES], want[AUDIT_CHAIN_BYTES];
  int at_rc = RC_NOT_FOUND;
  rc = db_begin_read(d) == SQLITE_OK ? audit_chain_verify(d, v, &ring, &r) : RC_UNAVAILABLE;
  if (!rc && a->expect_head) at_rc = audit_chain_at(d, a->expect_entries, at);
  db_end_read(d);
  keyring_clear(&ring);
  vault_close(v);
  db_close(d);
  if (rc) {
    fprintf(stderr, "reflectd: could not read the audit log\n");
    return EXIT_FAIL;
  }
  char head[2 * AUDIT_CHAIN_BYTES + 1], why[200] = "";
  hex(r.head, head);
  printf("audit chain: %lld entries, head %s\n", (long long)r.entries, head);
  if (r.first_bad)
    snprintf(why, sizeof why, "entry %lld does not chain: the log was edited, reordered or cut there",
             (long long)r.first_bad);
  else if (r.unchained)
    snprintf(why, sizeof why, "%lld entries not chained yet (start the server with its keys)", (long long)r.unchained);
  else if (a->expect_head) {
    size_t n = 0;
    if (sodium_hex2bin(want, sizeof want, a->expect_head, strlen(a->expect_head), NULL, &n, NULL) || n != sizeof want)
      snprintf(why, sizeof why, "--expect-head is not %d hex bytes", AUDIT_CHAIN_BYTES);
    else if (at_rc)
      snprintf(why, sizeof why, "entry %lld no longer exists: the newest entries were removed",
               (long long)a->expect_entries);
    else if (sodium_memcmp(at, want, sizeof want))
      snprintf(why, sizeof why, "entry %lld no longer carries the recorded head: the log was cut and rewritten",
               (long long)a->expect_entries);
  }
  if (*why) {
    printf("audit verify: FAILED: %s\n", why);
    fprintf(stderr, "reflectd: audit verify failed: %s\n", why);
    return EXIT_FAIL;
  }
  puts(a->expect_head ? "audit verify: OK (the recorded head is still on the chain)" : "audit verify: OK");
  return EXIT_OK;
}

int cmd_audit(int argc, char **argv)
{
  if (argc >= 2 && !strcmp(argv[1], "verify")) {
    verify_args a;
    int rc = parse(argc - 1, argv + 1, audit_usage, 1, &a);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    return audit_verify(&a);
  }
  if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    fputs(audit_usage, stdout);
    return EXIT_OK;
  }
  fputs(audit_usage, stderr);
  return EXIT_USAGE;
}
