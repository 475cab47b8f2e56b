/* cli_calendar — `reflect calendar export` (cli_calendar.c): the user's
 * sessions as RFC 5545 iCalendar, written with ical. */
#ifndef REFLECT_CLI_CALENDAR_H
#define REFLECT_CLI_CALENDAR_H

#include "cli.h"

extern const cli_command cli_group_calendar;

#endif
