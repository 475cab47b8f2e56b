#include "store_schedule.h"
#include "store_keys.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIVE "(1, 2)" /* scheduled, held: what a person or room is busy with */

static rcode clash_row(sqlite3_stmt *st, int *found, schedule_clash *out)
{
  int rc = sqlite3_step(st);
  *found = rc == SQLITE_ROW;
  if (*found)
    *out = (schedule_clash){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2)};
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

rcode store_schedule_person_clash(db *d, int64_t user_id, int64_t start, int64_t end, int64_t except_session,
                                  int *found, schedule_clash *out)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT s.id, s.starts_at, s.ends_at FROM sessions s"
                                   " WHERE s.status IN " LIVE " AND s.id <> ?4 AND s.starts_at < ?3 AND s.ends_at > ?2"
                                   " AND (s.supervisor_id = ?1 OR EXISTS (SELECT 1 FROM session_members m"
                                   "      WHERE m.session_id = s.id AND m.user_id = ?1))"
                                   " ORDER BY s.starts_at LIMIT 1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, start);
  sqlite3_bind_int64(st, 3, end);
  sqlite3_bind_int64(st, 4, except_session);
  return clash_row(st, found, out);
}

rcode store_schedule_room_clash(db *d, const uint8_t index[VAULT_INDEX_BYTES], int64_t start, int64_t end,
                                int64_t except_session, int *found, schedule_clash *out)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT id, starts_at, ends_at FROM sessions"
                                   " WHERE room_index = ?1 AND status IN " LIVE
                                   " AND id <> ?4 AND starts_at < ?3 AND ends_at > ?2"
                                   " ORDER BY starts_at LIMIT 1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_blob(st, 1, index, VAULT_INDEX_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, start);
  sqlite3_bind_int64(st, 3, end);
  sqlite3_bind_int64(st, 4, except_session);
  return clash_row(st, found, out);
}

void store_schedule_room_index(const vault *v, const char *room, uint8_t out[VAULT_INDEX_BYTES], int *has)
{
  /* "Room 4", "room 4 " and "ROOM  4" are the same room. */
  char norm[256];
  size_t n = 0;
  int space = 0;
  for (const char *p = room; *p && n < sizeof norm - 1; p++) {
    unsigned char ch = (unsigned char)*p;
    if (isspace(ch)) {
      space = n > 0;
      continue;
    }
    if (space && n < sizeof norm - 1) norm[n++] = ' ';
    space = 0;
    norm[n++] = (char)(ch < 0x80 ? tolower(ch) : ch);
  }
  *has = n > 0;
  if (*has) vault_blind_index(v, "session.room", (const uint8_t *)norm, n, out);
}

/* A reason is bound to its session, who gave it, when, and what it was for. */
static void change_context(char *buf, size_t size, int64_t session, int64_t by, int64_t at, int what)
{
  snprintf(buf, size, "session=%lld;by=%lld;at=%lld;what=%d", (long long)session, (long long)by, (long long)at, what);
}

rcode store_schedule_log(store_ctx *c, const session_row *s, int what, int64_t old_start, int64_t new_start,
                         int old_minutes, int new_minutes, const char *reason)
{
  db *d = c->db;
  int64_t id;
  if (db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM session_changes", &id)) return RC_INTERNAL;
  uint8_t *blob = NULL;
  size_t blob_len = 0;
  if (reason && *reason) {
    char context[128];
    change_context(context, sizeof context, s->id, c->who->user_id, c->now, what);
    store_slot slot = {"session_changes", id, "reason", s->key_id, 0, context};
    int rc = store_keys_seal(d, c->vault, c->ring, &slot, reason, &blob, &blob_len);
    if (rc) return rc;
  }
  sqlite3_stmt *st =
      db_prepare(d, "INSERT INTO session_changes(id, session_id, at, by_id, what, old_starts_at, new_starts_at,"
                    " old_minutes, new_minutes, key_id, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!st) {
    free(blob);
    return RC_INTERNAL;
  }
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, s->id);
  sqlite3_bind_int64(st, 3, c->now);
  sqlite3_bind_int64(st, 4, c->who->user_id);
  sqlite3_bind_int(st, 5, what);
  if (old_start) sqlite3_bind_int64(st, 6, old_start);
  if (new_start) sqlite3_bind_int64(st, 7, new_start);
  if (old_minutes) sqlite3_bind_int(st, 8, old_minutes);
  if (new_minutes) sqlite3_bind_int(st, 9, new_minutes);
  sqlite3_bind_int64(st, 10, s->key_id);
  if (blob) sqlite3_bind_blob(st, 11, blob, (int)blob_len, SQLITE_STATIC);
  int rc = rc_from_sqlite(db_step_done(st));
  free(blob);
  return rc;
}

rcode store_schedule_move(store_ctx *c, const session_row *s, int64_t starts_at, int minutes, const char *reason)
{
  sqlite3_stmt *st =
      db_prepare(c->db,
                 "UPDATE sessions SET starts_at = ?2, minutes = ?3, ends_at = ?2 + ?3 * 60, sequence = sequence + 1"
                 " WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  sqlite3_bind_int64(st, 2, starts_at);
  sqlite3_bind_int(st, 3, minutes);
  int rc = rc_from_sqlite(db_step_done(st));
  if (rc) return rc;
  return store_schedule_log(c, s, SESSION_RESCHEDULED, s->starts_at, starts_at, s->minutes, minutes, reason);
}

rcode store_schedule_set_status(store_ctx *c, const session_row *s, int status, const char *reason)
{
  /* A cancellation changes what a calendar shows, so it bumps the sequence. */
  sqlite3_stmt *st = db_prepare(c->db, "UPDATE sessions SET status = ?2, sequence = sequence + (?2 = 3) WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  sqlite3_bind_int(st, 2, status);
  int rc = rc_from_sqlite(db_step_done(st));
  if (rc) return rc;
  return store_schedule_log(c, s, status, 0, 0, 0, 0, reason);
}

rcode store_schedule_history(store_ctx *c, const session_row *s, session_change_row **out, size_t *n)
{
  sqlite3_stmt *st = db_prepare(c->db,
                                "SELECT h.id, h.at, u.username, h.what, h.old_starts_at, h.new_starts_at, "
                                "h.old_minutes, h.new_minutes,"
                                " h.key_id, h.reason, h.by_id FROM session_changes h JOIN users u ON u.id = h.by_id"
                                " WHERE h.session_id = ?1 ORDER BY h.id LIMIT 200");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  session_change_row *v = arena_alloc(c->a, sizeof *v * 200);
  typedef struct {
    int64_t id, key_id, by;
    const void *blob;
    size_t len;
  } sealed;
  sealed *reasons = arena_alloc(c->a, sizeof *reasons * 200);
  size_t k = 0;
  int rc = v && reasons ? RC_OK : RC_EXHAUSTED;
  while (rc == RC_OK && sqlite3_step(st) == SQLITE_ROW) {
    session_change_row *h = &v[k];
    *h = (session_change_row){.reason = ""};
    h->at = sqlite3_column_int64(st, 1);
    h->by = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 2));
    h->what = sqlite3_column_int(st, 3);
    h->old_starts_at = sqlite3_column_int64(st, 4);
    h->new_starts_at = sqlite3_column_int64(st, 5);
    h->old_minutes = (uint32_t)sqlite3_column_int(st, 6);
    h->new_minutes = (uint32_t)sqlite3_column_int(st, 7);
    /* Copied out: opening a key runs other statements. */
    reasons[k] = (sealed){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 8), sqlite3_column_int64(st, 10), NULL,
                          (size_t)sqlite3_column_bytes(st, 9)};
    if (reasons[k].len) reasons[k].blob = arena_strndup(c->a, sqlite3_column_blob(st, 9), reasons[k].len);
    if (!h->by || (reasons[k].len && !reasons[k].blob)) {
      rc = RC_EXHAUSTED;
      break;
    }
    k++;
  }
  sqlite3_reset(st);
  for (size_t i = 0; rc == RC_OK && i < k; i++) {
    if (!reasons[i].blob) continue;
    char context[128];
    change_context(context, sizeof context, s->id, reasons[i].by, v[i].at, v[i].what);
    store_slot slot = {"session_changes", reasons[i].id, "reason", reasons[i].key_id, 0, context};
    char *reason = NULL;
    rc = store_keys_open(c->db, c->vault, c->ring, &slot, reasons[i].blob, reasons[i].len, c->a, &reason);
    if (!rc) v[i].reason = reason;
  }
  if (rc) return rc;
  *out = v;
  *n = k;
  return RC_OK;
}
