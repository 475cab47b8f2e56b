#include "store_actions.h"
#include "store_teams.h"
#include "store_keys.h"

#include <stdio.h>
#include <stdlib.h>

#define SQL_NUM_(x) #x
#define SQL_NUM(x) SQL_NUM_(x)

/* What an action's texts are bound to: its session, owner, creation and
 * case; the closing evidence also to who closed it, when and how, so a
 * cancellation cannot be passed off as done. */
static void action_context(char *buf, size_t size, int64_t session, int64_t owner, int64_t created, int64_t case_id)
{
  snprintf(buf, size, "session=%lld;owner=%lld;created=%lld;case=%lld", (long long)session, (long long)owner,
           (long long)created, (long long)case_id);
}

static void closing_context(char *buf, size_t size, const char *base, int64_t by, int64_t at, int status)
{
  snprintf(buf, size, "%s;closed_by=%lld;closed=%lld;status=%d", base, (long long)by, (long long)at, status);
}

static int bind_sealed(store_ctx *c, sqlite3_stmt *st, int param, int64_t id, const char *column, int64_t key_id,
                       const char *context, const char *text)
{
  store_slot slot = {"actions", id, column, key_id, 0, context};
  return store_keys_bind_sealed(c->db, c->vault, c->ring, st, param, &slot, text);
}

rcode store_actions_add(store_ctx *c, const session_row *s, int64_t owner, int64_t case_id, int64_t due_at,
                        const char *description, const char *evidence_needed, int64_t *id_out)
{
  int64_t id;
  if (db_next_id(c->db, "SELECT coalesce(max(id), 0) + 1 FROM actions", &id)) return RC_INTERNAL;
  sqlite3_stmt *st =
      db_prepare(c->db,
                 "INSERT INTO actions(id, session_id, case_id, owner_id, due_at, key_id, description, evidence_needed,"
                 " created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, s->id);
  if (case_id) sqlite3_bind_int64(st, 3, case_id);
  sqlite3_bind_int64(st, 4, owner);
  sqlite3_bind_int64(st, 5, due_at);
  sqlite3_bind_int64(st, 6, s->key_id);
  char context[160];
  action_context(context, sizeof context, s->id, owner, c->now, case_id);
  int rc = bind_sealed(c, st, 7, id, "description", s->key_id, context, description);
  if (!rc && *evidence_needed) rc = bind_sealed(c, st, 8, id, "evidence_needed", s->key_id, context, evidence_needed);
  sqlite3_bind_int64(st, 9, c->now);
  sqlite3_bind_int64(st, 10, c->who->user_id);
  if (!rc) rc = rc_from_sqlite(db_step_done(st));
  else sqlite3_reset(st);
  sqlite3_clear_bindings(st); /* frees the sealed blobs now */
  if (!rc) *id_out = id;
  return rc;
}

rcode store_actions_get(db *d, int64_t id, action_row *out)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT id, session_id, owner_id, key_id, due_at, status, created_at,"
                                   " coalesce(case_id, 0) FROM actions WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *out = (action_row){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
                        sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 6),
                        sqlite3_column_int64(st, 7), sqlite3_column_int(st, 5)};
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : rc == SQLITE_DONE ? RC_NOT_FOUND : RC_INTERNAL;
}

rcode store_actions_close(store_ctx *c, const action_row *a, int status, const char *evidence)
{
  sqlite3_stmt *st = db_prepare(c->db, "UPDATE actions SET status = ?2, evidence = ?3, closed_at = ?4, closed_by = "
                                       "?5 WHERE id = ?1 AND status = 1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, a->id);
  sqlite3_bind_int(st, 2, status);
  char base[160], context[240];
  action_context(base, sizeof base, a->session_id, a->owner_id, a->created_at, a->case_id);
  closing_context(context, sizeof context, base, c->who->user_id, c->now, status);
  int rc = bind_sealed(c, st, 3, a->id, "evidence", a->key_id, context, evidence);
  sqlite3_bind_int64(st, 4, c->now);
  sqlite3_bind_int64(st, 5, c->who->user_id);
  if (!rc) rc = rc_from_sqlite(db_step_done(st));
  else sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc;
}

typedef struct {
  int64_t id, key_id, owner, closed_by;
  const void *blob[3];
  size_t len[3];
} sealed_row;

static const char *const sealed_columns[3] = {"description", "evidence_needed", "evidence"};

/* What every list reads: the action, its owner and creator by name, and the
 * sealed texts; `s` is the origin session. */
#define ACTION_SELECT                                                                                \
  "SELECT a.id, a.session_id, coalesce(a.case_id, 0), o.username, a.due_at, a.status, a.created_at," \
  " cb.username, coalesce(a.closed_at, 0), a.key_id, a.description, a.evidence_needed, a.evidence,"  \
  " a.owner_id, coalesce(a.closed_by, 0)"                                                            \
  " FROM actions a JOIN users o ON o.id = a.owner_id JOIN users cb ON cb.id = a.created_by"          \
  " JOIN sessions s ON s.id = a.session_id"

/* Who sees an action: its owner, the parties to its origin session, and a
 * manager overseeing its owner through a team. v is an SQL expression. */
_Static_assert(ROLE_MANAGER == 2, "the SQL below spells the manager role as 2");
#define ACTION_VISIBLE_TO(v)                                                                     \
  "(a.owner_id = " v " OR s.supervisor_id = " v                                                  \
  " OR EXISTS (SELECT 1 FROM session_members m WHERE m.session_id = s.id AND m.user_id = " v ")" \
  " OR ((SELECT role FROM users WHERE id = " v ") = 2 AND a.owner_id IN (" STORE_TEAMS_OVERSEEN(v) ")))"

/* Steps st (an ACTION_SELECT), then opens the sealed texts: a key is opened
 * with other statements, so only once st has been reset. */
static rcode read_actions(store_ctx *c, sqlite3_stmt *st, action_item **out, size_t *n)
{
  action_item *v = arena_alloc(c->a, sizeof *v * ACTION_LIST_MAX);
  sealed_row *rows = arena_alloc(c->a, sizeof *rows * ACTION_LIST_MAX);
  size_t k = 0;
  int rc = v && rows ? RC_OK : RC_EXHAUSTED;
  while (rc == RC_OK && k < ACTION_LIST_MAX && sqlite3_step(st) == SQLITE_ROW) {
    action_item *a = &v[k];
    a->id = sqlite3_column_int64(st, 0);
    a->session_id = sqlite3_column_int64(st, 1);
    a->case_id = sqlite3_column_int64(st, 2);
    a->owner = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 3));
    a->due_at = sqlite3_column_int64(st, 4);
    a->status = sqlite3_column_int(st, 5);
    a->created_at = sqlite3_column_int64(st, 6);
    a->created_by = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 7));
    a->closed_at = sqlite3_column_int64(st, 8);
    a->description = a->evidence_needed = a->evidence = "";
    rows[k].id = a->id;
    rows[k].key_id = sqlite3_column_int64(st, 9);
    rows[k].owner = sqlite3_column_int64(st, 13);
    rows[k].closed_by = sqlite3_column_int64(st, 14);
    for (int i = 0; i < 3; i++) {
      rows[k].len[i] = (size_t)sqlite3_column_bytes(st, 10 + i);
      rows[k].blob[i] = rows[k].len[i] ? arena_strndup(c->a, sqlite3_column_blob(st, 10 + i), rows[k].len[i]) : NULL;
      if (rows[k].len[i] && !rows[k].blob[i]) rc = RC_EXHAUSTED;
    }
    if (!a->owner || !a->created_by) rc = RC_EXHAUSTED;
    k++;
  }
  sqlite3_reset(st);
  for (size_t i = 0; rc == RC_OK && i < k; i++) {
    const char **dst[3] = {&v[i].description, &v[i].evidence_needed, &v[i].evidence};
    char base[160], closing[240];
    action_context(base, sizeof base, v[i].session_id, rows[i].owner, v[i].created_at, v[i].case_id);
    closing_context(closing, sizeof closing, base, rows[i].closed_by, v[i].closed_at, v[i].status);
    for (int j = 0; rc == RC_OK && j < 3; j++) {
      if (!rows[i].blob[j]) continue;
      store_slot slot = {"actions", rows[i].id, sealed_columns[j], rows[i].key_id, 0, j == 2 ? closing : base};
      char *text;
      rc = store_keys_open(c->db, c->vault, c->ring, &slot, rows[i].blob[j], rows[i].len[j], c->a, &text);
      if (rc == RC_OK) *dst[j] = text;
    }
  }
  if (rc) return rc;
  *out = v;
  *n = k;
  return RC_OK;
}

rcode store_actions_list(store_ctx *c, const action_filter *f, action_item **out, size_t *n)
{
  sqlite3_stmt *st =
      db_prepare(c->db, ACTION_SELECT " WHERE " ACTION_VISIBLE_TO(
                            "?1") "  AND (?2 = 0 OR a.owner_id = ?1) AND (?3 = 0 OR (a.status = 1 AND a.due_at < ?4))"
                                  "  AND (?5 = 0 OR a.session_id = ?5) AND (?6 = 1 OR a.status = 1)"
                                  " ORDER BY a.status, a.due_at, a.id LIMIT " SQL_NUM(ACTION_LIST_MAX));
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, c->who->user_id);
  sqlite3_bind_int(st, 2, f->mine != 0);
  sqlite3_bind_int(st, 3, f->overdue != 0);
  sqlite3_bind_int64(st, 4, c->now);
  sqlite3_bind_int64(st, 5, f->session_id);
  sqlite3_bind_int(st, 6, f->include_closed != 0);
  return read_actions(c, st, out, n);
}

rcode store_actions_carried_over(store_ctx *c, const session_row *s, action_item **out, size_t *n)
{
  sqlite3_stmt *st = db_prepare(
      c->db, ACTION_SELECT
      " WHERE a.status = 1 AND a.session_id <> ?1 AND s.starts_at < ?2 AND s.supervisor_id = ?3"
      "  AND EXISTS (SELECT 1 FROM session_members om JOIN session_members tm ON tm.user_id = om.user_id"
      "              WHERE om.session_id = s.id AND tm.session_id = ?1)"
      "  AND (a.owner_id = ?3"
      "       OR EXISTS (SELECT 1 FROM session_members x WHERE x.session_id = ?1 AND x.user_id = a.owner_id))"
      "  AND " ACTION_VISIBLE_TO("?4") " ORDER BY a.due_at < ?5 DESC, a.due_at, a.id LIMIT " SQL_NUM(ACTION_LIST_MAX));
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  sqlite3_bind_int64(st, 2, s->starts_at);
  sqlite3_bind_int64(st, 3, s->supervisor_id);
  sqlite3_bind_int64(st, 4, c->who->user_id);
  sqlite3_bind_int64(st, 5, c->now);
  return read_actions(c, st, out, n);
}
