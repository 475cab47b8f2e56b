/* Audited, bounded refusals of requests that name what the caller may not
 * see (probes.h). */
#include "probes.h"

#include <stdio.h>

#include "log.h"
#include "store_audit.h"

/* The start of the current window, in Unix seconds. */
static int64_t window_of(const call *c)
{
  return c->now - c->now % PROBE_WINDOW_S;
}

/* Refusals of kind by the caller in this window so far. */
static rcode probes_count(call *c, const char *kind, int64_t *count)
{
  *count = 0;
  sqlite3_stmt *st =
      db_prepare(c->s->db, "SELECT refusals FROM probes WHERE user_id = ?1 AND kind = ?2 AND since = ?3");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, c->who->user_id);
  sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, window_of(c));
  int rc = db_one_int64(st, count);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

rcode probes_check(call *c, const char *kind)
{
  int64_t n;
  if (probes_count(c, kind, &n)) return call_fail(c, RC_INTERNAL, NULL, "could not read the refusal count");
  if (n < PROBE_LIMIT) return RC_OK;
  int64_t next = window_of(c) + PROBE_WINDOW_S;
  call_fail(c, RC_EXHAUSTED, NULL,
            "too many of your requests naming someone or something you cannot see were refused this hour; try "
            "again in %lld minutes, or ask a manager",
            (long long)((next - c->now + 59) / 60));
  /* Counted (past the limit, so not in the audit's own rows). */
  probes_record(c, kind, "-", "throttled");
  return RC_EXHAUSTED;
}

typedef struct {
  const char *kind, *object, *detail;
} probe;

static rcode record_tx(call *c, void *arg)
{
  const probe *p = arg;
  sqlite3_stmt *st =
      db_prepare(c->s->db,
                 "INSERT INTO probes(user_id, kind, since, refusals, first_at, last_at) VALUES (?1, ?2, ?3, 1, ?4, ?4)"
                 " ON CONFLICT(user_id, kind, since) DO UPDATE SET refusals = refusals + 1, last_at = ?4");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, c->who->user_id);
  sqlite3_bind_text(st, 2, p->kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, window_of(c));
  sqlite3_bind_int64(st, 4, c->now);
  if (db_step_done(st) != SQLITE_DONE) return RC_INTERNAL;
  int64_t n;
  if (probes_count(c, p->kind, &n)) return RC_INTERNAL;
  if (n > PROBE_LIMIT) return RC_OK;
  char action[48];
  snprintf(action, sizeof action, "probe.%s", p->kind);
  rcode rc = store_audit_append(call_store(c), action, p->object, p->detail);
  if (!rc && n == PROBE_LIMIT) {
    char detail[64];
    snprintf(detail, sizeof detail, "kind=%s;limit=%d;window_s=%d", p->kind, PROBE_LIMIT, PROBE_WINDOW_S);
    rc = store_audit_append_id(call_store(c), "probe.throttled", "user", c->who->user_id, detail);
  }
  return rc;
}

void probes_record(call *c, const char *kind, const char *object, const char *detail)
{
  probe p = {kind, object && *object ? object : "-", detail ? detail : ""};
  if (call_write(c, "audit the refusal", record_tx, &p) != RC_OK)
    log_line(LOG_ERROR, "event=probe_not_audited kind=%s user=%lld", kind, (long long)c->who->user_id);
}
