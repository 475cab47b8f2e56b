#include "kpi_cite.h"

#include "kpi_access.h"
#include "store_kpis.h"

/* A performance review is one-to-one: a record may cite only measurements
 * of the supervisee of an individual session, which its writer may act on.
 * Whoever can read that record may then see them (its two parties, and the
 * managers overseeing them, who may see them anyway). In a group session,
 * or for a team's figure, citing would show one person's or a team's
 * figures to readers who may not see them, so it is refused. */
rcode kpi_cite_check(call *c, const session_row *s, const uint64_t *ids, size_t n, const char *field)
{
  int64_t members[SESSION_MAX_MEMBERS];
  size_t n_members = 0;
  if (store_sessions_members(c->s->db, s->id, members, SESSION_MAX_MEMBERS, &n_members)) return RC_INTERNAL;
  if (n && (s->kind != REFLECT__V1__SESSION_KIND__SESSION_INDIVIDUAL || n_members != 1))
    return call_fail(c, RC_INVALID, field, "only the record of an individual session may cite indicator figures");
  for (size_t i = 0; i < n; i++) {
    kpi_measurement_row m;
    int rc = ids[i] <= INT64_MAX ? store_kpis_measurement_get(c->s->db, (int64_t)ids[i], &m) : RC_NOT_FOUND;
    if (rc && rc != RC_NOT_FOUND) return RC_INTERNAL;
    int ok = !rc && m.who.user_id && m.who.user_id == members[0];
    if (ok && kpi_access_may_act(c, &m.who, &ok)) return RC_INTERNAL;
    if (!ok)
      return call_fail(c, RC_DENIED, field,
                       "measurement %llu does not exist or is not of the supervisee of session %lld",
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
    rcode rc = id <= INT64_MAX ? store_kpis_measurement_get(c->s->db, (int64_t)id, &m) : RC_NOT_FOUND;
    kpi_indicator ind;
    if (!rc) rc = store_kpis_indicator_get(call_store(c), m.indicator_id, m.version, &ind);
    /* Measurements are append-only and were checked when cited. */
    if (rc) return rc == RC_NOT_FOUND ? RC_DATA_LOSS : rc;
    Reflect__V1__KpiCitation *k = arena_alloc(c->a, sizeof *k);
    if (!k) return RC_EXHAUSTED;
    reflect__v1__kpi_citation__init(k);
    k->measurement_id = id;
    k->indicator = ind.name;
    k->period = arena_strdup(c->a, m.period);
    k->value = m.value;
    k->unit = ind.unit;
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
