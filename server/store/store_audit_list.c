#include "store_audit_list.h"

#include <stdio.h>
#include <string.h>

#define ENTRY_COLUMNS                                                                               \
  "SELECT a.id, a.at, coalesce(u.username, ''), coalesce(u.role, 0), a.device, a.action, a.object," \
  " a.detail FROM audit a LEFT JOIN users u ON u.id = a.user_id"

/* Each branch is an index look-up on audit(object, at), so a long log is
 * never scanned whole. */
static const char session_sql[] = ENTRY_COLUMNS
    " WHERE a.id IN ("
    " SELECT id FROM audit WHERE object = ?1"
    " UNION SELECT id FROM audit WHERE object IN (SELECT 'action:' || id FROM actions WHERE session_id = ?2)"
    " UNION SELECT id FROM audit WHERE action = 'case.discussed' AND detail LIKE ?3"
    "   AND object IN (SELECT DISTINCT 'case:' || case_id FROM case_discussions WHERE session_id = ?2))"
    " AND a.at BETWEEN ?4 AND ?5 ORDER BY a.id LIMIT ?6";

static const char case_sql[] = ENTRY_COLUMNS
    " WHERE a.id IN ("
    " SELECT id FROM audit WHERE object = ?1"
    " UNION SELECT id FROM audit WHERE object IN (SELECT 'action:' || id FROM actions WHERE case_id = ?2))"
    " AND a.at BETWEEN ?4 AND ?5 ORDER BY a.id LIMIT ?6";

/* ?1 is the manager; their teams are the ones they manage. */
#define MANAGED_TEAMS "(SELECT team_id FROM team_members WHERE user_id = ?1 AND manager = 1)"
static const char admin_sql[] = ENTRY_COLUMNS
    " WHERE a.id IN ("
    " SELECT id FROM audit WHERE action IN ('user.add', 'password.reset', 'team.join', 'team.change') AND object IN"
    "  (SELECT 'user:' || user_id FROM team_members WHERE team_id IN " MANAGED_TEAMS ")"
    " UNION SELECT id FROM audit WHERE action IN ('team.join', 'team.change', 'team.remove') AND object IN"
    "  (SELECT 'team:' || team_id FROM team_members WHERE user_id = ?1 AND manager = 1)"
    " UNION SELECT id FROM audit WHERE action IN ('inspector.grant', 'inspector.revoke') AND detail IN"
    "  (SELECT 'team=' || team_id FROM team_members WHERE user_id = ?1 AND manager = 1))"
    " AND a.at BETWEEN ?4 AND ?5 ORDER BY a.id LIMIT ?6";

static char *column_text(store_ctx *c, sqlite3_stmt *st, int i)
{
  const char *t = (const char *)sqlite3_column_text(st, i);
  return arena_strdup(c->a, t ? t : "");
}

rcode store_audit_list(store_ctx *c, const audit_query *q, audit_entry **out, size_t *n, int *truncated)
{
  sqlite3_stmt *st = db_prepare(c->db, q->admin_for ? admin_sql : q->session_id ? session_sql : case_sql);
  if (!st) return RC_INTERNAL;
  if (q->admin_for) {
    sqlite3_bind_int64(st, 1, q->admin_for);
  } else {
    char object[48], pattern[48];
    int64_t id = q->session_id ? q->session_id : q->case_id;
    snprintf(object, sizeof object, "%s:%lld", q->session_id ? "session" : "case", (long long)id);
    /* store_records writes "session=N;revision=R" as a discussed case's detail. */
    snprintf(pattern, sizeof pattern, "session=%lld;%%", (long long)id);
    sqlite3_bind_text(st, 1, object, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, id);
    if (q->session_id) sqlite3_bind_text(st, 3, pattern, -1, SQLITE_TRANSIENT);
  }
  sqlite3_bind_int64(st, 4, q->from);
  sqlite3_bind_int64(st, 5, q->to);
  sqlite3_bind_int64(st, 6, (int64_t)q->limit + 1);
  audit_entry *v = arena_alloc(c->a, sizeof *v * (q->limit + 1));
  if (!v) {
    sqlite3_reset(st);
    return RC_EXHAUSTED;
  }
  size_t k = 0, bytes = 0;
  int src, rc = RC_OK;
  *truncated = 0;
  while ((src = sqlite3_step(st)) == SQLITE_ROW) {
    if (k == q->limit) {
      *truncated = 1;
      break;
    }
    audit_entry *e = &v[k];
    e->id = sqlite3_column_int64(st, 0);
    e->at = sqlite3_column_int64(st, 1);
    e->who = column_text(c, st, 2);
    e->role = (user_role)sqlite3_column_int(st, 3);
    /* Enough of the device key to tell devices apart, not to name one. */
    const char *dev = (const char *)sqlite3_column_text(st, 4);
    e->device = arena_strndup(c->a, dev ? dev : "", dev ? strnlen(dev, 8) : 0);
    e->action = column_text(c, st, 5);
    e->object = column_text(c, st, 6);
    e->detail = column_text(c, st, 7);
    if (!e->who || !e->device || !e->action || !e->object || !e->detail) {
      rc = RC_EXHAUSTED;
      break;
    }
    if (q->cost) {
      bytes += q->cost(e);
      if (bytes > q->budget) {
        *truncated = 1;
        break;
      }
    }
    k++;
  }
  sqlite3_reset(st);
  if (!rc && src != SQLITE_ROW && src != SQLITE_DONE) rc = RC_INTERNAL;
  if (rc) return rc;
  *out = v;
  *n = k;
  return RC_OK;
}
