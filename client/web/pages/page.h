/*
 * page — what every page of reflect-web shares: the GOV.UK Frontend
 * layout, the CSRF field, the answers to a refused or failed call, and the
 * context a page handler is given.
 *
 * Contract:
 *  - A handler writes its page into p->rs->body between page_begin and
 *    page_end, only through html_lit and the escaping writers (html.h).
 *  - page_refused turns a reply the server refused into the page a person
 *    should see: a login that lapsed sends them to log in again and then
 *    back where they were; NOT_FOUND and PERMISSION_DENIED both answer as
 *    "Page not found" (404), so a URL for something the person may not see
 *    answers like one that does not exist; anything else shows the
 *    server's message.
 *  - Times are shown, and read from forms, in the gateway's zone: $TZ, which
 *    web_main sets at start to the organisation's, as reflectd names it.
 */
#ifndef REFLECT_WEB_PAGE_H
#define REFLECT_WEB_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "devices.h"
#include "html.h"
#include "http.h"
#include "reflect/client.h"
#include "reflect/client_call.h"
#include "sessions.h"

typedef struct {
  const char *server, *events, *server_key; /* reflectd's endpoints and key */
  const char *zone;                         /* the IANA name of the zone the gateway runs in, or "" */
  void *zctx;                               /* one ZeroMQ context for every browser's client */
  devices *dev;
  sessions *sess;
  int timeout_ms;
} page_app;

typedef struct {
  page_app *app;
  http_request *rq;
  http_response *rs;
  session *s;  /* acquired; s->cl is NULL before login */
  uint64_t id; /* the number in a path such as /sessions/12 (web_routes) */
} page_ctx;

typedef enum {
  PAGE_NAV_NONE,
  PAGE_NAV_HOME,
  PAGE_NAV_SESSIONS,
  PAGE_NAV_CASES,
  PAGE_NAV_ACTIONS,
  PAGE_NAV_AGREEMENTS
} page_nav;

void page_begin(page_ctx *p, const char *title, page_nav current);
void page_end(page_ctx *p);
/* The hidden CSRF field every form carries. */
void page_csrf(page_ctx *p);
/* A GOV.UK error summary with one error linking to #field. */
void page_error_summary(page_ctx *p, const char *field, const char *message);

void page_not_found(page_ctx *p);
/* The call itself failed (server away, bad reply). */
void page_unreachable(page_ctx *p, int client_rc);
/* rep is a reply whose Status is not OK. */
void page_refused(page_ctx *p, const Reflect__V1__Reply *rep);
/* page_unreachable or page_refused as the outcome of a typed call asks:
 * returns 1 if it answered (the call did not work), 0 if the caller goes
 * on with the result. Frees nothing. */
int page_check(page_ctx *p, int client_rc, const Reflect__V1__Reply *rep);
/* page_check for a call whose reply is no longer needed: frees rep either
 * way. The tail of every handler that changes something. */
int page_finish(page_ctx *p, int client_rc, Reflect__V1__Reply *rep);

/* A server message as a sentence on a page: its first letter a capital. */
void page_sentence(char *out, size_t size, const char *message);

/* "Mon 7 Dec 2026, 14:30" in the gateway's zone. */
void page_time(html *h, int64_t t);
void page_date(html *h, int64_t t);

/* The cookie names: __Host- and Secure under TLS (a browser then holds
 * them to this exact origin), plain on a loopback address without TLS. */
#define PAGE_COOKIE_SESSION 0
#define PAGE_COOKIE_DEVICE 1
const char *page_cookie_name(const http_request *rq, int which);
/* How long a browser's device cookie lasts: 400 days, the most browsers keep. */
#define PAGE_DEVICE_MAX_AGE (400L * 24 * 3600)

/* Ends the person's login in this browser (after the server said it
 * lapsed): the client is closed; the session stays for the login form,
 * remembering whose it was. */
void page_forget_login(page_ctx *p);

#endif
