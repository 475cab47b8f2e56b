/*
 * config — reflectd's settings: defaults, then DIR/reflectd.conf (INI, read
 * with libinih), then command-line overrides applied by the caller.
 *
 * Contract: config_load fills *out from defaults and the file (a missing
 * file is fine; an unreadable or malformed one, an unknown key, or a value
 * out of range is an error naming the line and key in err). Every field is
 * bounded and validated here so the rest of the server can trust it.
 * config is a plain value: no heap, copy freely.
 */
#ifndef REFLECT_CONFIG_H
#define REFLECT_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define CONFIG_FILE_NAME "reflectd.conf"
#define CONFIG_ENDPOINT_MAX 256
#define CONFIG_LEADS_MAX 4
#define CONFIG_PATH_MAX 1024

typedef struct {
  char listen[CONFIG_ENDPOINT_MAX];
  char publish[CONFIG_ENDPOINT_MAX];
  int workers;               /* request workers (1..64) */
  int slow_workers;          /* password-hashing workers (1..16) */
  int slow_queue;            /* pending logins before UNAVAILABLE (1..10000) */
  char timezone[64];         /* IANA zone for display, e.g. Europe/London */
  int64_t token_idle_s;      /* token lapses after this long unused */
  int64_t token_absolute_s;  /* and after this long whatever happens */
  int login_max_failures;    /* failures before delays start */
  int64_t login_max_delay_s; /* the longest lock-out */
  int synchronous_full;      /* 1: synchronous=FULL (default); 0: NORMAL */
  /* Requests waiting for a worker beyond this many are refused UNAVAILABLE
   * at once by the broker (1..100000), so overload costs bounded memory. */
  int queue;
  /* Connections (requests and events together) beyond which new CURVE
   * keys that have never logged in are refused at the handshake, so a
   * flood of strangers' connections cannot take the file descriptors of
   * people with devices (16..1000000; zap.h). */
  int connections;
  /* The local control socket (`reflectd unseal|status|rotate-master-key|
   * backup`): "" means DIR/reflectd.sock. An absolute path. */
  char control[CONFIG_PATH_MAX];
  /* [backup] scheduled backups: dir "" turns them off; every_hours between
   * them (1..720); keep the newest keep scheduled files (1..1000). */
  char backup_dir[CONFIG_PATH_MAX];
  int backup_every_hours;
  int backup_keep;
  /* [retention] (docs/domain.md#frequencies-and-retention): a closed case is kept case_years after it
   * closed (0..200; 0 destroys it at the next run after closing, for a
   * trial); a looked-after child's until the end of the year they reach
   * looked_after_age (0..150), whichever is later. */
  int case_years;
  int looked_after_age;
  /* [events] */
  int event_threads;                        /* relay threads sealing and publishing (1..16) */
  int scheduler_s;                          /* seconds between scheduler runs (1..3600) */
  int64_t reminder_leads[CONFIG_LEADS_MAX]; /* seconds before a session, longest first */
  int n_reminder_leads;                     /* 0..CONFIG_LEADS_MAX: "reminders = none" turns them off */
  int event_keep_days;                      /* outbox rows older than this are pruned (1..3650) */
  /* [reports]: a case must be discussed in supervision within this many
   * days by risk (1..366; high <= medium <= low), and support and
   * development below this percent of classified discussion are flagged as
   * crowded out (0..100). */
  int coverage_high_days, coverage_medium_days, coverage_low_days;
  int min_support_percent, min_development_percent;
} config;

void config_defaults(config *out);
/* Reads DIR/reflectd.conf on top of the current values of *out. */
int config_load(const char *data_dir, config *out, char *err, size_t err_size);
/* The same for a named file (the package's /etc/reflect/reflectd.conf);
 * here a missing file is an error. */
int config_load_file(const char *path, config *out, char *err, size_t err_size);
/* Validates one endpoint string (tcp://, ipc://, inproc://). */
int config_check_endpoint(const char *ep);
/* Writes a commented default config file for a new data directory. */
int config_write_default(const char *data_dir, const config *c);

#endif
