/*
 * store_survey — the feedback survey's answers
 * (docs/domain.md#how-supervision-feels), stored so they can be counted but not traced to a person.
 *
 * Contract:
 *  - No user or session id is stored. The respondent and the session are
 *    keyed blind indexes (vault_blind_index, domains "survey.respondent"
 *    and "survey.session"): equal for the same person or session, so the
 *    five-respondent rule and "once per session" hold, but meaningless
 *    without the master key. A response's id is 16 random bytes, so ids
 *    say nothing about order; the day answered is kept, never the time.
 *  - The comment is sealed under the data key of subject "survey", bound
 *    to the response's id.
 *  - store_survey_add runs in the caller's write transaction and returns
 *    RC_EXISTS when this person already answered for this session.
 *  - A response counts in exactly one team: the lowest-numbered of the
 *    teams its respondent was in when answering (STORE_SURVEY_TEAM_OF), so
 *    no two teams' figures can be subtracted to single anyone out.
 *  - store_survey_tally fills a survey_tally for one team, a day range and
 *    optionally one supervisor; comments are opened into c->a (the caller
 *    frees nothing: the arena owns them) and sorted, so their order tells
 *    nothing about who wrote them or when.
 * Functions return 0 or a Reflect Code.
 */
#ifndef REFLECT_STORE_SURVEY_H
#define REFLECT_STORE_SURVEY_H

#include <stddef.h>
#include <stdint.h>

#include "store_ctx.h"

#define SURVEY_QUESTIONS 5
#define SURVEY_COMMENT_MAX 2000
#define SURVEY_TEAMS_MAX 64
/* A session may be surveyed this many days after it began, and no later
 * (the answer is refused; the inbox stops offering it). */
#define SURVEY_WINDOW_DAYS 60
/* SQL: the one team response `id` (an SQL expression) counts in. */
#define STORE_SURVEY_TEAM_OF(id) "(SELECT min(t.team_id) FROM survey_response_teams t WHERE t.response_id = " id ")"

typedef struct {
  uint8_t respondent[VAULT_INDEX_BYTES];
  uint8_t session_index[VAULT_INDEX_BYTES];
  int64_t supervisor_id;
  char answered_on[11];          /* local day, YYYY-MM-DD */
  int answers[SURVEY_QUESTIONS]; /* each 1..5 */
  const char *comment;           /* NULL or "" for none */
  const int64_t *teams;          /* the respondent's teams when answering */
  size_t n_teams;
} survey_answer;

typedef struct {
  uint32_t respondents, responses;
  uint32_t counts[SURVEY_QUESTIONS][5]; /* [question][score - 1] */
  char **comments;                      /* arena */
  size_t n_comments;
} survey_tally;

void store_survey_respondent_index(const vault *v, int64_t user_id, uint8_t out[VAULT_INDEX_BYTES]);
void store_survey_session_index(const vault *v, int64_t session_id, uint8_t out[VAULT_INDEX_BYTES]);

/* Whether user is a member of the session (not its supervisor), and the
 * attendance recorded for them (0 unknown, 1 present, 2 absent). */
rcode store_survey_membership(db *d, int64_t session_id, int64_t user_id, int *member, int *attendance) RC_MUST_CHECK;
/* The teams user belongs to (as member or manager), at most max. */
rcode store_survey_user_teams(db *d, int64_t user_id, int64_t *teams, size_t max, size_t *n) RC_MUST_CHECK;

rcode store_survey_add(store_ctx *c, const survey_answer *a) RC_MUST_CHECK;
/* Days from and to inclusive ("YYYY-MM-DD"); supervisor_id 0 for all. */
rcode store_survey_tally(store_ctx *c, int64_t team_id, const char *from, const char *to, int64_t supervisor_id,
                         survey_tally *out) RC_MUST_CHECK;

#endif
