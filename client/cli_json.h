/*
 * cli_json — the --json output of the reflect CLI, built with cJSON.
 *
 * Contract:
 *  - cli_json_init installs cJSON hooks that exit on out-of-memory (see
 *    cli_out.h), so no cJSON call here or in a command returns NULL.
 *  - Integers go out as raw JSON numbers, exact to 64 bits (cJSON's own
 *    numbers are doubles, exact only to 2^53).
 *  - Times are two members: "NAME" as ISO-8601 UTC ("2026-11-22T07:00:00Z")
 *    and "NAME_unix" as Unix seconds.
 *  - cli_json_print writes one line to stdout and deletes the tree.
 */
#ifndef REFLECT_CLI_JSON_H
#define REFLECT_CLI_JSON_H

#include <stdint.h>

#include <cJSON.h>

#include "reflect.pb-c.h"

void cli_json_init(void);
void cli_json_add_u64(cJSON *o, const char *key, uint64_t v);
void cli_json_add_i64(cJSON *o, const char *key, int64_t v);
void cli_json_add_time(cJSON *o, const char *key, int64_t t);
/* NULL is written as "". */
void cli_json_add_text(cJSON *o, const char *key, const char *s);
/* A User as an object; NULL gives null. */
cJSON *cli_json_user(const Reflect__V1__User *u);
int cli_json_print(cJSON *root);

#endif
