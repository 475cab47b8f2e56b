/* control — the control socket's plumbing (see control.h); what each
 * command does is in control_cmds.c. */
#define _GNU_SOURCE
#include "control.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control_cmds.h"
#include "datadir.h"
#include "log.h"

/* A peer must send its whole request within this long: one that sends
 * nothing cannot wedge the only control thread. */
#define CONTROL_READ_MS 5000
/* The client waits this long for a reply: a backup of a large database
 * or an Argon2id derivation behind a run of failed unseals take time. */
#define CONTROL_REPLY_S 900
#define CONTROL_REQUEST_MAX (CONTROL_MAX_LINES * (CONTROL_LINE_MAX + 1))

struct control {
  control_ctx ctx;
  char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
  int lfd, efd;
  pthread_t thread;
};

int control_path(const char *dir, const config *cfg, char *out, size_t size)
{
  int n = cfg && cfg->control[0] ? snprintf(out, size, "%s", cfg->control)
                                 : snprintf(out, size, "%s/%s", dir, CONTROL_SOCKET_NAME);
  return n < 0 || (size_t)n >= size || (size_t)n >= sizeof(((struct sockaddr_un *)0)->sun_path) ? -1 : 0;
}

static int make_addr(const char *path, struct sockaddr_un *a)
{
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  if (strlen(path) >= sizeof a->sun_path) return -1;
  memcpy(a->sun_path, path, strlen(path) + 1);
  return 0;
}

/* A socket file left by a crash is replaced; one a live server answers on
 * is not, and nothing that is not a socket is ever removed. */
static int clear_stale(const char *path, const struct sockaddr_un *a, char *err, size_t err_size)
{
  struct stat st;
  if (lstat(path, &st) != 0) return 0;
  if (!S_ISSOCK(st.st_mode)) {
    snprintf(err, err_size, "%s exists and is not a socket: refusing to replace it", path);
    return -1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(err, err_size, "socket: %s", strerror(errno));
    return -1;
  }
  int live = connect(fd, (const struct sockaddr *)a, sizeof *a) == 0;
  close(fd);
  if (live) {
    snprintf(err, err_size, "another server already answers on the control socket %s", path);
    return -1;
  }
  unlink(path);
  return 0;
}

static int send_all(int fd, const char *buf, size_t len)
{
  while (len) {
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static int64_t now_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Reads until the peer shuts down its side. 0 ok, -1 gone or too slow,
 * -2 too long, -3 stopping. */
static int read_request(control *c, int fd, char *buf, size_t size, size_t *len)
{
  int64_t deadline = now_ms() + CONTROL_READ_MS;
  *len = 0;
  for (;;) {
    int64_t left = deadline - now_ms();
    if (left <= 0) return -1;
    struct pollfd p[2] = {{fd, POLLIN, 0}, {c->efd, POLLIN, 0}};
    int r = poll(p, 2, (int)left);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (p[1].revents) return -3;
    if (!p[0].revents) continue;
    if (*len == size) return -2;
    ssize_t n = recv(fd, buf + *len, size - *len, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) return 0;
    *len += (size_t)n;
  }
}

static void serve_one(control *c, int fd)
{
  struct ucred cred = {.uid = (uid_t)-1};
  socklen_t cl = sizeof cred;
  int known = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0;
  if (!known || (cred.uid != 0 && cred.uid != geteuid())) {
    log_line(LOG_WARN, "event=control_refused uid=%ld", known ? (long)cred.uid : -1L);
    static const char no[] = "error: only root or the server's own user may use the control socket\n";
    send_all(fd, no, sizeof no - 1);
    return;
  }
  struct timeval tv = {CONTROL_READ_MS / 1000, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  char *buf = sodium_malloc(CONTROL_REQUEST_MAX + 1), *reply = malloc(CONTROL_REPLY_MAX);
  if (!buf || !reply) {
    sodium_free(buf);
    free(reply);
    return;
  }
  size_t len = 0;
  int r = read_request(c, fd, buf, CONTROL_REQUEST_MAX, &len);
  if (r == -1 || r == -3) {
    if (r == -1) log_line(LOG_WARN, "event=control_dropped reason=timeout_or_closed");
    sodium_free(buf); /* wipes: a passphrase may have arrived */
    free(reply);
    return;
  }
  char *lines[CONTROL_MAX_LINES];
  size_t n = 0;
  const char *bad = r == -2 ? "error: the request is too long\n" : NULL;
  buf[len] = '\0';
  if (!bad && (len == 0 || buf[len - 1] != '\n' || memchr(buf, '\0', len)))
    bad = "error: a request is lines of text, each ending in a newline\n";
  for (char *p = buf; !bad && *p; n++) {
    char *nl = strchr(p, '\n');
    if (n == CONTROL_MAX_LINES) bad = "error: too many lines in the request\n";
    else if ((size_t)(nl - p) >= CONTROL_LINE_MAX) bad = "error: a line of the request is too long\n";
    else {
      *nl = '\0';
      lines[n] = p;
      p = nl + 1;
    }
  }
  if (bad) {
    send_all(fd, bad, strlen(bad));
  } else {
    control_cmds_handle(&c->ctx, lines, n, reply, CONTROL_REPLY_MAX);
    send_all(fd, reply, strlen(reply));
  }
  sodium_free(buf);
  free(reply);
}

static void *control_main(void *arg)
{
  control *c = arg;
  for (;;) {
    struct pollfd p[2] = {{c->lfd, POLLIN, 0}, {c->efd, POLLIN, 0}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      log_line(LOG_ERROR, "event=control_poll_failed error=%d", errno);
      break;
    }
    if (p[1].revents) break;
    if (!p[0].revents) continue;
    int fd = accept4(c->lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) continue;
    serve_one(c, fd);
    close(fd);
  }
  return NULL;
}

int control_start(const control_opts *o, control **out, char *err, size_t err_size)
{
  *out = NULL;
  struct sockaddr_un a;
  control *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(err, err_size, "out of memory");
    return -1;
  }
  c->lfd = c->efd = -1;
  if (snprintf(c->path, sizeof c->path, "%s", o->path) >= (int)sizeof c->path || make_addr(c->path, &a)) {
    snprintf(err, err_size, "the control socket path %s is too long (at most %zu bytes)", o->path,
             sizeof a.sun_path - 1);
    free(c);
    return -1;
  }
  if (snprintf(c->ctx.data_dir, sizeof c->ctx.data_dir, "%s", o->data_dir) >= (int)sizeof c->ctx.data_dir) {
    snprintf(err, err_size, "the data directory's path is too long");
    free(c);
    return -1;
  }
  c->ctx.cfg = *o->cfg;
  c->ctx.keys = o->keys;
  c->ctx.stats = o->stats;
  if (clear_stale(c->path, &a, err, err_size)) {
    free(c);
    return -1;
  }
  c->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  c->efd = eventfd(0, EFD_CLOEXEC);
  c->ctx.stop_fd = c->efd;
  /* umask 077 (reflectd's main) already makes the socket 0600 at bind;
   * the chmod states it rather than relying on it. */
  if (c->lfd < 0 || c->efd < 0 || bind(c->lfd, (struct sockaddr *)&a, sizeof a) != 0 || chmod(c->path, 0600) != 0 ||
      listen(c->lfd, 8) != 0) {
    snprintf(err, err_size, "cannot listen on the control socket %s: %s", c->path, strerror(errno));
    goto fail;
  }
  if (pthread_create(&c->thread, NULL, control_main, c) != 0) {
    snprintf(err, err_size, "cannot start the control thread");
    unlink(c->path);
    goto fail;
  }
  log_line(LOG_INFO, "event=control_listening path=%s", c->path);
  *out = c;
  return 0;
fail:
  if (c->lfd >= 0) close(c->lfd);
  if (c->efd >= 0) close(c->efd);
  free(c);
  return -1;
}

void control_stop(control *c)
{
  if (!c) return;
  uint64_t one = 1;
  ssize_t w = write(c->efd, &one, sizeof one);
  (void)w;
  pthread_join(c->thread, NULL);
  close(c->lfd);
  close(c->efd);
  unlink(c->path);
  free(c);
}

/* root asking the reflect user's server: the peer must own the socket's
 * directory and nobody else may write there, so nobody else planted it. */
static int owns_private_dir(const char *path, uid_t uid)
{
  char dir[sizeof((struct sockaddr_un *)0)->sun_path + 1];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (!slash) snprintf(dir, sizeof dir, ".");
  else if (slash == dir) dir[1] = '\0';
  else *slash = '\0';
  struct stat st;
  return stat(dir, &st) == 0 && st.st_uid == uid && !(st.st_mode & 022);
}

int control_request(const char *path, const char *command, const char *const *lines, size_t n_lines, char *reply,
                    size_t reply_size, char *err, size_t err_size)
{
  struct sockaddr_un a;
  if (make_addr(path, &a)) {
    snprintf(err, err_size, "the control socket path %s is too long", path);
    return -1;
  }
  size_t total = strlen(command) + 1;
  if (n_lines + 1 > CONTROL_MAX_LINES || strchr(command, '\n')) {
    snprintf(err, err_size, "invalid control request");
    return -1;
  }
  for (size_t i = 0; i < n_lines; i++) {
    if (strchr(lines[i], '\n') || strlen(lines[i]) >= CONTROL_LINE_MAX) {
      snprintf(err, err_size, "a line is too long or holds a newline");
      return -1;
    }
    total += strlen(lines[i]) + 1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(err, err_size, "socket: %s", strerror(errno));
    return -1;
  }
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    int e = errno;
    close(fd);
    if (e == ENOENT || e == ECONNREFUSED) {
      snprintf(err, err_size, "no server is listening on %s", path);
      return CONTROL_ENOSERVER;
    }
    snprintf(err, err_size, "cannot reach the server's control socket %s: %s", path, strerror(e));
    return -1;
  }
  /* The lines may be a passphrase: say them only to a server run by root
   * or by whoever runs this command (the reflect user), never to a socket
   * someone else planted at a path in a shared directory. */
  struct ucred peer;
  socklen_t pl = sizeof peer;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &pl) != 0 ||
      (peer.uid != 0 && peer.uid != geteuid() && !owns_private_dir(path, peer.uid))) {
    close(fd);
    snprintf(err, err_size, "the control socket %s is not served by root or by this user: refusing to talk to it",
             path);
    return -1;
  }
  /* One buffer, wiped: the lines may be passphrases. */
  char *req = sodium_malloc(total + 1);
  if (!req) {
    close(fd);
    snprintf(err, err_size, "out of memory");
    return -1;
  }
  size_t off = (size_t)snprintf(req, total + 1, "%s\n", command);
  for (size_t i = 0; i < n_lines; i++) off += (size_t)snprintf(req + off, total + 1 - off, "%s\n", lines[i]);
  struct timeval tv = {CONTROL_REPLY_S, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int rc = send_all(fd, req, total) == 0 && shutdown(fd, SHUT_WR) == 0 ? 0 : -1;
  sodium_free(req);
  size_t got = 0;
  while (rc == 0) {
    if (got + 1 >= reply_size) break;
    ssize_t n = recv(fd, reply + got, reply_size - 1 - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) rc = -1;
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(fd);
  reply[got] = '\0';
  if (rc || got == 0) {
    snprintf(err, err_size, "the server on %s did not answer", path);
    return -1;
  }
  return 0;
}
