/*
 * http — the gateway's HTTP server: libmicrohttpd with a thread per
 * connection, bounded, with Reflect's security headers on every answer.
 *
 * Contract:
 *  - http_start listens on the address given (IPv4 or IPv6 literal and a
 *    port); with cert and key (PEM files) it serves only HTTPS. It refuses
 *    (HTTP_EINSECURE) a non-loopback address without TLS.
 *  - Each request is read whole before the handler runs: headers within
 *    HTTP_HEADERS_MAX bytes, a body within HTTP_BODY_MAX (larger: 413, the
 *    handler is not called), only application/x-www-form-urlencoded bodies
 *    (parsed into rq->form, at most HTTP_FIELDS_MAX fields; a malformed one
 *    is rq->form_error, for the handler to answer). A connection idle for
 *    HTTP_IDLE_S is closed, and so is one whose request has not arrived
 *    whole within HTTP_REQUEST_S; at most HTTP_CONNECTIONS at once, and
 *    HTTP_PER_IP from one address. Under TLS only 1.2 and 1.3.
 *  - The handler fills rs: a status, and a page in rs->body (text/html) or
 *    static bytes (rs->bytes, not copied, must outlive the server), or a
 *    stream (rs->stream, for Server-Sent Events: called on the connection's
 *    own thread until it returns HTTP_STREAM_END).
 *  - Every response carries the Content-Security-Policy (nothing inline,
 *    nothing from elsewhere, no framing, forms only to this site),
 *    nosniff, Referrer-Policy same-origin, and Cache-Control no-store
 *    unless the handler marks it static (an asset); HSTS under TLS.
 *  - Nothing here logs what a request or response carries.
 */
#ifndef REFLECT_WEB_HTTP_H
#define REFLECT_WEB_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "form.h"
#include "html.h"

#define HTTP_HEADERS_MAX (32 * 1024)
#define HTTP_BODY_MAX (512 * 1024)
#define HTTP_FIELDS_MAX 512
#define HTTP_PAGE_MAX (4 * 1024 * 1024)
#define HTTP_IDLE_S 30
#define HTTP_REQUEST_S 60 /* a request, headers and body, arrives whole within this */
#define HTTP_CONNECTIONS 512
#define HTTP_PER_IP 128
#define HTTP_COOKIES_MAX 4
#define HTTP_STREAM_END ((ssize_t)-1)

enum { HTTP_OK = 0, HTTP_EUSAGE = -1, HTTP_EINSECURE = -2, HTTP_EIO = -3, HTTP_ESTART = -4 };

typedef struct http_server http_server;

typedef struct {
  void *conn; /* struct MHD_Connection */
  const char *method, *path;
  int post, tls;
  form form;
  int form_error;
  int64_t now;
} http_request;

/* Writes up to max bytes of the stream into buf; returns how many (0:
 * nothing yet, call again), or HTTP_STREAM_END. */
typedef ssize_t (*http_stream_fn)(void *arg, char *buf, size_t max);

typedef struct {
  int status;
  html body;
  const char *content_type; /* default text/html; charset=utf-8 */
  const void *bytes;        /* static: not freed */
  size_t bytes_len;
  char *download; /* malloc'd bytes that are not a page (a calendar): taken, wiped and freed */
  size_t download_len;
  char disposition[128]; /* Content-Disposition, e.g. attachment; filename="x.ics" */
  int cache_static;      /* an asset: cacheable for a day */
  char location[1024];   /* a redirect's target (a path on this site) */
  char cookies[HTTP_COOKIES_MAX][400];
  int n_cookies;
  http_stream_fn stream;
  void *stream_arg;
  void (*stream_free)(void *arg);
} http_response;

typedef void (*http_handler)(void *arg, http_request *rq, http_response *rs);

typedef struct {
  const char *listen; /* "127.0.0.1:7480", "[::1]:7480" */
  const char *tls_cert, *tls_key;
} http_config;

int http_start(const http_config *cfg, http_handler fn, void *arg, http_server **out);
void http_stop(http_server *s);
/* The port actually bound (for a listen address with port 0). */
int http_port(const http_server *s);

const char *http_query(const http_request *rq, const char *name);
const char *http_cookie(const http_request *rq, const char *name);
const char *http_header(const http_request *rq, const char *name);

/* 303 See Other to a path on this site (never another origin). */
void http_redirect(http_response *rs, const char *path);
/* Adds a Set-Cookie: HttpOnly, SameSite=Strict, Path=/, Secure under TLS;
 * max_age < 0 for a session cookie, 0 to delete. */
void http_set_cookie(http_response *rs, const http_request *rq, const char *name, const char *value, long max_age);

#endif
