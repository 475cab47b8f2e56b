#include "http.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>
#include <sodium.h>

struct http_server {
  struct MHD_Daemon *d;
  http_handler fn;
  void *arg;
  int tls;
  char *cert, *key;
  int port;
};

typedef struct {
  http_request rq;
  char *body;
  size_t len, cap;
  int too_large, bad_type;
  time_t started; /* a request has HTTP_REQUEST_S to arrive whole */
} pending;

/* A page's bytes and their length, so the free callback can wipe them. */
typedef struct {
  char *buf;
  size_t len;
} owned;

/* What no page ever needs: scripts, styles, images and fonts from
 * anywhere but this site, inline script or style, being framed, posting a
 * form elsewhere, plugins. connect-src 'self' lets the page's script read
 * /events. */
#define CSP                                                                                    \
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; " \
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

static int is_loopback(const struct sockaddr *sa)
{
  if (sa->sa_family == AF_INET) return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
  if (sa->sa_family == AF_INET6) return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
  return 0;
}

/* "host:port" or "[v6]:port", numeric only: no name look-up at start. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss)
{
  char host[64];
  const char *port;
  if (listen[0] == '[') {
    const char *end = strchr(listen, ']');
    if (!end || end[1] != ':' || (size_t)(end - listen - 1) >= sizeof host) return -1;
    snprintf(host, sizeof host, "%.*s", (int)(end - listen - 1), listen + 1);
    port = end + 2;
  } else {
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host) return -1;
    snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    port = colon + 1;
  }
  char *endp;
  long p = strtol(port, &endp, 10);
  if (!*port || *endp || p < 0 || p > 65535) return -1;
  struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM}, *res;
  if (getaddrinfo(host, port, &hints, &res) != 0) return -1;
  memcpy(ss, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  return 0;
}

static char *read_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = NULL;
  if (fseek(f, 0, SEEK_END) == 0) {
    long n = ftell(f);
    if (n > 0 && n < 1024 * 1024 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
      if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
      } else buf[n] = '\0';
    }
  }
  fclose(f);
  return buf;
}

static void wipe_free(char *p, size_t n)
{
  if (!p) return;
  sodium_memzero(p, n);
  free(p);
}

static void free_owned(void *cls)
{
  owned *o = cls;
  wipe_free(o->buf, o->len);
  free(o);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
  (void)cls, (void)c, (void)toe;
  pending *p = *con_cls;
  if (!p) return;
  form_free(&p->rq.form);
  wipe_free(p->body, p->cap);
  free(p);
  *con_cls = NULL;
}

static ssize_t stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
  (void)pos;
  http_response *rs = cls;
  ssize_t n = rs->stream(rs->stream_arg, buf, max);
  return n == HTTP_STREAM_END ? MHD_CONTENT_READER_END_OF_STREAM : n;
}

static void stream_done(void *cls)
{
  http_response *rs = cls;
  if (rs->stream_free) rs->stream_free(rs->stream_arg);
  free(rs);
}

static void add_headers(struct MHD_Response *r, const http_server *s, const http_response *rs)
{
  MHD_add_response_header(r, "Content-Security-Policy", CSP);
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Referrer-Policy", "same-origin");
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
  MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
  MHD_add_response_header(r, "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
  if (s->tls) MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
  if (rs->cache_static) MHD_add_response_header(r, "Cache-Control", "public, max-age=86400");
  else {
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "Pragma", "no-cache");
  }
  MHD_add_response_header(r, "Content-Type", rs->content_type ? rs->content_type : "text/html; charset=utf-8");
  if (rs->location[0]) MHD_add_response_header(r, "Location", rs->location);
  if (rs->disposition[0]) MHD_add_response_header(r, "Content-Disposition", rs->disposition);
  for (int i = 0; i < rs->n_cookies; i++) MHD_add_response_header(r, "Set-Cookie", rs->cookies[i]);
}

static enum MHD_Result answer_plain(struct MHD_Connection *c, const http_server *s, int status, const char *text)
{
  http_response rs = {.status = status, .content_type = "text/plain; charset=utf-8"};
  struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
  if (!r) return MHD_NO;
  add_headers(r, s, &rs);
  enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, r);
  MHD_destroy_response(r);
  return ok;
}

static enum MHD_Result respond(struct MHD_Connection *c, const http_server *s, http_response *rs)
{
  struct MHD_Response *r = NULL;
  if (rs->stream) {
    http_response *kept = malloc(sizeof *kept);
    if (!kept) return MHD_NO;
    memcpy(kept, rs, sizeof *kept);
    kept->body = (html){0};
    r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_reader, kept, stream_done);
    if (!r) {
      stream_done(kept);
      return MHD_NO;
    }
  } else if (rs->bytes) {
    r = MHD_create_response_from_buffer(rs->bytes_len, (void *)rs->bytes, MHD_RESPMEM_PERSISTENT);
  } else if (rs->download) {
    owned *o = malloc(sizeof *o);
    if (!o) return MHD_NO; /* the caller wipes rs->download */
    *o = (owned){rs->download, rs->download_len};
    rs->download = NULL;
    r = MHD_create_response_from_buffer_with_free_callback_cls(o->len, o->buf, free_owned, o);
    if (!r) {
      free_owned(o);
      return MHD_NO;
    }
  } else {
    size_t len = 0;
    char *buf = html_take(&rs->body, &len);
    if (!buf) return answer_plain(c, s, 500, "The page could not be made.\n");
    owned *o = malloc(sizeof *o);
    if (!o) {
      wipe_free(buf, len);
      return MHD_NO;
    }
    *o = (owned){buf, len};
    r = MHD_create_response_from_buffer_with_free_callback_cls(len, buf, free_owned, o);
    if (!r) {
      free_owned(o);
      return MHD_NO;
    }
  }
  if (!r) return MHD_NO;
  add_headers(r, s, rs);
  enum MHD_Result ok = MHD_queue_response(c, (unsigned)(rs->status ? rs->status : 200), r);
  MHD_destroy_response(r);
  return ok;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                      const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
  (void)version;
  http_server *s = cls;
  pending *p = *con_cls;
  if (!p) {
    p = calloc(1, sizeof *p);
    if (!p) return MHD_NO;
    p->rq.conn = c;
    p->rq.method = method;
    p->rq.path = url;
    p->rq.tls = s->tls;
    p->rq.post = strcmp(method, "POST") == 0;
    p->started = time(NULL);
    if (p->rq.post) {
      const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
      p->bad_type = !type || strncmp(type, "application/x-www-form-urlencoded", 33) != 0 ||
                    (type[33] != '\0' && type[33] != ';');
      const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
      if (cl && strtoull(cl, NULL, 10) > HTTP_BODY_MAX) p->too_large = 1;
    }
    *con_cls = p;
    return MHD_YES;
  }
  /* The idle timeout alone lets a client send a byte every few seconds
   * for ever: a request must arrive whole within a bound. */
  if (time(NULL) - p->started > HTTP_REQUEST_S) return MHD_NO;
  if (*upload_size) {
    size_t n = *upload_size;
    *upload_size = 0;
    if (p->too_large || p->bad_type || !p->rq.post) return MHD_YES; /* read and dropped */
    if (n > HTTP_BODY_MAX - p->len) {
      p->too_large = 1;
      return MHD_YES;
    }
    if (p->len + n > p->cap) {
      size_t cap = p->cap ? p->cap : 4096;
      while (cap < p->len + n) cap *= 2;
      char *b = malloc(cap);
      if (!b) return MHD_NO;
      if (p->body) memcpy(b, p->body, p->len);
      wipe_free(p->body, p->cap);
      p->body = b;
      p->cap = cap;
    }
    memcpy(p->body + p->len, upload, n);
    p->len += n;
    return MHD_YES;
  }
  if (strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "POST"))
    return answer_plain(c, s, 405, "Method not allowed.\n");
  if (p->too_large) return answer_plain(c, s, 413, "That is more than Reflect accepts in one go.\n");
  if (p->bad_type) return answer_plain(c, s, 415, "Forms only.\n");
  if (p->rq.post) p->rq.form_error = form_parse(p->body ? p->body : "", p->len, HTTP_FIELDS_MAX, &p->rq.form);
  p->rq.now = (int64_t)time(NULL);
  http_response rs = {.status = 200};
  html_init(&rs.body, HTTP_PAGE_MAX);
  s->fn(s->arg, &p->rq, &rs);
  enum MHD_Result ok = respond(c, s, &rs);
  html_free(&rs.body);
  wipe_free(rs.download, rs.download_len); /* NULL once respond took it */
  return ok;
}

int http_start(const http_config *cfg, http_handler fn, void *arg, http_server **out)
{
  *out = NULL;
  struct sockaddr_storage ss = {0};
  if (!cfg->listen || parse_listen(cfg->listen, &ss)) return HTTP_EUSAGE;
  int tls = cfg->tls_cert && cfg->tls_key;
  if ((cfg->tls_cert != NULL) != (cfg->tls_key != NULL)) return HTTP_EUSAGE;
  if (!tls && !is_loopback((struct sockaddr *)&ss)) return HTTP_EINSECURE;
  http_server *s = calloc(1, sizeof *s);
  if (!s) return HTTP_EIO;
  s->fn = fn;
  s->arg = arg;
  s->tls = tls;
  if (tls && (!(s->cert = read_file(cfg->tls_cert)) || !(s->key = read_file(cfg->tls_key)))) {
    http_stop(s);
    return HTTP_EIO;
  }
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
  if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
  if (tls) flags |= MHD_USE_TLS;
  struct MHD_OptionItem opts[] = {
      {MHD_OPTION_SOCK_ADDR, 0, &ss},
      {MHD_OPTION_CONNECTION_LIMIT, HTTP_CONNECTIONS, NULL},
      {MHD_OPTION_PER_IP_CONNECTION_LIMIT, HTTP_PER_IP, NULL},
      {MHD_OPTION_CONNECTION_TIMEOUT, HTTP_IDLE_S, NULL},
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_HEADERS_MAX, NULL},
      {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, NULL},
      {MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL},
      {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->cert},
      {tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, s->key},
      /* TLS 1.2 and 1.3 only, with GnuTLS's secure choices. */
      {tls ? MHD_OPTION_HTTPS_PRIORITIES : MHD_OPTION_END, 0,
       (void *)"SECURE256:SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:%SERVER_PRECEDENCE"},
      {MHD_OPTION_END, 0, NULL},
  };
  s->d = MHD_start_daemon(flags, 0, NULL, NULL, access_handler, s, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
  if (!s->d) {
    http_stop(s);
    return HTTP_ESTART;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info ? info->port : 0;
  *out = s;
  return HTTP_OK;
}

void http_stop(http_server *s)
{
  if (!s) return;
  if (s->d) MHD_stop_daemon(s->d);
  if (s->key) wipe_free(s->key, strlen(s->key));
  free(s->cert);
  free(s);
}

int http_port(const http_server *s)
{
  return s->port;
}

const char *http_query(const http_request *rq, const char *name)
{
  return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_cookie(const http_request *rq, const char *name)
{
  return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

const char *http_header(const http_request *rq, const char *name)
{
  return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

void http_redirect(http_response *rs, const char *path)
{
  rs->status = 303;
  /* Only a path on this site: "//evil" or "/\evil" would leave it, and a
   * browser drops tabs and line breaks before it looks. */
  int ok = path && path[0] == '/' && path[1] != '/';
  for (const unsigned char *c = (const unsigned char *)path; ok && *c; c++)
    if (*c < 0x20 || *c == 0x7f || *c == '\\') ok = 0;
  if (!ok) path = "/";
  snprintf(rs->location, sizeof rs->location, "%s", path);
}

void http_set_cookie(http_response *rs, const http_request *rq, const char *name, const char *value, long max_age)
{
  if (rs->n_cookies >= HTTP_COOKIES_MAX) return;
  char age[48] = "";
  if (max_age >= 0) snprintf(age, sizeof age, "; Max-Age=%ld", max_age);
  snprintf(rs->cookies[rs->n_cookies++], sizeof rs->cookies[0], "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name,
           value, rq->tls ? "; Secure" : "", age);
}
