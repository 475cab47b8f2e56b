/*
 * store_kpis — performance indicators at rest: goals, versioned indicator
 * definitions, targets, agreements to targets and measurements.
 *
 * Contract:
 *  - Indicator versions, targets and measurements are never changed (the
 *    schema's triggers say so too): a new version, a later target or a
 *    correction is a new row, so history never moves. A measurement keeps
 *    the indicator version and the target in force when it was recorded.
 *  - A subject is a user (user_id) or a team (team_id); exactly one is
 *    nonzero. A measurement's evidence is sealed under the subject's data
 *    key ("user:N" or "team:N"), bound to the measurement's identifiers.
 *  - The target in force on a day is the one with the latest from_day on
 *    or before it (ties: the later id).
 *  - The store speaks plain structs (below), never the wire: the handlers
 *    in server/ops turn them into messages.
 *  - Writers run in the caller's write transaction; readers in any.
 *    Lists, views and their strings are arena memory (c->a); rows and
 *    views passed in are the caller's. Functions return 0 or an rcode
 *    (RC_NOT_FOUND, RC_EXISTS as documented).
 */
#ifndef REFLECT_STORE_KPIS_H
#define REFLECT_STORE_KPIS_H

#include <stddef.h>
#include <stdint.h>

#include "kpi_trend.h"
#include "store_ctx.h"

#define KPI_LIST_MAX 500
#define KPI_PERIODS_MAX 24

typedef struct {
  int64_t user_id, team_id; /* one of them */
} kpi_subject;

/* The wire's KpiDirection and KpiPeriod numbers (kpi_trend.h counts in
 * them too); ops/kpi_wire.c checks that they agree. */
typedef enum { KPI_HIGHER_IS_BETTER = 1, KPI_LOWER_IS_BETTER = 2 } kpi_direction;
typedef enum { KPI_PERIOD_WEEK = 1, KPI_PERIOD_MONTH = 2, KPI_PERIOD_QUARTER = 3 } kpi_period;

typedef struct {
  int64_t id, created_at;
  char *name, *description, *created_by; /* created_by: a username */
} kpi_goal;

/* One version of an indicator. goal and created_by (the goal's name, the
 * author's username) are filled in by reads and ignored by writes. */
typedef struct {
  int64_t id, goal_id, created_at;
  uint32_t version;
  char *name, *definition, *measured_how, *unit;
  double scale_min, scale_max;
  kpi_direction direction;
  kpi_period period;
  char *goal, *created_by;
} kpi_indicator;

typedef struct {
  int64_t id, indicator_id, set_by, set_at;
  kpi_subject who;
  double baseline, target;
  char from[KPI_DAY_SIZE];
} kpi_target_row;

typedef struct {
  int64_t id, indicator_id, target_id, recorded_by, recorded_at, key_id;
  uint32_t version;
  kpi_subject who;
  char period[KPI_DAY_SIZE];
  double value;
} kpi_measurement_row;

typedef struct {
  char *user; /* username */
  int64_t at;
} kpi_agreement;

/* A target as people read it: names for ids, and who agreed it (in the
 * order they did). practitioner or team is "" (the other is the subject). */
typedef struct {
  kpi_target_row row;
  char *indicator, *practitioner, *team, *set_by;
  kpi_agreement *agreed;
  size_t n_agreed;
} kpi_target_view;

/* A measurement as a report reads it: names for ids and, when it was
 * recorded against one, its target's figures. */
typedef struct {
  kpi_measurement_row row;
  char *practitioner, *team, *recorded_by;
  int has_target;
  double target, baseline;
} kpi_measurement_view;

/* RC_EXISTS if a goal has that name. */
rcode store_kpis_goal_add(store_ctx *c, const char *name, const char *description, int64_t *id) RC_MUST_CHECK;
rcode store_kpis_goal_exists(db *d, int64_t id, int *yes) RC_MUST_CHECK;
/* Oldest first, at most KPI_LIST_MAX. */
rcode store_kpis_goal_list(store_ctx *c, kpi_goal **out, size_t *n) RC_MUST_CHECK;

/* in->id 0: a new indicator (version 1); else the next version of in->id
 * (RC_NOT_FOUND if there is none). Fields are checked by the caller. */
rcode store_kpis_indicator_add(store_ctx *c, const kpi_indicator *in, int64_t *id, uint32_t *version) RC_MUST_CHECK;
/* version 0: the latest. RC_NOT_FOUND if none. */
rcode store_kpis_indicator_get(store_ctx *c, int64_t id, uint32_t version, kpi_indicator *out) RC_MUST_CHECK;
/* id 0: the latest version of each; else every version of id, oldest
 * first; at most KPI_LIST_MAX. */
rcode store_kpis_indicator_list(store_ctx *c, int64_t id, kpi_indicator **out, size_t *n) RC_MUST_CHECK;

rcode store_kpis_target_add(store_ctx *c, const kpi_target_row *t, int64_t *id) RC_MUST_CHECK;
rcode store_kpis_target_get(db *d, int64_t id, kpi_target_row *out) RC_MUST_CHECK;
/* *found = 0 when no target is in force for the subject on day. */
rcode store_kpis_target_in_force(db *d, int64_t indicator, const kpi_subject *who, const char *day, kpi_target_row *out,
                                 int *found) RC_MUST_CHECK;
/* RC_EXISTS if the caller has already agreed the target. */
rcode store_kpis_agree(store_ctx *c, int64_t target_id) RC_MUST_CHECK;
/* *yes = 1 if the target is agreed: by its practitioner, or for a team by
 * every member who is not one of its managers (and there is one). */
rcode store_kpis_agreed(db *d, const kpi_target_row *t, int *yes) RC_MUST_CHECK;
rcode store_kpis_target_view(store_ctx *c, const kpi_target_row *t, kpi_target_view *out) RC_MUST_CHECK;

/* Stores m (id, key_id and times are set here), evidence "" for none. */
rcode store_kpis_measurement_add(store_ctx *c, kpi_measurement_row *m, const char *evidence) RC_MUST_CHECK;
rcode store_kpis_measurement_get(db *d, int64_t id, kpi_measurement_row *out) RC_MUST_CHECK;
/* The latest correction of each of the last `max` periods with a
 * measurement, oldest first, each with its stored target; evidence is
 * left sealed (see store_kpis.c). */
rcode store_kpis_recent(store_ctx *c, int64_t indicator, const kpi_subject *who, size_t max, kpi_measurement_view **out,
                        size_t *n) RC_MUST_CHECK;
/* The indicators (ids, ascending) with a target or measurement for who. */
rcode store_kpis_subject_indicators(store_ctx *c, const kpi_subject *who, int64_t **ids, size_t *n) RC_MUST_CHECK;

#endif
