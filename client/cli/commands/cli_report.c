/* reflect report / reflect export: the groups; each command is in its own file. */
#include "cli_reports.h"

static const cli_command *const report_commands[] = {
    &cli_report_compliance, &cli_report_coverage, &cli_report_balance, &cli_report_actions, &cli_report_survey, NULL,
};

const cli_command cli_group_report = {
    .name = "report",
    .summary = "Oversight of a team over a period: compliance, coverage, balance, actions, survey.",
    .subs = report_commands,
};

static const cli_command *const export_commands[] = {&cli_export_inspection, &cli_export_case, NULL};

const cli_command cli_group_export = {
    .name = "export",
    .summary = "Evidence for an inspector, or a child's record extract.",
    .subs = export_commands,
};
