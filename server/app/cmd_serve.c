/* `reflectd serve`: unseal (or start sealed), check, and hand over to the
 * broker, with the control socket and scheduled backups beside it. */
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backup.h"
#include "broker.h"
#include "commands.h"
#include "rotate.h"
#include "unseal.h"
#include "config.h"
#include "control.h"
#include "datadir.h"
#include "log.h"
#include "serve_setup.h"

static const char usage[] =
    "usage: reflectd serve --data DIR [--config FILE] [--listen ENDPOINT] [--publish ENDPOINT]\n"
    "                      [--workers N] [--control PATH]\n"
    "                      [--passphrase-stdin | --passphrase-file FILE | --sealed]\n"
    "\n"
    "Serves requests on a CURVE ROUTER (default tcp://127.0.0.1:7410) and events on a\n"
    "CURVE PUB (default tcp://127.0.0.1:7411) until SIGTERM or SIGINT, and answers\n"
    "`reflectd status|unseal|rotate-master-key|backup` on a local control socket.\n"
    "Settings come from DIR/reflectd.conf, or FILE with --config; options given here win.\n"
    "  --config FILE          read settings from FILE (it must exist) instead of DIR/reflectd.conf\n"
    "  --control PATH         the control socket (default [server] control, else DIR/reflectd.sock)\n"
    "  --passphrase-stdin     the master key is sealed with a passphrase: read it from stdin\n"
    "  --passphrase-file FILE read the passphrase from FILE's first line; FILE must be 0600\n"
    "                         unless it is under $CREDENTIALS_DIRECTORY (systemd LoadCredential=)\n"
    "  --sealed               start without keys (passphrase-sealed directories only): requests\n"
    "                         are refused UNAVAILABLE until `reflectd unseal` gives the passphrase\n";

typedef struct {
  const char *dir, *listen, *publish, *config_file, *pass_file, *control;
  int workers, pass_stdin, sealed;
} serve_args;

static int parse_workers(const char *s, int *out)
{
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end || v < 1 || v > 64) return -1;
  *out = (int)v;
  return 0;
}

/* 0 parsed, else the exit code to return. */
static int parse_args(int argc, char **argv, serve_args *a)
{
  static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
                                       {"listen", required_argument, NULL, 'l'},
                                       {"publish", required_argument, NULL, 'p'},
                                       {"workers", required_argument, NULL, 'w'},
                                       {"passphrase-stdin", no_argument, NULL, 's'},
                                       {"passphrase-file", required_argument, NULL, 'f'},
                                       {"sealed", no_argument, NULL, 'S'},
                                       {"config", required_argument, NULL, 'c'},
                                       {"control", required_argument, NULL, 'C'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int ch;
  memset(a, 0, sizeof *a);
  while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (ch) {
    case 'd': a->dir = optarg; break;
    case 'l': a->listen = optarg; break;
    case 'p': a->publish = optarg; break;
    case 'w':
      if (parse_workers(optarg, &a->workers)) {
        fprintf(stderr, "reflectd: --workers takes a number from 1 to 64\n");
        return EXIT_USAGE;
      }
      break;
    case 's': a->pass_stdin = 1; break;
    case 'f': a->pass_file = optarg; break;
    case 'S': a->sealed = 1; break;
    case 'c': a->config_file = optarg; break;
    case 'C': a->control = optarg; break;
    case 'h': fputs(usage, stdout); return -1;
    default: fputs(usage, stderr); return EXIT_USAGE;
    }
  }
  if (!a->dir || optind != argc) {
    fputs(usage, stderr);
    return EXIT_USAGE;
  }
  if (a->pass_stdin + (a->pass_file != NULL) + a->sealed > 1) {
    fprintf(stderr, "reflectd: give one of --passphrase-stdin, --passphrase-file and --sealed\n");
    return EXIT_USAGE;
  }
  if ((a->listen && config_check_endpoint(a->listen)) || (a->publish && config_check_endpoint(a->publish))) {
    fprintf(stderr, "reflectd: an endpoint must look like tcp://HOST:PORT or ipc:///PATH\n");
    return EXIT_USAGE;
  }
  if (a->control && (a->control[0] != '/' || strlen(a->control) >= CONFIG_PATH_MAX)) {
    fprintf(stderr, "reflectd: --control takes an absolute path\n");
    return EXIT_USAGE;
  }
  return 0;
}

static int load_config(const serve_args *a, config *cfg, char *err, size_t err_size)
{
  config_defaults(cfg);
  if (a->config_file ? config_load_file(a->config_file, cfg, err, err_size) : config_load(a->dir, cfg, err, err_size))
    return -1;
  if (a->listen) snprintf(cfg->listen, sizeof cfg->listen, "%s", a->listen);
  if (a->publish) snprintf(cfg->publish, sizeof cfg->publish, "%s", a->publish);
  if (a->control) snprintf(cfg->control, sizeof cfg->control, "%s", a->control);
  if (a->workers) cfg->workers = a->workers;
  /* Session planning keeps a wall-clock time of day across clock changes
   * with localtime_r/mktime, which read TZ. setenv is not thread-safe, so
   * the organisation's zone is set here, once, before any thread exists. */
  char zone_file[512];
  const char *zone_dir = getenv("TZDIR");
  snprintf(zone_file, sizeof zone_file, "%s/%s", zone_dir && *zone_dir == '/' ? zone_dir : "/usr/share/zoneinfo",
           cfg->timezone);
  if (access(zone_file, R_OK) != 0)
    log_line(LOG_WARN, "event=timezone_missing zone=%s hint=\"install tzdata\"", cfg->timezone);
  if (setenv("TZ", cfg->timezone, 1) == 0) tzset();
  return 0;
}

/* Migrations, the seal, and the server's CURVE secret, on a connection
 * that closes before serving: only workers touch the database then. */
static int open_keys(const serve_args *a, const config *cfg, const char *passphrase, vault **v, char secret[41],
                     char *err, size_t err_size)
{
  db *d = NULL;
  char mode[32] = "";
  int rc = -1;
  if (db_open(a->dir, DB_OPEN, cfg->synchronous_full, &d, err, err_size)) return -1;
  if (rotate_seal_mode(d, mode, sizeof mode)) {
    snprintf(err, err_size, "%s has no seal mode: not initialised by reflectd init?", a->dir);
  } else if (a->sealed && strcmp(mode, "passphrase")) {
    snprintf(err, err_size,
             "%s uses a key file, which needs no unsealing: --sealed is only for a passphrase-sealed "
             "directory",
             a->dir);
  } else if (!a->sealed && strcmp(mode, "passphrase") == 0 && !passphrase) {
    snprintf(err, err_size, "%s is sealed with a passphrase: pass --passphrase-stdin, --passphrase-file or --sealed",
             a->dir);
  } else if ((a->sealed || !unseal_open_vault(a->dir, d, passphrase, v, err, err_size)) &&
             !datadir_read_secret(a->dir, DATADIR_SERVER_KEY, secret, 41, err, err_size)) {
    rc = 0;
    if (strlen(secret) != 40) {
      snprintf(err, err_size, "%s/%s is not a Z85 CURVE secret key", a->dir, DATADIR_SERVER_KEY);
      rc = -1;
    }
  }
  db_close(d);
  return rc;
}

/* Everything beside the broker lives as long as broker_run. */
static int serve_with(const serve_args *a, const config *cfg, keystate *keys, server_stats *stats, broker_opts *o)
{
  char err[512], path[CONFIG_PATH_MAX];
  control *ctl = NULL;
  backup_sched *bs = NULL;
  control_opts co = {a->dir, path, cfg, keys, stats};
  if (control_path(a->dir, cfg, path, sizeof path)) {
    fprintf(stderr, "reflectd: the control socket path is too long (108 bytes at most): set [server] control\n");
    return EXIT_FAIL;
  }
  if (control_start(&co, &ctl, err, sizeof err)) {
    fprintf(stderr, "reflectd: %s\n", err);
    return EXIT_FAIL;
  }
  if (backup_sched_start(a->dir, cfg, keys, &bs)) {
    fprintf(stderr, "reflectd: could not start scheduled backups\n");
    control_stop(ctl);
    return EXIT_FAIL;
  }
  log_line(LOG_INFO, "event=starting data=%s sealed=%s", a->dir, keystate_sealed(keys) ? "yes" : "no");
  int rc = broker_run(o) == 0 ? EXIT_OK : EXIT_FAIL;
  if (rc) fprintf(stderr, "reflectd: could not serve (see the log line above)\n");
  backup_sched_stop(bs);
  control_stop(ctl);
  return rc;
}

int cmd_serve(int argc, char **argv)
{
  serve_args a;
  int prc = parse_args(argc, argv, &a);
  if (prc) return prc < 0 ? EXIT_OK : prc;

  /* Signals are taken by the broker through signalfd, so every thread
   * (including libzmq's) must start with them blocked. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  if (vault_harden_process() != VAULT_OK) log_line(LOG_WARN, "event=harden_failed");

  config cfg;
  char err[512], passphrase[1024] = "";
  if (load_config(&a, &cfg, err, sizeof err)) {
    fprintf(stderr, "reflectd: %s\n", err);
    return EXIT_FAIL;
  }
  if (a.pass_stdin && (commands_read_line(passphrase, sizeof passphrase) || !*passphrase)) {
    fprintf(stderr, "reflectd: no passphrase on stdin\n");
    return EXIT_USAGE;
  }
  if (a.pass_file && serve_setup_read_passphrase_file(a.pass_file, passphrase, sizeof passphrase, err, sizeof err)) {
    fprintf(stderr, "reflectd: %s\n", err);
    return EXIT_FAIL;
  }

  struct stat sb;
  if (stat(a.dir, &sb) == 0 && (sb.st_mode & 077))
    log_line(LOG_WARN, "event=data_dir_permissions dir=%s hint=\"chmod 700\"", a.dir);
  server_stats stats = {.started_at = (int64_t)time(NULL)};
  keystate *keys = NULL;
  broker_opts o = {a.dir, &cfg, NULL, &stats, ""};
  vault *v = NULL;
  int rc = EXIT_FAIL, lock_fd = -1;
  int lrc = unseal_lock_dir(a.dir, &lock_fd, err, sizeof err);
  if (lrc || open_keys(&a, &cfg, *passphrase ? passphrase : NULL, &v, o.secret_key, err, sizeof err)) {
    fprintf(stderr, "reflectd: %s\n", err);
    goto out;
  }
  sodium_memzero(passphrase, sizeof passphrase);
  if (keystate_new(v, &keys)) {
    fprintf(stderr, "reflectd: out of memory\n");
    goto out;
  }
  o.keys = keys;
  if (v) serve_setup_keys_ready(a.dir, &cfg, v);
  v = NULL; /* the keystate owns it now */
  rc = serve_with(&a, &cfg, keys, &stats, &o);
out:
  sodium_memzero(passphrase, sizeof passphrase);
  sodium_memzero(o.secret_key, sizeof o.secret_key);
  vault_close(v);
  keystate_free(keys);
  if (lock_fd >= 0) close(lock_fd);
  return rc;
}
