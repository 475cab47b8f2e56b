/* The feedback survey: a practitioner answers five questions about a
 * session they were supervised in; managers (and supervisors, about their
 * own supervision) see the answers only in aggregate, and nothing at all
 * for fewer than REPORTS_SURVEY_MIN people, so no one's answers can be
 * singled out. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ops.h"
#include "due.h"
#include "reports.h"
#include "store_survey.h"
#include "store_teams.h"

#define SURVEY_WINDOW_DAYS 60

/* DOMAIN.md "How supervision feels", in its order. */
static const char *const questions[SURVEY_QUESTIONS] = {
    "Does the way I am supervised add to my job satisfaction and make me want to stay?",
    "Does it make me feel my employer cares about me and my practice?",
    "Does it increase my confidence, competence and critical thinking?",
    "Does it help me make better decisions for children and families?",
    "Am I able to change the direction of my thinking when that is right?",
};

/* A missing session and one the caller was not supervised in get the same
 * answer, so session ids cannot be probed. */
static rcode refuse_session(call *c, uint64_t id)
{
  return call_fail(c, RC_DENIED, "session_id", "session %llu does not exist or you were not supervised in it",
                   (unsigned long long)id);
}

static rcode check_answers(call *c, const Reflect__V1__SurveyAnswerRequest *in, survey_answer *a)
{
  if (in->n_answers != SURVEY_QUESTIONS)
    return call_fail(c, RC_INVALID, "answers", "give exactly %d answers, one per question (got %zu)",
                     SURVEY_QUESTIONS, in->n_answers);
  for (int q = 0; q < SURVEY_QUESTIONS; q++) {
    if (in->answers[q] < 1 || in->answers[q] > 5)
      return call_fail(c, RC_INVALID, "answers", "answer %d is %u; each answer is 1 to 5", q + 1, in->answers[q]);
    a->answers[q] = (int)in->answers[q];
  }
  if (strlen(in->comment) > SURVEY_COMMENT_MAX)
    return call_fail(c, RC_INVALID, "comment", "a comment may have at most %d bytes", SURVEY_COMMENT_MAX);
  /* A comment of only blanks says nothing and is not kept. */
  a->comment = strspn(in->comment, " \t\r\n") == strlen(in->comment) ? NULL : in->comment;
  return RC_OK;
}

/* Held, the caller a member (not the supervisor) who was not recorded
 * absent, and no more than SURVEY_WINDOW_DAYS after it began. */
static rcode check_session(call *c, uint64_t id, session_row *s)
{
  if (id == 0 || id > INT64_MAX) return call_fail(c, RC_INVALID, "session_id", "a session id is required");
  int rc = store_sessions_get(c->s->db, (int64_t)id, s);
  if (rc == RC_NOT_FOUND) return refuse_session(c, id);
  if (rc) return call_fail(c, RC_INTERNAL, NULL, "could not read session %llu", (unsigned long long)id);
  if (s->supervisor_id == c->who->user_id)
    return call_fail(c, RC_DENIED, "session_id",
                     "you led session %lld; the survey is for the people supervised in it", (long long)s->id);
  int member = 0, attendance = 0;
  if (store_survey_membership(c->s->db, s->id, c->who->user_id, &member, &attendance))
    return call_fail(c, RC_INTERNAL, NULL, "could not read the session's members");
  if (!member) return refuse_session(c, id);
  if (s->status != REFLECT__V1__SESSION_STATUS__SESSION_HELD)
    return call_fail(c, RC_PRECONDITION, "session_id", "session %lld was not held; only a held session is surveyed",
                     (long long)s->id);
  if (attendance == REFLECT__V1__ATTENDANCE__ATTENDANCE_ABSENT)
    return call_fail(c, RC_PRECONDITION, "session_id", "you were recorded absent from session %lld",
                     (long long)s->id);
  if (c->now > s->starts_at + (int64_t)SURVEY_WINDOW_DAYS * 86400)
    return call_fail(c, RC_PRECONDITION, "session_id",
                     "the survey for session %lld closed %d days after it began", (long long)s->id,
                     SURVEY_WINDOW_DAYS);
  return RC_OK;
}

typedef struct {
  survey_answer a;
  int64_t session_id;
  int64_t teams[SURVEY_TEAMS_MAX];
} answer_tx;

/* No audit row is written. The audit log names the user and the second;
 * next to a response's day, team and supervisor that could single out who
 * gave which answer, which the survey promises never to allow. The answer
 * holds no one else's data, so there is no access to account for. */
static rcode answer_write(call *c, void *arg)
{
  answer_tx *t = arg;
  /* Teams are read inside the transaction: the ones at answer time. */
  if (store_survey_user_teams(c->s->db, c->who->user_id, t->teams, SURVEY_TEAMS_MAX, &t->a.n_teams))
    return RC_INTERNAL;
  t->a.teams = t->teams;
  rcode rc = (rcode)store_survey_add(c, &t->a);
  if (rc == RC_EXISTS)
    return call_fail(c, RC_PRECONDITION, "session_id", "you have already answered the survey for session %lld",
                     (long long)t->session_id);
  return rc;
}

rcode ops_survey_answer(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__SurveyAnswerRequest *in = req->survey_answer;
  if (!in) return call_fail(c, RC_INVALID, "survey_answer", "missing survey_answer");
  answer_tx t;
  memset(&t, 0, sizeof t);
  session_row s;
  rcode rc = check_session(c, in->session_id, &s);
  if (!rc) rc = check_answers(c, in, &t.a);
  if (rc) return rc;
  t.session_id = s.id;
  t.a.supervisor_id = s.supervisor_id;
  store_survey_respondent_index(c->s->vault, c->who->user_id, t.a.respondent);
  store_survey_session_index(c->s->vault, s.id, t.a.session_index);
  /* The day only: a time would let answers be matched to logins. */
  due_date_format(ops_today(c), t.a.answered_on, sizeof t.a.answered_on);
  rc = call_write(c, "store the answers", answer_write, &t);
  if (rc) return rc;
  Reflect__V1__SurveyAnswerReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__survey_answer_reply__init(r);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_SURVEY_ANSWER;
  c->rep->survey_answer = r;
  return RC_OK;
}

static rcode fill_questions(call *c, const survey_tally *t, Reflect__V1__SurveyReport *out)
{
  out->questions = arena_alloc(c->a, sizeof *out->questions * SURVEY_QUESTIONS);
  if (!out->questions) return RC_EXHAUSTED;
  for (int q = 0; q < SURVEY_QUESTIONS; q++) {
    Reflect__V1__SurveyQuestion *m = arena_alloc(c->a, sizeof *m);
    uint32_t *counts = arena_alloc(c->a, sizeof *counts * 5);
    if (!m || !counts) return RC_EXHAUSTED;
    reflect__v1__survey_question__init(m);
    m->number = (uint32_t)q + 1;
    m->text = (char *)questions[q];
    uint64_t sum = 0, n = 0;
    for (int score = 1; score <= 5; score++) {
      counts[score - 1] = t->counts[q][score - 1];
      sum += (uint64_t)score * counts[score - 1];
      n += counts[score - 1];
    }
    m->counts = counts;
    m->n_counts = 5;
    m->mean = n ? (double)sum / (double)n : 0.0;
    out->questions[q] = m;
  }
  out->n_questions = SURVEY_QUESTIONS;
  return RC_OK;
}

/* Answers are published only in units of one supervisor's sessions in one
 * calendar month with at least REPORTS_SURVEY_MIN respondents, a response
 * in one team's units only (store_survey.h); a report is the sum of the
 * publishable units its period touches. Fixed units are what
 * makes the minimum hold: if any period or any supervisor filter could be
 * asked for, the difference between two reports (1 Jan-9 Mar and 1 Jan-10
 * Mar; every supervisor and all but one) would show one person's answers. */
#define SURVEY_UNITS_SUPERVISORS 512
/* A month's units are published once it has ended and a day more has
 * passed, and never change after: answers are counted by the day they
 * were given, so a closed month gets no more of them. Were the current
 * month shown, a report read before and after someone answers would give
 * that person's scores and comment. The extra day lets an answer given in
 * the month's last minutes commit before anything of the month is shown. */
#define SURVEY_PUBLISH_AFTER_DAYS 1

static int month_start(const char *day, due_date *out)
{
  if (due_date_parse(day, out)) return -1;
  out->day = 1;
  return 0;
}

static int unit_supervisors(db *d, int64_t team, const char *from, const char *to, int64_t *ids, size_t *n)
{
  sqlite3_stmt *st = db_prepare(d,
      "SELECT DISTINCT r.supervisor_id FROM survey_responses r"
      " WHERE " STORE_SURVEY_TEAM_OF("r.id") " = ?1 AND r.answered_on BETWEEN ?2 AND ?3 ORDER BY 1 LIMIT ?4");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, team);
  sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 4, SURVEY_UNITS_SUPERVISORS);
  int r;
  *n = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) ids[(*n)++] = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return r == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

static rcode add_unit(call *c, const survey_tally *u, survey_tally *sum)
{
  sum->respondents += u->respondents;
  sum->responses += u->responses;
  for (int q = 0; q < SURVEY_QUESTIONS; q++)
    for (int k = 0; k < 5; k++) sum->counts[q][k] += u->counts[q][k];
  if (!u->n_comments) return RC_OK;
  char **all = arena_alloc(c->a, sizeof *all * (sum->n_comments + u->n_comments));
  if (!all) return RC_EXHAUSTED;
  for (size_t i = 0; i < sum->n_comments; i++) all[i] = sum->comments[i];
  for (size_t i = 0; i < u->n_comments; i++) all[sum->n_comments + i] = u->comments[i];
  sum->comments = all;
  sum->n_comments += u->n_comments;
  return RC_OK;
}

static int by_text(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

rcode reports_survey(call *c, const report_scope *sc, int64_t supervisor_id, Reflect__V1__SurveyReport *out)
{
  out->minimum = REPORTS_SURVEY_MIN;
  out->scope = reports_scope_wire(c, sc);
  if (!out->scope) return RC_EXHAUSTED;
  due_date m, last;
  if (month_start(sc->from, &m) || due_date_parse(sc->to, &last))
    return call_fail(c, RC_INTERNAL, NULL, "could not read the period");
  survey_tally sum;
  memset(&sum, 0, sizeof sum);
  int64_t *sups = arena_alloc(c->a, sizeof *sups * SURVEY_UNITS_SUPERVISORS);
  if (!sups) return RC_EXHAUSTED;
  /* Each calendar month the period touches, whole, once it has closed. */
  int64_t today = due_date_days(ops_today(c));
  while (due_date_cmp(m, last) <= 0) {
    due_date next;
    if (due_date_add(m, (due_interval){1, DUE_MONTH}, &next)) return call_fail(c, RC_INTERNAL, NULL, "bad month");
    char from[11], to[11];
    due_date_format(m, from, sizeof from);
    if (today < due_date_days(next) + SURVEY_PUBLISH_AFTER_DAYS) {
      out->open_from = arena_strdup(c->a, from);
      if (!out->open_from) return RC_EXHAUSTED;
      break; /* this month and any after it are still open */
    }
    due_date_format(due_date_from_days(due_date_days(next) - 1), to, sizeof to);
    size_t n = 0;
    if (supervisor_id) sups[n++] = supervisor_id;
    else if (unit_supervisors(c->s->db, sc->team_id, from, to, sups, &n))
      return call_fail(c, RC_INTERNAL, NULL, "could not read the survey's answers");
    for (size_t i = 0; i < n; i++) {
      survey_tally u;
      rcode rc = (rcode)store_survey_tally(c, sc->team_id, from, to, sups[i], &u);
      if (rc == RC_DATA_LOSS) return call_fail(c, rc, NULL, "integrity error: a survey answer failed authentication");
      if (rc) return call_fail(c, rc, NULL, "could not read the survey's answers");
      /* Below the minimum even the counts are withheld: "3 of 4 answered
       * 1" can be enough to know who said what in a small team. */
      if (u.respondents >= REPORTS_SURVEY_MIN && (rc = add_unit(c, &u, &sum))) return rc;
    }
    m = next;
  }
  if (sum.respondents < REPORTS_SURVEY_MIN) {
    out->withheld = 1;
    return RC_OK;
  }
  /* Sorted again across units, so order says nothing of month or supervisor. */
  qsort(sum.comments, sum.n_comments, sizeof *sum.comments, by_text);
  out->respondents = sum.respondents;
  out->responses = sum.responses;
  out->comments = sum.comments;
  out->n_comments = sum.n_comments;
  return fill_questions(c, &sum, out);
}

/* A manager: any supervisor (or all) in a team they manage. A supervisor:
 * only their own sessions, in a team they belong to. */
static rcode survey_access(call *c, const report_scope *sc, const char *supervisor, int64_t *supervisor_id)
{
  if (strlen(supervisor) > USERNAME_MAX)
    return call_fail(c, RC_INVALID, "supervisor", "a username has at most %d characters", USERNAME_MAX);
  if (c->who->role == REFLECT__V1__ROLE__ROLE_MANAGER) {
    rcode rc = reports_scope_check_access(c, sc);
    if (rc || !*supervisor) return rc;
    user_row u;
    if (!store_users_valid_username(supervisor) || store_users_find(c->s->db, supervisor, &u) != RC_OK)
      return call_fail(c, RC_NOT_FOUND, "supervisor", "no user called '%.64s'", supervisor);
    *supervisor_id = u.id;
    return RC_OK;
  }
  if (c->who->role != REFLECT__V1__ROLE__ROLE_SUPERVISOR)
    return call_fail(c, RC_DENIED, NULL, "only managers and supervisors see the survey");
  if (*supervisor && strcmp(supervisor, c->who->username) != 0)
    return call_fail(c, RC_DENIED, "supervisor", "a supervisor sees the survey about their own supervision only");
  int in = 0, manager = 0;
  if (sc->team_id && store_teams_membership(c->s->db, sc->team_id, c->who->user_id, &in, &manager))
    return call_fail(c, RC_INTERNAL, NULL, "could not check access to the team");
  if (!in)
    return call_fail(c, RC_DENIED, "scope.team", "you may not see reports for team '%.120s'", sc->team_name);
  *supervisor_id = c->who->user_id;
  return RC_OK;
}

rcode ops_report_survey(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__ReportRequest *in = req->report_survey;
  if (!in) return call_fail(c, RC_INVALID, "report_survey", "missing report_survey");
  report_scope sc;
  rcode rc = reports_scope_resolve(c, in->scope, &sc);
  int64_t supervisor_id = 0;
  if (!rc) rc = survey_access(c, &sc, in->supervisor, &supervisor_id);
  if (rc) return rc;
  Reflect__V1__SurveyReport *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__survey_report__init(r);
  rc = reports_survey(c, &sc, supervisor_id, r);
  if (rc) return rc;
  if (supervisor_id) {
    user_row u;
    if (store_users_get(c->s->db, supervisor_id, &u)) return call_fail(c, RC_INTERNAL, NULL, "account vanished");
    r->supervisor = arena_strdup(c->a, u.username);
    if (!r->supervisor) return RC_EXHAUSTED;
  }
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_REPORT_SURVEY;
  c->rep->report_survey = r;
  return RC_OK;
}
