#include "store_audit.h"

#include <stdio.h>

int store_audit_append(call *c, const char *action, const char *object, const char *detail)
{
  sqlite3_stmt *st = db_prepare(c->s->db,
      "INSERT INTO audit(at, user_id, device, action, object, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, c->now);
  if (c->who->authenticated) sqlite3_bind_int64(st, 2, c->who->user_id);
  sqlite3_bind_text(st, 3, c->who->device, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, object, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, detail ? detail : "", -1, SQLITE_STATIC);
  return rc_from_sqlite(db_step_done(st));
}

int store_audit_append_id(call *c, const char *action, const char *kind, int64_t id, const char *detail)
{
  char object[64];
  snprintf(object, sizeof object, "%s:%lld", kind, (long long)id);
  return store_audit_append(c, action, object, detail);
}

typedef struct {
  const char *action, *kind, *detail;
  int64_t id;
} read_audit;

static rcode read_audit_tx(call *c, void *arg)
{
  read_audit *r = arg;
  return (rcode)store_audit_append_id(c, r->action, r->kind, r->id, r->detail);
}

rcode store_audit_read(call *c, const char *action, const char *kind, int64_t id, const char *detail)
{
  read_audit r = {action, kind, detail, id};
  return call_write(c, "audit the read", read_audit_tx, &r);
}
