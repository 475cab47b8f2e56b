/*
 * store_agenda — which cases a session should discuss, in what order.
 *
 * Contract:
 *  - The candidates are the open cases allocated to the session's members
 *    that the caller may see (allocated to them, a signed agreement with
 *    the worker, or, for a manager, oversight of the worker through a team).
 *  - When a case was last discussed is store_decisions' answer (the start
 *    of the latest session whose latest record revision discusses it: a
 *    discussion an amendment took out no longer counts). Never discussed,
 *    the clock runs from when the case was opened.
 *  - Order: score = whole days since (clamped at 0) x risk weight (high 3,
 *    medium 2, low 1), highest first; ties go to the higher risk, then the
 *    lower case id. So a high-risk case comes up three times as often as a
 *    low-risk one, and every case rises until it is discussed.
 *  - Each entry has a one-line why; its dates are UTC (the server does not
 *    convert zones; last_at carries the exact time).
 *  - Reads only; the entries and their strings are allocated from the
 *    store_ctx's arena. An entry carries its case's row, still sealed: the
 *    caller opens what it shows (store_cases). The caller audits the read.
 *    Returns 0 or a Code.
 *  - case_row.risk holds the wire's RiskLevel numbers; the weights above
 *    read them as agenda_risk (ops_agenda.c checks that they agree).
 */
#ifndef REFLECT_STORE_AGENDA_H
#define REFLECT_STORE_AGENDA_H

#include <stddef.h>

#include "store_sessions.h"
#include "store_cases.h"

#define AGENDA_CANDIDATES_MAX 1000
#define AGENDA_CASES_MAX 100

typedef struct {
  case_row k;
  int64_t last_at;      /* when last discussed; 0 if never */
  int64_t last_session; /* where; 0 if never */
  uint32_t days_since;  /* whole days since last discussed (or opened, if never) */
  const char *why;      /* one line */
} agenda_item;

/* Highest priority first, at most AGENDA_CASES_MAX. */
rcode store_agenda_cases(store_ctx *c, const session_row *s, agenda_item **out, size_t *n) RC_MUST_CHECK;

#endif
