/* store_survey on a real database: a response counts in one team only
 * (the lowest-numbered its respondent was in), so no two teams' units can
 * differ by a single person. */
#include <criterion/criterion.h>
#include <string.h>

#include "fixture.h"
#include "store_survey.h"

static fixture f;
static keyring ring;
static arena a;
static principal who = {.device = "DEVICEKEYDEVICEKEYDEVICEKEYDEVICEKEY0000", .authenticated = 1, .user_id = 1};

static void setup(void)
{
  fixture_open(&f);
}
static void teardown(void)
{
  keyring_clear(&ring);
  arena_reset(&a);
  fixture_close(&f);
}
TestSuite(store_survey, .init = setup, .fini = teardown);

static void answer(store_ctx *c, int person, const int64_t *teams, size_t n_teams, int score)
{
  survey_answer s = {.supervisor_id = 1, .answered_on = "2026-03-10", .teams = teams, .n_teams = n_teams};
  store_survey_respondent_index(f.vault, person, s.respondent);
  store_survey_session_index(f.vault, 100 + person, s.session_index);
  for (int q = 0; q < SURVEY_QUESTIONS; q++) s.answers[q] = score;
  cr_assert_eq(store_survey_add(c, &s), 0);
}

Test(store_survey, a_response_counts_in_one_team_only)
{
  store_ctx c =
      {.db = f.s.db, .vault = f.s.vault, .cfg = f.s.cfg, .ring = &ring, .a = &a, .now = 1700000000, .who = &who};
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
  cr_assert_eq(sqlite3_exec(db_handle(f.db),
                            "INSERT INTO teams(id, name, created_at, created_by) VALUES"
                            " (1, 'North', 0, 1), (2, 'South', 0, 1)",
                            NULL, NULL, NULL),
               SQLITE_OK);
  /* p1..p5 are in teams 1 and 2; p6 in team 2 only. Counted in both, team
   * 2 minus team 1 would be p6's answers. */
  static const int64_t both[] = {1, 2}, only2[] = {2};
  for (int p = 1; p <= 5; p++) answer(&c, p, both, 2, 3);
  answer(&c, 6, only2, 1, 1);
  cr_assert_eq(db_commit(f.db), SQLITE_OK);
  survey_tally t1, t2;
  cr_assert_eq(store_survey_tally(&c, 1, "2026-03-01", "2026-03-31", 1, &t1), 0);
  cr_assert_eq(store_survey_tally(&c, 2, "2026-03-01", "2026-03-31", 1, &t2), 0);
  cr_assert_eq(t1.respondents, 5);
  cr_assert_eq(t2.respondents, 1, "team 2 holds only the response counted nowhere else");
  cr_assert_eq(t2.counts[0][0], 1);
  cr_assert_eq(t1.counts[0][0], 0, "p6's answer is not in team 1");
}
