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
#include "retention.h"
#include "shred.h"
#include "call.h"
#include "store_keys.h"
#include "store_records.h"

/* 1 if path's real location is inside $CREDENTIALS_DIRECTORY. */
static int under_credentials(const char *path)
{
  const char *cred = getenv("CREDENTIALS_DIRECTORY");
  char real_cred[PATH_MAX], real_path[PATH_MAX];
  if (!cred || *cred != '/' || !realpath(cred, real_cred) || !realpath(path, real_path)) return 0;
  size_t n = strlen(real_cred);
  return strncmp(real_path, real_cred, n) == 0 && real_path[n] == '/';
}

int serve_setup_read_passphrase_file(const char *path, char *buf, size_t size, char *err, size_t err_size)
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
    else rc = 0;
    if (rc) sodium_memzero(buf, size);
  }
  close(fd);
  return rc;
}

static rcode reseal_tx(call *c, void *arg)
{
  return store_records_reseal(call_store(c), arg);
}

/* Moves every format-2 revision's case sections under their cases' keys
 * (store_records.h), a batch per write transaction, then checkpoints the
 * WAL so the old bodies' pages leave the log as well (secure_delete has
 * zeroed them in the database). */
static int reseal_records(db *d, const config *cfg, const vault *v, keyring *ring, int64_t *moved, int64_t *skipped,
                          char *err, size_t err_size)
{
  Reflect__V1__Status status = REFLECT__V1__STATUS__INIT;
  Reflect__V1__Reply rep = REFLECT__V1__REPLY__INIT;
  rep.status = &status;
  principal nobody = {0};
  arena a = {0};
  svc s = {.db = d, .vault = v, .cfg = cfg, .ring = ring};
  call c = {.s = &s, .who = &nobody, .a = &a, .ring = ring, .rep = &rep, .now = (int64_t)time(NULL)};
  records_reseal_batch b = {0};
  rcode rc = RC_OK;
  for (;;) {
    rc = call_write(&c, "move case discussions under their cases' keys", reseal_tx, &b);
    if (rc) {
      snprintf(err, err_size, "%s", status.message && *status.message ? status.message : "failed");
      break;
    }
    *moved += b.moved;
    *skipped += b.skipped;
    if (!b.seen) break;
    b.after = b.last;
  }
  arena_reset(&a);
  if (*moved) shred_checkpoint(d);
  return rc ? -1 : 0;
}

int serve_setup_keys_ready(const char *dir, const config *cfg, const vault *v)
{
  char err[512], q[600];
  db *d = NULL;
  keyring ring = {0};
  int64_t rows = 0, moved = 0, skipped = 0;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = db_open(dir, DB_OPEN, cfg->synchronous_full, &d, err, sizeof err);
  if (rc == 0) {
    rc = audit_chain_catch_up(d, v, &ring, (int64_t)time(NULL), &rows);
    if (rc) snprintf(err, sizeof err, "audit_chain_catch_up returned code %d", rc);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  if (rc) log_line(LOG_ERROR, "event=audit_chain_failed error=%s", log_quote(err, q, sizeof q));
  else log_line(LOG_INFO, "event=audit_chained rows=%lld ms=%ld", (long long)rows, ms);
  /* Independent of the chain: a failure there must not leave case texts
   * under the sessions' keys. */
  int rrc = -1;
  if (d) {
    t0 = t1;
    rrc = reseal_records(d, cfg, v, &ring, &moved, &skipped, err, sizeof err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    if (rrc)
      log_line(LOG_ERROR, "event=records_reseal_failed moved=%lld error=%s", (long long)moved,
               log_quote(err, q, sizeof q));
    else if (moved || skipped)
      log_line(skipped ? LOG_WARN : LOG_INFO, "event=records_resealed revisions=%lld skipped=%lld ms=%ld",
               (long long)moved, (long long)skipped, ms);
  }
  keyring_clear(&ring);
  db_close(d);
  return rc || rrc ? -1 : 0;
}
