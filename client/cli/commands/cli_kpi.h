/*
 * cli_kpi — what the `reflect kpi` commands share (cli_kpis.c, the group
 * and the setting commands; cli_kpi_report.c, the report): the helpers in
 * cli_kpi.c, below both, and the report command, which the group lists.
 *
 * Contract: cli_kpi_number parses a whole argument as a finite decimal
 * number (no hex, no inf/nan, no overflow, nothing before or after it),
 * else prints a usage error naming `what` and returns CLI_EXIT_USAGE.
 * cli_kpi_subject fills a request's practitioner/team pair from
 * --practitioner/--team (the strings point into argv; nothing is owned).
 */
#ifndef REFLECT_CLI_KPI_H
#define REFLECT_CLI_KPI_H

#include "cli.h"

int cli_kpi_number(const cli_ctx *ctx, const char *what, const char *s, double *out);
/* required: one of the two must be given; both is always a usage error. */
int cli_kpi_subject(const cli_ctx *ctx, const cli_args *a, int required, char **practitioner, char **team);

extern const cli_command cli_kpi_report;

#endif
