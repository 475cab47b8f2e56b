#include "store_comments.h"

#include <stdio.h>
#include <stdlib.h>

#define COMMENTS_MAX 200

/* A comment is bound to its session, author, time, kind and what it
 * resolves: a disagreement cannot be turned into a note, or moved. */
static void comment_context(char *buf, size_t size, int64_t session, int64_t author, int64_t at, int kind,
                            int64_t resolves)
{
  snprintf(buf, size, "session=%lld;author=%lld;at=%lld;kind=%d;resolves=%lld", (long long)session,
           (long long)author, (long long)at, kind, (long long)resolves);
}

int store_comments_add(call *c, const session_row *s, uint32_t revision, int kind, int64_t resolves,
                       const char *text, int64_t *id_out)
{
  db *d = c->s->db;
  int64_t id;
  if (db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM record_comments", &id)) return RC_INTERNAL;
  char context[160];
  comment_context(context, sizeof context, s->id, c->who->user_id, c->now, kind, resolves);
  store_slot slot = {"record_comments", id, "body", s->key_id, revision, context};
  uint8_t *blob;
  size_t len;
  int rc = store_keys_seal(d, c->s->vault, c->ring, &slot, text, &blob, &len);
  if (rc) return rc;
  sqlite3_stmt *st = db_prepare(d,
      "INSERT INTO record_comments(id, session_id, revision, author_id, at, kind, resolves, key_id, body)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!st) { free(blob); return RC_INTERNAL; }
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, s->id);
  sqlite3_bind_int64(st, 3, revision);
  sqlite3_bind_int64(st, 4, c->who->user_id);
  sqlite3_bind_int64(st, 5, c->now);
  sqlite3_bind_int(st, 6, kind);
  if (resolves) sqlite3_bind_int64(st, 7, resolves);
  sqlite3_bind_int64(st, 8, s->key_id);
  sqlite3_bind_blob(st, 9, blob, (int)len, SQLITE_STATIC);
  rc = rc_from_sqlite(db_step_done(st));
  free(blob);
  if (!rc) *id_out = id;
  return rc;
}

int store_comments_kind(db *d, int64_t id, int64_t session_id, int *kind)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT kind FROM record_comments WHERE id = ?1 AND session_id = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, session_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *kind = sqlite3_column_int(st, 0);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : rc == SQLITE_DONE ? RC_NOT_FOUND : RC_INTERNAL;
}

int store_comments_list(call *c, const session_row *s, Reflect__V1__Comment ***out, size_t *n)
{
  sqlite3_stmt *st = db_prepare(c->s->db,
      "SELECT m.id, m.revision, u.username, m.at, m.kind, coalesce(m.resolves, 0), m.key_id, m.body, m.author_id"
      " FROM record_comments m JOIN users u ON u.id = m.author_id WHERE m.session_id = ?1 ORDER BY m.id LIMIT 200");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  Reflect__V1__Comment **v = arena_alloc(c->a, sizeof *v * COMMENTS_MAX);
  typedef struct { int64_t key_id, author; const void *blob; size_t len; } sealed;
  sealed *bodies = arena_alloc(c->a, sizeof *bodies * COMMENTS_MAX);
  size_t k = 0;
  int rc = v && bodies ? RC_OK : RC_EXHAUSTED;
  while (rc == RC_OK && k < COMMENTS_MAX && sqlite3_step(st) == SQLITE_ROW) {
    Reflect__V1__Comment *m = arena_alloc(c->a, sizeof *m);
    if (!m) { rc = RC_EXHAUSTED; break; }
    reflect__v1__comment__init(m);
    m->id = (uint64_t)sqlite3_column_int64(st, 0);
    m->revision = (uint32_t)sqlite3_column_int(st, 1);
    m->author = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 2));
    m->at = sqlite3_column_int64(st, 3);
    m->kind = (Reflect__V1__CommentKind)sqlite3_column_int(st, 4);
    m->resolves = (uint64_t)sqlite3_column_int64(st, 5);
    /* Copied out: opening a key runs other statements. */
    bodies[k] = (sealed){sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 8), NULL,
                         (size_t)sqlite3_column_bytes(st, 7)};
    bodies[k].blob = arena_strndup(c->a, sqlite3_column_blob(st, 7), bodies[k].len);
    if (!m->author || !bodies[k].blob) { rc = RC_EXHAUSTED; break; }
    v[k++] = m;
  }
  sqlite3_reset(st);
  for (size_t i = 0; rc == RC_OK && i < k; i++) {
    char context[160];
    comment_context(context, sizeof context, s->id, bodies[i].author, v[i]->at, v[i]->kind, (int64_t)v[i]->resolves);
    store_slot slot = {"record_comments", (int64_t)v[i]->id, "body", bodies[i].key_id, v[i]->revision, context};
    rc = store_keys_open(c->s->db, c->s->vault, c->ring, &slot, bodies[i].blob, bodies[i].len, c->a, &v[i]->text);
  }
  if (rc) return rc;
  *out = v;
  *n = k;
  return RC_OK;
}
