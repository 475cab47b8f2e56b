#include "store_survey.h"
#include "store_keys.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SURVEY_KEY_SUBJECT "survey"
/* A period's comments are bounded by its responses; this caps the memory
 * one report may take however many there are. */
#define SURVEY_COMMENTS_MAX 2000
#define SURVEY_STR_(x) #x
#define SURVEY_STR(x) SURVEY_STR_(x)

static void index_of_id(const vault *v, const char *domain, int64_t id, uint8_t out[VAULT_INDEX_BYTES])
{
  char text[24];
  int n = snprintf(text, sizeof text, "%lld", (long long)id);
  vault_blind_index(v, domain, (const uint8_t *)text, (size_t)n, out);
}

void store_survey_respondent_index(const vault *v, int64_t user_id, uint8_t out[VAULT_INDEX_BYTES])
{
  index_of_id(v, "survey.respondent", user_id, out);
}

void store_survey_session_index(const vault *v, int64_t session_id, uint8_t out[VAULT_INDEX_BYTES])
{
  index_of_id(v, "survey.session", session_id, out);
}

rcode store_survey_membership(db *d, int64_t session_id, int64_t user_id, int *member, int *attendance)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT attendance FROM session_members WHERE session_id = ?1 AND user_id = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, session_id);
  sqlite3_bind_int64(st, 2, user_id);
  int rc = sqlite3_step(st);
  *member = rc == SQLITE_ROW;
  *attendance = *member ? sqlite3_column_int(st, 0) : 0;
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

rcode store_survey_user_teams(db *d, int64_t user_id, int64_t *teams, size_t max, size_t *n)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT team_id FROM team_members WHERE user_id = ?1 ORDER BY team_id");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  *n = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) teams[(*n)++] = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

/* The comment is bound to its response's id, so it cannot be moved to
 * another response (or another supervisor's figures) undetected. */
static store_slot comment_slot(int64_t key_id, const uint8_t id[16], char hex[33])
{
  sodium_bin2hex(hex, 33, id, 16);
  return (store_slot){"survey_responses", 0, "comment", key_id, 0, hex};
}

static rcode add_teams(db *d, const uint8_t id[16], const survey_answer *a)
{
  sqlite3_stmt *st = db_prepare(d, "INSERT OR IGNORE INTO survey_response_teams(response_id, team_id) VALUES (?1, ?2)");
  if (!st) return RC_INTERNAL;
  for (size_t i = 0; i < a->n_teams; i++) {
    sqlite3_bind_blob(st, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, a->teams[i]);
    int rc = rc_from_sqlite(db_step_done(st));
    if (rc) return rc;
  }
  return RC_OK;
}

rcode store_survey_add(store_ctx *c, const survey_answer *a)
{
  db *d = c->db;
  int64_t key_id;
  int rc = store_keys_ensure(d, c->vault, c->ring, c->now, SURVEY_KEY_SUBJECT, &key_id);
  if (rc) return rc;
  uint8_t id[16];
  randombytes_buf(id, sizeof id);
  sqlite3_stmt *st = db_prepare(d, "INSERT INTO survey_responses(id, respondent, session_index, supervisor_id, "
                                   "answered_on, q1, q2, q3, q4, q5,"
                                   " key_id, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_blob(st, 1, id, sizeof id, SQLITE_STATIC);
  sqlite3_bind_blob(st, 2, a->respondent, VAULT_INDEX_BYTES, SQLITE_STATIC);
  sqlite3_bind_blob(st, 3, a->session_index, VAULT_INDEX_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, a->supervisor_id);
  sqlite3_bind_text(st, 5, a->answered_on, -1, SQLITE_STATIC);
  for (int q = 0; q < SURVEY_QUESTIONS; q++) sqlite3_bind_int(st, 6 + q, a->answers[q]);
  sqlite3_bind_int64(st, 11, key_id);
  if (a->comment && *a->comment) {
    char hex[33];
    store_slot slot = comment_slot(key_id, id, hex);
    rc = store_keys_bind_sealed(d, c->vault, c->ring, st, 12, &slot, a->comment);
    if (rc) {
      sqlite3_reset(st);
      sqlite3_clear_bindings(st);
      return rc;
    }
  }
  rc = db_step_done(st);
  sqlite3_clear_bindings(st); /* lets go of the sealed blob now */
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return RC_EXISTS;
  rcode done = rc_from_sqlite(rc);
  return done ? done : add_teams(d, id, a);
}

/* A response counts in one team only: the lowest-numbered of the teams its
 * respondent was in when answering (STORE_SURVEY_TEAM_OF). Were it counted
 * in each, two teams' units for the same supervisor and month could
 * differ by one person, and a reader of both would have that person's
 * answers; disjoint units differ by whole units, each of five or more. */
#define SURVEY_WHERE                                                                                    \
  " FROM survey_responses r WHERE r.answered_on BETWEEN ?2 AND ?3 AND (?4 = 0 OR r.supervisor_id = ?4)" \
  " AND " STORE_SURVEY_TEAM_OF("r.id") " = ?1"

static void bind_filter(sqlite3_stmt *st, int64_t team_id, const char *from, const char *to, int64_t supervisor_id)
{
  sqlite3_bind_int64(st, 1, team_id);
  sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, supervisor_id);
}

static int cmp_text(const void *x, const void *y)
{
  return strcmp(*(char *const *)x, *(char *const *)y);
}

typedef struct {
  uint8_t id[16];
  int64_t key_id;
  uint8_t *blob;
  size_t len;
} sealed_comment;

/* Rows are copied out before any is opened: opening uses other statements. */
static rcode open_comments(store_ctx *c, int64_t team_id, const char *from, const char *to, int64_t supervisor_id,
                           survey_tally *out)
{
  sqlite3_stmt *st = db_prepare(c->db, "SELECT r.id, r.key_id, r.comment" SURVEY_WHERE
                                       " AND r.comment IS NOT NULL LIMIT " SURVEY_STR(SURVEY_COMMENTS_MAX));
  if (!st) return RC_INTERNAL;
  bind_filter(st, team_id, from, to, supervisor_id);
  sealed_comment *rows = arena_alloc(c->a, sizeof *rows * SURVEY_COMMENTS_MAX);
  if (!rows) {
    sqlite3_reset(st);
    return RC_EXHAUSTED;
  }
  size_t n = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < SURVEY_COMMENTS_MAX) {
    sealed_comment *s = &rows[n];
    if (sqlite3_column_bytes(st, 0) != 16) {
      rc = SQLITE_CORRUPT;
      break;
    }
    memcpy(s->id, sqlite3_column_blob(st, 0), 16);
    s->key_id = sqlite3_column_int64(st, 1);
    s->len = (size_t)sqlite3_column_bytes(st, 2);
    s->blob = arena_alloc(c->a, s->len ? s->len : 1);
    if (!s->blob) {
      rc = SQLITE_NOMEM;
      break;
    }
    if (s->len) memcpy(s->blob, sqlite3_column_blob(st, 2), s->len);
    n++;
  }
  sqlite3_reset(st);
  if (rc == SQLITE_NOMEM) return RC_EXHAUSTED;
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return rc == SQLITE_CORRUPT ? RC_DATA_LOSS : RC_INTERNAL;
  out->comments = arena_alloc(c->a, sizeof *out->comments * (n ? n : 1));
  if (!out->comments) return RC_EXHAUSTED;
  for (size_t i = 0; i < n; i++) {
    char hex[33];
    store_slot slot = comment_slot(rows[i].key_id, rows[i].id, hex);
    rc = store_keys_open(c->db, c->vault, c->ring, &slot, rows[i].blob, rows[i].len, c->a, &out->comments[i]);
    if (rc) return rc;
  }
  out->n_comments = n;
  qsort(out->comments, n, sizeof *out->comments, cmp_text);
  return RC_OK;
}

rcode store_survey_tally(store_ctx *c, int64_t team_id, const char *from, const char *to, int64_t supervisor_id,
                         survey_tally *out)
{
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = db_prepare(c->db, "SELECT count(DISTINCT r.respondent), count(*)" SURVEY_WHERE);
  if (!st) return RC_INTERNAL;
  bind_filter(st, team_id, from, to, supervisor_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    out->respondents = (uint32_t)sqlite3_column_int64(st, 0);
    out->responses = (uint32_t)sqlite3_column_int64(st, 1);
  }
  sqlite3_reset(st);
  if (rc != SQLITE_ROW) return RC_INTERNAL;
  st = db_prepare(c->db, "SELECT r.q1, r.q2, r.q3, r.q4, r.q5" SURVEY_WHERE);
  if (!st) return RC_INTERNAL;
  bind_filter(st, team_id, from, to, supervisor_id);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    for (int q = 0; q < SURVEY_QUESTIONS; q++) {
      int score = sqlite3_column_int(st, q);
      /* The schema's CHECK keeps scores in 1..5; a row outside is damage. */
      if (score < 1 || score > 5) {
        rc = SQLITE_CORRUPT;
        break;
      }
      out->counts[q][score - 1]++;
    }
    if (rc == SQLITE_CORRUPT) break;
  }
  sqlite3_reset(st);
  if (rc == SQLITE_CORRUPT) return RC_DATA_LOSS;
  if (rc != SQLITE_DONE) return RC_INTERNAL;
  return open_comments(c, team_id, from, to, supervisor_id, out);
}
