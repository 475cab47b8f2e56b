/*
 * cli_reports — the `reflect report`, `reflect export`, `reflect kpi`,
 * `reflect survey` and `reflect inspector` commands, each defined
 * in its own file; the report and export groups are in cli_report.c.
 */
#ifndef REFLECT_CLI_REPORTS_H
#define REFLECT_CLI_REPORTS_H

#include "cli.h"

/* A report's period as the options give it: --team, --from and --to
 * (default: the four weeks ending today in the organisation's zone),
 * --csv. cli_report_scope_read (cli_report_scope.c) fills scope, whose
 * strings then point into argv or into *p; it prints usage errors itself
 * and returns the exit code. Without --to it connects, to learn the
 * organisation's zone. */
typedef struct {
  char from[11], to[11];
  int csv;
} cli_report_period;
int cli_report_scope_read(cli_ctx *ctx, const cli_args *a, cli_report_period *p, Reflect__V1__ReportScope *scope);

extern const cli_command cli_report_compliance, cli_report_coverage, cli_report_balance, cli_report_actions,
    cli_report_survey;
extern const cli_command cli_export_inspection, cli_export_case;
extern const cli_command cli_group_report, cli_group_export, cli_group_kpi, cli_group_survey, cli_group_inspector;

#endif
