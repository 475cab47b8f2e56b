/*
 * cli_cases — what the case commands share: a case as JSON (the caller
 * owns the cJSON object) or as text, in cli_case.c, below every command
 * file; and the commands defined outside cli_cases.c, which lists them
 * in the case group (cli_case_decisions.c, cli_case_people.c).
 */
#ifndef REFLECT_CLI_CASES_H
#define REFLECT_CLI_CASES_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "cli.h"

cJSON *cli_case_json(const Reflect__V1__Case *k);
/* The case, one "field: value" line each, including when it was last
 * discussed; server text is made safe for a terminal. */
void cli_case_print(const cli_ctx *ctx, const Reflect__V1__Case *k);
/* "2026-01-05 10:00 (session 4)" in the organisation's zone, or "never",
 * into buf (the caller's; 64 bytes suffice). */
void cli_case_last_discussed(const cli_ctx *ctx, const Reflect__V1__Case *k, char *buf, size_t size);

extern const cli_command cli_case_decisions;
/* cli_case_people.c: `case person add` (a group) and `case people`. */
extern const cli_command cli_case_person, cli_case_people;

#endif
