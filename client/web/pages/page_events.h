/*
 * page_events — live notifications: GET /events streams the logged-in
 * person's events to the page as Server-Sent Events, which the page's
 * script shows as they arrive (and, with the person's permission, as
 * desktop notifications). Without JavaScript nothing uses it: the home
 * page shows everything on reload.
 *
 * Contract:
 *  - The stream is a second libreflect client of the browser's device with
 *    the same token (client_dup), so it never holds the browser's session:
 *    the person's pages go on while it waits. It starts at the person's
 *    newest event (only what happens from now on), sends each event as
 *    `event: reflect` with a JSON object (kind, summary, who, when, a link
 *    to what it is about: never record content), a comment every 15 s so a
 *    closed tab is noticed, and `event: end` when the login lapses.
 *  - At most PAGE_EVENTS_STREAMS streams at once across the gateway (one
 *    more is 503) and PAGE_EVENTS_PER_USER per person (429): a browser
 *    has six connections to a site, and tabs must leave it some. The
 *    page's script tries again later, backing off.
 *  - page_events_stop makes every stream end within a second (shutdown).
 */
#ifndef REFLECT_WEB_PAGE_EVENTS_H
#define REFLECT_WEB_PAGE_EVENTS_H

#include "page.h"

#define PAGE_EVENTS_STREAMS 256
#define PAGE_EVENTS_PER_USER 3
#define PAGE_EVENTS_KEEPALIVE_MS 15000

void page_events_stream(page_ctx *p);
void page_events_stop(void);

#endif
