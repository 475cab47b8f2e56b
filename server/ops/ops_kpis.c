/* Performance indicators: the organisation sets goals and defines
 * indicators (versioned, never changed); supervisors and managers set
 * targets and record measurements for the people they supervise or the
 * teams they manage, never for themselves; practitioners agree their own
 * targets; each sees the figures they may. Refusals for missing and
 * forbidden objects are the same, so ids and names cannot be probed. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "due.h"
#include "events.h"
#include "kpi_access.h"
#include "kpi_trend.h"
#include "kpi_wire.h"
#include "ops.h"
#include "store_audit.h"
#include "store_kpis.h"
#include "store_teams.h"

#define GOAL_NAME_MAX 120
#define NAME_MAX_ 120
#define LONG_TEXT_MAX 2000
#define UNIT_MAX 32

static rcode reply_of(call *c, size_t size, void **out)
{
  *out = arena_alloc(c->a, size);
  return *out ? RC_OK : RC_EXHAUSTED;
}

/* ---- goals and indicators ---- */

typedef struct {
  const Reflect__V1__GoalAddRequest *in;
  int64_t id;
} goal_add;

static rcode goal_add_tx(call *c, void *arg)
{
  goal_add *g = arg;
  rcode rc = store_kpis_goal_add(call_store(c), g->in->name, g->in->description, &g->id);
  if (rc == RC_EXISTS) return call_fail(c, RC_EXISTS, "name", "a goal with that name already exists");
  if (!rc) rc = store_audit_append_id(call_store(c), "kpi.goal", "goal", g->id, "");
  return rc;
}

rcode ops_goal_add(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__GoalAddRequest *in = req->goal_add;
  if (!in) return call_fail(c, RC_INVALID, "goal_add", "missing goal_add");
  rcode rc = call_check_text(c, "name", in->name, GOAL_NAME_MAX);
  if (!rc && *in->description) rc = call_check_text(c, "description", in->description, LONG_TEXT_MAX);
  goal_add g = {in, 0};
  if (!rc) rc = call_write(c, "add the goal", goal_add_tx, &g);
  Reflect__V1__GoalAddReply *r;
  if (!rc) rc = reply_of(c, sizeof *r, (void **)&r);
  if (rc) return rc;
  reflect__v1__goal_add_reply__init(r);
  r->id = (uint64_t)g.id;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_GOAL_ADD;
  c->rep->goal_add = r;
  return RC_OK;
}

static Reflect__V1__Goal *goal_message(arena *a, const kpi_goal *g)
{
  Reflect__V1__Goal *m = arena_alloc(a, sizeof *m);
  if (!m) return NULL;
  reflect__v1__goal__init(m);
  m->id = (uint64_t)g->id;
  m->name = g->name;
  m->description = g->description;
  m->created_at = g->created_at;
  m->created_by = g->created_by;
  return m;
}

rcode ops_goal_list(call *c, const Reflect__V1__Request *req)
{
  if (!req->goal_list) return call_fail(c, RC_INVALID, "goal_list", "missing goal_list");
  Reflect__V1__GoalListReply *r;
  rcode rc = reply_of(c, sizeof *r, (void **)&r);
  if (rc) return rc;
  reflect__v1__goal_list_reply__init(r);
  kpi_goal *goals;
  size_t n = 0;
  if (store_kpis_goal_list(call_store(c), &goals, &n)) return call_fail(c, RC_INTERNAL, NULL, "could not list goals");
  r->goals = arena_alloc(c->a, sizeof *r->goals * (n ? n : 1));
  if (!r->goals) return call_fail(c, RC_INTERNAL, NULL, "could not list goals");
  for (size_t i = 0; i < n; i++)
    if (!(r->goals[i] = goal_message(c->a, &goals[i]))) return call_fail(c, RC_INTERNAL, NULL, "could not list goals");
  r->n_goals = n;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_GOAL_LIST;
  c->rep->goal_list = r;
  return RC_OK;
}

static rcode check_indicator(call *c, const Reflect__V1__Indicator *in)
{
  rcode rc = call_check_text(c, "indicator.name", in->name, NAME_MAX_);
  if (!rc) rc = call_check_text(c, "indicator.definition", in->definition, LONG_TEXT_MAX);
  if (!rc) rc = call_check_text(c, "indicator.measured_how", in->measured_how, LONG_TEXT_MAX);
  if (!rc) rc = call_check_text(c, "indicator.unit", in->unit, UNIT_MAX);
  if (rc) return rc;
  if (!isfinite(in->scale_min) || !isfinite(in->scale_max))
    return call_fail(c, RC_INVALID, "indicator.scale_min", "a scale's ends are finite numbers");
  if (!(in->scale_min < in->scale_max))
    return call_fail(c, RC_INVALID, "indicator.scale_max", "a scale's maximum is above its minimum");
  if (!kpi_trend_direction_known((int)in->direction))
    return call_fail(c, RC_INVALID, "indicator.direction", "say whether higher or lower is better");
  if (!kpi_trend_period_known((int)in->period))
    return call_fail(c, RC_INVALID, "indicator.period", "the review period is a week, a month or a quarter");
  if (in->id > INT64_MAX)
    return call_fail(c, RC_NOT_FOUND, "indicator.id", "no indicator %llu", (unsigned long long)in->id);
  if (in->goal_id == 0 || in->goal_id > INT64_MAX)
    return call_fail(c, RC_INVALID, "indicator.goal_id", "an indicator serves a goal: give its id");
  if (in->version || in->created_at || *in->goal || *in->created_by)
    return call_fail(c, RC_INVALID, "indicator.version", "version, goal name and creation are set by the server");
  return RC_OK;
}

typedef struct {
  const Reflect__V1__Indicator *in;
  kpi_indicator row; /* in, for the store, once check_indicator has bounded its ids */
  int64_t id;
  uint32_t version;
} kpi_define;

static rcode define_tx(call *c, void *arg)
{
  kpi_define *k = arg;
  int yes = 0;
  if (store_kpis_goal_exists(c->s->db, (int64_t)k->in->goal_id, &yes)) return RC_INTERNAL;
  if (!yes) return call_fail(c, RC_NOT_FOUND, "indicator.goal_id", "no goal %llu", (unsigned long long)k->in->goal_id);
  rcode rc = store_kpis_indicator_add(call_store(c), &k->row, &k->id, &k->version);
  if (rc == RC_NOT_FOUND)
    return call_fail(c, RC_NOT_FOUND, "indicator.id", "no indicator %llu to make a new version of",
                     (unsigned long long)k->in->id);
  char detail[32];
  snprintf(detail, sizeof detail, "version=%u", k->version);
  if (!rc) rc = store_audit_append_id(call_store(c), "kpi.define", "indicator", k->id, detail);
  return rc;
}

rcode ops_kpi_define(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__KpiDefineRequest *in = req->kpi_define;
  if (!in || !in->indicator) return call_fail(c, RC_INVALID, "indicator", "missing indicator");
  const Reflect__V1__Indicator *x = in->indicator;
  kpi_define k = {.in = x};
  rcode rc = check_indicator(c, x);
  if (!rc)
    k.row = (kpi_indicator){.id = (int64_t)x->id,
                            .goal_id = (int64_t)x->goal_id,
                            .name = x->name,
                            .definition = x->definition,
                            .measured_how = x->measured_how,
                            .unit = x->unit,
                            .scale_min = x->scale_min,
                            .scale_max = x->scale_max,
                            .direction = (kpi_direction)x->direction,
                            .period = (kpi_period)x->period};
  if (!rc) rc = call_write(c, "define the indicator", define_tx, &k);
  Reflect__V1__KpiDefineReply *r;
  if (!rc) rc = reply_of(c, sizeof *r, (void **)&r);
  if (rc) return rc;
  reflect__v1__kpi_define_reply__init(r);
  r->indicator_id = (uint64_t)k.id;
  r->version = k.version;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_KPI_DEFINE;
  c->rep->kpi_define = r;
  return RC_OK;
}

rcode ops_kpi_list(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__KpiListRequest *in = req->kpi_list;
  if (!in) return call_fail(c, RC_INVALID, "kpi_list", "missing kpi_list");
  if (in->indicator_id > INT64_MAX)
    return call_fail(c, RC_NOT_FOUND, "indicator_id", "no indicator %llu", (unsigned long long)in->indicator_id);
  Reflect__V1__KpiListReply *r;
  rcode rc = reply_of(c, sizeof *r, (void **)&r);
  if (rc) return rc;
  reflect__v1__kpi_list_reply__init(r);
  kpi_indicator *v;
  size_t n = 0;
  if (store_kpis_indicator_list(call_store(c), (int64_t)in->indicator_id, &v, &n))
    return call_fail(c, RC_INTERNAL, NULL, "could not list indicators");
  r->indicators = arena_alloc(c->a, sizeof *r->indicators * (n ? n : 1));
  if (!r->indicators) return call_fail(c, RC_INTERNAL, NULL, "could not list indicators");
  for (size_t i = 0; i < n; i++)
    if (!(r->indicators[i] = kpi_wire_indicator(c->a, &v[i])))
      return call_fail(c, RC_INTERNAL, NULL, "could not list indicators");
  r->n_indicators = n;
  if (in->indicator_id && !r->n_indicators)
    return call_fail(c, RC_NOT_FOUND, "indicator_id", "no indicator %llu", (unsigned long long)in->indicator_id);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_KPI_LIST;
  c->rep->kpi_list = r;
  return RC_OK;
}

/* ---- targets ---- */

static rcode assign_tx(call *c, void *arg)
{
  kpi_target_row *t = arg;
  rcode rc = store_kpis_target_add(call_store(c), t, &t->id);
  char detail[96], prefix[48];
  snprintf(prefix, sizeof prefix, "indicator=%lld", (long long)t->indicator_id);
  kpi_access_detail(detail, sizeof detail, prefix, &t->who);
  if (!rc) rc = store_audit_append_id(call_store(c), "kpi.assign", "target", t->id, detail);
  return rc;
}

rcode ops_kpi_assign(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__KpiAssignRequest *in = req->kpi_assign;
  if (!in) return call_fail(c, RC_INVALID, "kpi_assign", "missing kpi_assign");
  kpi_indicator ind;
  kpi_target_row t = {0};
  rcode rc = kpi_access_indicator(c, in->indicator_id, "indicator_id", &ind);
  if (!rc) rc = kpi_access_acting(c, in->practitioner, in->team, &t.who);
  if (!rc) rc = kpi_access_on_scale(c, "baseline", in->baseline, &ind);
  if (!rc) rc = kpi_access_on_scale(c, "target", in->target, &ind);
  if (rc) return rc;
  due_date d;
  if (!*in->from) kpi_access_today(c, t.from);
  else if (due_date_parse(in->from, &d)) return call_fail(c, RC_INVALID, "from", "a date is YYYY-MM-DD");
  else due_date_format(d, t.from, sizeof t.from);
  t.indicator_id = ind.id;
  t.baseline = in->baseline;
  t.target = in->target;
  rc = call_write(c, "set the target", assign_tx, &t);
  Reflect__V1__KpiAssignReply *r;
  if (!rc) rc = reply_of(c, sizeof *r, (void **)&r);
  if (rc) return rc;
  reflect__v1__kpi_assign_reply__init(r);
  r->target_id = (uint64_t)t.id;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_KPI_ASSIGN;
  c->rep->kpi_assign = r;
  return RC_OK;
}

static rcode agree_tx(call *c, void *arg)
{
  const kpi_target_row *t = arg;
  rcode rc = store_kpis_agree(call_store(c), t->id);
  if (rc == RC_EXISTS)
    return call_fail(c, RC_PRECONDITION, "target_id", "you have already agreed target %lld", (long long)t->id);
  if (!rc) rc = store_audit_append_id(call_store(c), "kpi.agree", "target", t->id, "");
  return rc;
}

rcode ops_kpi_agree(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__KpiAgreeRequest *in = req->kpi_agree;
  if (!in) return call_fail(c, RC_INVALID, "kpi_agree", "missing kpi_agree");
  if (!in->target_id) return call_fail(c, RC_INVALID, "target_id", "name the target to agree");
  kpi_target_row t;
  rcode rc = in->target_id && in->target_id <= INT64_MAX ? store_kpis_target_get(c->s->db, (int64_t)in->target_id, &t)
                                                         : RC_NOT_FOUND;
  if (rc && rc != RC_NOT_FOUND) return call_fail(c, RC_INTERNAL, NULL, "could not read the target");
  /* Only the practitioner, or a member (not a manager) of the team. */
  int ok = 0, manager = 0;
  if (!rc && t.who.user_id) ok = t.who.user_id == c->who->user_id;
  else if (!rc && store_teams_membership(c->s->db, t.who.team_id, c->who->user_id, &ok, &manager)) return RC_INTERNAL;
  if (rc || !ok || manager)
    return call_fail(c, RC_DENIED, "target_id", "target %llu does not exist or is not yours to agree",
                     (unsigned long long)in->target_id);
  rc = call_write(c, "record your agreement", agree_tx, &t);
  Reflect__V1__KpiAgreeReply *r;
  if (!rc) rc = reply_of(c, sizeof *r, (void **)&r);
  if (rc) return rc;
  reflect__v1__kpi_agree_reply__init(r);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_KPI_AGREE;
  c->rep->kpi_agree = r;
  return RC_OK;
}
