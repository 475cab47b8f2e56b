/*
 * cli_actions — what the action commands share with other commands (the
 * agenda): an action's status as shown ("overdue" for an open action past
 * its due time), and an action as JSON (the caller owns the object).
 */
#ifndef REFLECT_CLI_ACTIONS_H
#define REFLECT_CLI_ACTIONS_H

#include <stdint.h>

#include <cJSON.h>

#include "cli.h"

const char *cli_action_status_name(const Reflect__V1__Action *a, int64_t now);
cJSON *cli_action_json(const Reflect__V1__Action *a);

#endif
