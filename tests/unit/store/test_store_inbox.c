/* store_inbox on a real database: each kind of item appears for the person
 * it waits for and for nobody else, goes once it is done (signed, marked,
 * closed, answered, agreed), comes back for a new revision; overdue
 * actions come first, then the oldest; the mask leaves kinds out; the list
 * is bounded and says when it was cut. */
#include "store_test.h"
#include "store_actions.h"
#include "store_agreements.h"
#include "store_inbox.h"
#include "store_kpis.h"
#include "store_records.h"
#include "store_schedule.h"
#include "store_sessions.h"
#include "store_signoffs.h"
#include "store_survey.h"
#include "store_teams.h"

TestSuite(store_inbox, .init = st_setup, .fini = st_teardown);

#define DAY 86400

static int64_t sup, pat, quinn;

static void people(void)
{
  sup = st_user("sup", "Sue", ROLE_SUPERVISOR);
  pat = st_user("pat", "Pat", ROLE_PRACTITIONER);
  quinn = st_user("quinn", "Quinn", ROLE_PRACTITIONER);
}

static store_ctx as(int64_t user)
{
  who.user_id = user;
  who.role = user == sup ? ROLE_SUPERVISOR : ROLE_PRACTITIONER;
  return st_ctx(T0);
}

/* user's inbox with every kind asked for. */
static inbox_item *inbox(int64_t user, size_t *n)
{
  store_ctx c = as(user);
  inbox_item *v = NULL;
  int truncated = -1;
  cr_assert_eq(store_inbox_list(&c, INBOX_ALL, &v, n, &truncated), 0);
  cr_assert_eq(truncated, 0);
  return v;
}

/* The one item of kind in user's inbox (NULL if none; fails on two). */
static const inbox_item *only(int64_t user, int kind)
{
  size_t n;
  inbox_item *v = inbox(user, &n);
  const inbox_item *found = NULL;
  for (size_t i = 0; i < n; i++) {
    if (v[i].kind != kind) continue;
    cr_assert_null(found, "two items of kind %d", kind);
    found = &v[i];
  }
  return found;
}

static size_t count(int64_t user)
{
  size_t n;
  inbox(user, &n);
  return n;
}

static session_row book(int64_t starts_at)
{
  store_ctx c = as(sup);
  int64_t id;
  cr_assert_eq(store_sessions_add(&c, sup, &pat, 1, 0, starts_at, 60, NULL, NULL, &id), 0);
  session_row s;
  cr_assert_eq(store_sessions_get(f.db, id, &s), 0);
  return s;
}

static void mark(session_row *s, int to)
{
  store_ctx c = as(sup);
  cr_assert_eq(store_schedule_set_status(&c, s, to, to == SESSION_HELD ? "" : "ill"), 0);
  cr_assert_eq(store_sessions_get(f.db, s->id, s), 0);
}

Test(store_inbox, nothing_for_nobody)
{
  people();
  cr_assert_eq(count(sup), 0);
  cr_assert_eq(count(pat), 0);
}

Test(store_inbox, an_agreement_waits_for_its_supervisee_until_signed)
{
  people();
  agreement_row r = {.supervisor_id = sup,
                     .supervisee_id = pat,
                     .every_days = 14,
                     .minutes = 60,
                     .version = 1,
                     .starts_on = "2027-01-01",
                     .review_on = "2028-01-01"};
  agreement_terms t = {.booking = "A fortnight ahead"};
  store_ctx c = as(sup);
  int64_t id;
  cr_assert_eq(store_agreements_add(&c, &r, &t, &id), 0);
  const inbox_item *m = only(pat, INBOX_AGREEMENT_SIGN);
  cr_assert_not_null(m);
  cr_assert_eq(m->agreement_id, id);
  cr_assert_str_eq(m->person, "sup");
  cr_assert_eq(m->at, T0);
  cr_assert_eq(count(sup), 0, "the supervisor signed it by making it");
  cr_assert_eq(count(quinn), 0);
  agreement_row got;
  cr_assert_eq(store_agreements_get(f.db, id, &got), 0);
  c = as(pat);
  cr_assert_eq(store_agreements_sign(&c, &got), 0);
  cr_assert_null(only(pat, INBOX_AGREEMENT_SIGN));

  /* A new version of an agreement that has since ended can no longer be
   * signed, so it is not offered; one that has ended itself neither. */
  r.version = 2;
  r.supersedes = id;
  c = as(sup);
  int64_t v2;
  cr_assert_eq(store_agreements_add(&c, &r, &t, &v2), 0);
  cr_assert_not_null(only(pat, INBOX_AGREEMENT_SIGN));
  cr_assert_eq(store_agreements_end(&c, &got, "moved team"), 0);
  cr_assert_null(only(pat, INBOX_AGREEMENT_SIGN));
}

Test(store_inbox, a_session_to_mark_waits_for_its_supervisor_once_it_has_ended)
{
  people();
  session_row past = book(T0 - 3 * DAY);
  book(T0 - 1800); /* still running: not yet */
  book(T0 + DAY);
  const inbox_item *m = only(sup, INBOX_SESSION_MARK);
  cr_assert_not_null(m);
  cr_assert_eq(m->session_id, past.id);
  cr_assert_eq(m->at, past.starts_at);
  cr_assert_str_eq(m->person, "pat");
  cr_assert_eq(m->group, 0);
  cr_assert_eq(count(pat), 0, "only the supervisor marks a session");
  mark(&past, SESSION_MISSED);
  cr_assert_null(only(sup, INBOX_SESSION_MARK));
}

Test(store_inbox, the_latest_revision_waits_for_every_party_who_has_not_signed_it)
{
  people();
  session_row s = book(T0 - 3 * DAY);
  mark(&s, SESSION_HELD);
  record_section sec = {.kind = SECTION_DEVELOPMENT, .text = "Marker-Inbox-Content"};
  store_ctx c = as(sup);
  uint32_t rev;
  cr_assert_eq(store_records_append(&c, &s, &sec, 1, "", &rev), 0);
  for (int i = 0; i < 2; i++) {
    const inbox_item *m = only(i ? sup : pat, INBOX_RECORD_SIGN);
    cr_assert_not_null(m, "the author signs too");
    cr_assert_eq(m->session_id, s.id);
    cr_assert_eq(m->revision, 1);
    cr_assert_str_eq(m->person, i ? "pat" : "sup");
  }
  cr_assert_eq(count(quinn), 0);
  c = as(pat);
  cr_assert_eq(store_signoffs_add(&c, s.id, 1), 0);
  cr_assert_null(only(pat, INBOX_RECORD_SIGN));
  cr_assert_not_null(only(sup, INBOX_RECORD_SIGN));
  c = as(sup);
  cr_assert_eq(store_records_append(&c, &s, &sec, 1, "an amendment", &rev), 0);
  const inbox_item *m = only(pat, INBOX_RECORD_SIGN);
  cr_assert_not_null(m, "an amendment starts unsigned");
  cr_assert_eq(m->revision, 2);
  cr_assert_eq(only(sup, INBOX_RECORD_SIGN)->revision, 2, "only the latest is offered");
}

Test(store_inbox, actions_due_within_a_week_or_overdue_overdue_first)
{
  people();
  session_row s = book(T0 - 3 * DAY);
  store_ctx c = as(sup);
  int64_t soon, late, later, theirs;
  cr_assert_eq(store_actions_add(&c, &s, pat, 0, T0 + 2 * DAY, "Read the policy", "", &soon), 0);
  cr_assert_eq(store_actions_add(&c, &s, pat, 0, T0 - DAY, "Call the school", "", &late), 0);
  cr_assert_eq(store_actions_add(&c, &s, pat, 0, T0 + 30 * DAY, "Book training", "", &later), 0);
  cr_assert_eq(store_actions_add(&c, &s, sup, 0, T0 + DAY, "Ask the manager", "", &theirs), 0);
  mark(&s, SESSION_HELD);
  size_t n;
  inbox_item *v = inbox(pat, &n);
  size_t k = 0;
  int64_t ids[4];
  for (size_t i = 0; i < n; i++)
    if (v[i].kind == INBOX_ACTION_DUE) ids[k++] = v[i].action_id;
  cr_assert_eq(k, 2, "the one due in a month waits");
  cr_assert_eq(ids[0], late);
  cr_assert_eq(ids[1], soon);
  cr_assert_eq(v[0].kind, INBOX_ACTION_DUE, "overdue before everything else");
  cr_assert_eq(v[0].overdue, 1);
  cr_assert_eq(v[0].at, T0 - DAY);
  cr_assert_eq(v[0].session_id, s.id);
  cr_assert_str_eq(v[0].person, "sup");
  cr_assert_eq(only(sup, INBOX_ACTION_DUE)->action_id, theirs, "only the owner's");
  action_row row;
  cr_assert_eq(store_actions_get(f.db, late, &row), 0);
  c = as(pat);
  cr_assert_eq(store_actions_close(&c, &row, ACTION_DONE, "Called"), 0);
  const inbox_item *m = only(pat, INBOX_ACTION_DUE);
  cr_assert_not_null(m);
  cr_assert_eq(m->action_id, soon);
  cr_assert_eq(m->overdue, 0);
  cr_assert_eq(count(quinn), 0);
}

static void answer(int64_t user, int64_t session)
{
  survey_answer s = {.supervisor_id = sup, .answered_on = "2027-01-15", .answers = {4, 4, 4, 4, 4}};
  store_survey_respondent_index(f.vault, user, s.respondent);
  store_survey_session_index(f.vault, session, s.session_index);
  store_ctx c = as(user);
  cr_assert_eq(store_survey_add(&c, &s), 0);
}

Test(store_inbox, the_survey_waits_for_a_member_of_a_recent_held_session_until_answered)
{
  people();
  session_row s = book(T0 - 3 * DAY);
  session_row old = book(T0 - (SURVEY_WINDOW_DAYS + 1) * (int64_t)DAY);
  session_row missed = book(T0 - 2 * DAY);
  mark(&s, SESSION_HELD);
  mark(&old, SESSION_HELD);
  mark(&missed, SESSION_MISSED);
  const inbox_item *m = only(pat, INBOX_SURVEY_ANSWER);
  cr_assert_not_null(m, "only the recent held one");
  cr_assert_eq(m->session_id, s.id);
  cr_assert_str_eq(m->person, "sup");
  cr_assert_null(only(sup, INBOX_SURVEY_ANSWER), "the supervisor is not surveyed");
  answer(quinn, s.id); /* someone else's answer does not count as Pat's */
  cr_assert_not_null(only(pat, INBOX_SURVEY_ANSWER));
  answer(pat, s.id);
  cr_assert_null(only(pat, INBOX_SURVEY_ANSWER));
}

static int64_t indicator(void)
{
  store_ctx c = as(sup);
  int64_t goal = 0, id = 0;
  uint32_t version = 0;
  cr_assert_eq(store_kpis_goal_add(&c, "Good supervision", "", &goal), 0);
  kpi_indicator in = {.name = (char *)"On time",
                      .definition = (char *)"Sessions held on time",
                      .measured_how = (char *)"counted",
                      .unit = (char *)"%",
                      .scale_min = 0,
                      .scale_max = 100,
                      .direction = KPI_HIGHER_IS_BETTER,
                      .period = KPI_PERIOD_MONTH,
                      .goal_id = goal};
  cr_assert_eq(store_kpis_indicator_add(&c, &in, &id, &version), 0);
  return id;
}

static int64_t target(int64_t ind, kpi_subject subject, const char *from)
{
  kpi_target_row r = {.indicator_id = ind, .who = subject, .baseline = 10, .target = 80};
  snprintf(r.from, sizeof r.from, "%s", from);
  store_ctx c = as(sup);
  int64_t id = 0;
  cr_assert_eq(store_kpis_target_add(&c, &r, &id), 0);
  return id;
}

Test(store_inbox, a_target_waits_for_its_practitioner_or_team_members_until_agreed)
{
  people();
  int64_t ind = indicator();
  int64_t old = target(ind, (kpi_subject){.user_id = pat}, "2026-06-01");
  int64_t now = target(ind, (kpi_subject){.user_id = pat}, "2027-01-01");
  int64_t ahead = target(ind, (kpi_subject){.user_id = pat}, "2027-06-01");
  size_t n;
  inbox_item *v = inbox(pat, &n);
  cr_assert_eq(n, 2, "the superseded target is not offered");
  for (size_t i = 0; i < n; i++) {
    cr_assert_eq(v[i].kind, INBOX_KPI_AGREE);
    cr_assert_neq(v[i].target_id, old);
    cr_assert_eq(v[i].indicator_id, ind);
    cr_assert_str_eq(v[i].person, "sup");
  }
  store_ctx c = as(pat);
  cr_assert_eq(store_kpis_agree(&c, now), 0);
  cr_assert_eq(only(pat, INBOX_KPI_AGREE)->target_id, ahead);
  cr_assert_eq(store_kpis_agree(&c, ahead), 0);
  cr_assert_eq(count(pat), 0);
  cr_assert_eq(count(quinn), 0);

  /* A team's target: its members agree it, its managers do not. */
  int64_t mgr = st_user("mgr", "Mo", ROLE_MANAGER), team;
  c = as(sup);
  cr_assert_eq(store_teams_add(&c, "North", &team), 0);
  cr_assert_eq(store_teams_put(&c, team, quinn, 0), 0);
  cr_assert_eq(store_teams_put(&c, team, mgr, 1), 0);
  int64_t t = target(ind, (kpi_subject){.team_id = team}, "2027-01-01");
  cr_assert_eq(only(quinn, INBOX_KPI_AGREE)->target_id, t);
  cr_assert_eq(count(mgr), 0);
  cr_assert_eq(count(pat), 0, "not Pat's team");
}

Test(store_inbox, kinds_outside_the_mask_are_left_out)
{
  people();
  session_row s = book(T0 - 3 * DAY);
  store_ctx c = as(sup);
  int64_t id;
  cr_assert_eq(store_actions_add(&c, &s, sup, 0, T0 + DAY, "Ask", "", &id), 0);
  inbox_item *v;
  size_t n;
  int truncated;
  cr_assert_eq(store_inbox_list(&c, INBOX_BIT(INBOX_ACTION_DUE), &v, &n, &truncated), 0);
  cr_assert_eq(n, 1);
  cr_assert_eq(v[0].kind, INBOX_ACTION_DUE);
  cr_assert_eq(store_inbox_list(&c, 0, &v, &n, &truncated), 0);
  cr_assert_eq(n, 0);
  cr_assert_eq(count(sup), 2, "and the session to mark");
}

Test(store_inbox, at_most_inbox_max_oldest_first_and_says_it_was_cut)
{
  people();
  for (int i = 0; i < INBOX_MAX + 5; i++) book(T0 - (int64_t)(i + 1) * 3600 * 2);
  store_ctx c = as(sup);
  inbox_item *v;
  size_t n;
  int truncated = 0;
  cr_assert_eq(store_inbox_list(&c, INBOX_ALL, &v, &n, &truncated), 0);
  cr_assert_eq(n, INBOX_MAX);
  cr_assert_eq(truncated, 1);
  cr_assert_eq(v[0].at, T0 - (int64_t)(INBOX_MAX + 5) * 3600 * 2, "the oldest first");
  for (size_t i = 1; i < n; i++) cr_assert_lt(v[i - 1].at, v[i].at);
}

Test(store_inbox, a_group_session_names_its_supervisor_to_members_and_nobody_to_the_supervisor)
{
  people();
  store_ctx c = as(sup);
  int64_t members[] = {pat, quinn}, id;
  cr_assert_eq(store_sessions_add(&c, sup, members, 2, 0, T0 - 3 * DAY, 60, NULL, NULL, &id), 0);
  const inbox_item *m = only(sup, INBOX_SESSION_MARK);
  cr_assert_not_null(m);
  cr_assert_eq(m->group, 1);
  cr_assert_str_eq(m->person, "", "a group has no one other person");
  session_row s;
  cr_assert_eq(store_sessions_get(f.db, id, &s), 0);
  mark(&s, SESSION_HELD);
  for (int i = 0; i < 2; i++) {
    m = only(members[i], INBOX_SURVEY_ANSWER);
    cr_assert_not_null(m, "each member is asked");
    cr_assert_eq(m->group, 1);
    cr_assert_str_eq(m->person, "sup");
  }
}
