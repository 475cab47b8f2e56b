/* PLACEHOLDER (issue 5, in progress): replaced by the real module before commit. */
#include "cli_report_json.h"

cJSON *cli_report_json_scope(const Reflect__V1__ReportScope *s) { (void)s; return cJSON_CreateNull(); }
cJSON *cli_report_json_compliance(const Reflect__V1__ComplianceReport *r) { (void)r; return cJSON_CreateNull(); }
cJSON *cli_report_json_coverage(const Reflect__V1__CoverageReport *r) { (void)r; return cJSON_CreateNull(); }
cJSON *cli_report_json_balance(const Reflect__V1__BalanceReport *r) { (void)r; return cJSON_CreateNull(); }
cJSON *cli_report_json_actions(const Reflect__V1__ActionsReport *r) { (void)r; return cJSON_CreateNull(); }
