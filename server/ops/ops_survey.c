/* The feedback survey's requests: a practitioner answers five questions
 * about a session they were supervised in; managers (and supervisors,
 * about their own supervision) see the answers only in aggregate
 * (report_survey.c). */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "due.h"
#include "ops.h"
#include "reports.h"
#include "store_survey.h"
#include "store_teams.h"

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
    return call_fail(c, RC_INVALID, "answers", "give exactly %d answers, one per question (got %zu)", SURVEY_QUESTIONS,
                     in->n_answers);
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
    return call_fail(c, RC_DENIED, "session_id", "you led session %lld; the survey is for the people supervised in it",
                     (long long)s->id);
  int member = 0, attendance = 0;
  if (store_survey_membership(c->s->db, s->id, c->who->user_id, &member, &attendance))
    return call_fail(c, RC_INTERNAL, NULL, "could not read the session's members");
  if (!member) return refuse_session(c, id);
  if (s->status != REFLECT__V1__SESSION_STATUS__SESSION_HELD)
    return call_fail(c, RC_PRECONDITION, "session_id", "session %lld was not held; only a held session is surveyed",
                     (long long)s->id);
  if (attendance == REFLECT__V1__ATTENDANCE__ATTENDANCE_ABSENT)
    return call_fail(c, RC_PRECONDITION, "session_id", "you were recorded absent from session %lld", (long long)s->id);
  if (c->now > s->starts_at + (int64_t)SURVEY_WINDOW_DAYS * 86400)
    return call_fail(c, RC_PRECONDITION, "session_id", "the survey for session %lld closed %d days after it began",
                     (long long)s->id, SURVEY_WINDOW_DAYS);
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
  if (store_survey_user_teams(c->s->db, c->who->user_id, t->teams, SURVEY_TEAMS_MAX, &t->a.n_teams)) return RC_INTERNAL;
  t->a.teams = t->teams;
  rcode rc = store_survey_add(call_store(c), &t->a);
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
  due_date_format(due_date_local(c->now), t.a.answered_on, sizeof t.a.answered_on);
  rc = call_write(c, "store the answers", answer_write, &t);
  if (rc) return rc;
  Reflect__V1__SurveyAnswerReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__survey_answer_reply__init(r);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_SURVEY_ANSWER;
  c->rep->survey_answer = r;
  return RC_OK;
}

/* A manager: any supervisor (or all) in a team they manage. A supervisor:
 * only their own sessions, in a team they belong to. */
static rcode survey_access(call *c, const report_scope *sc, const char *supervisor, int64_t *supervisor_id)
{
  if (strlen(supervisor) > USERNAME_MAX)
    return call_fail(c, RC_INVALID, "supervisor", "a username has at most %d characters", USERNAME_MAX);
  if (c->who->role == ROLE_MANAGER) {
    rcode rc = report_scope_check_access(c, sc);
    if (rc || !*supervisor) return rc;
    user_row u;
    if (!store_users_valid_username(supervisor) || store_users_find(c->s->db, supervisor, &u) != RC_OK)
      return call_fail(c, RC_NOT_FOUND, "supervisor", "no user called '%.64s'", supervisor);
    *supervisor_id = u.id;
    return RC_OK;
  }
  if (c->who->role != ROLE_SUPERVISOR)
    return call_fail(c, RC_DENIED, NULL, "only managers and supervisors see the survey");
  if (*supervisor && strcmp(supervisor, c->who->username) != 0)
    return call_fail(c, RC_DENIED, "supervisor", "a supervisor sees the survey about their own supervision only");
  int in = 0, manager = 0;
  if (sc->team_id && store_teams_membership(c->s->db, sc->team_id, c->who->user_id, &in, &manager))
    return call_fail(c, RC_INTERNAL, NULL, "could not check access to the team");
  if (!in) return call_fail(c, RC_DENIED, "scope.team", "you may not see reports for team '%.120s'", sc->team_name);
  *supervisor_id = c->who->user_id;
  return RC_OK;
}

rcode ops_report_survey(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__ReportRequest *in = req->report_survey;
  if (!in) return call_fail(c, RC_INVALID, "report_survey", "missing report_survey");
  report_scope sc;
  rcode rc = report_scope_resolve(c, in->scope, &sc);
  int64_t supervisor_id = 0;
  if (!rc) rc = survey_access(c, &sc, in->supervisor, &supervisor_id);
  if (rc) return rc;
  Reflect__V1__SurveyReport *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__survey_report__init(r);
  rc = report_survey(c, &sc, supervisor_id, r);
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
