/* reflect-web: the web gateway. Parses its options (or a config file),
 * opens its state directory, and serves until SIGINT or SIGTERM. */
#include <errno.h>
#include <ini.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <zmq.h>

#include "devices.h"
#include "http.h"
#include "reflect/client_call.h"
#include "page_events.h"
#include "sessions.h"
#include "web_routes.h"

#define SESSIONS_AT_ONCE 4096
#define LOGIN_IDLE_S (12 * 3600) /* reflectd lapses the token sooner; this only frees memory */
#define ANON_IDLE_S 3600

typedef struct {
  char server[256], events[256], server_key[64], listen[128], tls_cert[1024], tls_key[1024], state[1024], origin[256];
} options;

static const char usage[] =
    "usage: reflect-web --server ENDPOINT --events ENDPOINT --server-key KEY --listen HOST:PORT\n"
    "                   [--tls-cert FILE --tls-key FILE] [--state DIR] [--origin URL] [--config FILE]\n"
    "\n"
    "Serves Reflect to browsers, as a client of reflectd.\n"
    "  --server ENDPOINT   reflectd's request endpoint (tcp://HOST:PORT or ipc://PATH)\n"
    "  --events ENDPOINT   reflectd's event endpoint\n"
    "  --server-key KEY    reflectd's CURVE public key (DIR/server.pub)\n"
    "  --listen HOST:PORT  where browsers connect, e.g. 127.0.0.1:7480; any address but\n"
    "                      loopback needs --tls-cert and --tls-key\n"
    "  --tls-cert FILE     the certificate chain (PEM); --tls-key its private key (PEM)\n"
    "  --state DIR         where each browser's device keys are kept, sealed\n"
    "                      (default /var/lib/reflect-web)\n"
    "  --origin URL        the address people type, if not the listen address\n"
    "                      (e.g. https://reflect.example.org); forms from anywhere else are refused\n"
    "  --config FILE       the same settings as key = value lines (server, events, server_key,\n"
    "                      listen, tls_cert, tls_key, state, origin); options given override it\n"
    "\n"
    "Times on pages and in forms are in the organisation's time zone, which reflect-web\n"
    "asks reflectd for at start (waiting up to a minute for it).\n";

static int set(char *dst, size_t size, const char *v, const char *what)
{
  if (strlen(v) >= size) {
    fprintf(stderr, "reflect-web: %s is too long\n", what);
    return -1;
  }
  snprintf(dst, size, "%s", v);
  return 0;
}

#define SET(o, field, v, what) set((o)->field, sizeof(o)->field, (v), (what))

static int apply(options *o, const char *key, const char *v)
{
  if (!strcmp(key, "server")) return SET(o, server, v, key);
  if (!strcmp(key, "events")) return SET(o, events, v, key);
  if (!strcmp(key, "server_key")) return SET(o, server_key, v, key);
  if (!strcmp(key, "listen")) return SET(o, listen, v, key);
  if (!strcmp(key, "tls_cert")) return SET(o, tls_cert, v, key);
  if (!strcmp(key, "tls_key")) return SET(o, tls_key, v, key);
  if (!strcmp(key, "state")) return SET(o, state, v, key);
  if (!strcmp(key, "origin")) return SET(o, origin, v, key);
  fprintf(stderr, "reflect-web: unknown setting '%s'\n", key);
  return -1;
}

static int on_ini(void *arg, const char *section, const char *key, const char *value)
{
  (void)section;
  return apply(arg, key, value) == 0;
}

static int parse(int argc, char **argv, options *o)
{
  memset(o, 0, sizeof *o);
  snprintf(o->state, sizeof o->state, "/var/lib/reflect-web");
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--config")) {
      if (i + 1 >= argc) return -1;
      int rc = ini_parse(argv[i + 1], on_ini, o);
      if (rc) {
        fprintf(stderr, "reflect-web: %s: %s\n", argv[i + 1], rc < 0 ? strerror(errno) : "a line is not valid");
        return -1;
      }
    }
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      fputs(usage, stdout);
      exit(0);
    }
    if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc) {
      fprintf(stderr, "reflect-web: unexpected '%s'\n%s", argv[i], usage);
      return -1;
    }
    char key[32];
    if (strlen(argv[i]) - 2 >= sizeof key) return -1;
    snprintf(key, sizeof key, "%s", argv[i] + 2);
    for (char *k = key; *k; k++)
      if (*k == '-') *k = '_';
    if (!strcmp(key, "config")) {
      i++;
      continue;
    }
    if (apply(o, key, argv[++i])) return -1;
  }
  if (!o->server[0] || !o->events[0] || !o->server_key[0] || !o->listen[0]) {
    fprintf(stderr, "reflect-web: --server, --events, --server-key and --listen are needed\n%s", usage);
    return -1;
  }
  if (!client_endpoint_valid(o->server, CLIENT_ENDPOINT_MAX) ||
      !client_endpoint_valid(o->events, CLIENT_ENDPOINT_MAX)) {
    fprintf(stderr, "reflect-web: an endpoint is tcp://HOST:PORT or ipc://PATH\n");
    return -1;
  }
  if (!client_key_valid(o->server_key)) {
    fprintf(stderr, "reflect-web: --server-key is 40 characters of Z85 (reflectd's DIR/server.pub)\n");
    return -1;
  }
  return 0;
}

/* The origins forms may come from: the one given, else the listen
 * address, and for a loopback one its "localhost" name too. */
static void origins_of(const options *o, int tls, int port, web_routes_ctx *w)
{
  const char *scheme = tls ? "https" : "http";
  if (o->origin[0]) {
    snprintf(w->origins[w->n_origins++], sizeof w->origins[0], "%s", o->origin);
    return;
  }
  char host[128];
  snprintf(host, sizeof host, "%s", o->listen);
  char *colon = strrchr(host, ':');
  if (colon) *colon = '\0';
  snprintf(w->origins[w->n_origins++], sizeof w->origins[0], "%s://%s:%d", scheme, host, port);
  if (!strcmp(host, "127.0.0.1") || !strcmp(host, "[::1]"))
    snprintf(w->origins[w->n_origins++], sizeof w->origins[0], "%s://localhost:%d", scheme, port);
}

/* An IANA name such as "Europe/London": letters, digits, "_-+/", no "..". */
static int zone_name_ok(const char *z)
{
  if (!*z || strlen(z) >= 64 || z[0] == '/' || strstr(z, "..")) return 0;
  for (const char *c = z; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("_-+/", *c)))
      return 0;
  return 1;
}

#define ZONE_WAIT_S 60 /* how long to wait for reflectd at start */

/* The organisation's zone, which every time on a page and every time typed
 * into a form is in: reflectd's, asked for at start with a throwaway
 * device key (a ping needs no login). The gateway then runs in it ($TZ),
 * set here while it has no other thread that reads the time. Waits up to
 * ZONE_WAIT_S for a server that is starting too. 0, or -1 (said why). */
static int zone_learn(const options *o, void *zctx, char *zone, size_t size)
{
  char pub[41], sec[41];
  if (zmq_curve_keypair(pub, sec)) return -1;
  int rc = CLIENT_ETIMEOUT;
  for (int waited = 0; waited < ZONE_WAIT_S && rc; waited += 2) {
    client *cl = NULL;
    Reflect__V1__Reply *rep = NULL;
    Reflect__V1__PingReply *ping = NULL;
    rc = client_open_keys_in(zctx, o->server, o->server_key, pub, sec, 2000, &cl);
    if (!rc) rc = client_call_ping(cl, &(Reflect__V1__PingRequest)REFLECT__V1__PING_REQUEST__INIT, &rep, &ping);
    if (!rc && ping) snprintf(zone, size, "%s", ping->timezone ? ping->timezone : "");
    else if (!rc) rc = CLIENT_EREFUSED;
    client_free_reply(rep);
    client_close(cl);
    if (rc == CLIENT_ETIMEOUT && waited == 0)
      fprintf(stderr, "reflect-web: waiting for reflectd at %s to learn the organisation's time zone\n", o->server);
    else if (rc && rc != CLIENT_ETIMEOUT) break;
  }
  sodium_memzero(sec, sizeof sec);
  if (rc) {
    fprintf(stderr, "reflect-web: cannot reach reflectd at %s: %s\n", o->server, client_strerror(rc));
    return -1;
  }
  char path[600];
  const char *dir = getenv("TZDIR");
  snprintf(path, sizeof path, "%s/%s", dir && dir[0] == '/' ? dir : "/usr/share/zoneinfo", zone);
  if (!zone_name_ok(zone) || access(path, R_OK) != 0) {
    fprintf(stderr, "reflect-web: the organisation's time zone '%s' is not installed here (apt-get install tzdata)\n",
            zone);
    return -1;
  }
  setenv("TZ", zone, 1);
  tzset();
  return 0;
}

int main(int argc, char **argv)
{
  options o;
  if (parse(argc, argv, &o)) return 2;
  umask(077);
  if (sodium_init() < 0) return 1;
  /* The signals are waited for below, not delivered to a server thread. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);
  static web_routes_ctx w;
  int rc = devices_open(o.state, &w.app.dev);
  if (rc) {
    fprintf(stderr, "reflect-web: cannot use the state directory %s (%s)\n", o.state,
            rc == DEVICES_EBAD ? "its gateway.key is not private or not whole" : strerror(errno));
    return 1;
  }
  if (sessions_init(SESSIONS_AT_ONCE, LOGIN_IDLE_S, ANON_IDLE_S, &w.app.sess)) {
    fprintf(stderr, "reflect-web: out of memory\n");
    return 1;
  }
  w.app.server = o.server;
  w.app.events = o.events;
  w.app.server_key = o.server_key;
  w.app.timeout_ms = CLIENT_DEFAULT_TIMEOUT_MS;
  w.app.zctx = zmq_ctx_new();
  static char zone[64];
  if (!w.app.zctx || zone_learn(&o, w.app.zctx, zone, sizeof zone)) return 1;
  w.app.zone = zone;
  http_config hc = {o.listen, o.tls_cert[0] ? o.tls_cert : NULL, o.tls_key[0] ? o.tls_key : NULL};
  http_server *srv = NULL;
  rc = w.app.zctx ? http_start(&hc, web_routes_handle, &w, &srv) : HTTP_EIO;
  if (rc) {
    fprintf(stderr, "reflect-web: cannot listen on %s: %s\n", o.listen,
            rc == HTTP_EINSECURE ? "an address other than loopback needs --tls-cert and --tls-key"
            : rc == HTTP_EUSAGE  ? "give HOST:PORT with a numeric address (and both TLS files or neither)"
            : rc == HTTP_EIO     ? "the TLS files cannot be read"
                                 : "the address is in use or not this machine's");
    return 1;
  }
  origins_of(&o, hc.tls_cert != NULL, http_port(srv), &w);
  atomic_store(&w.ready, 1); /* publishes the origins to the connection threads */
  printf("reflect-web: serving %s/\n", w.origins[0]);
  fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  page_events_stop(); /* live streams end within a second, so the server can stop */
  http_stop(srv);
  sessions_free(w.app.sess);
  devices_close(w.app.dev);
  zmq_ctx_term(w.app.zctx);
  return 0;
}
