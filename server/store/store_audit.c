#include "store_audit.h"

#include <stdio.h>

#include "audit_chain.h"

rcode store_audit_append(store_ctx *c, const char *action, const char *object, const char *detail)
{
  db *d = c->db;
  /* The id is chosen first because it is hashed into the row's chain; the
   * caller's write transaction keeps it ours. */
  int64_t id;
  if (db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM audit", &id)) return RC_INTERNAL;
  audit_fields f =
      {id, c->now, c->who->authenticated ? c->who->user_id : 0, c->who->device, action, object, detail ? detail : ""};
  uint8_t chain[AUDIT_CHAIN_BYTES];
  int rc = audit_chain_next(d, c->vault, c->ring, c->now, &f, chain);
  if (rc) return rc;
  sqlite3_stmt *st = db_prepare(d, "INSERT INTO audit(id, at, user_id, device, action, object, detail, chain)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, c->now);
  if (f.user_id) sqlite3_bind_int64(st, 3, f.user_id);
  sqlite3_bind_text(st, 4, f.device, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, action, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, object, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, f.detail, -1, SQLITE_STATIC);
  sqlite3_bind_blob(st, 8, chain, AUDIT_CHAIN_BYTES, SQLITE_STATIC);
  return rc_from_sqlite(db_step_done(st));
}

rcode store_audit_append_id(store_ctx *c, const char *action, const char *kind, int64_t id, const char *detail)
{
  char object[64];
  snprintf(object, sizeof object, "%s:%lld", kind, (long long)id);
  return store_audit_append(c, action, object, detail);
}
