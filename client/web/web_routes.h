/*
 * web_routes — reflect-web's one table of pages: for each method and path
 * the handler and who may reach it, and the checks every request passes
 * before a page runs.
 *
 * Contract (web_routes_handle, the http_handler):
 *  - /assets/NAME is served from the embedded assets, cacheable, with no
 *    session.
 *  - A request whose Host is not one of the gateway's own origins is
 *    refused (421): a page on another name that resolves here (DNS
 *    rebinding) cannot drive it.
 *  - Only the login form makes a session (with its cookie): a request with
 *    no session is a 404, a redirect to /login?next=PATH, or (a POST) a
 *    403, and makes nothing, so a flood of requests fills no table. A GET
 *    from another site's link without the cookie (SameSite=Strict held it
 *    back) is answered with a page that asks again from here, so the
 *    person's login is not replaced.
 *  - A POST must come from this site (Origin equal to the gateway's
 *    origin, and Sec-Fetch-Site, when sent, same-origin) and carry the
 *    session's CSRF token; otherwise 403 and nothing runs.
 *  - A page that needs a login sends a browser without one to /login (and
 *    back afterwards); a record posted after the login lapsed is kept for
 *    its writer (page_record.h). A login whose password an administrator
 *    set only reaches /password and /logout until it is changed.
 *  - Anything else is "Page not found".
 */
#ifndef REFLECT_WEB_ROUTES_H
#define REFLECT_WEB_ROUTES_H

#include <stdatomic.h>

#include "http.h"
#include "page.h"

#define WEB_ORIGINS_MAX 4

typedef struct {
  page_app app;
  char origins[WEB_ORIGINS_MAX][256]; /* "http://127.0.0.1:7480", no trailing slash */
  int n_origins;
  /* Set once the origins are known (the port may be the kernel's choice,
   * known only after listening): until then every request is 503. */
  atomic_int ready;
} web_routes_ctx;

void web_routes_handle(void *arg, http_request *rq, http_response *rs);

#endif
