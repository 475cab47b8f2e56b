#include "store_signoffs.h"

rcode store_signoffs_add(store_ctx *c, int64_t session_id, uint32_t revision)
{
  /* The comments on the record as it was signed: what this signer put
   * their name to (read in the same write transaction). */
  sqlite3_stmt *st =
      db_prepare(c->db,
                 "INSERT INTO record_signoffs(session_id, revision, user_id, at, comments_seen) VALUES (?1, ?2, ?3, ?4,"
                 " (SELECT coalesce(max(id), 0) FROM record_comments WHERE session_id = ?1))");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, session_id);
  sqlite3_bind_int64(st, 2, revision);
  sqlite3_bind_int64(st, 3, c->who->user_id);
  sqlite3_bind_int64(st, 4, c->now);
  int rc = db_step_done(st);
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return RC_EXISTS;
  return rc_from_sqlite(rc);
}

rcode store_signoffs_status(store_ctx *c, const session_row *s, uint32_t revision, signature_row **sigs, size_t *n_sigs,
                            char ***awaiting, size_t *n_awaiting, int *frozen)
{
  /* Every signer, with when they signed this revision (NULL: not yet). */
  sqlite3_stmt *st =
      db_prepare(c->db,
                 "WITH signers(id) AS (SELECT ?1 UNION SELECT user_id FROM session_members WHERE session_id = ?2)"
                 " SELECT u.username, o.at FROM signers JOIN users u ON u.id = signers.id"
                 " LEFT JOIN record_signoffs o ON o.session_id = ?2 AND o.revision = ?3 AND o.user_id = signers.id"
                 " ORDER BY o.at IS NULL, o.at, u.username");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->supervisor_id);
  sqlite3_bind_int64(st, 2, s->id);
  sqlite3_bind_int64(st, 3, revision);
  size_t max = 1 + SESSION_MAX_MEMBERS;
  signature_row *v = arena_alloc(c->a, sizeof *v * max);
  char **w = arena_alloc(c->a, sizeof *w * max);
  *n_sigs = *n_awaiting = 0;
  int rc = v && w ? RC_OK : RC_EXHAUSTED;
  int step = SQLITE_DONE;
  /* A failed step must not pass for "nobody left to sign": frozen is what
   * lets an inspector read a revision. */
  while (rc == RC_OK && *n_sigs + *n_awaiting < max && (step = sqlite3_step(st)) == SQLITE_ROW) {
    char *name = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 0));
    if (!name) {
      rc = RC_EXHAUSTED;
      break;
    }
    if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
      w[(*n_awaiting)++] = name;
      continue;
    }
    v[(*n_sigs)++] = (signature_row){name, sqlite3_column_int64(st, 1)};
  }
  sqlite3_reset(st);
  if (!rc && step != SQLITE_ROW && step != SQLITE_DONE) rc = RC_INTERNAL;
  if (rc) return rc;
  *sigs = v;
  *awaiting = w;
  *frozen = *n_awaiting == 0 && *n_sigs > 0;
  return RC_OK;
}

rcode store_signoffs_comments_signed(db *d, int64_t session_id, uint32_t revision, int64_t *through)
{
  sqlite3_stmt *st =
      db_prepare(d,
                 "SELECT coalesce(min(comments_seen), 0) FROM record_signoffs WHERE session_id = ?1 AND revision = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, session_id);
  sqlite3_bind_int64(st, 2, revision);
  *through = 0;
  return db_one_int64(st, through) == SQLITE_ROW ? RC_OK : RC_INTERNAL;
}
