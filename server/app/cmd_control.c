/* `reflectd unseal`, `reflectd status` and `reflectd rotate-master-key`:
 * the administrator's side of the control socket (control.h), and the
 * offline rotation of a stopped server's directory. */
#define _GNU_SOURCE
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "unseal.h"
#include "config.h"
#include "control.h"
#include "db.h"
#include "rotate.h"

typedef struct {
  const char *dir, *control, *config_file;
  int pass_stdin, new_pass_stdin, json;
} ctl_args;

enum { OPT_DATA = 'd', OPT_CONTROL = 'C', OPT_CONFIG = 'c', OPT_PASS = 's', OPT_NEWPASS = 'n', OPT_JSON = 'j' };

/* -1: --help printed; 0 parsed; else the exit code. */
static int parse(int argc, char **argv, const struct option *opts, const char *usage, ctl_args *a)
{
  int ch;
  memset(a, 0, sizeof *a);
  while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (ch) {
    case OPT_DATA: a->dir = optarg; break;
    case OPT_CONTROL: a->control = optarg; break;
    case OPT_CONFIG: a->config_file = optarg; break;
    case OPT_PASS: a->pass_stdin = 1; break;
    case OPT_NEWPASS: a->new_pass_stdin = 1; break;
    case OPT_JSON: a->json = 1; break;
    case 'h': fputs(usage, stdout); return -1;
    default: fputs(usage, stderr); return EXIT_USAGE;
    }
  }
  if (optind != argc || (!a->dir && !a->control && !a->config_file)) {
    fputs(usage, stderr);
    return EXIT_USAGE;
  }
  return 0;
}

/* The control socket: --control, else [server] control from --config or
 * DIR/reflectd.conf, else DIR/reflectd.sock. */
static int socket_path(const ctl_args *a, char *out, size_t size)
{
  char err[512];
  config cfg;
  config_defaults(&cfg);
  if (a->control) {
    if (snprintf(out, size, "%s", a->control) >= (int)size) {
      fprintf(stderr, "reflectd: --control is too long\n");
      return -1;
    }
    return 0;
  }
  if (a->config_file ? config_load_file(a->config_file, &cfg, err, sizeof err)
                     : config_load(a->dir, &cfg, err, sizeof err)) {
    fprintf(stderr, "reflectd: %s\n", err);
    return -1;
  }
  if (!a->dir && !cfg.control[0]) {
    fprintf(stderr, "reflectd: %s sets no control socket: give --data DIR or --control PATH\n", a->config_file);
    return -1;
  }
  if (control_path(a->dir, &cfg, out, size)) {
    fprintf(stderr, "reflectd: the control socket path is too long\n");
    return -1;
  }
  return 0;
}

/* The value of key in a key=value reply, "" if absent. */
static const char *reply_get(const char *reply, const char *key, char *buf, size_t size)
{
  size_t klen = strlen(key);
  buf[0] = '\0';
  for (const char *p = reply; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
    if (!strncmp(p, key, klen) && p[klen] == '=') {
      size_t n = strcspn(p + klen + 1, "\n");
      if (n >= size) n = size - 1;
      memcpy(buf, p + klen + 1, n);
      buf[n] = '\0';
      break;
    }
  }
  return buf;
}

/* Prints the error of a reply; 0 if it was "ok". */
static int reply_failed(const char *reply)
{
  if (!strncmp(reply, "ok\n", 3)) return 0;
  const char *why = !strncmp(reply, "error: ", 7) ? reply + 7 : "the server sent an unreadable reply";
  fprintf(stderr, "reflectd: %.*s\n", (int)strcspn(why, "\n"), why);
  return 1;
}

/* A passphrase from stdin (--...-stdin) or, on a terminal, typed without
 * echo. -1 with a reason printed if neither works. */
static int read_secret(int from_stdin, const char *prompt, char *buf, size_t size)
{
  if (from_stdin || !isatty(STDIN_FILENO)) {
    if (!from_stdin) {
      fprintf(stderr, "reflectd: stdin is not a terminal: pass the passphrase with --passphrase-stdin\n");
      return -1;
    }
    if (commands_read_line(buf, size) || !*buf) {
      fprintf(stderr, "reflectd: no passphrase on stdin\n");
      return -1;
    }
    return 0;
  }
  struct termios old, quiet;
  if (tcgetattr(STDIN_FILENO, &old) != 0) return -1;
  quiet = old;
  quiet.c_lflag &= (tcflag_t)~ECHO;
  fputs(prompt, stderr);
  fflush(stderr);
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  int rc = commands_read_line(buf, size);
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  fputc('\n', stderr);
  if (rc || !*buf) {
    fprintf(stderr, "reflectd: no passphrase given\n");
    return -1;
  }
  return 0;
}

static const char unseal_usage[] =
    "usage: reflectd unseal (--data DIR | --control PATH | --config FILE) [--passphrase-stdin]\n"
    "\n"
    "Gives a server started with --sealed its passphrase over the local control socket\n"
    "(root or the server's user only). Prompts without echo on a terminal.\n"
    "A wrong passphrase makes the next attempt wait longer (1, 2, 4 ... 30 s).\n";

int cmd_unseal(int argc, char **argv)
{
  static const struct option opts[] = {{"data", required_argument, NULL, OPT_DATA},
                                       {"control", required_argument, NULL, OPT_CONTROL},
                                       {"config", required_argument, NULL, OPT_CONFIG},
                                       {"passphrase-stdin", no_argument, NULL, OPT_PASS},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  ctl_args a;
  int prc = parse(argc, argv, opts, unseal_usage, &a);
  if (prc) return prc < 0 ? EXIT_OK : prc;
  char path[CONFIG_PATH_MAX], pass[1024], reply[CONTROL_REPLY_MAX], err[512], ms[32];
  if (socket_path(&a, path, sizeof path)) return EXIT_FAIL;
  if (read_secret(a.pass_stdin, "Passphrase: ", pass, sizeof pass)) return EXIT_FAIL;
  const char *lines[] = {pass};
  int rc = control_request(path, "unseal", lines, 1, reply, sizeof reply, err, sizeof err);
  sodium_memzero(pass, sizeof pass);
  if (rc == CONTROL_ENOSERVER) {
    fprintf(stderr, "reflectd: no server is running on %s\n", a.dir ? a.dir : path);
    return EXIT_FAIL;
  }
  if (rc) {
    fprintf(stderr, "reflectd: %s\n", err);
    return EXIT_FAIL;
  }
  if (reply_failed(reply)) return EXIT_FAIL;
  printf("unsealed in %s ms: the server now answers requests\n", reply_get(reply, "ms", ms, sizeof ms));
  return EXIT_OK;
}

static void print_json(const char *reply)
{
  const char *p = strchr(reply, '\n');
  int first = 1;
  fputc('{', stdout);
  for (p = p ? p + 1 : ""; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "") {
    size_t len = strcspn(p, "\n"), eq = strcspn(p, "=");
    if (eq >= len) continue;
    const char *v = p + eq + 1;
    size_t vlen = len - eq - 1, digits = strspn(v, "0123456789");
    printf("%s\"%.*s\":", first ? "" : ",", (int)eq, p);
    first = 0;
    if (vlen && digits == vlen && vlen < 19) {
      printf("%.*s", (int)vlen, v);
      continue;
    }
    fputc('"', stdout);
    for (size_t i = 0; i < vlen; i++) {
      unsigned char ch = (unsigned char)v[i];
      if (ch == '"' || ch == '\\') printf("\\%c", ch);
      else if (ch < 0x20) printf("\\u%04x", ch);
      else fputc(ch, stdout);
    }
    fputc('"', stdout);
  }
  puts("}");
}

static void print_human(const char *reply)
{
  char v[8][1100];
  long long up = atoll(reply_get(reply, "uptime_s", v[0], sizeof v[0]));
  printf("server:      running, pid %s, version %s, up %lldd %lldh %lldm\n", reply_get(reply, "pid", v[1], sizeof v[1]),
         reply_get(reply, "version", v[2], sizeof v[2]), up / 86400, up / 3600 % 24, up / 60 % 60);
  printf("sealed:      %s\n", !strcmp(reply_get(reply, "sealed", v[0], sizeof v[0]), "yes")
                                  ? "yes (run `reflectd unseal`: requests are refused until then)"
                                  : "no");
  printf("clients:     %s connected, %s watching events; %s handshakes refused\n",
         reply_get(reply, "clients", v[0], sizeof v[0]), reply_get(reply, "subscribers", v[1], sizeof v[1]),
         reply_get(reply, "refused_handshakes", v[2], sizeof v[2]));
  printf("requests:    %s served, %s refused while busy; queue %s now, %s at most\n",
         reply_get(reply, "requests_served", v[0], sizeof v[0]), reply_get(reply, "refused_busy", v[1], sizeof v[1]),
         reply_get(reply, "queue_now", v[2], sizeof v[2]), reply_get(reply, "queue_peak", v[3], sizeof v[3]));
  printf("database:    %s bytes\n", reply_get(reply, "db_bytes", v[0], sizeof v[0]));
  time_t at = (time_t)atoll(reply_get(reply, "last_backup_at", v[0], sizeof v[0]));
  if (at) {
    struct tm tm;
    char when[32];
    gmtime_r(&at, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%SZ", &tm);
    printf("last backup: %s %s (%s)\n", when, reply_get(reply, "last_backup_path", v[1], sizeof v[1]),
           !strcmp(reply_get(reply, "last_backup_ok", v[2], sizeof v[2]), "yes") ? "ok" : "FAILED");
  } else {
    printf("last backup: none\n");
  }
  printf("data:        %s\n", reply_get(reply, "data_dir", v[0], sizeof v[0]));
}

static const char status_usage[] =
    "usage: reflectd status (--data DIR | --control PATH | --config FILE) [--json]\n"
    "\n"
    "A running server's state over its local control socket: version, uptime, sealed or\n"
    "not, connected clients, requests served, database size, last backup.\n"
    "Exits 1 if no server is running.\n";

int cmd_status(int argc, char **argv)
{
  static const struct option opts[] = {{"data", required_argument, NULL, OPT_DATA},
                                       {"control", required_argument, NULL, OPT_CONTROL},
                                       {"config", required_argument, NULL, OPT_CONFIG},
                                       {"json", no_argument, NULL, OPT_JSON},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  ctl_args a;
  int prc = parse(argc, argv, opts, status_usage, &a);
  if (prc) return prc < 0 ? EXIT_OK : prc;
  char path[CONFIG_PATH_MAX], reply[CONTROL_REPLY_MAX], err[512];
  if (socket_path(&a, path, sizeof path)) return EXIT_FAIL;
  int rc = control_request(path, "status", NULL, 0, reply, sizeof reply, err, sizeof err);
  if (rc == CONTROL_ENOSERVER) {
    fprintf(stderr, "reflectd: no server is running on %s\n", a.dir ? a.dir : path);
    return EXIT_FAIL;
  }
  if (rc) {
    fprintf(stderr, "reflectd: %s\n", err);
    return EXIT_FAIL;
  }
  if (reply_failed(reply)) return EXIT_FAIL;
  if (a.json) print_json(reply);
  else print_human(reply);
  return EXIT_OK;
}

static const char rotate_usage[] =
    "usage: reflectd rotate-master-key --data DIR [--control PATH | --config FILE]\n"
    "                                  [--passphrase-stdin] [--new-passphrase-stdin]\n"
    "\n"
    "Re-wraps every data key under a new master key in one transaction. If a server runs\n"
    "on DIR it does it (requests wait, none fail); otherwise it is done here.\n"
    "Key-file mode: the old key is kept in DIR/retired-keys/ (backups made before need it).\n"
    "Passphrase-sealed: the new passphrase is read from stdin (--new-passphrase-stdin) or\n"
    "typed twice on a terminal; a stopped server's directory also needs the current one\n"
    "first (--passphrase-stdin).\n";

static void print_rotated(long long keys, const char *retired, long long ms, long long locked_ms)
{
  printf("rotated the master key: %lld data keys re-wrapped in %lld ms", keys, ms);
  if (locked_ms >= 0) printf(" (requests waited %lld ms)", locked_ms);
  printf("\n");
  if (*retired) {
    printf("the old key is kept at %s\n", retired);
    printf("Keep %s offline with the backups made before now: they need it to restore.\n", retired);
  } else {
    printf("Keep the old passphrase with the backups made before now: they need it to restore.\n");
  }
}

/* The new passphrase, typed twice on a terminal. */
static int new_passphrase(int from_stdin, char *buf, size_t size)
{
  char again[1024];
  if (read_secret(from_stdin, "New passphrase: ", buf, size)) return -1;
  if (from_stdin) return 0;
  int rc = read_secret(0, "New passphrase again: ", again, sizeof again);
  if (!rc && strcmp(buf, again)) {
    fprintf(stderr, "reflectd: the two passphrases differ\n");
    rc = -1;
  }
  sodium_memzero(again, sizeof again);
  return rc;
}

static int rotate_offline(const ctl_args *a, const char *path, int passphrase)
{
  char err[512], current[1024] = "", fresh_pass[1024] = "";
  uint8_t salt[VAULT_SALT_BYTES];
  int lock_fd = -1, rc = EXIT_FAIL;
  db *d = NULL;
  vault *old = NULL, *fresh = NULL;
  rotate_result res;
  int lrc = unseal_lock_dir(a->dir, &lock_fd, err, sizeof err);
  if (lrc == 1) {
    fprintf(stderr, "reflectd: a server is running on %s but does not answer on %s: give its --control PATH\n", a->dir,
            path);
    return EXIT_FAIL;
  }
  if (lrc) {
    fprintf(stderr, "reflectd: %s\n", err);
    return EXIT_FAIL;
  }
  if (passphrase && (read_secret(a->pass_stdin, "Current passphrase: ", current, sizeof current) ||
                     new_passphrase(a->new_pass_stdin, fresh_pass, sizeof fresh_pass)))
    goto out;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (db_open(a->dir, DB_OPEN, 1, &d, err, sizeof err) ||
      unseal_open_vault(a->dir, d, passphrase ? current : NULL, &old, err, sizeof err)) {
    fprintf(stderr, "reflectd: %s\n", err);
    goto out;
  }
  if (passphrase) vault_new_salt(salt);
  if ((passphrase ? vault_open_passphrase(fresh_pass, strlen(fresh_pass), salt, &fresh, NULL)
                  : vault_create_random(&fresh, NULL)) ||
      vault_copy_index_key(fresh, old)) {
    fprintf(stderr, "reflectd: could not make the new master key\n");
    goto out;
  }
  if (rotate_master(a->dir, d, old, fresh, passphrase ? salt : NULL, &res, err, sizeof err)) {
    fprintf(stderr, "reflectd: %s; the old key still works\n", err);
    goto out;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  print_rotated((long long)res.keys_rewrapped, res.retired_path,
                (long long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000), -1);
  if (res.files_pending)
    fprintf(stderr, "reflectd: the new key is in %s/%s: the next start puts it in place\n", a->dir, ROTATE_NEW_KEY);
  rc = EXIT_OK;
out:
  sodium_memzero(current, sizeof current);
  sodium_memzero(fresh_pass, sizeof fresh_pass);
  vault_close(old);
  vault_close(fresh);
  db_close(d);
  if (lock_fd >= 0) close(lock_fd);
  return rc;
}

/* The seal mode read straight from the file, so a running server's
 * directory can be asked without taking any lock. */
static int read_mode(const char *dir, char *mode, size_t size)
{
  char file[CONFIG_PATH_MAX + 32];
  sqlite3 *h = NULL;
  sqlite3_stmt *st = NULL;
  int rc = -1;
  snprintf(file, sizeof file, "%s/%s", dir, DB_FILE_NAME);
  if (sqlite3_open_v2(file, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
    sqlite3_busy_timeout(h, 2000);
    if (sqlite3_prepare_v2(h, "SELECT value FROM meta WHERE key = 'seal_mode'", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && (size_t)sqlite3_column_bytes(st, 0) < size) {
      memcpy(mode, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
      mode[sqlite3_column_bytes(st, 0)] = '\0';
      rc = 0;
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  if (rc) fprintf(stderr, "reflectd: cannot read the seal mode of %s (not a data directory?)\n", dir);
  return rc;
}

int cmd_rotate(int argc, char **argv)
{
  static const struct option opts[] = {{"data", required_argument, NULL, OPT_DATA},
                                       {"control", required_argument, NULL, OPT_CONTROL},
                                       {"config", required_argument, NULL, OPT_CONFIG},
                                       {"passphrase-stdin", no_argument, NULL, OPT_PASS},
                                       {"new-passphrase-stdin", no_argument, NULL, OPT_NEWPASS},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  ctl_args a;
  int prc = parse(argc, argv, opts, rotate_usage, &a);
  if (prc) return prc < 0 ? EXIT_OK : prc;
  if (!a.dir) {
    fputs(rotate_usage, stderr);
    return EXIT_USAGE;
  }
  char path[CONFIG_PATH_MAX], mode[32], reply[CONTROL_REPLY_MAX], err[512], pass[1024] = "";
  if (socket_path(&a, path, sizeof path) || read_mode(a.dir, mode, sizeof mode)) return EXIT_FAIL;
  int passphrase = !strcmp(mode, "passphrase");
  /* Ask a running server first: rotating under its feet would leave it
   * wrapping new keys under a master key the database no longer has. */
  int rc = control_request(path, "status", NULL, 0, reply, sizeof reply, err, sizeof err);
  if (rc == CONTROL_ENOSERVER) return rotate_offline(&a, path, passphrase);
  if (rc) {
    fprintf(stderr, "reflectd: %s\n", err);
    return EXIT_FAIL;
  }
  if (passphrase && new_passphrase(a.new_pass_stdin, pass, sizeof pass)) return EXIT_FAIL;
  const char *lines[] = {pass, pass};
  rc = control_request(path, "rotate", lines, passphrase ? 2 : 0, reply, sizeof reply, err, sizeof err);
  sodium_memzero(pass, sizeof pass);
  if (rc) {
    fprintf(stderr, "reflectd: %s\n", err);
    return EXIT_FAIL;
  }
  if (reply_failed(reply)) return EXIT_FAIL;
  char v[4][1100];
  print_rotated(atoll(reply_get(reply, "keys_rewrapped", v[0], sizeof v[0])),
                reply_get(reply, "retired", v[1], sizeof v[1]), atoll(reply_get(reply, "ms", v[2], sizeof v[2])),
                atoll(reply_get(reply, "locked_ms", v[3], sizeof v[3])));
  return EXIT_OK;
}
