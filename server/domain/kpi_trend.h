/*
 * kpi_trend — the arithmetic of performance indicators, with no database:
 * which days start a review period, whether a value meets its target, the
 * direction of travel, and drift. One place, so the report, the drift
 * event and the tests agree.
 *
 * Contract:
 *  - Days are "YYYY-MM-DD" text (due_date_parse: real dates only).
 *    Periods are the wire's KpiPeriod (1 week from Monday, 2 month from
 *    the 1st, 3 quarter from 1 Jan/Apr/Jul/Oct); directions are the wire's
 *    KpiDirection (1 higher is better, 2 lower is better).
 *  - Every function is pure and allocates nothing; output buffers are the
 *    caller's (KPI_DAY_SIZE bytes for a day).
 */
#ifndef REFLECT_KPI_TREND_H
#define REFLECT_KPI_TREND_H

#include <stddef.h>

#define KPI_DAY_SIZE 11

/* 1 if period and direction are ones the wire defines. */
int kpi_trend_period_known(int period);
int kpi_trend_direction_known(int direction);

/* 1 if day is a real date that is the first day of a period. */
int kpi_trend_aligned(int period, const char *day);
/* The first day of the period that contains day; 0, or -1 for a day that
 * is not a real date or an unknown period. */
int kpi_trend_period_start(int period, const char *day, char out[KPI_DAY_SIZE]);

/* 1 if value meets or beats target in that direction. */
int kpi_trend_meets(int direction, double value, double target);

/* KpiTrend of the latest value against the one before it (2 improving,
 * 3 steady, 4 worsening); n < 2 gives 1 (unknown). values oldest first. */
int kpi_trend_of(int direction, const double *values, size_t n);

/* Drifting: at least three values, the latest has a target and falls
 * short of it, and each of the last two steps moved away from the better
 * end. values/has_target/targets are oldest first, n of each. */
int kpi_trend_drifting(int direction, const double *values, const int *has_target, const double *targets, size_t n);

#endif
