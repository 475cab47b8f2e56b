/* `reflectd backup` and `reflectd restore` (backup.h). */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backup.h"
#include "commands.h"
#include "unseal.h"
#include "config.h"
#include "control.h"
#include "datadir.h"
#include "log.h"

/* It guards the master key wherever the file travels, against offline guessing. */
#define BACKUP_PASS_MIN 12

static const char backup_usage[] =
    "usage: reflectd backup --data DIR --to FILE [--backup-passphrase-stdin] [--passphrase-stdin]\n"
    "\n"
    "Writes an online, consistent copy of DIR's database to FILE (never overwriting one),\n"
    "still encrypted, with the server's key pair sealed under the master key. If a server\n"
    "is running on DIR it makes the copy; otherwise this command opens DIR itself.\n"
    "  --backup-passphrase-stdin  also seal the master key under a backup passphrase\n"
    "                             (at least 12 characters), so the backup restores with\n"
    "                             that passphrase alone; read from stdin (its last line)\n"
    "  --passphrase-stdin         DIR is passphrase-sealed and no server runs: read its\n"
    "                             passphrase from stdin (the first line)\n";

static const char restore_usage[] =
    "usage: reflectd restore --from FILE --data NEWDIR (--key FILE | --passphrase-stdin |\n"
    "                        --backup-passphrase-stdin)\n"
    "\n"
    "Makes a new data directory NEWDIR (absent or empty) from a backup, then checks that\n"
    "every encrypted value opens and every reference holds (as `reflectd verify`).\n"
    "  --key FILE                 the master key file the backup was made under (after a\n"
    "                             rotation, the retired one in DIR/retired-keys/)\n"
    "  --passphrase-stdin         the data passphrase of a passphrase-sealed directory\n"
    "  --backup-passphrase-stdin  the backup passphrase given to `reflectd backup`\n"
    "With --key or the backup passphrase NEWDIR gets a master.key file (key-file mode).\n";

static long ms_since(const struct timespec *t0)
{
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

/* The server resolves the target itself, so it must be absolute and one line. */
static int absolute_target(const char *to, char *out, size_t size)
{
  char cwd[DATADIR_PATH_MAX];
  for (const char *p = to; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f) return -1;
  if (!*to) return -1;
  if (to[0] == '/') return snprintf(out, size, "%s", to) >= (int)size ? -1 : 0;
  if (!getcwd(cwd, sizeof cwd)) return -1;
  return snprintf(out, size, "%s/%s", cwd, to) >= (int)size ? -1 : 0;
}

/* 1: the server made it; 0: no server listens; -1: failed (err says why). */
static int backup_by_server(const char *dir, const char *to, const char *pass, char *err, size_t err_size)
{
  config cfg;
  char sock[DATADIR_PATH_MAX], reply[CONTROL_REPLY_MAX];
  config_defaults(&cfg);
  if (config_load(dir, &cfg, err, err_size)) return -1;
  if (control_path(dir, &cfg, sock, sizeof sock)) {
    snprintf(err, err_size, "the control socket path is too long");
    return -1;
  }
  const char *lines[] = {to, pass ? pass : ""};
  int rc = control_request(sock, "backup", lines, 2, reply, sizeof reply, err, err_size);
  if (rc == CONTROL_ENOSERVER) return 0;
  if (rc) return -1;
  if (strncmp(reply, "ok", 2) || (reply[2] && reply[2] != '\n')) {
    snprintf(err, err_size, "%.*s", (int)strcspn(reply, "\n"), !strncmp(reply, "error: ", 7) ? reply + 7 : reply);
    return -1;
  }
  return 1;
}

static int backup_here(const char *dir, const char *to, const char *passphrase, const char *pass, char *err,
                       size_t err_size)
{
  db *d = NULL;
  vault *v = NULL;
  backup_result res;
  int rc = db_open(dir, DB_OPEN, 1, &d, err, err_size) || unseal_open_vault(dir, d, passphrase, &v, err, err_size) ? -1
                                                                                                                   : 0;
  db_close(d);
  if (!rc) rc = backup_make(dir, v, pass, to, 0, &res, err, err_size);
  vault_close(v);
  return rc;
}

int cmd_backup(int argc, char **argv)
{
  static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
                                       {"to", required_argument, NULL, 't'},
                                       {"backup-passphrase-stdin", no_argument, NULL, 'b'},
                                       {"passphrase-stdin", no_argument, NULL, 's'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *dir = NULL, *to_arg = NULL;
  int bpass_stdin = 0, pass_stdin = 0, ch;
  optind = 1;
  while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (ch) {
    case 'd': dir = optarg; break;
    case 't': to_arg = optarg; break;
    case 'b': bpass_stdin = 1; break;
    case 's': pass_stdin = 1; break;
    case 'h': fputs(backup_usage, stdout); return EXIT_OK;
    default: fputs(backup_usage, stderr); return EXIT_USAGE;
    }
  }
  if (!dir || !to_arg || optind != argc) {
    fputs(backup_usage, stderr);
    return EXIT_USAGE;
  }
  char to[DATADIR_PATH_MAX], passphrase[1024] = "", bpass[1024] = "", err[600];
  if (absolute_target(to_arg, to, sizeof to)) {
    fprintf(stderr, "reflectd: --to must be a file path of printable characters\n");
    return EXIT_USAGE;
  }
  if (pass_stdin && (commands_read_line(passphrase, sizeof passphrase) || !*passphrase)) {
    fprintf(stderr, "reflectd: no passphrase on stdin\n");
    return EXIT_USAGE;
  }
  if (bpass_stdin && (commands_read_line(bpass, sizeof bpass) || strlen(bpass) < BACKUP_PASS_MIN)) {
    sodium_memzero(passphrase, sizeof passphrase);
    sodium_memzero(bpass, sizeof bpass);
    fprintf(stderr, "reflectd: the backup passphrase (on stdin) must have at least %d characters\n", BACKUP_PASS_MIN);
    return EXIT_USAGE;
  }
  if (vault_harden_process() != VAULT_OK) log_line(LOG_WARN, "event=harden_failed");
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = backup_by_server(dir, to, bpass_stdin ? bpass : NULL, err, sizeof err);
  if (rc == 0)
    rc = backup_here(dir, to, pass_stdin ? passphrase : NULL, bpass_stdin ? bpass : NULL, err, sizeof err) ? -1 : 1;
  sodium_memzero(passphrase, sizeof passphrase);
  sodium_memzero(bpass, sizeof bpass);
  struct stat sb;
  if (rc < 0 || stat(to, &sb)) {
    fprintf(stderr, "reflectd: %s\n", rc < 0 ? err : "the backup file is missing after the backup");
    return EXIT_FAIL;
  }
  printf("%s %lld bytes %ld ms\n", to, (long long)sb.st_size, ms_since(&t0));
  return EXIT_OK;
}

int cmd_restore(int argc, char **argv)
{
  static const struct option opts[] = {{"from", required_argument, NULL, 'f'},
                                       {"data", required_argument, NULL, 'd'},
                                       {"key", required_argument, NULL, 'k'},
                                       {"passphrase-stdin", no_argument, NULL, 's'},
                                       {"backup-passphrase-stdin", no_argument, NULL, 'b'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *from = NULL, *dir = NULL, *key = NULL;
  int pass_stdin = 0, bpass_stdin = 0, ch;
  optind = 1;
  while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (ch) {
    case 'f': from = optarg; break;
    case 'd': dir = optarg; break;
    case 'k': key = optarg; break;
    case 's': pass_stdin = 1; break;
    case 'b': bpass_stdin = 1; break;
    case 'h': fputs(restore_usage, stdout); return EXIT_OK;
    default: fputs(restore_usage, stderr); return EXIT_USAGE;
    }
  }
  if (!from || !dir || optind != argc || !!key + pass_stdin + bpass_stdin != 1) {
    fputs(restore_usage, stderr);
    return EXIT_USAGE;
  }
  char secret[1024] = "", err[600];
  if ((pass_stdin || bpass_stdin) && (commands_read_line(secret, sizeof secret) || !*secret)) {
    fprintf(stderr, "reflectd: no passphrase on stdin\n");
    return EXIT_USAGE;
  }
  if (vault_harden_process() != VAULT_OK) log_line(LOG_WARN, "event=harden_failed");
  backup_keys k = {key, pass_stdin ? secret : NULL, bpass_stdin ? secret : NULL};
  verify_report r;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = backup_restore_report(from, dir, &k, &r, err, sizeof err);
  sodium_memzero(secret, sizeof secret);
  if (rc) {
    fprintf(stderr, "reflectd: %s\n", err);
    return EXIT_FAIL;
  }
  printf("restored %s in %ld ms: verified keys=%lld destroyed=%lld values=%lld opened=%lld shredded=%lld "
         "audit_entries=%lld integrity=ok fk_violations=0\n",
         dir, ms_since(&t0), (long long)r.keys, (long long)r.keys_destroyed, (long long)r.values, (long long)r.opened,
         (long long)r.shredded, (long long)r.audit_entries);
  return EXIT_OK;
}
