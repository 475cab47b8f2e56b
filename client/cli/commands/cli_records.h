/*
 * cli_records — what the record commands share: fetching a revision (in
 * cli_record.c, below the command files), a record as JSON (cli_records.c),
 * and the write command (cli_record_write.c), which the record group in
 * cli_records.c lists.
 */
#ifndef REFLECT_CLI_RECORDS_H
#define REFLECT_CLI_RECORDS_H

#include <stdint.h>

#include <cJSON.h>

#include "cli.h"

/* One RecordShow request (show is not changed) and its reply into *out,
 * an OK RECORD_SHOW reply with a revision (the caller's, freed with
 * wire_free_reply); with missing_ok, NOT_FOUND is CLI_EXIT_OK with *out
 * NULL. Otherwise the problem is printed and the exit code returned. */
int cli_record_show_call(cli_ctx *ctx, const Reflect__V1__RecordShowRequest *show, int missing_ok,
                         Reflect__V1__Reply **out);
/* Fetches a revision (0: the latest) of a session's record into *out (an
 * OK RECORD_SHOW reply, the caller's). With missing_ok, a session with no
 * record yet is not an error: CLI_EXIT_OK with *out NULL. */
int cli_record_fetch(cli_ctx *ctx, uint64_t session, uint32_t revision, int missing_ok, Reflect__V1__Reply **out);

/* A record as `record show --json` prints it (the caller owns the object);
 * the inspection pack reuses it so both read the same. */
cJSON *cli_record_json(const Reflect__V1__RecordShowReply *r);

extern const cli_command cli_record_write;

#endif
