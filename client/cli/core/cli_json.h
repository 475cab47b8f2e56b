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
 *  - Text is as the server sent it, escaped: cJSON escapes C0 controls,
 *    and cli_json_text also writes DEL, C1 controls, U+2028/U+2029 and
 *    bidirectional overrides and isolates as \uXXXX, so JSON that reaches a
 *    terminal or a viewer cannot act on them (and a parser gets them back).
 *  - cli_json_text returns the tree as one line (malloc'd; free() it) and
 *    deletes the tree; cli_json_print writes that line to stdout. Nothing
 *    else in the CLI prints JSON.
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
char *cli_json_text(cJSON *root);
int cli_json_print(cJSON *root);

#endif
