#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void config_defaults(config *c)
{
  memset(c, 0, sizeof *c);
  snprintf(c->listen, sizeof c->listen, "tcp://127.0.0.1:7410");
  snprintf(c->publish, sizeof c->publish, "tcp://127.0.0.1:7411");
  c->workers = 4;
  c->slow_workers = 2;
  c->slow_queue = 256;
  c->connections = 4096;
  snprintf(c->timezone, sizeof c->timezone, "Europe/London");
  c->token_idle_s = 2 * 3600;
  c->token_absolute_s = 12 * 3600;
  c->login_max_failures = 5;
  c->login_max_delay_s = 15 * 60;
  c->synchronous_full = 1;
  c->event_threads = 2;
  c->scheduler_s = 30;
  c->reminder_leads[0] = 24 * 3600;
  c->reminder_leads[1] = 3600;
  c->n_reminder_leads = 2;
  c->event_keep_days = 90;
  c->coverage_high_days = 14;
  c->coverage_medium_days = 28;
  c->coverage_low_days = 56;
  c->min_support_percent = 15;
  c->min_development_percent = 15;
  c->queue = 256;
  c->backup_every_hours = 24;
  c->backup_keep = 7;
  c->case_years = 25;
  c->looked_after_age = 75;
}

/* Absolute, printable, no "..": a setting cannot point somewhere odd by
 * accident, and the value is safe in a log line. */
static int check_path(const char *v)
{
  if (v[0] != '/' || strlen(v) >= CONFIG_PATH_MAX || strstr(v, "/../") ||
      (strlen(v) >= 3 && !strcmp(v + strlen(v) - 3, "/..")))
    return -1;
  for (const char *p = v; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"') return -1;
  return 0;
}

int config_check_endpoint(const char *ep)
{
  size_t n = strlen(ep);
  if (n == 0 || n >= CONFIG_ENDPOINT_MAX) return -1;
  if (strncmp(ep, "tcp://", 6) && strncmp(ep, "ipc://", 6) && strncmp(ep, "inproc://", 9)) return -1;
  for (const char *p = ep; *p; p++)
    if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) return -1;
  return 0;
}

typedef struct {
  config *c;
  char *err;
  size_t err_size;
  int failed;
} load_state;

static int parse_int(const char *v, long long lo, long long hi, long long *out)
{
  char *end;
  errno = 0;
  long long x = strtoll(v, &end, 10);
  if (errno || end == v || *end || x < lo || x > hi) return -1;
  *out = x;
  return 0;
}

static int check_timezone(const char *tz)
{
  /* An IANA name is letters, digits, '_', '-', '+', '/'; no "..", no
   * leading '/', so it cannot point outside the zoneinfo tree. */
  if (!*tz || strlen(tz) >= 64 || tz[0] == '/' || strstr(tz, "..")) return -1;
  for (const char *p = tz; *p; p++)
    if (!(isalnum((unsigned char)*p) || strchr("_-+/", *p))) return -1;
  return 0;
}

typedef struct {
  const char *section, *name;
  long long lo, hi, scale;
  size_t offset;
  int is64;
} int_key;

#define INTK(sec, nm, lo, hi, scale, field, is64)         \
  {                                                       \
    sec, nm, lo, hi, scale, offsetof(config, field), is64 \
  }
static const int_key int_keys[] = {
    INTK("server", "workers", 1, 64, 1, workers, 0),
    INTK("server", "slow_workers", 1, 16, 1, slow_workers, 0),
    INTK("server", "slow_queue", 1, 10000, 1, slow_queue, 0),
    INTK("server", "queue", 1, 100000, 1, queue, 0),
    INTK("server", "connections", 16, 1000000, 1, connections, 0),
    INTK("backup", "every_hours", 1, 720, 1, backup_every_hours, 0),
    INTK("backup", "keep", 1, 1000, 1, backup_keep, 0),
    INTK("retention", "case_years", 0, 200, 1, case_years, 0),
    INTK("retention", "looked_after_age", 0, 150, 1, looked_after_age, 0),
    INTK("security", "token_idle_minutes", 1, 7 * 24 * 60, 60, token_idle_s, 1),
    INTK("security", "token_absolute_hours", 1, 30 * 24, 3600, token_absolute_s, 1),
    INTK("security", "login_max_failures", 1, 100, 1, login_max_failures, 0),
    INTK("security", "login_max_delay_minutes", 1, 24 * 60, 60, login_max_delay_s, 1),
    INTK("events", "threads", 1, 16, 1, event_threads, 0),
    INTK("events", "scheduler_seconds", 1, 3600, 1, scheduler_s, 0),
    INTK("events", "keep_days", 1, 3650, 1, event_keep_days, 0),
    INTK("reports", "coverage_high_days", 1, 366, 1, coverage_high_days, 0),
    INTK("reports", "coverage_medium_days", 1, 366, 1, coverage_medium_days, 0),
    INTK("reports", "coverage_low_days", 1, 366, 1, coverage_low_days, 0),
    INTK("reports", "min_support_percent", 0, 100, 1, min_support_percent, 0),
    INTK("reports", "min_development_percent", 0, 100, 1, min_development_percent, 0),
};

/* "24h, 1h, 15m": up to CONFIG_LEADS_MAX distinct lead times of 1 minute
 * to 14 days, each a number and a unit (m, h or d); "none" for no
 * reminders. Stored longest first. */
static int parse_leads(const char *v, config *c)
{
  int64_t leads[CONFIG_LEADS_MAX];
  int n = 0;
  if (!strcmp(v, "none")) {
    c->n_reminder_leads = 0;
    return 0;
  }
  for (const char *p = v; *p;) {
    while (*p == ' ' || *p == ',') p++;
    if (!*p) break;
    char *end;
    errno = 0;
    long long x = strtoll(p, &end, 10);
    if (errno || end == p || x <= 0 || x > 20160 || n == CONFIG_LEADS_MAX) return -1;
    int64_t unit = *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 0;
    if (!unit || x * unit > 14 * 86400) return -1;
    leads[n++] = x * unit;
    p = end + 1;
    if (*p && *p != ' ' && *p != ',') return -1;
  }
  if (n == 0) return -1;
  for (int i = 0; i < n; i++) /* longest first; no repeats */
    for (int j = i + 1; j < n; j++) {
      if (leads[j] == leads[i]) return -1;
      if (leads[j] > leads[i]) {
        int64_t t = leads[i];
        leads[i] = leads[j];
        leads[j] = t;
      }
    }
  memcpy(c->reminder_leads, leads, sizeof leads[0] * (size_t)n);
  c->n_reminder_leads = n;
  return 0;
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
  load_state *st = user;
  config *c = st->c;
  if (!strcmp(section, "server") && (!strcmp(name, "listen") || !strcmp(name, "publish"))) {
    if (config_check_endpoint(value)) goto bad;
    char *dst = !strcmp(name, "listen") ? c->listen : c->publish;
    snprintf(dst, CONFIG_ENDPOINT_MAX, "%s", value);
    return 1;
  }
  if (!strcmp(section, "server") && !strcmp(name, "timezone")) {
    if (check_timezone(value)) goto bad;
    snprintf(c->timezone, sizeof c->timezone, "%s", value);
    return 1;
  }
  if ((!strcmp(section, "server") && !strcmp(name, "control")) ||
      (!strcmp(section, "backup") && !strcmp(name, "dir"))) {
    if (*value && check_path(value)) goto bad;
    snprintf(!strcmp(section, "server") ? c->control : c->backup_dir, CONFIG_PATH_MAX, "%s", value);
    return 1;
  }
  if (!strcmp(section, "storage") && !strcmp(name, "synchronous")) {
    if (!strcmp(value, "full")) c->synchronous_full = 1;
    else if (!strcmp(value, "normal")) c->synchronous_full = 0;
    else goto bad;
    return 1;
  }
  if (!strcmp(section, "events") && !strcmp(name, "reminders")) {
    if (parse_leads(value, c)) goto bad;
    return 1;
  }
  for (size_t i = 0; i < sizeof int_keys / sizeof int_keys[0]; i++) {
    const int_key *k = &int_keys[i];
    if (strcmp(section, k->section) || strcmp(name, k->name)) continue;
    long long x;
    if (parse_int(value, k->lo, k->hi, &x)) goto bad;
    if (k->is64) *(int64_t *)((char *)c + k->offset) = (int64_t)(x * k->scale);
    else *(int *)((char *)c + k->offset) = (int)(x * k->scale);
    return 1;
  }
  snprintf(st->err, st->err_size, "unknown setting [%s] %s", section, name);
  st->failed = 1;
  return 0;
bad:
  snprintf(st->err, st->err_size, "invalid value for [%s] %s", section, name);
  st->failed = 1;
  return 0;
}

static int load_path(const char *path, int missing_ok, config *out, char *err, size_t err_size);

int config_load(const char *data_dir, config *out, char *err, size_t err_size)
{
  char path[4096];
  if (snprintf(path, sizeof path, "%s/%s", data_dir, CONFIG_FILE_NAME) >= (int)sizeof path) {
    snprintf(err, err_size, "data directory path too long");
    return -1;
  }
  return load_path(path, 1, out, err, err_size);
}

int config_load_file(const char *path, config *out, char *err, size_t err_size)
{
  return load_path(path, 0, out, err, err_size);
}

static int load_path(const char *path, int missing_ok, config *out, char *err, size_t err_size)
{
  FILE *f = fopen(path, "re");
  if (!f) {
    if (errno == ENOENT && missing_ok) return 0;
    snprintf(err, err_size, "cannot read %s: %s", path, strerror(errno));
    return -1;
  }
  load_state st = {out, err, err_size, 0};
  int line = ini_parse_file(f, on_entry, &st);
  fclose(f);
  if (line != 0) {
    if (!st.failed) snprintf(err, err_size, "malformed line");
    size_t n = strlen(err);
    snprintf(err + n, err_size - n, " (%s line %d)", path, line);
    return -1;
  }
  if (out->token_idle_s > out->token_absolute_s) {
    snprintf(err, err_size, "token_idle_minutes exceeds token_absolute_hours in %s", path);
    return -1;
  }
  /* A riskier case is never allowed longer without discussion. */
  if (out->coverage_high_days > out->coverage_medium_days || out->coverage_medium_days > out->coverage_low_days) {
    snprintf(err, err_size, "[reports] needs coverage_high_days <= coverage_medium_days <= coverage_low_days in %s",
             path);
    return -1;
  }
  return 0;
}

int config_write_default(const char *data_dir, const config *c)
{
  char path[4096];
  if (snprintf(path, sizeof path, "%s/%s", data_dir, CONFIG_FILE_NAME) >= (int)sizeof path) return -1;
  char leads[16 * CONFIG_LEADS_MAX] = "none";
  for (int i = 0, off = 0; i < c->n_reminder_leads; i++) {
    int64_t l = c->reminder_leads[i];
    const char *unit = l % 86400 == 0 ? "d" : l % 3600 == 0 ? "h" : "m";
    int64_t x = l / (l % 86400 == 0 ? 86400 : l % 3600 == 0 ? 3600 : 60);
    off += snprintf(leads + off, sizeof leads - (size_t)off, "%s%lld%s", i ? ", " : "", (long long)x, unit);
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return -1;
  FILE *f = fdopen(fd, "w");
  if (!f) {
    close(fd);
    return -1;
  }
  fprintf(f,
          "; reflectd configuration. Command-line options override these.\n"
          "[server]\n"
          "listen = %s\n"
          "publish = %s\n"
          "workers = %d\n"
          "; password hashing (Argon2id, 64 MiB each) runs on its own threads\n"
          "slow_workers = %d\n"
          "slow_queue = %d\n"
          "; requests waiting for a worker beyond this are refused (UNAVAILABLE)\n"
          "queue = %d\n"
          "; beyond this many connections, only devices that have logged in may connect\n"
          "connections = %d\n"
          "timezone = %s\n"
          "\n[security]\n"
          "token_idle_minutes = %lld\n"
          "token_absolute_hours = %lld\n"
          "login_max_failures = %d\n"
          "login_max_delay_minutes = %lld\n"
          "\n[storage]\n"
          "; full: an acknowledged write survives power loss\n"
          "synchronous = %s\n"
          "\n[events]\n"
          "; reminders before each session (m, h or d), or none\n"
          "reminders = %s\n"
          "; how often the scheduler looks for reminders and overdue work\n"
          "scheduler_seconds = %d\n"
          "; threads sealing events to each person's devices\n"
          "threads = %d\n"
          "; how long a device that was offline can still catch up\n"
          "keep_days = %d\n"
          "\n[reports]\n"
          "; days a case may go undiscussed in supervision, by risk (1-366)\n"
          "coverage_high_days = %d\n"
          "coverage_medium_days = %d\n"
          "coverage_low_days = %d\n"
          "; below this %% of case, development, support and mediation discussion,\n"
          "; support or development is reported as crowded out (0-100)\n"
          "min_support_percent = %d\n"
          "min_development_percent = %d\n"
          "\n[backup]\n"
          "; scheduled backups: a directory (absolute) turns them on; keep the newest N\n"
          "dir = %s\n"
          "every_hours = %d\n"
          "keep = %d\n"
          "\n[retention]\n"
          "; years a closed case is kept; a looked-after child's record until the end of\n"
          "; the year they reach looked_after_age, if that is later. Then its key is destroyed.\n"
          "case_years = %d\n"
          "looked_after_age = %d\n",
          c->listen, c->publish, c->workers, c->slow_workers, c->slow_queue, c->queue, c->connections, c->timezone,
          (long long)(c->token_idle_s / 60), (long long)(c->token_absolute_s / 3600), c->login_max_failures,
          (long long)(c->login_max_delay_s / 60), c->synchronous_full ? "full" : "normal", leads, c->scheduler_s,
          c->event_threads, c->event_keep_days, c->coverage_high_days, c->coverage_medium_days, c->coverage_low_days,
          c->min_support_percent, c->min_development_percent, c->backup_dir, c->backup_every_hours, c->backup_keep,
          c->case_years, c->looked_after_age);
  int rc = fflush(f) || fsync(fd) ? -1 : 0;
  fclose(f);
  return rc;
}
