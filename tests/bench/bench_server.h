/*
 * bench_server — a real reflectd child process for the benchmark:
 * `reflectd init` on DIR/data (admin password on stdin), then
 * `reflectd serve` with ipc:// endpoints inside DIR, stderr to DIR/reflectd.log.
 *
 * Contract:
 *  - bench_server_start is bench_server_init then bench_server_serve.
 *    bench_server_init fills in the paths and endpoints and runs `reflectd
 *    init` (s->data then holds reflectd.conf, server.pub and the database,
 *    ready for a caller to adjust or seed before anything serves it);
 *    bench_server_serve starts `reflectd serve` on that directory.
 *  - bench_server_start and bench_server_serve return 0 once a ping is
 *    answered (within BENCH_SERVER_START_MS), else -1 with the child killed.
 *  - The child gets PR_SET_PDEATHSIG(SIGKILL), and bench_server_kill (safe
 *    from a signal handler or atexit) SIGKILLs a still-running child, so no
 *    reflectd outlives the benchmark on any exit path.
 *  - bench_server_peak_rss_kib reads VmHWM from /proc/PID/status.
 *  - bench_server_stop sends SIGTERM and waits up to BENCH_SERVER_STOP_MS;
 *    returns the exit code (0 = clean), 128+signal, or -1 if it had to be
 *    killed.
 */
#ifndef REFLECT_BENCH_SERVER_H
#define REFLECT_BENCH_SERVER_H

#include <sys/types.h>

#include "reflect/client.h"

#define BENCH_SERVER_START_MS 20000
#define BENCH_SERVER_STOP_MS 30000
#define BENCH_ADMIN_PASSWORD "bench-admin-password-1"

typedef struct {
  char dir[256];
  char data[300], log[300];
  char rpc[320], pub[320];
  char server_key[41];
  pid_t pid;
} bench_server;

/* dir must exist and be empty of reflectd files; workers 0 = default. */
int bench_server_start(bench_server *s, const char *reflectd, const char *dir, int workers, int tcp);
int bench_server_init(bench_server *s, const char *reflectd, const char *dir, int tcp);
int bench_server_serve(bench_server *s, const char *reflectd, int workers);

/* An endpoint for `name`: tcp://127.0.0.1:PORT on a port that was free a
 * moment ago, or ipc://DIR/NAME.sock. */
int bench_endpoint(int tcp, const char *dir, const char *name, char *out, size_t size);
long bench_server_peak_rss_kib(const bench_server *s);
int bench_server_stop(bench_server *s);
void bench_server_kill(void);

/* A new in-memory device (fresh CURVE key pair) connected to s. */
client *bench_server_device(const bench_server *s, int timeout_ms);

#endif
