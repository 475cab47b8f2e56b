/*
 * due — when supervision is due: calendar arithmetic on frequency rules.
 *
 * Contract:
 *  - Pure functions: no SQLite, no I/O, no time zone, no global state; safe
 *    from any thread. Everything is in the proleptic Gregorian calendar;
 *    dates are civil dates (no zone), times are Unix seconds read as UTC.
 *  - A rule is 1..DUE_STEPS_MAX steps: "every" an interval, "until" an
 *    offset from the agreement's start (every step but the last); the step
 *    in force at a date is the first whose until-boundary (start + until)
 *    is still ahead of it, so a boundary day already belongs to the next
 *    step ("weekly until 6 weeks": the session on day 42 is fortnightly).
 *  - Adding months keeps the day of the month, or the month's last day if
 *    it has fewer (31 January + 1 month = 28 or 29 February).
 *  - The caller owns every struct; nothing here allocates.
 * Functions return DUE_OK (0) or a negative DUE_E* code.
 */
#ifndef REFLECT_DUE_H
#define REFLECT_DUE_H

#include <stddef.h>
#include <stdint.h>

#define DUE_STEPS_MAX 12
#define DUE_EVERY_MAX 366  /* an interval's count */
#define DUE_UNTIL_MAX 1200 /* an until's count (100 years in months) */
#define DUE_YEAR_MIN 1970
#define DUE_YEAR_MAX 2200

enum { DUE_OK = 0, DUE_EINVAL = -1, DUE_ERANGE = -2 };

/* The values are the wire's IntervalUnit. */
enum { DUE_DAY = 1, DUE_WEEK = 2, DUE_MONTH = 3 };

typedef struct {
  uint32_t count;
  int unit;
} due_interval;

typedef struct {
  due_interval every;
  due_interval until; /* count 0: no until (the last step) */
} due_step;

typedef struct {
  int year, month, day;
} due_date;

/* Why a rule's steps are not acceptable. */
typedef enum {
  DUE_RULE_OK = 0,
  DUE_RULE_NO_STEPS,
  DUE_RULE_TOO_MANY,
  DUE_RULE_BAD_EVERY,      /* count out of 1..DUE_EVERY_MAX or unknown unit */
  DUE_RULE_BAD_UNTIL,      /* count out of 1..DUE_UNTIL_MAX or unknown unit */
  DUE_RULE_MISSING_UNTIL,  /* a step before the last has no until */
  DUE_RULE_LAST_UNTIL,     /* the last step has one */
  DUE_RULE_NOT_INCREASING, /* an until is not after the one before it */
} due_rule_problem;

/* Checks steps; on a problem, *bad is the index of the step at fault. */
due_rule_problem due_rule_check(const due_step *steps, size_t n, size_t *bad);

/* Parses exactly "YYYY-MM-DD", a real date in DUE_YEAR_MIN..DUE_YEAR_MAX. */
int due_date_parse(const char *text, due_date *out);
/* "YYYY-MM-DD" into buf (at least 11 bytes). */
void due_date_format(due_date d, char *buf, size_t size);
/* Days since 1970-01-01, and back. */
int64_t due_date_days(due_date d);
due_date due_date_from_days(int64_t days);
/* Negative, zero or positive as a is before, on or after b. */
int due_date_cmp(due_date a, due_date b);
int due_date_add(due_date d, due_interval iv, due_date *out);

/* The index of the step in force on `at` for an agreement that started on
 * `start` (dates before the start are in the first step). */
int due_step_at(const due_step *steps, size_t n, due_date start, due_date at, size_t *index);
/* The date after `at` when the next session is due: at + the interval of
 * the step in force on `at`. */
int due_next_date(const due_step *steps, size_t n, due_date start, due_date at, due_date *next);
/* The same for a UTC instant: the date moves, the time of day stays.
 * DUE_ERANGE for an instant outside DUE_YEAR_MIN..DUE_YEAR_MAX. */
int due_next_time(const due_step *steps, size_t n, due_date start, int64_t at, int64_t *next);
/* Midnight UTC at the start of d. */
int64_t due_date_midnight(due_date d);
/* The civil date of t in the organisation's zone (the process's TZ);
 * 1970-01-01 for a t localtime cannot represent. */
due_date due_date_local(int64_t t);
/* t as "YYYY-MM-DD HH:MM ZONE" in that zone (serve sets TZ to it before
 * any thread starts), for messages: people book in local time.
 * DUE_TIME_MAX always suffices; "?" if t cannot be shown. */
#define DUE_TIME_MAX 48
void due_format_local(int64_t t, char *buf, size_t size);

#endif
