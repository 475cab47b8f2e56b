/* The feedback survey in aggregate (reports.h): nothing at all for fewer
 * than REPORTS_SURVEY_MIN people, and only months that have closed, so no
 * one's answers can be singled out. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "due.h"
#include "reports.h"
#include "store_survey.h"
#include "store_teams.h"

/* docs/domain.md#how-supervision-feels, in its order. */
static const char *const questions[SURVEY_QUESTIONS] = {
    "Does the way I am supervised add to my job satisfaction and make me want to stay?",
    "Does it make me feel my employer cares about me and my practice?",
    "Does it increase my confidence, competence and critical thinking?",
    "Does it help me make better decisions for children and families?",
    "Am I able to change the direction of my thinking when that is right?",
};

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

static rcode unit_supervisors(db *d, int64_t team, const char *from, const char *to, int64_t *ids, size_t *n)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT DISTINCT r.supervisor_id FROM survey_responses r"
                                   " WHERE " STORE_SURVEY_TEAM_OF(
                                       "r.id") " = ?1 AND r.answered_on BETWEEN ?2 AND ?3 ORDER BY 1 LIMIT ?4");
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

rcode report_survey(call *c, const report_scope *sc, int64_t supervisor_id, Reflect__V1__SurveyReport *out)
{
  out->minimum = REPORTS_SURVEY_MIN;
  out->scope = report_scope_wire(c, sc);
  if (!out->scope) return RC_EXHAUSTED;
  due_date m, last;
  if (month_start(sc->from, &m) || due_date_parse(sc->to, &last))
    return call_fail(c, RC_INTERNAL, NULL, "could not read the period");
  survey_tally sum;
  memset(&sum, 0, sizeof sum);
  int64_t *sups = arena_alloc(c->a, sizeof *sups * SURVEY_UNITS_SUPERVISORS);
  if (!sups) return RC_EXHAUSTED;
  /* Each calendar month the period touches, whole, once it has closed. */
  int64_t today = due_date_days(due_date_local(c->now));
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
      rcode rc = store_survey_tally(call_store(c), sc->team_id, from, to, sups[i], &u);
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
