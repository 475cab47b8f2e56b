#include "bench_web.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reflect/client_call.h"

#define RESPONSE_MAX (1024 * 1024)
#define HALF (BENCH_WEB_CLIENTS / 2)

/* One browser: its connection, its session cookie, its buffer. */
typedef struct {
  int fd;
  int port;
  char cookie[128];
  char csrf[64];
  char *buf;
  const char *path; /* the page this browser loads */
  const char *marker;
} browser;

typedef struct {
  client *cl;
  uint64_t session_id;
  int record; /* 0: the home page's call; 1: the record page's */
} direct;

typedef struct {
  pid_t pid;
  int port;
  browser b[BENCH_WEB_CLIENTS];
  direct d[BENCH_WEB_CLIENTS];
  uint64_t session_id;
  char record_path[64];
} web_bench;

static int connect_to(int port)
{
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
  while (n) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Reads one response into b->buf (NUL-terminated): its status, the start
 * of its body, and its length. Needs Content-Length (every page has it). */
static int read_response(browser *b, int *status, char **body, size_t *body_len)
{
  size_t got = 0;
  char *end = NULL;
  while (!(end = strstr(b->buf, "\r\n\r\n"))) {
    if (got + 1 >= RESPONSE_MAX) return -1;
    ssize_t r = recv(b->fd, b->buf + got, RESPONSE_MAX - 1 - got, 0);
    if (r <= 0) return -1;
    got += (size_t)r;
    b->buf[got] = '\0';
  }
  if (sscanf(b->buf, "HTTP/1.1 %d", status) != 1) return -1;
  /* libmicrohttpd writes the header with this case. */
  const char *cl = strstr(b->buf, "\r\nContent-Length:");
  if (!cl || cl > end) return -1;
  size_t len = strtoul(cl + 17, NULL, 10), head = (size_t)(end + 4 - b->buf);
  if (head + len >= RESPONSE_MAX) return -1;
  while (got < head + len) {
    ssize_t r = recv(b->fd, b->buf + got, head + len - got, 0);
    if (r <= 0) return -1;
    got += (size_t)r;
  }
  b->buf[got] = '\0';
  *body = b->buf + head;
  *body_len = len;
  return 0;
}

static int request(browser *b, const char *method, const char *path, const char *form, int *status, char **body)
{
  char req[1024], cookie[160] = "", content[128] = "";
  if (b->cookie[0]) snprintf(cookie, sizeof cookie, "Cookie: reflect-session=%s\r\n", b->cookie);
  if (form)
    snprintf(content, sizeof content, "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n",
             strlen(form));
  int n = snprintf(req, sizeof req,
                   "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: http://127.0.0.1:%d\r\n%s%s"
                   "Connection: keep-alive\r\n\r\n%s",
                   method, path, b->port, b->port, cookie, content, form ? form : "");
  if (n <= 0 || (size_t)n >= sizeof req) return -1;
  size_t len;
  b->buf[0] = '\0';
  return send_all(b->fd, req, (size_t)n) || read_response(b, status, body, &len) ? -1 : 0;
}

/* The value of Set-Cookie reflect-session=..., if the last response set it. */
static void take_cookie(browser *b)
{
  const char *c = strstr(b->buf, "Set-Cookie: reflect-session=");
  if (!c) return;
  c += 28;
  size_t n = strcspn(c, ";\r\n");
  if (n < sizeof b->cookie) snprintf(b->cookie, sizeof b->cookie, "%.*s", (int)n, c);
}

static int log_in(browser *b)
{
  int status = 0;
  char *body;
  if (request(b, "GET", "/login", NULL, &status, &body) || status != 200) {
    fprintf(stderr, "bench: web: GET /login: %d\n", status);
    return -1;
  }
  take_cookie(b);
  const char *t = strstr(body, "name=\"csrf\" value=\"");
  if (!t) {
    fprintf(stderr, "bench: web: no CSRF token in the login form\n");
    return -1;
  }
  snprintf(b->csrf, sizeof b->csrf, "%.43s", t + 19);
  char form[256];
  snprintf(form, sizeof form, "csrf=%s&username=pat&password=%s", b->csrf, BENCH_USER_PASSWORD);
  if (request(b, "POST", "/login", form, &status, &body) || status != 303) {
    fprintf(stderr, "bench: web: POST /login: %d\n", status);
    return -1;
  }
  take_cookie(b);
  return 0;
}

/* A driver's arg is the first of its group's states (bench_loop numbers
 * each group's threads from 0). */
static void *web_open(void *arg, int i)
{
  return (browser *)arg + i;
}

static int web_op(void *state)
{
  browser *b = state;
  int status;
  char *body;
  if (request(b, "GET", b->path, NULL, &status, &body)) return -1;
  return status == 200 && strstr(body, b->marker) ? 0 : -1;
}

static void web_close(void *state)
{
  (void)state;
}

static void *direct_open(void *arg, int i)
{
  return (direct *)arg + i;
}

/* What the gateway asks reflectd for each page, asked directly: the home
 * page's one (Inbox, with the next sessions), the record's one. */
static int direct_op(void *state)
{
  direct *d = state;
  Reflect__V1__Reply *rep = NULL;
  int ok;
  if (d->record) {
    Reflect__V1__RecordShowRequest in = REFLECT__V1__RECORD_SHOW_REQUEST__INIT;
    in.session_id = d->session_id;
    in.comments_limit = 200;
    ok = client_call_record_show(d->cl, &in, &rep, NULL) == CLIENT_OK && client_reply_code(rep) == 0;
    client_free_reply(rep);
    return ok ? 0 : -1;
  }
  /* The home page's one request (page_home.c). */
  Reflect__V1__InboxRequest ib = REFLECT__V1__INBOX_REQUEST__INIT;
  ib.next_sessions = 10;
  ok = client_call_inbox(d->cl, &ib, &rep, NULL) == CLIENT_OK && client_reply_code(rep) == 0;
  client_free_reply(rep);
  return ok ? 0 : -1;
}

static int start_gateway(web_bench *w, const bench_server *s, const char *reflect_web, const char *dir)
{
  int out[2];
  if (pipe(out)) return -1;
  char state[400];
  snprintf(state, sizeof state, "%s/web-state", dir);
  w->pid = fork();
  if (w->pid < 0) return -1;
  if (w->pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(out[1], 1);
    close(out[0]);
    execl(reflect_web, reflect_web, "--server", s->rpc, "--events", s->pub, "--server-key", s->server_key, "--listen",
          "127.0.0.1:0", "--state", state, (char *)NULL);
    _exit(127);
  }
  close(out[1]);
  char line[256] = "";
  FILE *f = fdopen(out[0], "r");
  int ok = f && fgets(line, sizeof line, f) && sscanf(line, "reflect-web: serving http://127.0.0.1:%d/", &w->port) == 1;
  if (f) fclose(f);
  return ok ? 0 : -1;
}

static void stop_gateway(web_bench *w)
{
  if (w->pid <= 0) return;
  kill(w->pid, SIGTERM);
  int st;
  waitpid(w->pid, &st, 0);
}

/* A past session with pat and its record, for the record page. */
static int seed_record(bench_fixture *fx, web_bench *w)
{
  client *sue = fx->writers[0];
  char *members[] = {"pat"};
  Reflect__V1__SessionAddRequest add = REFLECT__V1__SESSION_ADD_REQUEST__INIT;
  add.members = members;
  add.n_members = 1;
  /* Before the fixture's past sessions (three hours apart for 64 days): no clash. */
  add.starts_at = (int64_t)time(NULL) - 80 * 86400;
  add.minutes = 60;
  add.room = "Room 1";
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__SessionAddReply *added = NULL;
  if (client_call_session_add(sue, &add, &rep, &added) || !added) {
    client_free_reply(rep);
    return -1;
  }
  w->session_id = added->id;
  client_free_reply(rep);
  static char text[] = "How the week went, what was decided and why: a few lines, as a real record has.";
  Reflect__V1__RecordSection sec = REFLECT__V1__RECORD_SECTION__INIT, *secs[] = {&sec};
  sec.kind = REFLECT__V1__SECTION_KIND__SECTION_NOTES;
  sec.text = text;
  Reflect__V1__RecordWriteRequest wr = REFLECT__V1__RECORD_WRITE_REQUEST__INIT;
  wr.session_id = w->session_id;
  wr.sections = secs;
  wr.n_sections = 1;
  int rc = client_call_record_write(sue, &wr, &rep, NULL) == CLIENT_OK && client_reply_code(rep) == 0 ? 0 : -1;
  client_free_reply(rep);
  snprintf(w->record_path, sizeof w->record_path, "/sessions/%llu/record", (unsigned long long)w->session_id);
  return rc;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int bench_web_run(bench_fixture *fx, const char *reflect_web, const char *dir, int rounds, double warmup_s,
                  double seconds, bench_web_figures *out)
{
  static web_bench w;
  memset(&w, 0, sizeof w);
  memset(out, 0, sizeof *out);
  if (rounds < 1 || rounds > 9) return -1;
  if (seed_record(fx, &w)) {
    fprintf(stderr, "bench: web: could not seed a record\n");
    return -1;
  }
  if (start_gateway(&w, fx->srv, reflect_web, dir)) {
    fprintf(stderr, "bench: web: %s did not start\n", reflect_web);
    stop_gateway(&w);
    return -1;
  }
  int rc = 0;
  fprintf(stderr, "bench: web: reflect-web on port %d; logging %d browsers in\n", w.port, BENCH_WEB_CLIENTS);
  for (int i = 0; i < BENCH_WEB_CLIENTS && !rc; i++) {
    browser *b = &w.b[i];
    b->port = w.port;
    b->buf = malloc(RESPONSE_MAX);
    b->path = i < HALF ? "/" : w.record_path;
    b->marker = i < HALF ? "My supervision" : "Supervision record";
    if (!b->buf || (b->fd = connect_to(w.port)) < 0 || log_in(b)) {
      fprintf(stderr, "bench: web: browser %d could not log in\n", i);
      rc = -1;
    }
  }
  /* The direct baseline: the readers' device (logged in as pat), one
   * connection per thread with the same token, as the gateway's clients. */
  for (int i = 0; i < BENCH_WEB_CLIENTS && !rc; i++) {
    w.d[i].session_id = w.session_id;
    w.d[i].record = i >= HALF;
    if (client_dup(fx->readers[0], NULL, &w.d[i].cl)) rc = -1;
  }
  double wp50[2][9], wp99[2][9], dp50[2][9], dp99[2][9], ratio[2][9];
  bench_driver home = {web_open, web_op, web_close, &w.b[0]}, record = {web_open, web_op, web_close, &w.b[HALF]};
  bench_driver dhome = {direct_open, direct_op, web_close, &w.d[0]};
  bench_driver drecord = {direct_open, direct_op, web_close, &w.d[HALF]};
  for (int r = 0; r < rounds && !rc; r++) {
    bench_group wg[2] = {{&home, HALF}, {&record, BENCH_WEB_CLIENTS - HALF}};
    bench_group dg[2] = {{&dhome, HALF}, {&drecord, BENCH_WEB_CLIENTS - HALF}};
    bench_result wr[2], dr[2];
    fprintf(stderr, "bench: web: round %d of %d: %d browsers, then %d direct clients\n", r + 1, rounds,
            BENCH_WEB_CLIENTS, BENCH_WEB_CLIENTS);
    if (bench_loop(wg, 2, warmup_s, seconds, wr) || bench_loop(dg, 2, warmup_s, seconds, dr)) {
      rc = -1;
      break;
    }
    for (int k = 0; k < 2; k++) {
      out->errors += wr[k].errors + dr[k].errors;
      wp50[k][r] = wr[k].p50_ms;
      wp99[k][r] = wr[k].p99_ms;
      dp50[k][r] = dr[k].p50_ms;
      dp99[k][r] = dr[k].p99_ms;
      ratio[k][r] = dr[k].p50_ms > 0 ? wr[k].p50_ms / dr[k].p50_ms : 0;
    }
  }
  if (!rc) {
    out->rounds = rounds;
    for (int k = 0; k < 2; k++) {
      double v[9];
      memcpy(v, wp99[k], sizeof v);
      qsort(v, (size_t)rounds, sizeof *v, cmp_double);
      out->min_web_p99[k] = v[0];
      out->max_web_p99[k] = v[rounds - 1];
      memcpy(v, wp50[k], sizeof v);
      qsort(v, (size_t)rounds, sizeof *v, cmp_double);
      out->min_web_p50[k] = v[0];
      out->max_web_p50[k] = v[rounds - 1];
      memcpy(v, ratio[k], sizeof v);
      qsort(v, (size_t)rounds, sizeof *v, cmp_double);
      out->min_ratio[k] = v[0];
      out->max_ratio[k] = v[rounds - 1];
      out->web_p50[k] = median(wp50[k], rounds);
      out->web_p99[k] = median(wp99[k], rounds);
      out->direct_p50[k] = median(dp50[k], rounds);
      out->direct_p99[k] = median(dp99[k], rounds);
      out->ratio[k] = median(ratio[k], rounds);
    }
  }
  for (int i = 0; i < BENCH_WEB_CLIENTS; i++) {
    if (w.b[i].fd > 0) close(w.b[i].fd);
    free(w.b[i].buf);
    client_close(w.d[i].cl);
  }
  stop_gateway(&w);
  return rc;
}
