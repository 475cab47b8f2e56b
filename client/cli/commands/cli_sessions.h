/*
 * cli_sessions — what the session commands share: status names both ways
 * and a session as JSON (the caller owns the cJSON object), in
 * cli_session.c, below every command file; and the lifecycle commands
 * defined in cli_schedule.c, which cli_sessions.c lists in the group.
 * Names are static strings.
 */
#ifndef REFLECT_CLI_SESSIONS_H
#define REFLECT_CLI_SESSIONS_H

#include <cjson/cJSON.h>

#include "cli.h"

const char *cli_session_status_name(Reflect__V1__SessionStatus s);
/* 0 and *out set for "scheduled", "held", "cancelled", "missed"; -1 otherwise. */
int cli_session_status_parse(const char *name, Reflect__V1__SessionStatus *out);
cJSON *cli_session_json(const Reflect__V1__Session *s);

extern const cli_command cli_session_show, cli_session_move, cli_session_cancel, cli_session_held, cli_session_missed;
/* cli_attendance.c */
extern const cli_command cli_session_attendance, cli_session_confirm_attendance;

#endif
