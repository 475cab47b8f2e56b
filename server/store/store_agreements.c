#include "store_agreements.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "due.h"
#include "store_rules.h"
#include "store_teams.h"
#include "store_keys.h"

/* Schema v7 wrote a start and the supervisor's signature into every older
 * agreement, so both are read as stored; the coalesces left only turn SQL
 * NULL ("none") into the row's 0 or "". Older agreements have no review. */
#define AGREEMENT_SELECT                                                                                 \
  "SELECT a.id, a.supervisor_id, a.supervisee_id, a.every_days, a.minutes, a.version,"                   \
  " coalesce(a.supersedes, 0), coalesce(a.rule_id, 0), coalesce(a.key_id, 0), a.created_at,"             \
  " a.supervisor_signed_at, coalesce(a.supervisee_signed_at, 0),"                                        \
  " coalesce(a.ended_at, 0), coalesce(a.starts_on, ''), coalesce(a.review_on, ''),"                      \
  " sr.username, se.username, coalesce(r.name, '')"                                                      \
  " FROM agreements a JOIN users sr ON sr.id = a.supervisor_id JOIN users se ON se.id = a.supervisee_id" \
  " LEFT JOIN frequency_rules r ON r.id = a.rule_id"

static const char *const term_columns[] = {"booking", "cancellation", "confidentiality", "record_access",
                                           "disagreements"};

static const char **term_slot(agreement_terms *t, int i)
{
  const char **slots[] = {&t->booking, &t->cancellation, &t->confidentiality, &t->record_access, &t->disagreements};
  return slots[i];
}

/* What every sealed value of an agreement is bound to besides its row and
 * column: the pair and the version (and, for the end reason, when). */
static void agreement_context(char *buf, size_t size, const agreement_row *a, int64_t ended_at)
{
  snprintf(buf, size, "supervisor=%lld;supervisee=%lld;version=%u;ended_at=%lld", (long long)a->supervisor_id,
           (long long)a->supervisee_id, a->version, (long long)ended_at);
}

/* Agreements older than v7 name no key; their sealed text uses the
 * supervisee's, which every account has had since it was made. */
static rcode agreement_key(store_ctx *c, const agreement_row *a, int64_t *key_id)
{
  if (a->key_id) {
    *key_id = a->key_id;
    return RC_OK;
  }
  char subject[32];
  snprintf(subject, sizeof subject, "user:%lld", (long long)a->supervisee_id);
  return store_keys_ensure(c->db, c->vault, c->ring, c->now, subject, key_id);
}

static void read_row(sqlite3_stmt *st, agreement_row *a)
{
  memset(a, 0, sizeof *a);
  a->id = sqlite3_column_int64(st, 0);
  a->supervisor_id = sqlite3_column_int64(st, 1);
  a->supervisee_id = sqlite3_column_int64(st, 2);
  a->every_days = (uint32_t)sqlite3_column_int(st, 3);
  a->minutes = (uint32_t)sqlite3_column_int(st, 4);
  a->version = (uint32_t)sqlite3_column_int(st, 5);
  a->supersedes = sqlite3_column_int64(st, 6);
  a->rule_id = sqlite3_column_int64(st, 7);
  a->key_id = sqlite3_column_int64(st, 8);
  a->created_at = sqlite3_column_int64(st, 9);
  a->supervisor_signed_at = sqlite3_column_int64(st, 10);
  a->supervisee_signed_at = sqlite3_column_int64(st, 11);
  a->ended_at = sqlite3_column_int64(st, 12);
  snprintf(a->starts_on, sizeof a->starts_on, "%s", (const char *)sqlite3_column_text(st, 13));
  snprintf(a->review_on, sizeof a->review_on, "%s", (const char *)sqlite3_column_text(st, 14));
}

/* The names of an AGREEMENT_SELECT row; the rest of the item is *a. */
static rcode read_item(store_ctx *c, sqlite3_stmt *st, const agreement_row *a, agreement_item *out)
{
  out->row = *a;
  out->supervisor = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 15));
  out->supervisee = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 16));
  out->rule = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 17));
  return out->supervisor && out->supervisee && out->rule ? RC_OK : RC_EXHAUSTED;
}

/* Reads up to max rows of an AGREEMENT_SELECT statement. */
static rcode collect(store_ctx *c, sqlite3_stmt *st, size_t max, agreement_item **out, size_t *n)
{
  agreement_item *v = arena_alloc(c->a, sizeof *v * max);
  size_t k = 0;
  int rc = v ? RC_OK : RC_EXHAUSTED, src = SQLITE_DONE;
  while (!rc && k < max && (src = sqlite3_step(st)) == SQLITE_ROW) {
    agreement_row row;
    read_row(st, &row);
    rc = read_item(c, st, &row, &v[k]);
    k++;
  }
  sqlite3_reset(st);
  if (!rc && src != SQLITE_ROW && src != SQLITE_DONE) rc = RC_INTERNAL;
  if (rc) return rc;
  *out = v;
  *n = k;
  return RC_OK;
}

rcode store_agreements_add(store_ctx *c, const agreement_row *a, const agreement_terms *t, int64_t *id_out)
{
  db *d = c->db;
  int64_t id, key_id;
  int rc = rc_from_sqlite(db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM agreements", &id));
  char subject[32], context[160];
  snprintf(subject, sizeof subject, "user:%lld", (long long)a->supervisee_id);
  if (!rc) rc = store_keys_ensure(d, c->vault, c->ring, c->now, subject, &key_id);
  if (rc) return rc;
  sqlite3_stmt *st = db_prepare(
      d, "INSERT INTO agreements(id, supervisor_id, supervisee_id, every_days, minutes, created_at, created_by,"
         " version, supersedes, rule_id, starts_on, review_on, supervisor_signed_at, key_id, booking, cancellation,"
         " confidentiality, record_access, disagreements)"
         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?6, ?13, ?14, ?15, ?16, ?17, ?18)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, a->supervisor_id);
  sqlite3_bind_int64(st, 3, a->supervisee_id);
  sqlite3_bind_int64(st, 4, a->every_days);
  sqlite3_bind_int64(st, 5, a->minutes);
  sqlite3_bind_int64(st, 6, c->now);
  sqlite3_bind_int64(st, 7, c->who->user_id);
  sqlite3_bind_int64(st, 8, a->version);
  if (a->supersedes) sqlite3_bind_int64(st, 9, a->supersedes);
  if (a->rule_id) sqlite3_bind_int64(st, 10, a->rule_id);
  sqlite3_bind_text(st, 11, a->starts_on, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 12, a->review_on, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 13, key_id);
  agreement_context(context, sizeof context, a, 0);
  agreement_terms terms = *t;
  for (int i = 0; !rc && i < 5; i++) {
    const char *text = *term_slot(&terms, i);
    store_slot slot = {"agreements", id, term_columns[i], key_id, a->version, context};
    if (text && *text) rc = store_keys_bind_sealed(d, c->vault, c->ring, st, 14 + i, &slot, text);
  }
  if (!rc) rc = rc_from_sqlite(db_step_done(st));
  sqlite3_clear_bindings(st); /* lets go of the sealed blobs now */
  if (!rc) *id_out = id;
  return rc;
}

rcode store_agreements_get(db *d, int64_t id, agreement_row *out)
{
  sqlite3_stmt *st = db_prepare(d, AGREEMENT_SELECT " WHERE a.id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) read_row(st, out);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : rc == SQLITE_DONE ? RC_NOT_FOUND : RC_INTERNAL;
}

/* Runs one of the two "newest agreement between them" queries below. */
static rcode newest_agreement(db *d, const char *sql, int64_t supervisor, int64_t supervisee, int64_t *id)
{
  sqlite3_stmt *st = db_prepare(d, sql);
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, supervisor);
  sqlite3_bind_int64(st, 2, supervisee);
  int rc = sqlite3_step(st);
  int found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
  if (found) *id = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  if (rc != SQLITE_ROW) return RC_INTERNAL;
  return found ? RC_OK : RC_NOT_FOUND;
}

rcode store_agreements_find(db *d, int64_t supervisor, int64_t supervisee, int64_t *id)
{
  return newest_agreement(d,
                          "SELECT max(id) FROM agreements WHERE supervisor_id = ?1 AND supervisee_id = ?2"
                          " AND ended_at IS NULL",
                          supervisor, supervisee, id);
}

rcode store_agreements_active(db *d, int64_t supervisor, int64_t supervisee, int64_t *id)
{
  return newest_agreement(d,
                          "SELECT max(id) FROM agreements WHERE supervisor_id = ?1 AND supervisee_id = ?2"
                          " AND supervisee_signed_at IS NOT NULL AND ended_at IS NULL",
                          supervisor, supervisee, id);
}

rcode store_agreements_unsigned_successor(db *d, int64_t id, int64_t *next)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT min(id) FROM agreements WHERE supersedes = ?1 AND supervisee_signed_at IS "
                                   "NULL AND ended_at IS NULL");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  int found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
  if (found) *next = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  if (rc != SQLITE_ROW) return RC_INTERNAL;
  return found ? RC_OK : RC_NOT_FOUND;
}

rcode store_agreements_sign(store_ctx *c, const agreement_row *a)
{
  sqlite3_stmt *st =
      db_prepare(c->db,
                 "UPDATE agreements SET supervisee_signed_at = ?2 WHERE id = ?1 AND supervisee_signed_at IS NULL");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, a->id);
  sqlite3_bind_int64(st, 2, c->now);
  int rc = rc_from_sqlite(db_step_done(st));
  return rc ? rc : sqlite3_changes(db_handle(c->db)) == 1 ? RC_OK : RC_EXISTS;
}

rcode store_agreements_end(store_ctx *c, const agreement_row *a, const char *reason)
{
  sqlite3_stmt *st =
      db_prepare(c->db, "UPDATE agreements SET ended_at = ?2, end_reason = ?3 WHERE id = ?1 AND ended_at IS NULL");
  if (!st) return RC_INTERNAL;
  char context[160];
  agreement_context(context, sizeof context, a, c->now);
  int64_t key_id;
  int rc = agreement_key(c, a, &key_id);
  store_slot slot = {"agreements", a->id, "end_reason", key_id, a->version, context};
  sqlite3_bind_int64(st, 1, a->id);
  sqlite3_bind_int64(st, 2, c->now);
  if (!rc) rc = store_keys_bind_sealed(c->db, c->vault, c->ring, st, 3, &slot, reason);
  if (!rc) rc = rc_from_sqlite(db_step_done(st));
  sqlite3_clear_bindings(st);
  if (!rc && sqlite3_changes(db_handle(c->db)) != 1) rc = RC_PRECONDITION;
  return rc;
}

static rcode open_column(store_ctx *c, const agreement_row *a, int which, int64_t ended_at, const char **out)
{
  static const char *const sql[] = {"SELECT booking FROM agreements WHERE id = ?1",
                                    "SELECT cancellation FROM agreements WHERE id = ?1",
                                    "SELECT confidentiality FROM agreements WHERE id = ?1",
                                    "SELECT record_access FROM agreements WHERE id = ?1",
                                    "SELECT disagreements FROM agreements WHERE id = ?1",
                                    "SELECT end_reason FROM agreements WHERE id = ?1"};
  sqlite3_stmt *st = db_prepare(c->db, sql[which]);
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, a->id);
  int src = sqlite3_step(st);
  size_t len = src == SQLITE_ROW ? (size_t)sqlite3_column_bytes(st, 0) : 0;
  char *blob = len ? arena_strndup(c->a, sqlite3_column_blob(st, 0), len) : NULL;
  sqlite3_reset(st);
  *out = "";
  if (src != SQLITE_ROW) return RC_INTERNAL;
  if (!len) return RC_OK;
  if (!blob) return RC_EXHAUSTED;
  char context[160], *text;
  agreement_context(context, sizeof context, a, ended_at);
  int64_t key_id;
  int rc = agreement_key(c, a, &key_id);
  store_slot slot = {"agreements", a->id, which < 5 ? term_columns[which] : "end_reason", key_id, a->version, context};
  if (!rc) rc = store_keys_open(c->db, c->vault, c->ring, &slot, blob, len, c->a, &text);
  if (!rc) *out = text;
  return rc;
}

rcode store_agreements_terms(store_ctx *c, const agreement_row *a, agreement_terms *out, const char **end_reason)
{
  int rc = RC_OK;
  for (int i = 0; !rc && i < 5; i++) rc = open_column(c, a, i, 0, term_slot(out, i));
  if (!rc) rc = open_column(c, a, 5, a->ended_at, end_reason);
  return rc;
}

rcode store_agreements_item(store_ctx *c, const agreement_row *a, agreement_item *out)
{
  sqlite3_stmt *st = db_prepare(c->db, AGREEMENT_SELECT " WHERE a.id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, a->id);
  int rc = sqlite3_step(st) == SQLITE_ROW ? read_item(c, st, a, out) : RC_INTERNAL;
  sqlite3_reset(st);
  return rc;
}

rcode store_agreements_list(store_ctx *c, const agreement_filter *f, agreement_item **out, size_t *n)
{
  sqlite3_stmt *st = db_prepare(c->db, AGREEMENT_SELECT
                                " WHERE (a.supervisor_id = ?1 OR a.supervisee_id = ?1 OR (?2 AND "
                                "(" STORE_TEAMS_OVERSEES("?1", "a.supervisor_id") "   OR " STORE_TEAMS_OVERSEES(
                                    "?1", "a.supervisee_id") ")))"
                                                             " AND (?3 = 0 OR (a.supervisee_signed_at IS NOT NULL AND "
                                                             "a.ended_at IS NULL))"
                                                             " AND (?4 = 0 OR a.supervisee_id = ?4) ORDER BY a.id "
                                                             "LIMIT 1000");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, f->user_id);
  sqlite3_bind_int(st, 2, f->oversight != 0);
  sqlite3_bind_int(st, 3, f->active_only != 0);
  sqlite3_bind_int64(st, 4, f->supervisee);
  return collect(c, st, AGREEMENT_LIST_MAX, out, n);
}

rcode store_agreements_versions(store_ctx *c, const agreement_row *a, agreement_item **out, size_t *n)
{
  sqlite3_stmt *st = db_prepare(c->db, AGREEMENT_SELECT
                                " WHERE a.supervisor_id = ?1 AND a.supervisee_id = ?2 ORDER BY a.id LIMIT 100");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, a->supervisor_id);
  sqlite3_bind_int64(st, 2, a->supervisee_id);
  return collect(c, st, AGREEMENT_VERSIONS_MAX, out, n);
}

rcode store_agreements_counts_from(db *d, const agreement_row *a, int64_t *since)
{
  agreement_row first = *a;
  for (int k = 0; first.supersedes && k < AGREEMENT_VERSIONS_MAX; k++)
    if (store_agreements_get(d, first.supersedes, &first)) return RC_INTERNAL;
  int y, m, day;
  char end;
  if (first.supersedes || sscanf(first.starts_on, "%4d-%2d-%2d%c", &y, &m, &day, &end) != 3) return RC_INTERNAL;
  /* The start is a civil date in the organisation's zone (reflectd serve
   * sets TZ), so its first moment is local midnight, not UTC's. */
  struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = day, .tm_isdst = -1};
  time_t t = mktime(&tm);
  if (t == (time_t)-1) return RC_INTERNAL;
  *since = (int64_t)t;
  return RC_OK;
}

/* The versions of one agreement: it and those it superseded, back to the
 * first. Each supersedes an older id, so the walk ends. */
#define AGREEMENT_CHAIN                                                                  \
  "WITH RECURSIVE chain(id, up) AS (SELECT id, supersedes FROM agreements WHERE id = ?4" \
  " UNION ALL SELECT a.id, a.supersedes FROM agreements a JOIN chain ON a.id = chain.up) "

/* Sessions that count for the agreement: individual ones with the pair
 * from its start on, and none booked under another agreement (an earlier,
 * ended one may have been backdated over). Sessions with no agreement are
 * older than agreements and count by their time alone. */
#define AGREEMENT_PAIR_SESSIONS                                                                            \
  AGREEMENT_CHAIN "SELECT s.id, s.starts_at FROM sessions s JOIN session_members m ON m.session_id = s.id" \
                  " WHERE s.supervisor_id = ?1 AND m.user_id = ?2 AND s.kind = 1 AND s.starts_at >= ?5"    \
                  " AND (s.agreement_id IS NULL OR s.agreement_id IN (SELECT id FROM chain))"

/* Runs one of the pair-session queries below: (id, starts_at) or nothing. */
static rcode pair_session(db *d, const char *sql, const agreement_row *a, int64_t since, int64_t now, int64_t *id,
                          int64_t *at)
{
  sqlite3_stmt *st = db_prepare(d, sql);
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, a->supervisor_id);
  sqlite3_bind_int64(st, 2, a->supervisee_id);
  sqlite3_bind_int64(st, 3, now);
  sqlite3_bind_int64(st, 4, a->id);
  sqlite3_bind_int64(st, 5, since);
  int rc = sqlite3_step(st);
  *id = *at = 0;
  if (rc == SQLITE_ROW) {
    *id = sqlite3_column_int64(st, 0);
    *at = sqlite3_column_int64(st, 1);
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

rcode store_agreements_sessions(db *d, const agreement_row *a, int64_t since, int64_t now, agreement_sessions *out)
{
  int rc = pair_session(d, AGREEMENT_PAIR_SESSIONS " AND s.status = 2 ORDER BY s.starts_at DESC, s.id DESC LIMIT 1", a,
                        since, now, &out->last_held_id, &out->last_held_at);
  if (!rc)
    rc = pair_session(d,
                      AGREEMENT_PAIR_SESSIONS " AND s.status = 1 AND s.ends_at > ?3 ORDER BY s.starts_at, s.id LIMIT 1",
                      a, since, now, &out->next_id, &out->next_at);
  return rc;
}

rcode store_agreements_next_due(db *d, const agreement_row *a, int64_t now, int64_t *next_due, agreement_sessions *ps)
{
  due_step steps[DUE_STEPS_MAX];
  size_t n;
  due_date start;
  agreement_sessions none;
  int64_t since;
  if (!ps) ps = &none;
  if (store_rules_agreement_steps(d, a->rule_id, a->every_days, steps, &n) ||
      store_agreements_counts_from(d, a, &since) || store_agreements_sessions(d, a, since, now, ps) ||
      due_date_parse(a->starts_on, &start))
    return RC_INTERNAL;
  int64_t anchor = ps->last_held_id ? ps->last_held_at : due_date_midnight(start);
  return due_next_time(steps, n, start, anchor, next_due) ? RC_INTERNAL : RC_OK;
}
