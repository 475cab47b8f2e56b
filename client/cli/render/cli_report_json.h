/*
 * cli_report_json — each oversight report as JSON, shared by `reflect
 * report … --json` and the inspection evidence pack's JSON, so both say the
 * same thing in the same shape.
 *
 * Contract: each returns a new cJSON object (the caller owns it and deletes
 * it, usually by adding it to a parent); a NULL report gives JSON null.
 * Times follow cli_json.h (ISO-8601 UTC plus _unix). All are in
 * cli_report_json.c: a command file defines none of them, so the
 * inspection pack does not call into another command's file.
 */
#ifndef REFLECT_CLI_REPORT_JSON_H
#define REFLECT_CLI_REPORT_JSON_H

#include <cJSON.h>

#include "reflect.pb-c.h"

cJSON *cli_report_json_scope(const Reflect__V1__ReportScope *s);
cJSON *cli_report_json_compliance(const Reflect__V1__ComplianceReport *r);
cJSON *cli_report_json_coverage(const Reflect__V1__CoverageReport *r);
cJSON *cli_report_json_balance(const Reflect__V1__BalanceReport *r);
cJSON *cli_report_json_actions(const Reflect__V1__ActionsReport *r);
cJSON *cli_report_json_survey(const Reflect__V1__SurveyReport *r);

#endif
