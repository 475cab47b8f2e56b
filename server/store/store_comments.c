#include "store_comments.h"
#include "store_keys.h"

#include <stdio.h>
#include <stdlib.h>

/* A comment is bound to its session, author, time, kind and what it
 * resolves: a disagreement cannot be turned into a note, or moved. */
static void comment_context(char *buf, size_t size, int64_t session, int64_t author, int64_t at, int kind,
                            int64_t resolves)
{
  snprintf(buf, size, "session=%lld;author=%lld;at=%lld;kind=%d;resolves=%lld", (long long)session, (long long)author,
           (long long)at, kind, (long long)resolves);
}

rcode store_comments_add(store_ctx *c, const session_row *s, uint32_t revision, int kind, int64_t resolves,
                         const char *text, int64_t *id_out)
{
  db *d = c->db;
  int64_t id;
  if (db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM record_comments", &id)) return RC_INTERNAL;
  char context[160];
  comment_context(context, sizeof context, s->id, c->who->user_id, c->now, kind, resolves);
  store_slot slot = {"record_comments", id, "body", s->key_id, revision, context};
  uint8_t *blob;
  size_t len;
  int rc = store_keys_seal(d, c->vault, c->ring, &slot, text, &blob, &len);
  if (rc) return rc;
  sqlite3_stmt *st =
      db_prepare(d, "INSERT INTO record_comments(id, session_id, revision, author_id, at, kind, resolves, key_id, body)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!st) {
    free(blob);
    return RC_INTERNAL;
  }
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

rcode store_comments_kind(db *d, int64_t id, int64_t session_id, int *kind)
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

/* One count from a statement whose ?1.. are bound by the caller. */
static rcode count_of(sqlite3_stmt *st, int64_t *n)
{
  *n = 0;
  return db_one_int64(st, n) == SQLITE_ROW ? RC_OK : RC_INTERNAL;
}

rcode store_comments_room(store_ctx *c, const session_row *s, int kind, int64_t resolves, comment_room *room,
                          int64_t *resolution)
{
  db *d = c->db;
  int64_t n;
  *room = COMMENT_ROOM;
  *resolution = 0;
  sqlite3_stmt *st = db_prepare(d, "SELECT count(*) FROM record_comments WHERE author_id = ?1 AND at > ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, c->who->user_id);
  sqlite3_bind_int64(st, 2, c->now - COMMENTS_DAY_SECONDS);
  if (count_of(st, &n)) return RC_INTERNAL;
  if (n >= COMMENTS_PER_PERSON_DAY) {
    *room = COMMENT_FULL_DAY;
    return RC_OK;
  }
  if (kind == COMMENT_RESOLUTION) {
    st = db_prepare(d, "SELECT id FROM record_comments WHERE session_id = ?1 AND resolves = ?2 ORDER BY id LIMIT 1");
    if (!st) return RC_INTERNAL;
    sqlite3_bind_int64(st, 1, s->id);
    sqlite3_bind_int64(st, 2, resolves);
    int rc = db_one_int64(st, resolution);
    if (rc == SQLITE_ROW) *room = COMMENT_RESOLVED;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? RC_OK : RC_INTERNAL;
  }
  st = db_prepare(d, "SELECT count(*) FROM record_comments WHERE session_id = ?1 AND author_id = ?2 AND kind = ?3");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  sqlite3_bind_int64(st, 2, c->who->user_id);
  sqlite3_bind_int(st, 3, kind);
  if (count_of(st, &n)) return RC_INTERNAL;
  if (kind == COMMENT_NOTE) {
    if (n >= COMMENT_NOTES_PER_PERSON) *room = COMMENT_FULL_NOTES;
    return RC_OK;
  }
  if (n >= COMMENT_DISAGREEMENTS_PER_PERSON) {
    *room = COMMENT_FULL_DISAGREEMENTS;
    return RC_OK;
  }
  st = db_prepare(d, "SELECT count(*) FROM record_comments WHERE session_id = ?1 AND kind = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  sqlite3_bind_int(st, 2, COMMENT_DISAGREEMENT);
  if (count_of(st, &n)) return RC_INTERNAL;
  if (n >= COMMENT_DISAGREEMENTS_PER_RECORD) *room = COMMENT_FULL_RECORD;
  return RC_OK;
}

/* What one comment may add to a reply, from its sealed length (never
 * shorter than the text it opens to). */
static size_t wire_size(int64_t sealed_len)
{
  return (size_t)(sealed_len > 0 ? sealed_len : 0) + USERNAME_MAX + 128;
}

/* Which comments make the page: every disagreement and resolution up to
 * *key_cut (from the oldest, within the key budget), then stream comments
 * (notes, and any later disagreement that did not fit) in (after, *last].
 * *n is how many that is; *next the cursor. */
typedef struct {
  int64_t key_cut, last;
  size_t n;
  uint64_t next;
} page_plan;

static rcode plan_keys(store_ctx *c, const session_row *s, const comments_query *q, size_t key_budget, page_plan *p,
                       size_t *used)
{
  sqlite3_stmt *st = db_prepare(c->db, "SELECT id, length(body) FROM record_comments WHERE session_id = ?1 AND kind "
                                       "IN (2, 3) AND id <= ?2 ORDER BY id");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  sqlite3_bind_int64(st, 2, q->through);
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    size_t size = wire_size(sqlite3_column_int64(st, 1));
    if (*used + size > key_budget) break;
    *used += size;
    p->key_cut = sqlite3_column_int64(st, 0);
    p->n++;
  }
  sqlite3_reset(st);
  return step == SQLITE_ROW || step == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

static rcode plan_stream(store_ctx *c, const session_row *s, const comments_query *q, size_t budget, page_plan *p,
                         size_t used)
{
  sqlite3_stmt *st =
      db_prepare(c->db, "SELECT id, length(body) FROM record_comments WHERE session_id = ?1 AND id > ?2 AND id <= ?3"
                        " AND (kind = 1 OR id > ?4) ORDER BY id");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  sqlite3_bind_int64(st, 2, (int64_t)q->after);
  sqlite3_bind_int64(st, 3, q->through);
  sqlite3_bind_int64(st, 4, p->key_cut);
  p->last = (int64_t)q->after;
  uint32_t taken = 0;
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    size_t size = wire_size(sqlite3_column_int64(st, 1));
    /* The first always fits: the key budget left room for one. */
    if (taken == q->limit || (taken && used + size > budget)) {
      p->next = (uint64_t)p->last;
      break;
    }
    used += size;
    p->last = sqlite3_column_int64(st, 0);
    taken++;
  }
  sqlite3_reset(st);
  p->n += taken;
  return step == SQLITE_ROW || step == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

static rcode page_counts(store_ctx *c, const session_row *s, const comments_query *q, comments_page *out)
{
  sqlite3_stmt *st = db_prepare(c->db,
                                "SELECT count(*) FILTER (WHERE kind = 1 AND id <= ?2), count(*) FILTER (WHERE id > ?2)"
                                " FROM record_comments WHERE session_id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  sqlite3_bind_int64(st, 2, q->through);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    out->notes_total = (uint32_t)sqlite3_column_int64(st, 0);
    out->hidden = (uint32_t)sqlite3_column_int64(st, 1);
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : RC_INTERNAL;
}

typedef struct {
  int64_t key_id, author;
  const void *blob;
  size_t len;
} sealed;

rcode store_comments_page(store_ctx *c, const session_row *s, const comments_query *q, comments_page *out)
{
  *out = (comments_page){0};
  page_plan p = {0};
  size_t used = 0;
  /* Room for one stream comment is kept back, so every page moves on. */
  size_t key_budget = q->budget > COMMENT_WIRE_MAX ? q->budget - COMMENT_WIRE_MAX : 0;
  int rc = plan_keys(c, s, q, key_budget, &p, &used);
  if (!rc) rc = plan_stream(c, s, q, q->budget, &p, used);
  if (!rc) rc = page_counts(c, s, q, out);
  if (rc) return rc;
  comment_item *v = arena_alloc(c->a, sizeof *v * (p.n ? p.n : 1));
  sealed *bodies = arena_alloc(c->a, sizeof *bodies * (p.n ? p.n : 1));
  if (!v || !bodies) return RC_EXHAUSTED;
  sqlite3_stmt *st =
      db_prepare(c->db,
                 "SELECT m.id, m.revision, u.username, m.at, m.kind, coalesce(m.resolves, 0), m.key_id, m.body, "
                 "m.author_id"
                 " FROM record_comments m JOIN users u ON u.id = m.author_id WHERE m.session_id = ?1 AND m.id <= ?2"
                 " AND ((m.kind IN (2, 3) AND m.id <= ?3) OR (m.id > ?4 AND m.id <= ?5 AND (m.kind = 1 OR m.id > ?3)))"
                 " ORDER BY m.id");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  sqlite3_bind_int64(st, 2, q->through);
  sqlite3_bind_int64(st, 3, p.key_cut);
  sqlite3_bind_int64(st, 4, (int64_t)q->after);
  sqlite3_bind_int64(st, 5, p.last);
  size_t k = 0;
  int step = SQLITE_DONE;
  /* Comments are append-only and a new one's id is above every planned
   * one, so these are the rows planned even if one was added meanwhile;
   * the bound on k only guards the arrays. */
  while (rc == RC_OK && k < p.n && (step = sqlite3_step(st)) == SQLITE_ROW) {
    comment_item *m = &v[k];
    *m = (comment_item){.text = ""};
    m->id = sqlite3_column_int64(st, 0);
    m->revision = (uint32_t)sqlite3_column_int(st, 1);
    m->author = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 2));
    m->at = sqlite3_column_int64(st, 3);
    m->kind = sqlite3_column_int(st, 4);
    m->resolves = sqlite3_column_int64(st, 5);
    /* Copied out: opening a key runs other statements. */
    bodies[k] =
        (sealed){sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 8), NULL, (size_t)sqlite3_column_bytes(st, 7)};
    bodies[k].blob = arena_strndup(c->a, sqlite3_column_blob(st, 7), bodies[k].len);
    if (!m->author || !bodies[k].blob) {
      rc = RC_EXHAUSTED;
      break;
    }
    k++;
  }
  sqlite3_reset(st);
  if (!rc && step != SQLITE_ROW && step != SQLITE_DONE) rc = RC_INTERNAL;
  for (size_t i = 0; rc == RC_OK && i < k; i++) {
    char context[160];
    comment_context(context, sizeof context, s->id, bodies[i].author, v[i].at, v[i].kind, v[i].resolves);
    store_slot slot = {"record_comments", v[i].id, "body", bodies[i].key_id, v[i].revision, context};
    char *text = NULL;
    rc = store_keys_open(c->db, c->vault, c->ring, &slot, bodies[i].blob, bodies[i].len, c->a, &text);
    if (!rc) v[i].text = text;
  }
  if (rc) return rc;
  out->v = v;
  out->n = k;
  out->next = p.next;
  return RC_OK;
}
