/*
 * calendar — a person's supervision sessions as an RFC 5545 iCalendar file:
 * what `reflect calendar export` writes and reflect-web serves at
 * /calendar.ics, the same bytes for the same sessions, range and zone.
 *
 * Contract:
 *  - calendar_export asks the server through c (logged in) who the caller
 *    is and which sessions start in [from, to), page by page, and keeps
 *    those the caller takes part in (a manager's list also holds the
 *    team's), at most CALENDAR_SESSIONS_MAX. Each becomes a VEVENT with
 *    who, when, where and the status: never anything said in it. A
 *    session keeps its UID on every export and its SEQUENCE grows when it
 *    is moved or cancelled, so a calendar re-importing the file updates it.
 *  - zone names the zone the process runs in (see ical.h: times are read
 *    with localtime_r): the file then has local times and a VTIMEZONE. NULL
 *    or "" writes times in UTC. server_key (Z85) makes the UIDs unique to
 *    the server; now is DTSTAMP.
 *  - On CLIENT_OK, *ics is the file (malloc'd, NUL-terminated, *len octets;
 *    the caller frees it). If the server refused a request, the return is
 *    CLIENT_EREFUSED and *refused is its reply (the caller frees it with
 *    client_free_reply), so the caller can say why as it says for any
 *    refusal. Otherwise a negative CLIENT_E* code from the calls, or
 *    CLIENT_EUSAGE (from >= to, or a range over ICAL_RANGE_MAX_S), or
 *    CLIENT_ENOMEM; *ics and *refused are then NULL.
 *  - Safe on several threads with one client each.
 */
#ifndef REFLECT_RENDER_CALENDAR_H
#define REFLECT_RENDER_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "reflect/client.h"

#define CALENDAR_SESSIONS_MAX 20000 /* a bound on what one file holds */

typedef struct {
  int64_t from, to, now;
  const char *zone;       /* IANA name of the process's zone, or NULL */
  const char *server_key; /* Z85 */
} calendar_request;

int calendar_export(client *c, const calendar_request *r, char **ics, size_t *len, Reflect__V1__Reply **refused);

#endif
