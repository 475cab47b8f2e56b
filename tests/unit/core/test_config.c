#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static char dir[] = "/tmp/reflect-config-XXXXXX";

static void write_conf(const char *text)
{
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, CONFIG_FILE_NAME);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs(text, f);
  fclose(f);
}

static void setup(void)
{
  cr_assert_not_null(mkdtemp(dir));
}
static void teardown(void)
{
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
}

TestSuite(config, .init = setup, .fini = teardown);

Test(config, missing_file_keeps_defaults)
{
  config c;
  char err[256];
  config_defaults(&c);
  cr_assert_eq(config_load(dir, &c, err, sizeof err), 0);
  cr_assert_str_eq(c.listen, "tcp://127.0.0.1:7410");
  cr_assert_eq(c.synchronous_full, 1);
  cr_assert_str_eq(c.timezone, "Europe/London");
}

Test(config, values_are_read_and_scaled)
{
  write_conf("[server]\nlisten = ipc:///tmp/x.sock\nworkers = 8\ntimezone = America/New_York\n"
             "[security]\ntoken_idle_minutes = 30\ntoken_absolute_hours = 8\n[storage]\nsynchronous = normal\n");
  config c;
  char err[256];
  config_defaults(&c);
  cr_assert_eq(config_load(dir, &c, err, sizeof err), 0, "%s", err);
  cr_assert_str_eq(c.listen, "ipc:///tmp/x.sock");
  cr_assert_eq(c.workers, 8);
  cr_assert_eq(c.token_idle_s, 30 * 60);
  cr_assert_eq(c.token_absolute_s, 8 * 3600);
  cr_assert_eq(c.synchronous_full, 0);
  cr_assert_str_eq(c.timezone, "America/New_York");
}

Test(config, the_default_file_reads_back_as_the_defaults)
{
  config a, b;
  char err[256];
  config_defaults(&a);
  cr_assert_eq(config_write_default(dir, &a), 0);
  config_defaults(&b);
  b.workers = 1;
  cr_assert_eq(config_load(dir, &b, err, sizeof err), 0, "%s", err);
  cr_assert_eq(memcmp(&a, &b, sizeof a), 0);
  cr_assert_neq(config_write_default(dir, &a), 0, "must not overwrite");
}

Test(config, errors_name_the_setting_and_line)
{
  const char *bad[] = {
      "[server]\nworkers = 0\n",
      "[server]\nworkers = 12abc\n",
      "[server]\nlisten = http://x\n",
      "[server]\ntimezone = ../../etc/passwd\n",
      "[server]\nnonsense = 1\n",
      "[storage]\nsynchronous = off\n",
      "[security]\ntoken_idle_minutes = 600\ntoken_absolute_hours = 1\n",
      "this is not ini\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    write_conf(bad[i]);
    config c;
    char err[256] = "";
    config_defaults(&c);
    cr_assert_neq(config_load(dir, &c, err, sizeof err), 0, "accepted: %s", bad[i]);
    cr_assert(strlen(err) > 10, "no explanation for: %s", bad[i]);
  }
  write_conf("[server]\nworkers = 0\n");
  config c;
  char err[256];
  config_defaults(&c);
  config_load(dir, &c, err, sizeof err);
  cr_assert(strstr(err, "workers") && strstr(err, "line 2"), "%s", err);
}

Test(config, endpoints_are_validated)
{
  cr_assert_eq(config_check_endpoint("tcp://127.0.0.1:7410"), 0);
  cr_assert_eq(config_check_endpoint("ipc:///tmp/a.sock"), 0);
  cr_assert_neq(config_check_endpoint(""), 0);
  cr_assert_neq(config_check_endpoint("udp://1.2.3.4:5"), 0);
  cr_assert_neq(config_check_endpoint("tcp://host :1"), 0);
}

Test(config, events_settings_and_reminder_leads)
{
  config c;
  char err[256];
  config_defaults(&c);
  cr_assert_eq(c.n_reminder_leads, 2);
  cr_assert_eq(c.reminder_leads[0], 24 * 3600);
  cr_assert_eq(c.reminder_leads[1], 3600);
  write_conf("[events]\nreminders = 15m, 2d,1h\nscheduler_seconds = 5\nthreads = 3\nkeep_days = 30\n");
  cr_assert_eq(config_load(dir, &c, err, sizeof err), 0, "%s", err);
  /* Longest first, whatever order they were written in. */
  cr_assert_eq(c.n_reminder_leads, 3);
  cr_assert_eq(c.reminder_leads[0], 2 * 86400);
  cr_assert_eq(c.reminder_leads[1], 3600);
  cr_assert_eq(c.reminder_leads[2], 15 * 60);
  cr_assert_eq(c.scheduler_s, 5);
  cr_assert_eq(c.event_threads, 3);
  cr_assert_eq(c.event_keep_days, 30);
  write_conf("[events]\nreminders = none\n");
  cr_assert_eq(config_load(dir, &c, err, sizeof err), 0, "%s", err);
  cr_assert_eq(c.n_reminder_leads, 0);
}

Test(config, bad_reminder_leads_are_refused)
{
  const char *bad[] = {"0h", "1x", "15d", "1h, 1h", "1h,2h,3h,4h,5h", "", "h", "1h;2h", "-1h", "1hh", "60m, 1h"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    config c;
    char err[256], text[128];
    config_defaults(&c);
    snprintf(text, sizeof text, "[events]\nreminders = %s\n", bad[i]);
    write_conf(text);
    cr_assert_neq(config_load(dir, &c, err, sizeof err), 0, "'%s' was accepted", bad[i]);
    cr_assert(strstr(err, "reminders"), "%s", err);
    cr_assert_eq(c.n_reminder_leads, 2, "a refused value changed the leads");
  }
}

Test(config, reports_settings)
{
  config c;
  char err[256];
  config_defaults(&c);
  cr_assert_eq(c.coverage_high_days, 14);
  cr_assert_eq(c.coverage_medium_days, 28);
  cr_assert_eq(c.coverage_low_days, 56);
  cr_assert_eq(c.min_support_percent, 15);
  cr_assert_eq(c.min_development_percent, 15);
  write_conf("[reports]\ncoverage_high_days = 7\ncoverage_medium_days = 7\ncoverage_low_days = 366\n"
             "min_support_percent = 0\nmin_development_percent = 100\n");
  cr_assert_eq(config_load(dir, &c, err, sizeof err), 0, "%s", err);
  cr_assert_eq(c.coverage_high_days, 7);
  cr_assert_eq(c.coverage_medium_days, 7);
  cr_assert_eq(c.coverage_low_days, 366);
  cr_assert_eq(c.min_support_percent, 0);
  cr_assert_eq(c.min_development_percent, 100);
}

Test(config, bad_reports_settings_are_refused)
{
  const char *bad[] = {
      "[reports]\ncoverage_high_days = 0\n",
      "[reports]\ncoverage_low_days = 367\n",
      "[reports]\nmin_support_percent = 101\n",
      "[reports]\nmin_development_percent = -1\n",
      "[reports]\ncoverage_medium_days = 2w\n",
      "[reports]\ncoverage_window = 3\n",
      /* A riskier case may not wait longer than a safer one. */
      "[reports]\ncoverage_high_days = 30\n",
      "[reports]\ncoverage_medium_days = 60\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    config c;
    char err[256] = "";
    config_defaults(&c);
    write_conf(bad[i]);
    cr_assert_neq(config_load(dir, &c, err, sizeof err), 0, "accepted: %s", bad[i]);
    cr_assert(strstr(err, "reports") || strstr(err, "coverage") || strstr(err, "percent"), "%s: %s", bad[i], err);
  }
}
