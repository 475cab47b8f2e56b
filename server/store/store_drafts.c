#include "store_drafts.h"

#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "store_keys.h"

static void draft_context(char *buf, size_t size, int64_t user, int64_t session, const char *form, int64_t saved)
{
  snprintf(buf, size, "user=%lld;session=%lld;form=%s;saved=%lld", (long long)user, (long long)session, form,
           (long long)saved);
}

/* The id of the caller's draft of (session, form), 0 if none, and how
 * many drafts they have. */
static rcode find(store_ctx *c, int64_t session_id, const char *form, int64_t *id, int64_t *count)
{
  sqlite3_stmt *st = db_prepare(c->db, "SELECT coalesce((SELECT id FROM drafts WHERE user_id = ?1 AND session_id = ?2"
                                       " AND form = ?3), 0), (SELECT count(*) FROM drafts WHERE user_id = ?1)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, c->who->user_id);
  sqlite3_bind_int64(st, 2, session_id);
  sqlite3_bind_text(st, 3, form, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *id = sqlite3_column_int64(st, 0);
    *count = sqlite3_column_int64(st, 1);
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : RC_INTERNAL;
}

rcode store_drafts_save(store_ctx *c, int64_t session_id, const char *form, const char *content, int64_t *saved_at)
{
  int64_t id = 0, count = 0;
  rcode rc = find(c, session_id, form, &id, &count);
  if (rc) return rc;
  if (!id && count >= REFLECT_DRAFTS_PER_USER) return RC_EXHAUSTED;
  if (!id && db_next_id(c->db, "SELECT coalesce(max(id), 0) + 1 FROM drafts", &id)) return RC_INTERNAL;
  char subject[32];
  snprintf(subject, sizeof subject, "user:%lld", (long long)c->who->user_id);
  int64_t key_id;
  rc = store_keys_ensure(c->db, c->vault, c->ring, c->now, subject, &key_id);
  if (rc) return rc;
  sqlite3_stmt *st = db_prepare(c->db, "INSERT INTO drafts(id, user_id, session_id, form, key_id, content, saved_at)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO UPDATE SET"
                                       " key_id = excluded.key_id, content = excluded.content,"
                                       " saved_at = excluded.saved_at");
  if (!st) return RC_INTERNAL;
  char context[160];
  draft_context(context, sizeof context, c->who->user_id, session_id, form, c->now);
  store_slot slot = {"drafts", id, "content", key_id, 0, context};
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, c->who->user_id);
  sqlite3_bind_int64(st, 3, session_id);
  sqlite3_bind_text(st, 4, form, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, key_id);
  rc = store_keys_bind_sealed(c->db, c->vault, c->ring, st, 6, &slot, content);
  sqlite3_bind_int64(st, 7, c->now);
  if (!rc) rc = rc_from_sqlite(db_step_done(st));
  else sqlite3_reset(st);
  sqlite3_clear_bindings(st); /* frees the sealed blob now */
  if (!rc) *saved_at = c->now;
  return rc;
}

rcode store_drafts_get(store_ctx *c, int64_t session_id, const char *form, draft_row *out)
{
  sqlite3_stmt *st = db_prepare(c->db, "SELECT id, key_id, content, saved_at FROM drafts"
                                       " WHERE user_id = ?1 AND session_id = ?2 AND form = ?3");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, c->who->user_id);
  sqlite3_bind_int64(st, 2, session_id);
  sqlite3_bind_text(st, 3, form, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  int64_t id = 0, key_id = 0, saved = 0;
  const void *blob = NULL;
  size_t len = 0;
  if (rc == SQLITE_ROW) {
    id = sqlite3_column_int64(st, 0);
    key_id = sqlite3_column_int64(st, 1);
    len = (size_t)sqlite3_column_bytes(st, 2);
    blob = arena_strndup(c->a, sqlite3_column_blob(st, 2), len);
    saved = sqlite3_column_int64(st, 3);
  }
  sqlite3_reset(st);
  if (rc == SQLITE_DONE) return RC_NOT_FOUND;
  if (rc != SQLITE_ROW) return RC_INTERNAL;
  if (!blob) return RC_EXHAUSTED;
  /* The key is opened only once the statement is reset (store_keys may
   * run statements of its own). */
  char context[160];
  draft_context(context, sizeof context, c->who->user_id, session_id, form, saved);
  store_slot slot = {"drafts", id, "content", key_id, 0, context};
  char *text = NULL;
  rcode r = store_keys_open(c->db, c->vault, c->ring, &slot, blob, len, c->a, &text);
  if (r) return r;
  *out = (draft_row){session_id, arena_strdup(c->a, form), saved, text, strlen(text)};
  return out->form ? RC_OK : RC_EXHAUSTED;
}

rcode store_drafts_list(store_ctx *c, draft_row **out, size_t *n)
{
  draft_row *v = arena_alloc(c->a, sizeof *v * REFLECT_DRAFTS_PER_USER);
  if (!v) return RC_EXHAUSTED;
  sqlite3_stmt *st = db_prepare(c->db, "SELECT session_id, form, saved_at FROM drafts WHERE user_id = ?1"
                                       " ORDER BY saved_at DESC, id DESC LIMIT ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, c->who->user_id);
  sqlite3_bind_int(st, 2, REFLECT_DRAFTS_PER_USER);
  size_t k = 0;
  rcode rc = RC_OK;
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW && k < REFLECT_DRAFTS_PER_USER) {
    v[k] = (draft_row){sqlite3_column_int64(st, 0), arena_strdup(c->a, (const char *)sqlite3_column_text(st, 1)),
                       sqlite3_column_int64(st, 2), NULL, 0};
    if (!v[k].form) rc = RC_EXHAUSTED;
    k++;
  }
  if (step != SQLITE_ROW && step != SQLITE_DONE) rc = RC_INTERNAL;
  sqlite3_reset(st);
  if (rc) return rc;
  *out = v;
  *n = k;
  return RC_OK;
}

rcode store_drafts_delete(store_ctx *c, int64_t session_id, const char *form, int *deleted)
{
  sqlite3_stmt *st = db_prepare(c->db, "DELETE FROM drafts WHERE user_id = ?1 AND session_id = ?2 AND form = ?3");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, c->who->user_id);
  sqlite3_bind_int64(st, 2, session_id);
  sqlite3_bind_text(st, 3, form, -1, SQLITE_STATIC);
  rcode rc = rc_from_sqlite(db_step_done(st));
  if (!rc) *deleted = sqlite3_changes(db_handle(c->db)) > 0;
  return rc;
}

rcode store_drafts_prune(db *d, int64_t before, int64_t *deleted)
{
  sqlite3_stmt *st = db_prepare(d, "DELETE FROM drafts WHERE saved_at < ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, before);
  rcode rc = rc_from_sqlite(db_step_done(st));
  if (!rc) *deleted = sqlite3_changes(db_handle(d));
  return rc;
}
