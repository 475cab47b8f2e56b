/*
 * cli_event — an Event in words: the line `reflect watch` prints, its
 * JSON form, and the title and body of a desktop notification.
 *
 * Contract:
 *  - Every string in an Event came from the server and is untrusted: what
 *    is returned here has control characters replaced (cli_text_clean).
 *  - Times are shown in `zone` (the organisation's; "" for this machine's).
 *  - Returned strings are malloc'd and the caller's (free); the JSON object
 *    is the caller's (cJSON_Delete, or cli_json_print).
 */
#ifndef REFLECT_CLI_EVENT_H
#define REFLECT_CLI_EVENT_H

#include <cJSON.h>

#include "reflect.pb-c.h"

/* "reminder", "record awaiting your signature", … in plain words. */
const char *cli_event_kind_words(const Reflect__V1__Event *ev);
/* "session_reminder", …: stable names for scripts. */
const char *cli_event_kind_name(Reflect__V1__EventKind kind);
/* "Supervision with Pat Shaw starts in 1 h (Room 3)": what happened, without
 * the sequence number, time or kind. */
char *cli_event_details(const Reflect__V1__Event *ev, const char *zone);
/* "#123  Mon 23 Nov 14:00  reminder  <details>  [late]". */
char *cli_event_line(const Reflect__V1__Event *ev, const char *zone);
cJSON *cli_event_json(const Reflect__V1__Event *ev, const char *zone);

#endif
