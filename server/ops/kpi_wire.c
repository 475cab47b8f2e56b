#include "kpi_wire.h"

/* The store keeps the wire's numbers, so a cast is the conversion. */
_Static_assert((int)KPI_HIGHER_IS_BETTER == (int)REFLECT__V1__KPI_DIRECTION__KPI_HIGHER_IS_BETTER &&
                   (int)KPI_LOWER_IS_BETTER == (int)REFLECT__V1__KPI_DIRECTION__KPI_LOWER_IS_BETTER,
               "kpi_direction is the wire's KpiDirection");
_Static_assert((int)KPI_PERIOD_WEEK == (int)REFLECT__V1__KPI_PERIOD__KPI_PERIOD_WEEK &&
                   (int)KPI_PERIOD_MONTH == (int)REFLECT__V1__KPI_PERIOD__KPI_PERIOD_MONTH &&
                   (int)KPI_PERIOD_QUARTER == (int)REFLECT__V1__KPI_PERIOD__KPI_PERIOD_QUARTER,
               "kpi_period is the wire's KpiPeriod");

Reflect__V1__Indicator *kpi_wire_indicator(arena *a, const kpi_indicator *x)
{
  Reflect__V1__Indicator *m = arena_alloc(a, sizeof *m);
  if (!m) return NULL;
  reflect__v1__indicator__init(m);
  m->id = (uint64_t)x->id;
  m->version = x->version;
  m->name = x->name;
  m->definition = x->definition;
  m->measured_how = x->measured_how;
  m->unit = x->unit;
  m->scale_min = x->scale_min;
  m->scale_max = x->scale_max;
  m->direction = (Reflect__V1__KpiDirection)x->direction;
  m->period = (Reflect__V1__KpiPeriod)x->period;
  m->goal_id = (uint64_t)x->goal_id;
  m->goal = x->goal;
  m->created_at = x->created_at;
  m->created_by = x->created_by;
  return m;
}
