#include "store_decisions.h"
#include "retention.h"
#include "store_retention.h"
#include "store_keys.h"

#include <stdio.h>
#include <stdlib.h>

/* A decision is bound to where it was made and who made it: it cannot be
 * moved to another case, session or revision, or re-attributed. */
static void decision_context(char *buf, size_t size, int64_t session, uint32_t revision, int64_t case_id,
                             int64_t decided_by)
{
  snprintf(buf, size, "session=%lld;revision=%u;case=%lld;decided_by=%lld", (long long)session, revision,
           (long long)case_id, (long long)decided_by);
}

static const char *const columns[3] = {"risk", "decision", "rationale"};

rcode store_decisions_add(store_ctx *c, const session_row *s, uint32_t revision, const case_row *k, const char *risk,
                          const char *decision, const char *rationale)
{
  sqlite3_stmt *st = db_prepare(c->db, "INSERT INTO case_discussions(session_id, revision, case_id, decided_by, "
                                       "key_id, risk, decision, rationale)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  sqlite3_bind_int64(st, 2, revision);
  sqlite3_bind_int64(st, 3, k->id);
  sqlite3_bind_int64(st, 4, s->supervisor_id);
  sqlite3_bind_int64(st, 5, k->key_id);
  char context[128];
  decision_context(context, sizeof context, s->id, revision, k->id, s->supervisor_id);
  const char *texts[3] = {risk, decision, rationale};
  int rc = RC_OK;
  for (int i = 0; !rc && i < 3; i++) {
    if (!*texts[i]) continue;
    store_slot slot = {"case_discussions", k->id, columns[i], k->key_id, revision, context};
    rc = store_keys_bind_sealed(c->db, c->vault, c->ring, st, 6 + i, &slot, texts[i]);
  }
  if (!rc) rc = rc_from_sqlite(db_step_done(st));
  else sqlite3_reset(st);
  sqlite3_clear_bindings(st); /* frees the sealed blobs now */
  return rc;
}

typedef struct {
  int64_t decided_by, key_id;
  const void *blob[3];
  size_t len[3];
} sealed_decision;

static rcode open_decision(store_ctx *c, const case_row *k, decision_item *m, const sealed_decision *v)
{
  char context[128];
  decision_context(context, sizeof context, m->session_id, m->revision, k->id, v->decided_by);
  const char **fields[3] = {&m->risk, &m->decision, &m->rationale};
  for (int i = 0; i < 3; i++) {
    if (!v->blob[i]) continue;
    if (k->shredded_at) {
      *fields[i] = RETENTION_DESTROYED;
      continue;
    }
    store_slot slot = {"case_discussions", k->id, columns[i], v->key_id, m->revision, context};
    char *text;
    int rc = store_retention_open(c, c->a, &slot, v->blob[i], v->len[i], &text);
    if (rc) return rc;
    *fields[i] = text;
  }
  return RC_OK;
}

rcode store_decisions_list(store_ctx *c, const case_row *k, const decisions_page *pg, decision_item **out, size_t *n,
                           int *more)
{
  /* Records exist only for sessions that took place, whose start no longer
   * moves, so (start, session, revision) is a stable cursor. */
  sqlite3_stmt *st = db_prepare(
      c->db,
      "SELECT d.session_id, d.revision, s.starts_at, u.username, d.decided_by, d.key_id, d.risk, d.decision,"
      " d.rationale, d.revision < (SELECT max(r.revision) FROM record_revisions r WHERE r.session_id = d.session_id),"
      " coalesce(length(d.risk), 0) + coalesce(length(d.decision), 0) + coalesce(length(d.rationale), 0)"
      " FROM case_discussions d JOIN sessions s ON s.id = d.session_id JOIN users u ON u.id = d.decided_by"
      " WHERE d.case_id = ?1 AND d.decision IS NOT NULL AND (?2 = 0 OR (s.starts_at, d.session_id, d.revision) >"
      "  ((SELECT starts_at FROM sessions WHERE id = ?2), ?2, ?3))"
      " ORDER BY s.starts_at, d.session_id, d.revision LIMIT ?4");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, k->id);
  sqlite3_bind_int64(st, 2, pg->after_session);
  sqlite3_bind_int64(st, 3, pg->after_revision);
  sqlite3_bind_int(st, 4, DECISIONS_MAX + 1);
  decision_item *v = arena_alloc(c->a, sizeof *v * DECISIONS_MAX);
  sealed_decision *sealed = arena_alloc(c->a, sizeof *sealed * DECISIONS_MAX);
  size_t count = 0, bytes = 0;
  int rc = v && sealed ? RC_OK : RC_EXHAUSTED;
  *more = 0;
  /* Copied out first: opening a key runs other statements. */
  while (rc == RC_OK && sqlite3_step(st) == SQLITE_ROW) {
    size_t size = (size_t)sqlite3_column_int64(st, 10) + 256;
    if (count == DECISIONS_MAX || (count && bytes + size > pg->budget)) {
      *more = 1;
      break;
    }
    bytes += size;
    decision_item *m = &v[count];
    m->session_id = sqlite3_column_int64(st, 0);
    m->revision = (uint32_t)sqlite3_column_int64(st, 1);
    m->at = sqlite3_column_int64(st, 2);
    m->decided_by = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 3));
    m->superseded = sqlite3_column_int(st, 9) != 0;
    m->risk = m->decision = m->rationale = "";
    sealed_decision *d = &sealed[count];
    *d = (sealed_decision){.decided_by = sqlite3_column_int64(st, 4), .key_id = sqlite3_column_int64(st, 5)};
    for (int i = 0; i < 3; i++) {
      d->len[i] = (size_t)sqlite3_column_bytes(st, 6 + i);
      if (d->len[i] && !(d->blob[i] = arena_strndup(c->a, sqlite3_column_blob(st, 6 + i), d->len[i])))
        rc = RC_EXHAUSTED;
    }
    if (!m->decided_by) rc = RC_EXHAUSTED;
    count++;
  }
  sqlite3_reset(st);
  for (size_t i = 0; rc == RC_OK && i < count; i++) rc = open_decision(c, k, &v[i], &sealed[i]);
  if (rc) return rc;
  *out = v;
  *n = count;
  return RC_OK;
}

rcode store_decisions_last_discussed(db *d, int64_t case_id, int64_t *at, int64_t *session_id)
{
  sqlite3_stmt *st =
      db_prepare(d, "SELECT s.starts_at, s.id FROM case_discussions d JOIN sessions s ON s.id = d.session_id"
                    " WHERE d.case_id = ?1"
                    "   AND d.revision = (SELECT max(r.revision) FROM record_revisions r WHERE r.session_id = "
                    "d.session_id)"
                    " ORDER BY s.starts_at DESC, s.id DESC LIMIT 1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, case_id);
  int rc = sqlite3_step(st);
  *at = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  *session_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}
