/*
 * page_calendar — the person's sessions in their own calendar program: a
 * page that explains it, and the iCalendar file itself (render/calendar.h,
 * the same file `reflect calendar export` writes), for the default range
 * (30 days back, a year ahead) at /calendar.ics or for chosen dates.
 *
 * Contract:
 *  - The file is made in the gateway's zone (page_app.zone; UTC times if
 *    the zone has no name here) and sent as an attachment with no-store,
 *    like every page: who is supervised when is personal data.
 */
#ifndef REFLECT_WEB_PAGE_CALENDAR_H
#define REFLECT_WEB_PAGE_CALENDAR_H

#include "page.h"

void page_calendar_get(page_ctx *p);
void page_calendar_post(page_ctx *p);
void page_calendar_file(page_ctx *p);

#endif
