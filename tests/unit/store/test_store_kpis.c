/* store_kpis on a real database: goal names are unique; a new indicator
 * definition is a new version and old versions stay; targets never change
 * and the one in force on a day is the latest from_day on or before it
 * (ties: the later id); a team target is agreed only when every member who
 * is not a manager has agreed; a measurement's evidence is sealed under
 * the subject's key and the latest correction of each period counts. */
#include "store_test.h"
#include "store_kpis.h"
#include "store_teams.h"

TestSuite(store_kpis, .init = st_setup, .fini = st_teardown);

static int64_t indicator(int64_t goal, uint64_t id, const char *name)
{
  kpi_indicator in = {.id = (int64_t)id,
                      .name = (char *)name,
                      .definition = (char *)"Supervision sessions held on time",
                      .measured_how = (char *)"counted",
                      .unit = (char *)"%",
                      .scale_min = 0,
                      .scale_max = 100,
                      .direction = KPI_HIGHER_IS_BETTER,
                      .period = KPI_PERIOD_MONTH,
                      .goal_id = goal};
  store_ctx c = st_ctx(T0);
  int64_t out = 0;
  uint32_t version = 0;
  cr_assert_eq(store_kpis_indicator_add(&c, &in, &out, &version), 0);
  return out * 1000 + version;
}

static int64_t goal(void)
{
  store_ctx c = st_ctx(T0);
  int64_t id = 0;
  cr_assert_eq(store_kpis_goal_add(&c, "Good supervision", "", &id), 0);
  return id;
}

static int64_t target(int64_t ind, kpi_subject who_, double t, const char *from)
{
  kpi_target_row r = {.indicator_id = ind, .who = who_, .baseline = 10, .target = t};
  snprintf(r.from, sizeof r.from, "%s", from);
  store_ctx c = st_ctx(T0);
  int64_t id = 0;
  cr_assert_eq(store_kpis_target_add(&c, &r, &id), 0);
  return id;
}

Test(store_kpis, goals_are_unique_and_indicators_are_versioned)
{
  int64_t g = goal();
  store_ctx c = st_ctx(T0);
  int64_t dup = 0;
  cr_assert_eq(store_kpis_goal_add(&c, "Good supervision", "again", &dup), RC_EXISTS);
  int yes = -1;
  cr_assert_eq(store_kpis_goal_exists(f.db, g, &yes), 0);
  cr_assert_eq(yes, 1);
  cr_assert_eq(store_kpis_goal_exists(f.db, g + 1, &yes), 0);
  cr_assert_eq(yes, 0);
  int64_t v1 = indicator(g, 0, "On time");
  cr_assert_eq(v1 % 1000, 1);
  int64_t id = v1 / 1000;
  int64_t v2 = indicator(g, (uint64_t)id, "On time (revised)");
  cr_assert_eq(v2, id * 1000 + 2);
  kpi_indicator in = {.id = id + 7};
  int64_t x;
  uint32_t ver;
  cr_assert_eq(store_kpis_indicator_add(&c, &in, &x, &ver), RC_NOT_FOUND, "no such indicator to revise");
  kpi_indicator got;
  cr_assert_eq(store_kpis_indicator_get(&c, id, 0, &got), 0);
  cr_assert_eq(got.version, 2, "0 is the latest");
  cr_assert_str_eq(got.name, "On time (revised)");
  cr_assert_eq(got.goal_id, g);
  cr_assert_str_eq(got.goal, "Good supervision");
  cr_assert_eq(got.direction, KPI_HIGHER_IS_BETTER);
  cr_assert_eq(got.period, KPI_PERIOD_MONTH);
  cr_assert_eq(store_kpis_indicator_get(&c, id, 1, &got), 0);
  cr_assert_str_eq(got.name, "On time", "the old version stays");
  cr_assert_eq(store_kpis_indicator_get(&c, id, 3, &got), RC_NOT_FOUND);
  kpi_indicator *v;
  size_t n;
  cr_assert_eq(store_kpis_indicator_list(&c, id, &v, &n), 0);
  cr_assert_eq(n, 2);
  cr_assert_eq(v[0].version, 1, "oldest first");
  kpi_goal *goals;
  cr_assert_eq(store_kpis_goal_list(&c, &goals, &n), 0);
  cr_assert_eq(n, 1);
  cr_assert_str_eq(goals[0].name, "Good supervision");
  char *err = NULL;
  cr_assert_neq(sqlite3_exec(db_handle(f.db), "UPDATE kpi_indicators SET name = 'x'", NULL, NULL, &err), SQLITE_OK);
  sqlite3_free(err);
}

Test(store_kpis, the_target_in_force_is_the_latest_from_day_on_or_before)
{
  int64_t ind = indicator(goal(), 0, "On time") / 1000;
  int64_t p = st_user("pat", "Pat", ROLE_PRACTITIONER);
  kpi_subject s = {.user_id = p};
  int64_t jan = target(ind, s, 50, "2027-01-01");
  target(ind, s, 60, "2027-03-01");
  int64_t mar2 = target(ind, s, 70, "2027-03-01");
  target(ind, (kpi_subject){.user_id = 1}, 99, "2026-01-01"); /* someone else's */
  kpi_target_row r;
  int found = -1;
  cr_assert_eq(store_kpis_target_in_force(f.db, ind, &s, "2026-12-31", &r, &found), 0);
  cr_assert_eq(found, 0, "none before the first");
  cr_assert_eq(store_kpis_target_in_force(f.db, ind, &s, "2027-02-28", &r, &found), 0);
  cr_assert_eq(found, 1);
  cr_assert_eq(r.id, jan);
  cr_assert_eq(store_kpis_target_in_force(f.db, ind, &s, "2027-03-01", &r, &found), 0);
  cr_assert_eq(r.id, mar2, "ties: the later id");
  cr_assert_eq(r.target, 70);
  char *err = NULL;
  cr_assert_neq(sqlite3_exec(db_handle(f.db), "UPDATE kpi_targets SET target = 1", NULL, NULL, &err), SQLITE_OK);
  sqlite3_free(err);
}

Test(store_kpis, a_team_target_needs_every_member_who_is_not_a_manager)
{
  int64_t ind = indicator(goal(), 0, "On time") / 1000;
  int64_t m = st_user("mgr", "M", ROLE_MANAGER);
  int64_t p = st_user("pat", "P", ROLE_PRACTITIONER);
  int64_t q = st_user("quinn", "Q", ROLE_PRACTITIONER);
  store_ctx c = st_ctx(T0);
  int64_t t;
  cr_assert_eq(store_teams_add(&c, "T", &t), 0);
  int64_t tid = target(ind, (kpi_subject){.team_id = t}, 80, "2027-01-01");
  kpi_target_row r;
  cr_assert_eq(store_kpis_target_get(f.db, tid, &r), 0);
  int yes = -1;
  cr_assert_eq(store_kpis_agreed(f.db, &r, &yes), 0);
  cr_assert_eq(yes, 0, "an empty team has agreed to nothing");
  cr_assert_eq(store_teams_put(&c, t, m, 1), 0);
  cr_assert_eq(store_teams_put(&c, t, p, 0), 0);
  cr_assert_eq(store_teams_put(&c, t, q, 0), 0);
  who.user_id = p;
  c = st_ctx(T0);
  cr_assert_eq(store_kpis_agree(&c, tid), 0);
  cr_assert_eq(store_kpis_agree(&c, tid), RC_EXISTS);
  cr_assert_eq(store_kpis_agreed(f.db, &r, &yes), 0);
  cr_assert_eq(yes, 0, "Quinn has not agreed");
  who.user_id = q;
  c = st_ctx(T0);
  cr_assert_eq(store_kpis_agree(&c, tid), 0);
  cr_assert_eq(store_kpis_agreed(f.db, &r, &yes), 0);
  cr_assert_eq(yes, 1, "the manager's agreement is not needed");
}

Test(store_kpis, evidence_is_sealed_and_the_latest_correction_of_each_period_counts)
{
  int64_t ind = indicator(goal(), 0, "On time") / 1000;
  int64_t p = st_user("pat", "Pat", ROLE_PRACTITIONER);
  kpi_subject s = {.user_id = p};
  const char *periods[] = {"2027-01-01", "2027-02-01", "2027-02-01", "2027-03-01"};
  double values[] = {40, 50, 55, 60};
  int64_t first = 0;
  for (int i = 0; i < 4; i++) {
    kpi_measurement_row m = {.indicator_id = ind, .version = 1, .who = s, .value = values[i]};
    snprintf(m.period, sizeof m.period, "%s", periods[i]);
    store_ctx c = st_ctx(T0 + i);
    cr_assert_eq(store_kpis_measurement_add(&c, &m, i == 0 ? "Audit of Pat's files" : ""), 0);
    if (i == 0) first = m.id;
  }
  cr_assert_eq(st_raw_has("SELECT evidence FROM kpi_measurements WHERE id = ?1", first, "Audit"), 0);
  cr_assert_eq(st_int("SELECT k.subject = 'user:' || m.user_id FROM kpi_measurements m JOIN data_keys k"
                      " ON k.id = m.key_id WHERE m.id = ?1",
                      first),
               1);
  kpi_measurement_row got;
  cr_assert_eq(store_kpis_measurement_get(f.db, first, &got), 0);
  cr_assert_eq(got.value, 40);
  cr_assert_eq(got.recorded_at, T0);
  store_ctx c = st_ctx(T0 + 10);
  kpi_measurement_view *v;
  size_t n = 0;
  cr_assert_eq(store_kpis_recent(&c, ind, &s, 2, &v, &n), 0);
  cr_assert_eq(n, 2, "the last two periods");
  cr_assert_str_eq(v[0].row.period, "2027-02-01", "oldest first");
  cr_assert_eq(v[0].row.value, 55, "the correction, not the first figure");
  cr_assert_str_eq(v[0].practitioner, "pat");
  cr_assert_str_eq(v[0].team, "");
  cr_assert_eq(v[0].has_target, 0);
  cr_assert_str_eq(v[1].row.period, "2027-03-01");
  cr_assert_eq(store_kpis_recent(&c, ind, &s, 10, &v, &n), 0);
  cr_assert_eq(n, 3);
  int64_t *ids;
  cr_assert_eq(store_kpis_subject_indicators(&c, &s, &ids, &n), 0);
  cr_assert_eq(n, 1);
  cr_assert_eq(ids[0], ind);
}
