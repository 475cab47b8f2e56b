#include "store_inbox.h"

#include <stdlib.h>

#include "due.h"
#include "store_kpis.h"
#include "store_survey.h"

#define INBOX_STR_(x) #x
#define INBOX_STR(x) INBOX_STR_(x)

/* Every query below answers in these ten columns, so one reader serves
 * them all: session, revision, agreement, action, target, indicator, at,
 * overdue, person, group. Parameters: ?1 the caller, ?2 how many rows at
 * most, ?3 now, ?4 today (the organisation's day, for targets). */

/* The other party of session s for the caller (?1): its supervisor, or for
 * the supervisor an individual session's member; NULL for a group's. */
#define INBOX_OTHER_PARTY                                                                      \
  "CASE WHEN s.supervisor_id = ?1 THEN (SELECT u.username FROM session_members m JOIN users u" \
  "   ON u.id = m.user_id WHERE m.session_id = s.id AND s.kind = 1 LIMIT 1)"                   \
  " ELSE (SELECT username FROM users WHERE id = s.supervisor_id) END"

/* The sessions the caller is a party to, by index. */
#define INBOX_MY_SESSIONS \
  "(SELECT id FROM sessions WHERE supervisor_id = ?1 UNION SELECT session_id FROM session_members WHERE user_id = ?1)"

/* A version that would replace an ended agreement can no longer be signed
 * (ops_agreements.c), so it is not offered. */
static const char agreements_sql[] =
    "SELECT 0, 0, a.id, 0, 0, 0, a.created_at, 0, u.username, 0 FROM agreements a"
    " JOIN users u ON u.id = a.supervisor_id"
    " WHERE a.supervisee_id = ?1 AND a.supervisee_signed_at IS NULL AND a.ended_at IS NULL"
    "  AND NOT EXISTS (SELECT 1 FROM agreements o WHERE o.id = a.supersedes AND o.ended_at IS NOT NULL)"
    " ORDER BY a.created_at, a.id LIMIT ?2";

/* Only the latest revision can be signed (ops_records.c). */
static const char records_sql[] =
    "SELECT s.id, r.revision, 0, 0, 0, 0, s.starts_at, 0, " INBOX_OTHER_PARTY ", s.kind = 2 FROM sessions s"
    " JOIN record_revisions r ON r.session_id = s.id"
    "  AND r.revision = (SELECT max(revision) FROM record_revisions WHERE session_id = s.id)"
    " WHERE s.id IN " INBOX_MY_SESSIONS
    "  AND NOT EXISTS (SELECT 1 FROM record_signoffs o WHERE o.session_id = s.id AND o.revision = r.revision"
    "                  AND o.user_id = ?1)"
    " ORDER BY s.starts_at, s.id LIMIT ?2";

static const char actions_sql[] = "SELECT a.session_id, 0, 0, a.id, 0, 0, a.due_at, a.due_at < ?3, " INBOX_OTHER_PARTY
                                  ", s.kind = 2"
                                  " FROM actions a JOIN sessions s ON s.id = a.session_id"
                                  " WHERE a.owner_id = ?1 AND a.status = 1 AND a.due_at < ?3 + " INBOX_STR(
                                      INBOX_ACTION_AHEAD) " ORDER BY a.due_at, a.id LIMIT ?2";

/* Marking held or missed is refused before the start; the end is when it
 * is surely the supervisor's to do. */
static const char sessions_sql[] = "SELECT s.id, 0, 0, 0, 0, 0, s.starts_at, 0, " INBOX_OTHER_PARTY
                                   ", s.kind = 2 FROM sessions s"
                                   " WHERE s.supervisor_id = ?1 AND s.status = 1 AND s.ends_at <= ?3"
                                   " ORDER BY s.starts_at, s.id LIMIT ?2";

/* Candidates only: whether each was answered needs the blind indexes,
 * which SQL cannot compute. The rule is ops_survey.c's for answering. */
static const char survey_sql[] =
    "SELECT s.id, 0, 0, 0, 0, 0, s.starts_at, 0, u.username, s.kind = 2 FROM session_members m"
    " JOIN sessions s ON s.id = m.session_id JOIN users u ON u.id = s.supervisor_id"
    " WHERE m.user_id = ?1 AND s.supervisor_id <> ?1 AND s.status = 2 AND m.attendance <> 2"
    "  AND s.starts_at >= ?3 - " INBOX_STR(SURVEY_WINDOW_DAYS) " * 86400"
                                                               " ORDER BY s.starts_at, s.id";

static const char survey_answered_sql[] = "SELECT 1 FROM survey_responses WHERE respondent = ?1 AND session_index = ?2";

/* A target stops being worth agreeing once a later one for the same
 * indicator and subject is in force (store_kpis.h: the latest from_day on
 * or before the day, ties to the later id); one set for a later day is
 * still ahead, so the one in force now stays. */
static const char targets_sql[] =
    "SELECT 0, 0, 0, 0, t.id, t.indicator_id, t.set_at, 0, u.username, 0 FROM kpi_targets t"
    " JOIN users u ON u.id = t.set_by"
    " WHERE (t.user_id = ?1 OR t.team_id IN (SELECT team_id FROM team_members WHERE user_id = ?1 AND manager = 0))"
    "  AND NOT EXISTS (SELECT 1 FROM kpi_agreements g WHERE g.target_id = t.id AND g.user_id = ?1)"
    "  AND NOT EXISTS (SELECT 1 FROM kpi_targets n WHERE n.indicator_id = t.indicator_id"
    "   AND n.user_id IS t.user_id AND n.team_id IS t.team_id AND n.from_day <= ?4"
    "   AND (n.from_day > t.from_day OR (n.from_day = t.from_day AND n.id > t.id)))"
    " ORDER BY t.set_at, t.id LIMIT ?2";

typedef struct {
  inbox_item *v;
  size_t n, cap;
} inbox_list;

static rcode read_row(store_ctx *c, sqlite3_stmt *st, int kind, inbox_item *m)
{
  const char *person = (const char *)sqlite3_column_text(st, 8);
  *m = (inbox_item){
      .kind = kind,
      .session_id = sqlite3_column_int64(st, 0),
      .revision = (uint32_t)sqlite3_column_int64(st, 1),
      .agreement_id = sqlite3_column_int64(st, 2),
      .action_id = sqlite3_column_int64(st, 3),
      .target_id = sqlite3_column_int64(st, 4),
      .indicator_id = sqlite3_column_int64(st, 5),
      .at = sqlite3_column_int64(st, 6),
      .overdue = sqlite3_column_int(st, 7) != 0,
      .person = arena_strdup(c->a, person ? person : ""),
      .group = sqlite3_column_int(st, 9) != 0,
  };
  return m->person ? RC_OK : RC_EXHAUSTED;
}

static void bind_common(store_ctx *c, sqlite3_stmt *st, const char *today)
{
  int params = sqlite3_bind_parameter_count(st);
  sqlite3_bind_int64(st, 1, c->who->user_id);
  if (params >= 2) sqlite3_bind_int64(st, 2, INBOX_MAX + 1);
  if (params >= 3) sqlite3_bind_int64(st, 3, c->now);
  if (params >= 4) sqlite3_bind_text(st, 4, today, -1, SQLITE_STATIC);
}

/* Whether the caller has answered the survey for session_id. */
static rcode survey_answered(store_ctx *c, int64_t session_id, int *yes)
{
  uint8_t respondent[VAULT_INDEX_BYTES], session[VAULT_INDEX_BYTES];
  store_survey_respondent_index(c->vault, c->who->user_id, respondent);
  store_survey_session_index(c->vault, session_id, session);
  sqlite3_stmt *st = db_prepare(c->db, survey_answered_sql);
  if (!st) return RC_INTERNAL;
  sqlite3_bind_blob(st, 1, respondent, sizeof respondent, SQLITE_TRANSIENT);
  sqlite3_bind_blob(st, 2, session, sizeof session, SQLITE_TRANSIENT);
  int rc = db_one_exists(st, yes);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

/* Appends the rows of sql as items of kind: at most INBOX_MAX + 1 of them,
 * enough to know whether the merged list is truncated. */
static rcode gather(store_ctx *c, const char *sql, int kind, const char *today, inbox_list *l)
{
  sqlite3_stmt *st = db_prepare(c->db, sql);
  if (!st) return RC_INTERNAL;
  bind_common(c, st, today);
  size_t added = 0;
  rcode rc = RC_OK;
  int step = SQLITE_DONE;
  while (added <= INBOX_MAX && (step = sqlite3_step(st)) == SQLITE_ROW) {
    inbox_item m;
    if ((rc = read_row(c, st, kind, &m))) break;
    if (kind == INBOX_SURVEY_ANSWER) {
      /* The candidates' statement stays open meanwhile: a different
       * cached statement, read-only, on the same snapshot. */
      int answered = 0;
      if ((rc = survey_answered(c, m.session_id, &answered))) break;
      if (answered) continue;
    }
    l->v[l->n++] = m;
    added++;
  }
  sqlite3_reset(st);
  if (!rc && added <= INBOX_MAX && step != SQLITE_DONE) rc = RC_INTERNAL;
  return rc;
}

static int cmp_i64(int64_t a, int64_t b)
{
  return a < b ? -1 : a > b;
}

/* Overdue first, then oldest first; the rest only makes the order total. */
static int by_urgency(const void *x, const void *y)
{
  const inbox_item *a = x, *b = y;
  if (a->overdue != b->overdue) return a->overdue ? -1 : 1;
  int d = cmp_i64(a->at, b->at);
  if (!d) d = a->kind - b->kind;
  if (!d) d = cmp_i64(a->session_id, b->session_id);
  if (!d) d = cmp_i64(a->agreement_id + a->action_id + a->target_id, b->agreement_id + b->action_id + b->target_id);
  return d;
}

rcode store_inbox_list(store_ctx *c, unsigned kinds, inbox_item **out, size_t *n, int *truncated)
{
  static const struct {
    int kind;
    const char *sql;
  } sources[] = {
      {INBOX_AGREEMENT_SIGN, agreements_sql}, {INBOX_RECORD_SIGN, records_sql},  {INBOX_ACTION_DUE, actions_sql},
      {INBOX_SESSION_MARK, sessions_sql},     {INBOX_SURVEY_ANSWER, survey_sql}, {INBOX_KPI_AGREE, targets_sql},
  };
  size_t count = sizeof sources / sizeof sources[0];
  inbox_list l = {.cap = count * (INBOX_MAX + 1)};
  l.v = arena_alloc(c->a, sizeof *l.v * l.cap);
  if (!l.v) return RC_EXHAUSTED;
  char today[KPI_DAY_SIZE];
  due_date_format(due_date_local(c->now), today, sizeof today);
  for (size_t i = 0; i < count; i++) {
    if (!(kinds & INBOX_BIT(sources[i].kind))) continue;
    rcode rc = gather(c, sources[i].sql, sources[i].kind, today, &l);
    if (rc) return rc;
  }
  qsort(l.v, l.n, sizeof *l.v, by_urgency);
  *truncated = l.n > INBOX_MAX;
  *n = l.n > INBOX_MAX ? INBOX_MAX : l.n;
  *out = l.v;
  return RC_OK;
}
