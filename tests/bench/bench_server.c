/* A reflectd child process for the benchmark; see bench_server.h. */
#include "bench_server.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "bench_loop.h"
#include "wire.h"

static volatile pid_t running_child = 0;

void bench_server_kill(void)
{
  pid_t pid = running_child;
  if (pid > 0) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    running_child = 0;
  }
}

/* In the child: stdin from in_fd (or /dev/null), stdout/stderr to the log. */
static void child_stdio(const char *log, int in_fd)
{
  int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (in_fd < 0) in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (in_fd >= 0) dup2(in_fd, 0);
  if (fd >= 0) {
    dup2(fd, 1);
    dup2(fd, 2);
  }
}

static int run_init(bench_server *s, const char *reflectd)
{
  int in[2];
  if (pipe(in)) return -1;
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    close(in[1]);
    child_stdio(s->log, in[0]);
    execl(reflectd, reflectd, "init", "--data", s->data, "--admin-password-stdin", (char *)NULL);
    _exit(127);
  }
  close(in[0]);
  const char pw[] = BENCH_ADMIN_PASSWORD "\n";
  ssize_t w = write(in[1], pw, sizeof pw - 1);
  close(in[1]);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  if (w != (ssize_t)(sizeof pw - 1) || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    fprintf(stderr, "bench: reflectd init failed (see %s)\n", s->log);
    return -1;
  }
  char path[400];
  snprintf(path, sizeof path, "%s/server.pub", s->data);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  int ok = fgets(s->server_key, sizeof s->server_key, f) && strlen(s->server_key) == 40;
  fclose(f);
  return ok ? 0 : -1;
}

client *bench_server_device(const bench_server *s, int timeout_ms)
{
  char pub[41], sec[41];
  client *c = NULL;
  if (zmq_curve_keypair(pub, sec)) return NULL;
  if (client_open_keys(s->rpc, s->server_key, pub, sec, timeout_ms, &c) != CLIENT_OK) c = NULL;
  return c;
}

static int wait_ready(bench_server *s)
{
  client *c = bench_server_device(s, 500);
  if (!c) return -1;
  int64_t deadline = bench_now_ns() + (int64_t)BENCH_SERVER_START_MS * 1000000;
  int rc = -1;
  while (bench_now_ns() < deadline) {
    Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
    Reflect__V1__PingRequest ping = REFLECT__V1__PING_REQUEST__INIT;
    req.op_case = REFLECT__V1__REQUEST__OP_PING;
    req.ping = &ping;
    Reflect__V1__Reply *rep = NULL;
    if (client_call(c, &req, &rep) == CLIENT_OK) {
      wire_free_reply(rep);
      rc = 0;
      break;
    }
    if (waitpid(s->pid, NULL, WNOHANG) != 0) {
      fprintf(stderr, "bench: reflectd exited during start-up (see %s)\n", s->log);
      running_child = s->pid = 0;
      break;
    }
  }
  client_close(c);
  return rc;
}

int bench_endpoint(int tcp, const char *dir, const char *name, char *out, size_t size)
{
  if (!tcp) return snprintf(out, size, "ipc://%s/%s.sock", dir, name) < (int)size ? 0 : -1;
  /* Ask the kernel for a free loopback port, then hand it to whoever binds. */
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  int ok = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
           getsockname(fd, (struct sockaddr *)&a, &len) == 0;
  if (fd >= 0) close(fd);
  if (!ok) return -1;
  snprintf(out, size, "tcp://127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
  return 0;
}

int bench_server_init(bench_server *s, const char *reflectd, const char *dir, int tcp)
{
  memset(s, 0, sizeof *s);
  snprintf(s->dir, sizeof s->dir, "%s", dir);
  snprintf(s->data, sizeof s->data, "%s/data", dir);
  snprintf(s->log, sizeof s->log, "%s/reflectd.log", dir);
  if (bench_endpoint(tcp, dir, "rpc", s->rpc, sizeof s->rpc) || bench_endpoint(tcp, dir, "pub", s->pub, sizeof s->pub))
    return -1;
  return run_init(s, reflectd);
}

int bench_server_serve(bench_server *s, const char *reflectd, int workers)
{
  char nworkers[16];
  snprintf(nworkers, sizeof nworkers, "%d", workers);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    child_stdio(s->log, -1);
    if (workers > 0)
      execl(reflectd, reflectd, "serve", "--data", s->data, "--listen", s->rpc, "--publish", s->pub, "--workers",
            nworkers, (char *)NULL);
    else execl(reflectd, reflectd, "serve", "--data", s->data, "--listen", s->rpc, "--publish", s->pub, (char *)NULL);
    _exit(127);
  }
  s->pid = pid;
  running_child = pid;
  if (wait_ready(s)) {
    fprintf(stderr, "bench: reflectd did not answer a ping (see %s)\n", s->log);
    bench_server_kill();
    s->pid = 0;
    return -1;
  }
  return 0;
}

int bench_server_start(bench_server *s, const char *reflectd, const char *dir, int workers, int tcp)
{
  if (bench_server_init(s, reflectd, dir, tcp)) return -1;
  return bench_server_serve(s, reflectd, workers);
}

long bench_server_peak_rss_kib(const bench_server *s)
{
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)s->pid);
  FILE *f = fopen(path, "r");
  long kib = -1;
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "VmHWM: %ld kB", &kib) == 1) break;
  fclose(f);
  return kib;
}

int bench_server_stop(bench_server *s)
{
  if (s->pid <= 0) return -1;
  kill(s->pid, SIGTERM);
  int64_t deadline = bench_now_ns() + (int64_t)BENCH_SERVER_STOP_MS * 1000000;
  int st = 0;
  pid_t r;
  while ((r = waitpid(s->pid, &st, WNOHANG)) == 0 && bench_now_ns() < deadline) bench_sleep_s(0.01);
  if (r == 0) {
    fprintf(stderr, "bench: reflectd did not stop within %d ms of SIGTERM\n", BENCH_SERVER_STOP_MS);
    bench_server_kill();
    s->pid = 0;
    return -1;
  }
  running_child = 0;
  s->pid = 0;
  if (r < 0) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
