/* serve_setup — see serve_setup.h. */
#define _GNU_SOURCE
#include "serve_setup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit_chain.h"
#include "db.h"
#include "log.h"
#include "store_keys.h"

/* 1 if path's real location is inside $CREDENTIALS_DIRECTORY. */
static int under_credentials(const char *path)
{
  const char *cred = getenv("CREDENTIALS_DIRECTORY");
  char real_cred[PATH_MAX], real_path[PATH_MAX];
  if (!cred || *cred != '/' || !realpath(cred, real_cred) || !realpath(path, real_path)) return 0;
  size_t n = strlen(real_cred);
  return strncmp(real_path, real_cred, n) == 0 && real_path[n] == '/';
}

int serve_read_passphrase_file(const char *path, char *buf, size_t size, char *err, size_t err_size)
{
  /* O_NONBLOCK: a FIFO planted at the path must not hang the start. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    snprintf(err, err_size, "cannot open the passphrase file %s: %s", path, strerror(errno));
    return -1;
  }
  struct stat st;
  int rc = -1;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    snprintf(err, err_size, "the passphrase file %s is not a regular file", path);
  } else if ((st.st_mode & 077) && !under_credentials(path)) {
    snprintf(err, err_size,
             "the passphrase file %s is readable by group or others: chmod 600 it, or pass it with systemd's "
             "LoadCredential=",
             path);
  } else if (st.st_size <= 0 || (size_t)st.st_size >= size) {
    snprintf(err, err_size, "the passphrase file %s must hold one line of 1 to %zu bytes", path, size - 2);
  } else {
    size_t done = 0;
    while (done < (size_t)st.st_size) {
      ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += (size_t)n;
    }
    buf[done] = '\0';
    if (done && buf[done - 1] == '\n') buf[--done] = '\0';
    if (done && buf[done - 1] == '\r') buf[--done] = '\0';
    if (done == 0 || strlen(buf) != done || memchr(buf, '\n', done))
      snprintf(err, err_size, "the passphrase file %s must hold exactly one non-empty line", path);
    else
      rc = 0;
    if (rc) sodium_memzero(buf, size);
  }
  close(fd);
  return rc;
}

int serve_keys_ready(const char *dir, const config *cfg, const vault *v)
{
  char err[512], q[600];
  db *d = NULL;
  keyring ring = {0};
  int64_t rows = 0;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = db_open(dir, DB_OPEN, cfg->synchronous_full, &d, err, sizeof err);
  if (rc == 0) {
    rc = audit_chain_catch_up(d, v, &ring, (int64_t)time(NULL), &rows);
    if (rc) snprintf(err, sizeof err, "audit_chain_catch_up returned code %d", rc);
  }
  keyring_clear(&ring);
  db_close(d);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  if (rc) {
    log_line(LOG_ERROR, "event=audit_chain_failed error=%s", log_quote(err, q, sizeof q));
    return -1;
  }
  log_line(LOG_INFO, "event=audit_chained rows=%lld ms=%ld", (long long)rows, ms);
  return 0;
}
