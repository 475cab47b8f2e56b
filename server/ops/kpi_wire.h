/*
 * kpi_wire — performance indicators between the store's plain structs
 * (store_kpis.h) and the wire, for the KPI handlers that share them
 * (ops_kpis.c, ops_kpi_figures.c).
 *
 * Contract: a message comes from arena a (NULL when it is full) and
 * shares the struct's strings, which the store put in the same arena, so
 * nothing is copied and all of it lives until the arena is reset.
 */
#ifndef REFLECT_KPI_WIRE_H
#define REFLECT_KPI_WIRE_H

#include "arena.h"
#include "reflect.pb-c.h"
#include "store_kpis.h"

Reflect__V1__Indicator *kpi_wire_indicator(arena *a, const kpi_indicator *x);

#endif
