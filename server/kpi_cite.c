#include "kpi_cite.h"

#include "store_kpis.h"
#include "store_teams.h"

/* A measurement's subject is in the session: the practitioner is one of
 * its members, or the team has one of them in it. */
static int subject_in_session(db *d, const kpi_subject *who, const int64_t *members, size_t n, int *ok)
{
  *ok = 0;
  for (size_t i = 0; i < n && !*ok; i++) {
    if (who->user_id) {
      *ok = members[i] == who->user_id;
      continue;
    }
    int in = 0, manager = 0;
    if (store_teams_membership(d, who->team_id, members[i], &in, &manager)) return RC_INTERNAL;
    *ok = in;
  }
  return RC_OK;
}

rcode kpi_cite_check(call *c, const session_row *s, const uint64_t *ids, size_t n, const char *field)
{
  int64_t members[SESSION_MAX_MEMBERS];
  size_t n_members = 0;
  if (store_sessions_members(c->s->db, s->id, members, SESSION_MAX_MEMBERS, &n_members)) return RC_INTERNAL;
  for (size_t i = 0; i < n; i++) {
    kpi_measurement_row m;
    int rc = ids[i] <= INT64_MAX ? store_kpis_measurement_get(c->s->db, (int64_t)ids[i], &m) : RC_NOT_FOUND;
    if (rc && rc != RC_NOT_FOUND) return RC_INTERNAL;
    int ok = 0;
    if (!rc && subject_in_session(c->s->db, &m.who, members, n_members, &ok)) return RC_INTERNAL;
    if (rc || !ok)
      return call_fail(c, RC_DENIED, field,
                       "measurement %llu does not exist or is not of anyone in session %lld",
                       (unsigned long long)ids[i], (long long)s->id);
  }
  return RC_OK;
}

rcode kpi_cite_fill(call *c, Reflect__V1__RecordSection *sec)
{
  size_t n = sec->n_kpi_measurements;
  if (!n) return RC_OK;
  Reflect__V1__KpiCitation **v = arena_alloc(c->a, sizeof *v * n);
  if (!v) return RC_EXHAUSTED;
  for (size_t i = 0; i < n; i++) {
    kpi_measurement_row m;
    uint64_t id = sec->kpi_measurements[i];
    int rc = id <= INT64_MAX ? store_kpis_measurement_get(c->s->db, (int64_t)id, &m) : RC_NOT_FOUND;
    Reflect__V1__Indicator *ind = NULL;
    if (!rc) rc = store_kpis_indicator_get(c, m.indicator_id, m.version, &ind);
    /* Measurements are append-only and were checked when cited. */
    if (rc) return rc == RC_NOT_FOUND ? RC_DATA_LOSS : (rcode)rc;
    Reflect__V1__KpiCitation *k = arena_alloc(c->a, sizeof *k);
    if (!k) return RC_EXHAUSTED;
    reflect__v1__kpi_citation__init(k);
    k->measurement_id = id;
    k->indicator = ind->name;
    k->period = arena_strdup(c->a, m.period);
    k->value = m.value;
    k->unit = ind->unit;
    if (m.target_id) {
      kpi_target_row t;
      if (store_kpis_target_get(c->s->db, m.target_id, &t)) return RC_INTERNAL;
      k->has_target = 1;
      k->target = t.target;
    }
    if (!k->period) return RC_EXHAUSTED;
    v[i] = k;
  }
  sec->citations = v;
  sec->n_citations = n;
  return RC_OK;
}
