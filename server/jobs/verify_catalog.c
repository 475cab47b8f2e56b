#include "verify_catalog.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* Each context below must stay byte-for-byte the one its store module
 * builds; a difference makes every such value "fail" here, which the
 * verify test catches. */

static long long col(sqlite3_stmt *st, int i)
{
  return (long long)sqlite3_column_int64(st, i);
}

/* store_agreements.c agreement_context: terms are bound to ended_at=0, the
 * end reason to the time the agreement ended. */
static void agreement_ctx(sqlite3_stmt *st, const char *column, char *buf, size_t size)
{
  long long ended = strcmp(column, "end_reason") ? 0 : col(st, 5);
  snprintf(buf, size, "supervisor=%lld;supervisee=%lld;version=%u;ended_at=%lld", col(st, 3), col(st, 4),
           (unsigned)sqlite3_column_int64(st, 2), ended);
}

/* store_records.c revision_context: a sectioned body is bound to its
 * format (";format=2" or ";format=3"); a reason or wellbeing text of
 * format 2 or 3 to ";format=2" (moving a revision re-seals its body only). */
static void revision_ctx(sqlite3_stmt *st, const char *column, char *buf, size_t size)
{
  long long format = col(st, 6);
  if (format == 3 && strcmp(column, "body")) format = 2;
  int n = snprintf(buf, size, "session=%lld;author=%lld;at=%lld", col(st, 3), col(st, 4), col(st, 5));
  if (format >= 2 && n > 0 && (size_t)n < size) snprintf(buf + n, size - (size_t)n, ";format=%lld", format);
}

/* store_records.c case_context. */
static void case_section_ctx(sqlite3_stmt *st, const char *column, char *buf, size_t size)
{
  (void)column;
  snprintf(buf, size, "session=%lld;position=%lld;case=%lld", col(st, 3), col(st, 4), col(st, 5));
}

/* store_schedule.c change_context. */
static void change_ctx(sqlite3_stmt *st, const char *column, char *buf, size_t size)
{
  (void)column;
  snprintf(buf, size, "session=%lld;by=%lld;at=%lld;what=%d", col(st, 3), col(st, 4), col(st, 5), (int)col(st, 6));
}

/* store_comments.c comment_context. */
static void comment_ctx(sqlite3_stmt *st, const char *column, char *buf, size_t size)
{
  (void)column;
  snprintf(buf, size, "session=%lld;author=%lld;at=%lld;kind=%d;resolves=%lld", col(st, 3), col(st, 4), col(st, 5),
           (int)col(st, 6), col(st, 7));
}

/* store_actions.c action_context, and closing_context for the evidence. */
static void action_ctx(sqlite3_stmt *st, const char *column, char *buf, size_t size)
{
  int n = snprintf(buf, size, "session=%lld;owner=%lld;created=%lld;case=%lld", col(st, 3), col(st, 4), col(st, 5),
                   col(st, 6));
  if (!strcmp(column, "evidence") && n > 0 && (size_t)n < size)
    snprintf(buf + n, size - (size_t)n, ";closed_by=%lld;closed=%lld;status=%d", col(st, 7), col(st, 8),
             (int)col(st, 9));
}

/* store_drafts.c draft_context. */
static void draft_ctx(sqlite3_stmt *st, const char *column, char *buf, size_t size)
{
  (void)column;
  const char *form = (const char *)sqlite3_column_text(st, 5);
  snprintf(buf, size, "user=%lld;session=%lld;form=%s;saved=%lld", col(st, 3), col(st, 4), form ? form : "",
           col(st, 6));
}

/* store_decisions.c decision_context. */
static void decision_ctx(sqlite3_stmt *st, const char *column, char *buf, size_t size)
{
  (void)column;
  snprintf(buf, size, "session=%lld;revision=%u;case=%lld;decided_by=%lld", col(st, 3),
           (unsigned)sqlite3_column_int64(st, 2), col(st, 4), col(st, 5));
}

/* store_case_people.c person_context. */
static void person_ctx(sqlite3_stmt *st, const char *column, char *buf, size_t size)
{
  (void)column;
  snprintf(buf, size, "case=%lld", col(st, 3));
}

/* store_kpis.c evidence_context. */
static void measurement_ctx(sqlite3_stmt *st, const char *column, char *buf, size_t size)
{
  (void)column;
  const unsigned char *period = sqlite3_column_text(st, 7);
  snprintf(buf, size, "indicator=%lld;version=%u;user=%lld;team=%lld;period=%s;by=%lld;at=%lld", col(st, 3),
           (unsigned)sqlite3_column_int64(st, 4), col(st, 5), col(st, 6), period ? (const char *)period : "",
           col(st, 8), col(st, 9));
}

/* store_survey.c comment_slot: row 0, the response's random id in hex. */
static void survey_ctx(sqlite3_stmt *st, const char *column, char *buf, size_t size)
{
  (void)column;
  if (size < 33 || sqlite3_column_bytes(st, 3) != 16) {
    snprintf(buf, size, "-");
    return;
  }
  sodium_bin2hex(buf, 33, sqlite3_column_blob(st, 3), 16);
}

/* Agreements older than v7 name no key: store_agreements.c agreement_key
 * then uses the supervisee's. */
#define AGREEMENT_KEY "coalesce(key_id, (SELECT k.id FROM data_keys k WHERE k.subject = 'user:' || supervisee_id))"

const verify_sealed_table verify_catalog[] = {
    /* store_users.c store_users_create */
    {"users", "SELECT id, key_id, 0, name FROM users", 3, {"name"}, NULL},
    /* store_agreements.c store_agreements_add / store_agreements_end */
    {"agreements",
     "SELECT id, " AGREEMENT_KEY ", version, supervisor_id, supervisee_id, coalesce(ended_at, 0),"
     " booking, cancellation, confidentiality, record_access, disagreements, end_reason FROM agreements",
     6,
     {"booking", "cancellation", "confidentiality", "record_access", "disagreements", "end_reason"},
     agreement_ctx},
    /* store_sessions.c store_sessions_add */
    {"sessions", "SELECT id, key_id, 0, room FROM sessions", 3, {"room"}, NULL},
    /* store_records.c store_records_append */
    {"record_revisions",
     "SELECT id, key_id, revision, session_id, author_id, created_at, format, body, reason, wellbeing"
     " FROM record_revisions",
     7,
     {"body", "reason", "wellbeing"},
     revision_ctx},
    /* store_records.c insert_case_section: under the case's key, the AD
     * row the revision's (a case already shredded when its revision was
     * moved has no texts at all) */
    {"record_case_sections",
     "SELECT s.revision_id, s.key_id, r.revision, r.session_id, s.position, s.case_id, s.reference, s.situation,"
     " s.analysis, s.risk, s.decision, s.rationale"
     " FROM record_case_sections s JOIN record_revisions r ON r.id = s.revision_id",
     6,
     {"reference", "situation", "analysis", "risk", "decision", "rationale"},
     case_section_ctx},
    /* store_schedule.c store_schedule_log */
    {"session_changes",
     "SELECT id, key_id, 0, session_id, by_id, at, what, reason FROM session_changes",
     7,
     {"reason"},
     change_ctx},
    /* store_cases.c store_cases_add */
    {"cases",
     "SELECT id, key_id, 0, reference, name, date_of_birth FROM cases",
     3,
     {"reference", "name", "date_of_birth"},
     NULL},
    /* store_comments.c store_comments_add */
    {"record_comments",
     "SELECT id, key_id, revision, session_id, author_id, at, kind, coalesce(resolves, 0), body FROM record_comments",
     8,
     {"body"},
     comment_ctx},
    /* store_actions.c store_actions_add / store_actions_close */
    {"actions",
     "SELECT id, key_id, 0, session_id, owner_id, created_at, coalesce(case_id, 0), coalesce(closed_by, 0),"
     " coalesce(closed_at, 0), status, description, evidence_needed, evidence FROM actions",
     10,
     {"description", "evidence_needed", "evidence"},
     action_ctx},
    /* store_decisions.c store_decisions_add: the AD row is the case */
    {"case_discussions",
     "SELECT case_id, key_id, revision, session_id, case_id, decided_by, risk, decision, rationale"
     " FROM case_discussions",
     6,
     {"risk", "decision", "rationale"},
     decision_ctx},
    /* store_events.c store_events_add: an Event as events.c packs it, AD row the seq */
    {"events", "SELECT seq, key_id, 0, body FROM events", 3, {"body"}, NULL},
    /* store_case_people.c store_case_people_add */
    {"case_people",
     "SELECT id, key_id, 0, case_id, name, relationship FROM case_people",
     4,
     {"name", "relationship"},
     person_ctx},
    /* store_kpis.c store_kpis_measurement_add */
    {"kpi_measurements",
     "SELECT id, key_id, 0, indicator_id, indicator_version, coalesce(user_id, 0), coalesce(team_id, 0),"
     " period_day, recorded_by, recorded_at, evidence FROM kpi_measurements",
     10,
     {"evidence"},
     measurement_ctx},
    /* store_drafts.c store_drafts_save: the author's key */
    {"drafts",
     "SELECT id, key_id, 0, user_id, session_id, form, saved_at, content FROM drafts",
     7,
     {"content"},
     draft_ctx},
    /* store_survey.c store_survey_add */
    {"survey_responses", "SELECT 0, key_id, 0, id, comment FROM survey_responses", 4, {"comment"}, survey_ctx},
};
const size_t verify_catalog_count = sizeof verify_catalog / sizeof verify_catalog[0];

/* BLOB columns that hold no sealed value, and why that is safe. */
static const struct {
  const char *table, *column;
} not_sealed[] = {
    {"meta", "value"},                        /* salt, key check, wrapped index key: no content */
    {"data_keys", "wrapped"},                 /* keys wrapped under the master key; checked by verify */
    {"tokens", "hash"},                       /* a hash of the login token */
    {"sessions", "room_index"},               /* blind index */
    {"cases", "reference_index"},             /* blind index (random once shredded) */
    {"audit", "chain"},                       /* the hash chain; checked by verify */
    {"event_topics", "topic"},                /* random subscription topic */
    {"survey_responses", "id"},               /* random id */
    {"survey_responses", "respondent"},       /* blind index */
    {"survey_responses", "session_index"},    /* blind index */
    {"survey_response_teams", "response_id"}, /* the random id again */
};

int verify_catalog_kind(const char *table, const char *column)
{
  for (size_t i = 0; i < verify_catalog_count; i++) {
    if (strcmp(verify_catalog[i].table, table)) continue;
    for (const char *const *c = verify_catalog[i].columns; *c; c++)
      if (!strcmp(*c, column)) return 1;
  }
  for (size_t i = 0; i < sizeof not_sealed / sizeof not_sealed[0]; i++)
    if (!strcmp(not_sealed[i].table, table) && !strcmp(not_sealed[i].column, column)) return 0;
  return -1;
}
