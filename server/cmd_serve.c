/* `reflectd serve`: unseal, check, and hand over to the broker. */
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "broker.h"
#include "commands.h"
#include "config.h"
#include "datadir.h"
#include "log.h"

static const char usage[] =
    "usage: reflectd serve --data DIR [--listen ENDPOINT] [--publish ENDPOINT] [--workers N]\n"
    "                      [--passphrase-stdin]\n"
    "\n"
    "Serves requests on a CURVE ROUTER (default tcp://127.0.0.1:7410) and events on a\n"
    "CURVE PUB (default tcp://127.0.0.1:7411) until SIGTERM or SIGINT.\n"
    "DIR/reflectd.conf may set the same; options given here win.\n"
    "  --passphrase-stdin   the master key is sealed with a passphrase: read it from stdin\n";

static int parse_workers(const char *s, int *out)
{
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end || v < 1 || v > 64) return -1;
  *out = (int)v;
  return 0;
}

int cmd_serve(int argc, char **argv)
{
  static const struct option opts[] = {
      {"data", required_argument, NULL, 'd'},    {"listen", required_argument, NULL, 'l'},
      {"publish", required_argument, NULL, 'p'}, {"workers", required_argument, NULL, 'w'},
      {"passphrase-stdin", no_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *dir = NULL, *listen = NULL, *publish = NULL;
  int workers = 0, pass_stdin = 0, ch;
  while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (ch) {
    case 'd': dir = optarg; break;
    case 'l': listen = optarg; break;
    case 'p': publish = optarg; break;
    case 'w':
      if (parse_workers(optarg, &workers)) {
        fprintf(stderr, "reflectd: --workers takes a number from 1 to 64\n");
        return EXIT_USAGE;
      }
      break;
    case 's': pass_stdin = 1; break;
    case 'h': fputs(usage, stdout); return EXIT_OK;
    default: fputs(usage, stderr); return EXIT_USAGE;
    }
  }
  if (!dir || optind != argc) { fputs(usage, stderr); return EXIT_USAGE; }
  if ((listen && config_check_endpoint(listen)) || (publish && config_check_endpoint(publish))) {
    fprintf(stderr, "reflectd: an endpoint must look like tcp://HOST:PORT or ipc:///PATH\n");
    return EXIT_USAGE;
  }

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
  config_defaults(&cfg);
  if (config_load(dir, &cfg, err, sizeof err)) {
    fprintf(stderr, "reflectd: %s\n", err);
    return EXIT_FAIL;
  }
  if (listen) snprintf(cfg.listen, sizeof cfg.listen, "%s", listen);
  if (publish) snprintf(cfg.publish, sizeof cfg.publish, "%s", publish);
  if (workers) cfg.workers = workers;
  /* Session planning keeps a wall-clock time of day across clock changes
   * with localtime_r/mktime, which read TZ. setenv is not thread-safe, so
   * the organisation's zone is set here, once, before any thread exists. */
  char zone_file[512];
  const char *zone_dir = getenv("TZDIR");
  snprintf(zone_file, sizeof zone_file, "%s/%s", zone_dir && *zone_dir == '/' ? zone_dir : "/usr/share/zoneinfo",
           cfg.timezone);
  if (access(zone_file, R_OK) != 0) log_line(LOG_WARN, "event=timezone_missing zone=%s hint=\"install tzdata\"", cfg.timezone);
  if (setenv("TZ", cfg.timezone, 1) == 0) tzset();
  if (pass_stdin && commands_read_line(passphrase, sizeof passphrase)) {
    fprintf(stderr, "reflectd: no passphrase on stdin\n");
    return EXIT_USAGE;
  }

  struct stat sb;
  if (stat(dir, &sb) == 0 && (sb.st_mode & 077))
    log_line(LOG_WARN, "event=data_dir_permissions dir=%s hint=\"chmod 700\"", dir);
  server_stats stats = {.started_at = (int64_t)time(NULL)};
  keystate *keys = NULL;
  broker_opts o = {dir, &cfg, NULL, &stats, ""};
  vault *v = NULL;
  db *d = NULL;
  int rc = EXIT_FAIL;
  /* The main thread's connection runs migrations and reads the seal, then
   * closes: only workers touch the database while serving. */
  if (db_open(dir, DB_OPEN, cfg.synchronous_full, &d, err, sizeof err) ||
      commands_open_vault(dir, d, pass_stdin ? passphrase : NULL, &v, err, sizeof err) ||
      datadir_read_secret(dir, DATADIR_SERVER_KEY, o.secret_key, sizeof o.secret_key, err, sizeof err)) {
    fprintf(stderr, "reflectd: %s\n", err);
    goto out;
  }
  db_close(d);
  d = NULL;
  sodium_memzero(passphrase, sizeof passphrase);
  if (strlen(o.secret_key) != 40) {
    fprintf(stderr, "reflectd: %s/%s is not a Z85 CURVE secret key\n", dir, DATADIR_SERVER_KEY);
    goto out;
  }
  if (keystate_new(v, &keys)) {
    fprintf(stderr, "reflectd: out of memory\n");
    goto out;
  }
  v = NULL; /* the keystate owns it now */
  o.keys = keys;
  log_line(LOG_INFO, "event=starting data=%s", dir);
  if (broker_run(&o) == 0) rc = EXIT_OK;
  else fprintf(stderr, "reflectd: could not serve (see the log line above)\n");
out:
  sodium_memzero(passphrase, sizeof passphrase);
  sodium_memzero(o.secret_key, sizeof o.secret_key);
  db_close(d);
  vault_close(v);
  keystate_free(keys);
  return rc;
}
