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
  /* [events] */
  int event_threads;         /* relay threads sealing and publishing (1..16) */
  int scheduler_s;           /* seconds between scheduler runs (1..3600) */
  int64_t reminder_leads[CONFIG_LEADS_MAX]; /* seconds before a session, longest first */
  int n_reminder_leads;      /* 0..CONFIG_LEADS_MAX: "reminders = none" turns them off */
  int event_keep_days;       /* outbox rows older than this are pruned (1..3650) */
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
/* Validates one endpoint string (tcp://, ipc://, inproc://). */
int config_check_endpoint(const char *ep);
/* Writes a commented default config file for a new data directory. */
int config_write_default(const char *data_dir, const config *c);

#endif
