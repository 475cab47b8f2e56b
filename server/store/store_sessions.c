#include "store_sessions.h"
#include "store_attendance.h"
#include "store_teams.h"
#include "store_keys.h"

#include <stdio.h>
#include <stdlib.h>

rcode store_sessions_add(store_ctx *c, int64_t supervisor, const int64_t *members, size_t n_members,
                         int64_t agreement_id, int64_t starts_at, uint32_t minutes, const char *room,
                         const uint8_t *room_index, int64_t *id_out)
{
  db *d = c->db;
  int64_t id, key_id;
  int rc = rc_from_sqlite(db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM sessions", &id));
  if (rc) return rc;
  int kind = n_members == 1 ? SESSION_INDIVIDUAL : SESSION_GROUP;
  char subject[48];
  if (n_members == 1) snprintf(subject, sizeof subject, "user:%lld", (long long)members[0]);
  else snprintf(subject, sizeof subject, "session:%lld", (long long)id);
  rc = store_keys_ensure(d, c->vault, c->ring, c->now, subject, &key_id);
  if (rc) return rc;
  uint8_t *blob = NULL;
  size_t blob_len = 0;
  if (room && *room) {
    store_slot slot = {"sessions", id, "room", key_id, 0, NULL};
    rc = store_keys_seal(d, c->vault, c->ring, &slot, room, &blob, &blob_len);
    if (rc) return rc;
  }
  sqlite3_stmt *st =
      db_prepare(d, "INSERT INTO sessions(id, kind, supervisor_id, agreement_id, starts_at, minutes, ends_at, key_id,"
                    " room, status, created_at, created_by, room_index)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  if (!st) {
    free(blob);
    return RC_INTERNAL;
  }
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int(st, 2, kind);
  sqlite3_bind_int64(st, 3, supervisor);
  if (agreement_id > 0) sqlite3_bind_int64(st, 4, agreement_id);
  sqlite3_bind_int64(st, 5, starts_at);
  sqlite3_bind_int64(st, 6, minutes);
  sqlite3_bind_int64(st, 7, starts_at + (int64_t)minutes * 60);
  sqlite3_bind_int64(st, 8, key_id);
  if (blob) sqlite3_bind_blob(st, 9, blob, (int)blob_len, SQLITE_STATIC);
  sqlite3_bind_int(st, 10, SESSION_SCHEDULED);
  sqlite3_bind_int64(st, 11, c->now);
  sqlite3_bind_int64(st, 12, c->who->user_id);
  if (room_index) sqlite3_bind_blob(st, 13, room_index, VAULT_INDEX_BYTES, SQLITE_STATIC);
  rc = rc_from_sqlite(db_step_done(st));
  free(blob);
  if (rc) return rc;
  st = db_prepare(d, "INSERT INTO session_members(session_id, user_id) VALUES (?1, ?2)");
  if (!st) return RC_INTERNAL;
  for (size_t i = 0; i < n_members; i++) {
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, members[i]);
    rc = rc_from_sqlite(db_step_done(st));
    if (rc) return rc;
  }
  *id_out = id;
  return RC_OK;
}

rcode store_sessions_get(db *d, int64_t id, session_row *out)
{
  sqlite3_stmt *st =
      db_prepare(d,
                 "SELECT id, kind, supervisor_id, key_id, starts_at, ends_at, minutes, status, sequence FROM sessions"
                 " WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    out->id = sqlite3_column_int64(st, 0);
    out->kind = sqlite3_column_int(st, 1);
    out->supervisor_id = sqlite3_column_int64(st, 2);
    out->key_id = sqlite3_column_int64(st, 3);
    out->starts_at = sqlite3_column_int64(st, 4);
    out->ends_at = sqlite3_column_int64(st, 5);
    out->minutes = sqlite3_column_int(st, 6);
    out->status = sqlite3_column_int(st, 7);
    out->sequence = sqlite3_column_int(st, 8);
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : rc == SQLITE_DONE ? RC_NOT_FOUND : RC_INTERNAL;
}

rcode store_sessions_members(db *d, int64_t session_id, int64_t *ids, size_t max, size_t *n)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT user_id FROM session_members WHERE session_id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, session_id);
  *n = 0;
  while (*n < max && sqlite3_step(st) == SQLITE_ROW) ids[(*n)++] = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return RC_OK;
}

rcode store_sessions_is_party(db *d, const session_row *s, int64_t user_id, int *party)
{
  if (s->supervisor_id == user_id) {
    *party = 1;
    return RC_OK;
  }
  sqlite3_stmt *st = db_prepare(d, "SELECT 1 FROM session_members WHERE session_id = ?1 AND user_id = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  sqlite3_bind_int64(st, 2, user_id);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return RC_INTERNAL;
  *party = rc == SQLITE_ROW;
  return RC_OK;
}

/* A group session's members, by name, and the attendance recorded for
 * those it has been recorded for. */
static rcode load_members(store_ctx *c, session_item *m)
{
  sqlite3_stmt *st = db_prepare(c->db, "SELECT u.username, sm.attendance, coalesce(sm.attendance_signed_at, 0)"
                                       " FROM session_members sm JOIN users u ON u.id = sm.user_id"
                                       " WHERE sm.session_id = ?1 ORDER BY u.username");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, m->id);
  char **v = arena_alloc(c->a, sizeof *v * SESSION_MAX_MEMBERS);
  member_attendance_row *att = arena_alloc(c->a, sizeof *att * SESSION_MAX_MEMBERS);
  size_t k = 0, n_att = 0;
  int rc = v && att ? RC_OK : RC_EXHAUSTED;
  while (rc == RC_OK && k < SESSION_MAX_MEMBERS && sqlite3_step(st) == SQLITE_ROW) {
    char *name = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 0));
    if (!name) {
      rc = RC_EXHAUSTED;
      break;
    }
    v[k++] = name;
    int attendance = sqlite3_column_int(st, 1);
    if (attendance == ATTENDANCE_UNKNOWN) continue;
    att[n_att++] = (member_attendance_row){name, attendance, sqlite3_column_int64(st, 2)};
  }
  sqlite3_reset(st);
  if (rc) return rc;
  m->members = v;
  m->n_members = k;
  m->attendance = att;
  m->n_attendance = n_att;
  return RC_OK;
}

/* The sessions a user is party to. UNION ALL: nobody is a member of a
 * session they facilitate (refused when booking), so the halves never
 * overlap. */
#define SESSIONS_LIST_OWN                                              \
  "WITH mine(id) AS (SELECT id FROM sessions WHERE supervisor_id = ?1" \
  "  UNION ALL SELECT session_id FROM session_members WHERE user_id = ?1)"
/* A manager also sees the sessions of everyone they oversee through a team
 * (as supervisor or member); UNION, because those overlap. */
#define SESSIONS_LIST_TEAM                                                                  \
  "WITH team(uid) AS (" STORE_TEAMS_OVERSEEN(                                               \
      "?1") "),"                                                                            \
            " mine(id) AS (SELECT id FROM sessions WHERE supervisor_id = ?1"                \
            "  UNION SELECT session_id FROM session_members WHERE user_id = ?1"             \
            "  UNION SELECT id FROM sessions WHERE supervisor_id IN (SELECT uid FROM team)" \
            "  UNION SELECT session_id FROM session_members WHERE user_id IN (SELECT uid FROM team))"
#define SESSIONS_LIST_TAIL                                                                                        \
  " SELECT s.id, s.kind, u.username, s.agreement_id, s.starts_at, s.minutes, s.key_id, s.room, s.status,"         \
  "  (SELECT coalesce(max(revision), 0) FROM record_revisions r WHERE r.session_id = s.id),"                      \
  "  mu.username, s.sequence"                                                                                     \
  " FROM sessions s JOIN mine ON mine.id = s.id JOIN users u ON u.id = s.supervisor_id"                           \
  " LEFT JOIN session_members sm ON s.kind = 1 AND sm.session_id = s.id LEFT JOIN users mu ON mu.id = sm.user_id" \
  " WHERE (?2 = 0 OR (?2 = 1 AND s.ends_at > ?3 AND s.status = 1) OR (?2 = 2 AND s.ends_at <= ?3))"               \
  "  AND (?5 = 0 OR s.status = ?5)"                                                                               \
  "  AND (?6 = 0 OR s.supervisor_id = ?6"                                                                         \
  "       OR EXISTS (SELECT 1 FROM session_members w WHERE w.session_id = s.id AND w.user_id = ?6))"              \
  "  AND (?7 = 0 OR s.id = ?7)"                                                                                   \
  "  AND (?8 = 0 OR s.starts_at >= ?8) AND (?9 = 0 OR s.starts_at < ?9)"                                          \
  " ORDER BY CASE WHEN ?2 = 2 THEN -s.starts_at ELSE s.starts_at END, s.id LIMIT ?4"

rcode store_sessions_list(store_ctx *c, int64_t user_id, const session_filter *f, session_item **out, size_t *n)
{
  uint32_t limit = f->limit;
  if (limit == 0) limit = SESSION_LIST_DEFAULT;
  if (limit > SESSION_LIST_MAX) limit = SESSION_LIST_MAX;
  /* Everyone but a manager gets the plain query: the team part costs a
   * UNION's temporary b-tree on the most frequent read of all. */
  int manager = c->who->role == ROLE_MANAGER;
  sqlite3_stmt *st = manager ? db_prepare(c->db, SESSIONS_LIST_TEAM SESSIONS_LIST_TAIL)
                             : db_prepare(c->db, SESSIONS_LIST_OWN SESSIONS_LIST_TAIL);
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int(st, 2, f->when);
  sqlite3_bind_int64(st, 3, c->now);
  sqlite3_bind_int64(st, 4, limit);
  sqlite3_bind_int(st, 5, f->status);
  sqlite3_bind_int64(st, 6, f->with_user);
  sqlite3_bind_int64(st, 7, f->only_session);
  sqlite3_bind_int64(st, 8, f->from);
  sqlite3_bind_int64(st, 9, f->to);
  session_item *v = arena_alloc(c->a, sizeof *v * limit);
  /* Rooms are decrypted after the scan: opening a key uses other statements. */
  typedef struct {
    int64_t key_id;
    const void *blob;
    size_t len;
  } sealed_room;
  sealed_room *rooms = arena_alloc(c->a, sizeof *rooms * limit);
  size_t k = 0;
  int rc = RC_OK;
  while (v && rooms && k < limit && sqlite3_step(st) == SQLITE_ROW) {
    session_item *m = &v[k];
    *m = (session_item){.room = ""};
    m->id = sqlite3_column_int64(st, 0);
    m->kind = sqlite3_column_int(st, 1);
    m->supervisor = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 2));
    m->agreement_id = sqlite3_column_int64(st, 3);
    m->starts_at = sqlite3_column_int64(st, 4);
    m->minutes = (uint32_t)sqlite3_column_int(st, 5);
    m->status = sqlite3_column_int(st, 8);
    m->record_revision = (uint32_t)sqlite3_column_int(st, 9);
    m->sequence = (uint32_t)sqlite3_column_int(st, 11);
    if (sqlite3_column_type(st, 10) == SQLITE_TEXT) {
      m->members = arena_alloc(c->a, sizeof *m->members);
      if (!m->members || !(m->members[0] = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 10)))) {
        rc = RC_EXHAUSTED;
        break;
      }
      m->n_members = 1;
    }
    rooms[k].key_id = sqlite3_column_int64(st, 6);
    rooms[k].len = (size_t)sqlite3_column_bytes(st, 7);
    rooms[k].blob = rooms[k].len ? arena_strndup(c->a, sqlite3_column_blob(st, 7), rooms[k].len) : NULL;
    if (!m->supervisor || (rooms[k].len && !rooms[k].blob)) {
      rc = RC_EXHAUSTED;
      break;
    }
    k++;
  }
  sqlite3_reset(st);
  if (!v || !rooms) return RC_EXHAUSTED;
  for (size_t i = 0; rc == RC_OK && i < k; i++) {
    if (rooms[i].blob) {
      store_slot slot = {"sessions", v[i].id, "room", rooms[i].key_id, 0, NULL};
      char *room = NULL;
      rc = store_keys_open(c->db, c->vault, c->ring, &slot, rooms[i].blob, rooms[i].len, c->a, &room);
      if (!rc) v[i].room = room;
    }
    if (rc == RC_OK && v[i].kind == SESSION_GROUP) rc = load_members(c, &v[i]);
  }
  if (rc) return rc;
  *out = v;
  *n = k;
  return RC_OK;
}
