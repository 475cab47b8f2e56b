#include "call.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "store_audit.h"

/* The layers below speak rcode and user_role; the wire carries the same
 * numbers, so a value crosses unchanged. */
_Static_assert((int)RC_OK == (int)REFLECT__V1__CODE__OK &&
                   (int)RC_INVALID == (int)REFLECT__V1__CODE__INVALID_ARGUMENT &&
                   (int)RC_NOT_FOUND == (int)REFLECT__V1__CODE__NOT_FOUND &&
                   (int)RC_EXISTS == (int)REFLECT__V1__CODE__ALREADY_EXISTS &&
                   (int)RC_DENIED == (int)REFLECT__V1__CODE__PERMISSION_DENIED &&
                   (int)RC_EXHAUSTED == (int)REFLECT__V1__CODE__RESOURCE_EXHAUSTED &&
                   (int)RC_PRECONDITION == (int)REFLECT__V1__CODE__FAILED_PRECONDITION &&
                   (int)RC_UNIMPLEMENTED == (int)REFLECT__V1__CODE__UNIMPLEMENTED &&
                   (int)RC_INTERNAL == (int)REFLECT__V1__CODE__INTERNAL &&
                   (int)RC_UNAVAILABLE == (int)REFLECT__V1__CODE__UNAVAILABLE &&
                   (int)RC_DATA_LOSS == (int)REFLECT__V1__CODE__DATA_LOSS &&
                   (int)RC_UNAUTHENTICATED == (int)REFLECT__V1__CODE__UNAUTHENTICATED,
               "rcode and the wire's Code differ");
_Static_assert((int)ROLE_UNSPECIFIED == (int)REFLECT__V1__ROLE__ROLE_UNSPECIFIED &&
                   (int)ROLE_ADMINISTRATOR == (int)REFLECT__V1__ROLE__ROLE_ADMINISTRATOR &&
                   (int)ROLE_MANAGER == (int)REFLECT__V1__ROLE__ROLE_MANAGER &&
                   (int)ROLE_SUPERVISOR == (int)REFLECT__V1__ROLE__ROLE_SUPERVISOR &&
                   (int)ROLE_PRACTITIONER == (int)REFLECT__V1__ROLE__ROLE_PRACTITIONER &&
                   (int)ROLE_INSPECTOR == (int)REFLECT__V1__ROLE__ROLE_INSPECTOR,
               "user_role and the wire's Role differ");

rcode call_fail(call *c, rcode code, const char *field, const char *fmt, ...)
{
  Reflect__V1__Status *st = c->rep->status;
  /* The first failure describes the problem best; later ones only unwind. */
  if (st->code != REFLECT__V1__CODE__OK) return code;
  st->code = (Reflect__V1__Code)code;
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
    c->rep->status->code = REFLECT__V1__CODE__OK;
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

typedef struct {
  const char *action, *kind, *detail;
  int64_t id;
} read_audit;

static rcode read_audit_tx(call *c, void *arg)
{
  read_audit *r = arg;
  return store_audit_append_id(call_store(c), r->action, r->kind, r->id, r->detail);
}

rcode call_audit_read(call *c, const char *action, const char *kind, int64_t id, const char *detail)
{
  read_audit r = {action, kind, detail, id};
  return call_write(c, "audit the read", read_audit_tx, &r);
}
