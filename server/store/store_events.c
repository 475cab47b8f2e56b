#include "store_events.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_keys.h"

static store_slot body_slot(int64_t seq, int64_t key_id)
{
  return (store_slot){"events", seq, "body", key_id, 0, NULL};
}

rcode store_events_add(store_ctx *c, int64_t user_id, int kind, const uint8_t *body, size_t len, int64_t *seq_out)
{
  db *d = c->db;
  char subject[32];
  snprintf(subject, sizeof subject, "user:%lld", (long long)user_id);
  int64_t key_id, seq;
  int rc = store_keys_ensure(d, c->vault, c->ring, c->now, subject, &key_id);
  if (rc) return rc;
  /* AUTOINCREMENT's next value: the seq is sealed into the row's binding,
   * so it is chosen first; the caller holds the write lock. */
  if (db_next_id(d, "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0) + 1", &seq))
    return RC_INTERNAL;
  store_slot slot = body_slot(seq, key_id);
  uint8_t *blob;
  size_t blob_len;
  rc = store_keys_seal_bytes(d, c->vault, c->ring, &slot, body, len, &blob, &blob_len);
  if (rc) return rc;
  sqlite3_stmt *st =
      db_prepare(d, "INSERT INTO events(seq, user_id, kind, created_at, key_id, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st) {
    free(blob);
    return RC_INTERNAL;
  }
  sqlite3_bind_int64(st, 1, seq);
  sqlite3_bind_int64(st, 2, user_id);
  sqlite3_bind_int(st, 3, kind);
  sqlite3_bind_int64(st, 4, c->now);
  sqlite3_bind_int64(st, 5, key_id);
  sqlite3_bind_blob(st, 6, blob, (int)blob_len, SQLITE_STATIC);
  rc = rc_from_sqlite(db_step_done(st));
  free(blob);
  if (!rc) *seq_out = seq;
  return rc;
}

typedef struct {
  int64_t seq, user_id, key_id;
  const void *blob;
  size_t len;
} sealed_row;

/* Rows are copied out before opening: opening a key runs other statements
 * on the same connection. */
static int read_rows(sqlite3_stmt *st, arena *a, sealed_row *rows, size_t max, size_t *n, int *more)
{
  size_t k = 0;
  int rc = RC_OK, step;
  *more = 0;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    if (k == max) {
      *more = 1;
      break;
    }
    sealed_row *r = &rows[k];
    r->seq = sqlite3_column_int64(st, 0);
    r->user_id = sqlite3_column_int64(st, 1);
    r->key_id = sqlite3_column_int64(st, 2);
    r->len = (size_t)sqlite3_column_bytes(st, 3);
    uint8_t *copy = arena_alloc(a, r->len + 1);
    if (!copy) {
      rc = RC_EXHAUSTED;
      break;
    }
    if (r->len) memcpy(copy, sqlite3_column_blob(st, 3), r->len);
    r->blob = copy;
    k++;
  }
  if (step != SQLITE_ROW && step != SQLITE_DONE) rc = RC_INTERNAL;
  sqlite3_reset(st);
  *n = k;
  return rc;
}

static rcode open_row(db *d, const vault *v, keyring *ring, arena *a, const sealed_row *r, event_row *out)
{
  store_slot slot = body_slot(r->seq, r->key_id);
  uint8_t *plain;
  size_t len;
  int rc = store_keys_open_bytes(d, v, ring, &slot, r->blob, r->len, a, &plain, &len);
  if (rc) return rc;
  *out = (event_row){r->seq, r->user_id, plain, len};
  return RC_OK;
}

rcode store_events_since(store_ctx *c, int64_t user_id, uint64_t after, uint32_t limit, event_row **out, size_t *n,
                         int *more)
{
  if (limit == 0) limit = EVENTS_SINCE_DEFAULT;
  if (limit > EVENTS_SINCE_MAX) limit = EVENTS_SINCE_MAX;
  if (after > (uint64_t)INT64_MAX) after = (uint64_t)INT64_MAX;
  sqlite3_stmt *st =
      db_prepare(c->db,
                 "SELECT seq, user_id, key_id, body FROM events WHERE user_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, (int64_t)after);
  sqlite3_bind_int64(st, 3, (int64_t)limit + 1);
  sealed_row *rows = arena_alloc(c->a, sizeof *rows * limit);
  event_row *v = arena_alloc(c->a, sizeof *v * limit);
  if (!rows || !v) {
    sqlite3_reset(st);
    return RC_EXHAUSTED;
  }
  size_t k, kept = 0;
  int rc = read_rows(st, c->a, rows, limit, &k, more);
  for (size_t i = 0; rc == RC_OK && i < k; i++) {
    int orc = open_row(c->db, c->vault, c->ring, c->a, &rows[i], &v[kept]);
    if (orc == RC_OK) kept++;
    else if (orc == RC_EXHAUSTED || orc == RC_INTERNAL) rc = orc;
  }
  if (rc) return rc;
  *out = v;
  *n = kept;
  return RC_OK;
}

rcode store_events_range(db *d, const vault *v, keyring *r, arena *a, int64_t first, int64_t last, event_row *out,
                         size_t max, size_t *n)
{
  sqlite3_stmt *st =
      db_prepare(d, "SELECT seq, user_id, key_id, body FROM events WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, first);
  sqlite3_bind_int64(st, 2, last);
  sealed_row *rows = arena_alloc(a, sizeof *rows * (max ? max : 1));
  if (!rows) {
    sqlite3_reset(st);
    return RC_EXHAUSTED;
  }
  size_t k, kept = 0;
  int more;
  int rc = read_rows(st, a, rows, max, &k, &more);
  for (size_t i = 0; rc == RC_OK && i < k; i++) {
    int orc = open_row(d, v, r, a, &rows[i], &out[kept]);
    if (orc == RC_OK) kept++;
    else if (orc == RC_EXHAUSTED || orc == RC_INTERNAL) rc = orc;
  }
  *n = rc ? 0 : kept;
  return rc;
}

rcode store_events_topic_get(db *d, int64_t user_id, const char *device, uint8_t topic[EVENT_TOPIC_BYTES])
{
  sqlite3_stmt *st = db_prepare(d, "SELECT topic FROM event_topics WHERE user_id = ?1 AND device = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_text(st, 2, device, -1, SQLITE_STATIC);
  int step = sqlite3_step(st), rc = RC_INTERNAL;
  if (step == SQLITE_ROW && sqlite3_column_bytes(st, 0) == EVENT_TOPIC_BYTES) {
    memcpy(topic, sqlite3_column_blob(st, 0), EVENT_TOPIC_BYTES);
    rc = RC_OK;
  } else if (step == SQLITE_DONE) {
    rc = RC_NOT_FOUND;
  }
  sqlite3_reset(st);
  return rc;
}

rcode store_events_topic_renew(db *d, const topic_key *k, int64_t user_id, const char *device, int64_t now,
                               uint8_t topic[EVENT_TOPIC_BYTES])
{
  topic_make(k, device, topic);
  sqlite3_stmt *st = db_prepare(d,
                                "INSERT INTO event_topics(user_id, device, topic, created_at) VALUES (?1, ?2, ?3, ?4)"
                                " ON CONFLICT(user_id, device) DO UPDATE SET topic = ?3, created_at = ?4");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_text(st, 2, device, -1, SQLITE_STATIC);
  sqlite3_bind_blob(st, 3, topic, EVENT_TOPIC_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, now);
  return rc_from_sqlite(db_step_done(st));
}

rcode store_events_devices(db *d, int64_t user_id, int64_t now, int64_t idle_s, event_device *out, size_t max,
                           size_t *n)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT t.device, t.topic FROM event_topics t WHERE t.user_id = ?1 AND EXISTS"
                                   " (SELECT 1 FROM tokens k WHERE k.user_id = t.user_id AND k.device = t.device"
                                   "  AND k.expires_at > ?2 AND k.last_seen > ?3)"
                                   /* Whoever holds a password an administrator set is not told the
       * person's events until the person has chosen their own. */
                                   " AND NOT (SELECT must_change_password FROM users WHERE id = ?1)"
                                   " ORDER BY t.created_at DESC");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, now);
  sqlite3_bind_int64(st, 3, now - idle_s);
  size_t k = 0;
  int step = SQLITE_DONE;
  while (k < max && (step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *dev = (const char *)sqlite3_column_text(st, 0);
    if (!dev || strlen(dev) != DEVICE_Z85_LEN || sqlite3_column_bytes(st, 1) != EVENT_TOPIC_BYTES) continue;
    memcpy(out[k].device, dev, DEVICE_Z85_LEN + 1);
    memcpy(out[k].topic, sqlite3_column_blob(st, 1), EVENT_TOPIC_BYTES);
    k++;
  }
  sqlite3_reset(st);
  *n = k;
  return step == SQLITE_ROW || step == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

rcode store_events_emitted(db *d, int kind, int64_t object_id, int64_t fire_at, int64_t lead, int *yes)
{
  sqlite3_stmt *st =
      db_prepare(d, "SELECT 1 FROM event_emits WHERE kind = ?1 AND object_id = ?2 AND fire_at = ?3 AND lead = ?4");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int(st, 1, kind);
  sqlite3_bind_int64(st, 2, object_id);
  sqlite3_bind_int64(st, 3, fire_at);
  sqlite3_bind_int64(st, 4, lead);
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if (step != SQLITE_ROW && step != SQLITE_DONE) return RC_INTERNAL;
  *yes = step == SQLITE_ROW;
  return RC_OK;
}

rcode store_events_mark(db *d, int kind, int64_t object_id, int64_t fire_at, int64_t lead, int64_t now, int late,
                        int superseded)
{
  sqlite3_stmt *st = db_prepare(d,
                                "INSERT INTO event_emits(kind, object_id, fire_at, lead, emitted_at, late, superseded)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int(st, 1, kind);
  sqlite3_bind_int64(st, 2, object_id);
  sqlite3_bind_int64(st, 3, fire_at);
  sqlite3_bind_int64(st, 4, lead);
  sqlite3_bind_int64(st, 5, now);
  sqlite3_bind_int(st, 6, late != 0);
  sqlite3_bind_int(st, 7, superseded != 0);
  return rc_from_sqlite(db_step_done(st));
}

rcode store_events_prune(db *d, int64_t before, int64_t *deleted)
{
  sqlite3_stmt *st = db_prepare(d, "DELETE FROM events WHERE created_at < ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, before);
  int rc = rc_from_sqlite(db_step_done(st));
  if (!rc) *deleted = sqlite3_changes(db_handle(d));
  if (rc) return rc;
  /* A topic is a login's (made afresh at each): once no login of its user
   * is left on its device, nothing is published to it again. */
  st = db_prepare(d, "DELETE FROM event_topics WHERE NOT EXISTS (SELECT 1 FROM tokens k"
                     " WHERE k.user_id = event_topics.user_id AND k.device = event_topics.device)");
  if (!st) return RC_INTERNAL;
  return rc_from_sqlite(db_step_done(st));
}

rcode store_events_latest(db *d, int64_t user_id, uint64_t *seq)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT coalesce(max(seq), 0) FROM events WHERE user_id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  int64_t v = 0;
  if (db_one_int64(st, &v) != SQLITE_ROW) return RC_INTERNAL;
  *seq = (uint64_t)v;
  return RC_OK;
}
