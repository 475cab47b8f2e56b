#include "call.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

rcode call_fail(call *c, rcode code, const char *field, const char *fmt, ...)
{
  Reflect__V1__Status *st = c->rep->status;
  /* The first failure describes the problem best; later ones only unwind. */
  if (st->code != RC_OK) return code;
  st->code = code;
  va_list ap;
  va_start(ap, fmt);
  char buf[512];
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  char *msg = arena_strdup(c->a, buf);
  if (msg) st->message = msg;
  if (field) st->field = (char *)field;
  return code;
}

rcode call_fail_sql(call *c, int sqlite_rc, const char *what)
{
  int primary = sqlite_rc & 0xff;
  if (primary == SQLITE_FULL) {
    log_line(LOG_ERROR, "event=disk_full what=\"%s\"", what);
    return call_fail(c, RC_EXHAUSTED, NULL, "the server's disk is full; nothing was saved (could not %s)", what);
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    return call_fail(c, RC_UNAVAILABLE, NULL, "the database is busy; try %s again", what);
  log_line(LOG_ERROR, "event=sql_error what=\"%s\" error=\"%s\"", what, sqlite3_errstr(sqlite_rc));
  return call_fail(c, RC_INTERNAL, NULL, "a storage error stopped %s", what);
}

rcode call_check_text(call *c, const char *field, const char *value, size_t max)
{
  size_t n = strlen(value);
  if (n == 0 || strspn(value, " \t\r\n") == n) return call_fail(c, RC_INVALID, field, "%s is required", field);
  if (n > max) return call_fail(c, RC_INVALID, field, "%s may have at most %zu bytes", field, max);
  return RC_OK;
}

rcode call_write(call *c, const char *what, call_write_fn fn, void *arg)
{
  int src = db_begin_write(c->s->db);
  if (src) return call_fail_sql(c, src, what);
  int64_t first = c->events_first, last = c->events_last;
  rcode rc = fn(c, arg);
  /* A full disk can also strike mid-transaction (a page spilled to the
   * WAL), and a store may have called that INTERNAL: the disk is the real
   * cause, so it replaces the first failure (before ROLLBACK clears it). */
  if (rc != RC_OK && (sqlite3_errcode(db_handle(c->s->db)) & 0xff) == SQLITE_FULL) {
    c->rep->status->code = RC_OK;
    rc = call_fail_sql(c, SQLITE_FULL, what);
  }
  if (rc != RC_OK) {
    db_rollback(c->s->db);
    c->events_first = first;
    c->events_last = last;
    /* A data key made in this transaction is gone with it, but may already
     * sit in the key cache: the next subject would get the same key id and
     * be sealed under a key nobody can unwrap. Forget them all. */
    keyring_clear(c->ring);
    return call_fail(c, rc, NULL, "could not %s", what);
  }
  src = db_commit(c->s->db);
  if (src) {
    c->events_first = first;
    c->events_last = last;
    keyring_clear(c->ring);
    return call_fail_sql(c, src, what);
  }
  return RC_OK;
}
