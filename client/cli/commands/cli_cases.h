/*
 * cli_cases — what the case commands share: risk names, a case as JSON
 * (the caller owns the cJSON object) or as text, and the decision log
 * command defined in cli_case_decisions.c.
 */
#ifndef REFLECT_CLI_CASES_H
#define REFLECT_CLI_CASES_H

#include <cjson/cJSON.h>

#include "cli.h"

/* "low", "medium", "high", or "unknown". */
cJSON *cli_case_json(const Reflect__V1__Case *k);
/* The case, one "field: value" line each, including when it was last
 * discussed; server text is made safe for a terminal. */
void cli_case_print(const cli_ctx *ctx, const Reflect__V1__Case *k);

extern const cli_command cli_case_decisions;
/* cli_case_people.c: `case person add` (a group) and `case people`. */
extern const cli_command cli_case_person, cli_case_people;

#endif
