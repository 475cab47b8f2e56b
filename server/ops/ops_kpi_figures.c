/* KPI measurements and the report of them: recording (append-only; a
 * second one for a period is a correction), the drift event in the same
 * transaction, and the per-indicator lines a practitioner, their
 * supervisor or their manager sees. */
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "kpi_access.h"
#include "kpi_trend.h"
#include "kpi_wire.h"
#include "ops.h"
#include "store_audit.h"
#include "store_kpis.h"

#define EVIDENCE_MAX 2000
#define REPORT_PERIODS_DEFAULT 6

/* A line's figures from its recent measurements (oldest first). */
typedef struct {
  int trend, drifting, on_target;
} line_figures;

static void figures_of(int direction, const kpi_measurement_view *m, size_t n, line_figures *f)
{
  double values[KPI_PERIODS_MAX] = {0}, targets[KPI_PERIODS_MAX] = {0};
  int has[KPI_PERIODS_MAX] = {0};
  if (n > KPI_PERIODS_MAX) n = KPI_PERIODS_MAX;
  for (size_t i = 0; i < n; i++) {
    values[i] = m[i].row.value;
    targets[i] = m[i].target;
    has[i] = m[i].has_target;
  }
  f->trend = kpi_trend_of(direction, values, n);
  f->drifting = kpi_trend_drifting(direction, values, has, targets, n);
  f->on_target = n > 0 && has[n - 1] && kpi_trend_meets(direction, values[n - 1], targets[n - 1]);
}

typedef struct {
  const Reflect__V1__KpiRecordRequest *in;
  const kpi_indicator *ind;
  kpi_measurement_row m;
  int drifting;
} kpi_record;

/* Drifting over the last three periods, as the subject's line now stands. */
static rcode drifting_now(call *c, const kpi_record *k, int *drifting, uint64_t *latest)
{
  kpi_measurement_view *recent;
  size_t n = 0;
  rcode rc = store_kpis_recent(call_store(c), k->m.indicator_id, &k->m.who, 3, &recent, &n);
  if (rc) return rc;
  line_figures f;
  figures_of((int)k->ind->direction, recent, n, &f);
  *drifting = f.drifting;
  *latest = n ? (uint64_t)recent[n - 1].row.id : 0;
  return RC_OK;
}

static rcode record_tx(call *c, void *arg)
{
  kpi_record *k = arg;
  int before = 0, found = 0;
  uint64_t latest = 0;
  kpi_target_row t;
  rcode rc = drifting_now(c, k, &before, &latest);
  if (!rc && store_kpis_target_in_force(c->s->db, k->m.indicator_id, &k->m.who, k->m.period, &t, &found))
    rc = RC_INTERNAL;
  if (rc) return rc;
  k->m.target_id = found ? t.id : 0;
  rc = store_kpis_measurement_add(call_store(c), &k->m, k->in->evidence);
  char detail[96], prefix[64];
  snprintf(prefix, sizeof prefix, "indicator=%lld;period=%s", (long long)k->m.indicator_id, k->m.period);
  kpi_access_detail(detail, sizeof detail, prefix, &k->m.who);
  if (!rc) rc = store_audit_append_id(call_store(c), "kpi.record", "measurement", k->m.id, detail);
  if (!rc) rc = drifting_now(c, k, &k->drifting, &latest);
  if (rc) return rc;
  /* Told when this measurement leaves the line drifting: a new latest
   * period, or a correction that tipped it; not again for a correction
   * of an older period that changes nothing. */
  if (k->drifting && (!before || latest == (uint64_t)k->m.id))
    rc = events_kpi_drifting(c, k->m.indicator_id, k->ind->name, k->m.who.user_id, k->m.who.team_id);
  return rc;
}

static const char *period_rule(int period)
{
  return period == REFLECT__V1__KPI_PERIOD__KPI_PERIOD_WEEK    ? "a weekly indicator's period starts on a Monday"
         : period == REFLECT__V1__KPI_PERIOD__KPI_PERIOD_MONTH ? "a monthly indicator's period starts on the 1st"
                                                               : "a quarterly indicator's period starts on 1 Jan, "
                                                                 "1 Apr, 1 Jul or 1 Oct";
}

rcode ops_kpi_record(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__KpiRecordRequest *in = req->kpi_record;
  if (!in) return call_fail(c, RC_INVALID, "kpi_record", "missing kpi_record");
  kpi_indicator ind;
  kpi_record k = {.in = in};
  rcode rc = kpi_access_indicator(c, in->indicator_id, "indicator_id", &ind);
  if (!rc) rc = kpi_access_acting(c, in->practitioner, in->team, &k.m.who);
  if (!rc) rc = kpi_access_on_scale(c, "value", in->value, &ind);
  if (!rc && strlen(in->evidence) > EVIDENCE_MAX)
    rc = call_fail(c, RC_INVALID, "evidence", "evidence may have at most %d bytes", EVIDENCE_MAX);
  if (rc) return rc;
  char today[KPI_DAY_SIZE];
  kpi_access_today(c, today);
  if (strlen(in->period) != 10 || !kpi_trend_aligned((int)ind.period, in->period))
    return call_fail(c, RC_INVALID, "period", "'%.16s' is not the first day of a period: %s", in->period,
                     period_rule((int)ind.period));
  if (strcmp(in->period, today) > 0)
    return call_fail(c, RC_INVALID, "period", "period %s has not begun yet", in->period);
  k.ind = &ind;
  k.m.indicator_id = ind.id;
  k.m.version = ind.version;
  k.m.value = in->value;
  snprintf(k.m.period, sizeof k.m.period, "%.10s", in->period);
  rc = call_write(c, "record the measurement", record_tx, &k);
  Reflect__V1__KpiRecordReply *r = rc ? NULL : arena_alloc(c->a, sizeof *r);
  if (rc) return rc;
  if (!r) return RC_EXHAUSTED;
  reflect__v1__kpi_record_reply__init(r);
  r->measurement_id = (uint64_t)k.m.id;
  r->drifting = k.drifting != 0;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_KPI_RECORD;
  c->rep->kpi_record = r;
  return RC_OK;
}

static Reflect__V1__KpiTarget *target_message(arena *a, const kpi_target_view *t)
{
  Reflect__V1__KpiTarget *m = arena_alloc(a, sizeof *m);
  Reflect__V1__KpiAgreement **ag = arena_alloc(a, sizeof *ag * (t->n_agreed ? t->n_agreed : 1));
  if (!m || !ag) return NULL;
  reflect__v1__kpi_target__init(m);
  m->id = (uint64_t)t->row.id;
  m->indicator_id = (uint64_t)t->row.indicator_id;
  m->indicator = t->indicator;
  m->practitioner = t->practitioner;
  m->team = t->team;
  m->baseline = t->row.baseline;
  m->target = t->row.target;
  m->from = arena_strdup(a, t->row.from);
  m->set_by = t->set_by;
  m->set_at = t->row.set_at;
  for (size_t i = 0; i < t->n_agreed; i++) {
    if (!(ag[i] = arena_alloc(a, sizeof *ag[i]))) return NULL;
    reflect__v1__kpi_agreement__init(ag[i]);
    ag[i]->user = t->agreed[i].user;
    ag[i]->at = t->agreed[i].at;
  }
  m->agreed = ag;
  m->n_agreed = t->n_agreed;
  return m->from ? m : NULL;
}

/* Evidence stays "": a report carries figures only (store_kpis_recent). */
static Reflect__V1__KpiMeasurement *measurement_message(arena *a, const kpi_measurement_view *v)
{
  Reflect__V1__KpiMeasurement *m = arena_alloc(a, sizeof *m);
  if (!m) return NULL;
  reflect__v1__kpi_measurement__init(m);
  m->id = (uint64_t)v->row.id;
  m->indicator_id = (uint64_t)v->row.indicator_id;
  m->indicator_version = v->row.version;
  m->period = arena_strdup(a, v->row.period);
  m->value = v->row.value;
  m->target_id = (uint64_t)v->row.target_id;
  m->recorded_at = v->row.recorded_at;
  m->practitioner = v->practitioner;
  m->team = v->team;
  m->has_target = v->has_target != 0;
  m->target = v->target;
  m->baseline = v->baseline;
  m->recorded_by = v->recorded_by;
  return m->period ? m : NULL;
}

/* One indicator's line for who: the latest definition, the target in
 * force today, the recent periods and what they add up to. */
static rcode report_line(call *c, int64_t indicator, const kpi_subject *who, uint32_t periods, const char *today,
                         Reflect__V1__KpiLine **out)
{
  Reflect__V1__KpiLine *l = arena_alloc(c->a, sizeof *l);
  if (!l) return RC_EXHAUSTED;
  reflect__v1__kpi_line__init(l);
  kpi_indicator ind;
  kpi_target_row t;
  kpi_target_view tv;
  kpi_measurement_view *recent;
  size_t n_recent = 0;
  int found = 0, agreed = 0;
  rcode rc = store_kpis_indicator_get(call_store(c), indicator, 0, &ind);
  if (!rc) rc = store_kpis_target_in_force(c->s->db, indicator, who, today, &t, &found);
  if (!rc && found) rc = store_kpis_target_view(call_store(c), &t, &tv);
  if (!rc && found) rc = store_kpis_agreed(c->s->db, &t, &agreed);
  if (!rc) rc = store_kpis_recent(call_store(c), indicator, who, periods, &recent, &n_recent);
  if (rc) return rc;
  l->indicator = kpi_wire_indicator(c->a, &ind);
  if (found) l->target = target_message(c->a, &tv);
  l->recent = arena_alloc(c->a, sizeof *l->recent * (n_recent ? n_recent : 1));
  if (!l->indicator || (found && !l->target) || !l->recent) return RC_EXHAUSTED;
  for (size_t i = 0; i < n_recent; i++)
    if (!(l->recent[i] = measurement_message(c->a, &recent[i]))) return RC_EXHAUSTED;
  l->n_recent = n_recent;
  line_figures f;
  figures_of((int)ind.direction, recent, n_recent, &f);
  l->trend = (Reflect__V1__KpiTrend)f.trend;
  l->drifting = f.drifting != 0;
  l->on_target = f.on_target != 0;
  l->agreed = agreed != 0;
  if (l->target) {
    l->practitioner = l->target->practitioner;
    l->team = l->target->team;
  } else if (l->n_recent) {
    l->practitioner = l->recent[0]->practitioner;
    l->team = l->recent[0]->team;
  }
  *out = l;
  return RC_OK;
}

rcode ops_kpi_report(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__KpiReportRequest *in = req->kpi_report;
  if (!in) return call_fail(c, RC_INVALID, "kpi_report", "missing kpi_report");
  uint32_t periods = in->periods ? in->periods : REPORT_PERIODS_DEFAULT;
  if (periods > KPI_PERIODS_MAX)
    return call_fail(c, RC_INVALID, "periods", "a report shows at most %d periods", KPI_PERIODS_MAX);
  kpi_subject who;
  rcode rc = kpi_access_seeing(c, in->practitioner, in->team, &who);
  if (rc) return rc;
  char today[KPI_DAY_SIZE];
  kpi_access_today(c, today);
  int64_t *ids;
  size_t n = 0;
  Reflect__V1__KpiReportReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__kpi_report_reply__init(r);
  if (store_kpis_subject_indicators(call_store(c), &who, &ids, &n))
    return call_fail(c, RC_INTERNAL, NULL, "could not read indicators");
  r->lines = arena_alloc(c->a, sizeof *r->lines * (n ? n : 1));
  if (!r->lines) return RC_EXHAUSTED;
  for (size_t i = 0; i < n; i++) {
    rc = report_line(c, ids[i], &who, periods, today, &r->lines[i]);
    if (rc) return call_fail(c, rc, NULL, "could not read indicator %lld", (long long)ids[i]);
  }
  r->n_lines = n;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_KPI_REPORT;
  c->rep->kpi_report = r;
  return RC_OK;
}
