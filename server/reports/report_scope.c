/* report_scope: which team and which days a report covers, and who may ask. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "due.h"
#include "reports.h"
#include "store_teams.h"

/* Midnight at the start of a local civil day, in the organisation's zone
 * (serve sets TZ before any thread starts; mktime reads it). */
static int local_midnight(due_date d, int64_t *out)
{
  struct tm tm = {.tm_year = d.year - 1900, .tm_mon = d.month - 1, .tm_mday = d.day, .tm_isdst = -1};
  time_t t = mktime(&tm);
  if (t == (time_t)-1) return -1;
  *out = (int64_t)t;
  return 0;
}

static rcode parse_day(call *c, const char *field, const char *text, due_date *d)
{
  if (!text || !*text) return call_fail(c, RC_INVALID, field, "give the %s date as YYYY-MM-DD", field);
  if (due_date_parse(text, d) || d->year < 2000 || d->year > 2100)
    return call_fail(c, RC_INVALID, field, "'%.16s' is not a date YYYY-MM-DD between 2000 and 2100", text);
  return RC_OK;
}

rcode report_scope_resolve(call *c, const Reflect__V1__ReportScope *in, report_scope *out)
{
  memset(out, 0, sizeof *out);
  if (!in) return call_fail(c, RC_INVALID, "scope", "a report needs a team and a period");
  if (!in->team || !*in->team) return call_fail(c, RC_INVALID, "scope.team", "name the team");
  rcode rc = call_check_text(c, "scope.team", in->team, 120);
  if (rc) return rc;
  due_date from, to;
  if ((rc = parse_day(c, "from", in->from, &from)) || (rc = parse_day(c, "to", in->to, &to))) return rc;
  if (due_date_cmp(from, to) > 0) return call_fail(c, RC_INVALID, "from", "the period starts after it ends");
  if (due_date_days(to) - due_date_days(from) + 1 > REPORTS_DAYS_MAX)
    return call_fail(c, RC_INVALID, "to", "a report covers at most %d days", REPORTS_DAYS_MAX);
  due_date after = due_date_from_days(due_date_days(to) + 1);
  if (local_midnight(from, &out->start) || local_midnight(after, &out->end))
    return call_fail(c, RC_INVALID, "from", "the period cannot be placed in the organisation's time zone");
  out->as_of = out->end < c->now ? out->end : c->now;
  due_date_format(from, out->from, sizeof out->from);
  due_date_format(to, out->to, sizeof out->to);
  /* A team that does not exist is refused by the access check exactly as
   * one the caller may not see, so names cannot be probed. */
  int found = store_teams_find(c->s->db, in->team, &out->team_id);
  if (found && found != RC_NOT_FOUND) return call_fail(c, RC_INTERNAL, NULL, "could not look the team up");
  if (found == RC_NOT_FOUND) out->team_id = 0;
  out->team_name = arena_strdup(c->a, in->team);
  return out->team_name ? RC_OK : RC_EXHAUSTED;
}

static rcode inspector_granted(db *d, int64_t user, int64_t team, int *yes)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT 1 FROM inspector_grants WHERE user_id = ?1 AND team_id = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user);
  sqlite3_bind_int64(st, 2, team);
  int r = db_one_exists(st, yes);
  return r == SQLITE_ROW || r == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

rcode report_scope_check_access(call *c, const report_scope *sc)
{
  int yes = 0, manager = 0;
  if (sc->team_id) {
    int rc = RC_OK;
    if (c->who->role == ROLE_MANAGER) {
      rc = store_teams_membership(c->s->db, sc->team_id, c->who->user_id, &yes, &manager);
      yes = yes && manager;
    } else if (c->who->role == ROLE_INSPECTOR) {
      rc = inspector_granted(c->s->db, c->who->user_id, sc->team_id, &yes);
    }
    if (rc) return call_fail(c, RC_INTERNAL, NULL, "could not check access to the team");
  }
  if (yes) return RC_OK;
  return call_fail(c, RC_DENIED, "scope.team", "you may not see reports for team '%.120s'", sc->team_name);
}

Reflect__V1__ReportScope *report_scope_wire(call *c, const report_scope *sc)
{
  Reflect__V1__ReportScope *w = arena_alloc(c->a, sizeof *w);
  if (!w) return NULL;
  reflect__v1__report_scope__init(w);
  w->team = arena_strdup(c->a, sc->team_name ? sc->team_name : "");
  w->from = arena_strdup(c->a, sc->from);
  w->to = arena_strdup(c->a, sc->to);
  return w->team && w->from && w->to ? w : NULL;
}
