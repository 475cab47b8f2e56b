#include "kpi_access.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ops.h"
#include "store_agreements.h"
#include "store_teams.h"
#include "store_users.h"

#define MANAGER ROLE_MANAGER

/* Today in the organisation's zone (serve sets TZ to it). */
void kpi_access_today(call *c, char out[KPI_DAY_SIZE])
{
  due_date_format(due_date_local(c->now), out, KPI_DAY_SIZE);
}

/* ---- whose figures ---- */

/* The one refusal for a subject that does not exist and one the caller
 * may not act for or see. */
static rcode refuse_subject(call *c, const char *field, const char *name)
{
  return call_fail(c, RC_DENIED, field, "'%.64s' does not exist or is not someone whose indicators you %s", name,
                   strcmp(field, "team") == 0 ? "manage" : "supervise or oversee");
}

/* A practitioner (by username) or a team (by name), exactly one;
 * *exists = 0 for one that does not exist (the caller refuses). */
rcode kpi_access_find(call *c, const char *practitioner, const char *team, kpi_subject *who, int *exists)
{
  *who = (kpi_subject){0, 0};
  *exists = 0;
  if (*practitioner && *team) return call_fail(c, RC_INVALID, "team", "give a practitioner or a team, not both");
  if (!*practitioner && !*team) return call_fail(c, RC_INVALID, "practitioner", "give a practitioner or a team");
  int rc;
  if (*team) {
    rc = strlen(team) <= TEAM_NAME_MAX ? store_teams_find(c->s->db, team, &who->team_id) : RC_NOT_FOUND;
  } else {
    user_row u;
    rc = store_users_valid_username(practitioner) ? store_users_find(c->s->db, practitioner, &u) : RC_NOT_FOUND;
    if (!rc && u.active && (u.role == ROLE_PRACTITIONER || u.role == ROLE_SUPERVISOR)) who->user_id = u.id;
    else if (!rc) rc = RC_NOT_FOUND; /* only practitioners and supervisors have indicators */
  }
  if (rc && rc != RC_NOT_FOUND) return call_fail(c, RC_INTERNAL, NULL, "could not look the subject up");
  *exists = rc == RC_OK;
  return RC_OK;
}

/* May the caller set targets and record for who: a supervisee under an
 * active agreement, or (a manager) someone in a team they manage, or a
 * team they manage; never themselves. */
rcode kpi_access_may_act(call *c, const kpi_subject *who, int *ok)
{
  *ok = 0;
  int64_t me = c->who->user_id, agreement;
  if (who->team_id) {
    int in = 0, manager = 0;
    if (store_teams_membership(c->s->db, who->team_id, me, &in, &manager)) return RC_INTERNAL;
    *ok = c->who->role == MANAGER && in && manager;
    return RC_OK;
  }
  if (who->user_id == me) return RC_OK;
  int found = store_agreements_active(c->s->db, me, who->user_id, &agreement);
  if (found && found != RC_NOT_FOUND) return RC_INTERNAL;
  *ok = found == RC_OK;
  if (!*ok && c->who->role == MANAGER && store_teams_oversees(c->s->db, me, who->user_id, ok)) return RC_INTERNAL;
  return RC_OK;
}

/* The subject named by a request the caller acts for, or the refusal. */
rcode kpi_access_acting(call *c, const char *practitioner, const char *team, kpi_subject *who)
{
  int exists = 0, ok = 0;
  rcode rc = kpi_access_find(c, practitioner, team, who, &exists);
  if (!rc && exists && kpi_access_may_act(c, who, &ok)) return RC_INTERNAL;
  if (rc || ok) return rc;
  return *team ? refuse_subject(c, "team", team) : refuse_subject(c, "practitioner", practitioner);
}

/* The indicator's latest version, or NOT_FOUND naming field. */
rcode kpi_access_indicator(call *c, uint64_t id, const char *field, kpi_indicator *out)
{
  int rc = id && id <= INT64_MAX ? store_kpis_indicator_get(call_store(c), (int64_t)id, 0, out) : RC_NOT_FOUND;
  if (rc == RC_NOT_FOUND) return call_fail(c, RC_NOT_FOUND, field, "no indicator %llu", (unsigned long long)id);
  return rc ? call_fail(c, RC_INTERNAL, NULL, "could not read the indicator") : RC_OK;
}

rcode kpi_access_on_scale(call *c, const char *field, double v, const kpi_indicator *ind)
{
  if (isfinite(v) && v >= ind->scale_min && v <= ind->scale_max) return RC_OK;
  return call_fail(c, RC_INVALID, field, "'%s' is measured from %g to %g %s", ind->name, ind->scale_min, ind->scale_max,
                   ind->unit);
}

void kpi_access_detail(char *buf, size_t size, const char *prefix, const kpi_subject *who)
{
  snprintf(buf, size, "%s;%s=%lld", prefix, who->team_id ? "team" : "user",
           (long long)(who->team_id ? who->team_id : who->user_id));
}

rcode kpi_access_may_see(call *c, const kpi_subject *who, int *ok)
{
  *ok = who->user_id && who->user_id == c->who->user_id;
  return *ok ? RC_OK : kpi_access_may_act(c, who, ok);
}

rcode kpi_access_seeing(call *c, const char *practitioner, const char *team, kpi_subject *who)
{
  if (!*practitioner && !*team) {
    if (c->who->role != ROLE_PRACTITIONER && c->who->role != ROLE_SUPERVISOR)
      return call_fail(c, RC_INVALID, "practitioner", "name a practitioner or a team");
    *who = (kpi_subject){c->who->user_id, 0};
    return RC_OK;
  }
  int exists = 0, ok = 0;
  rcode rc = kpi_access_find(c, practitioner, team, who, &exists);
  if (!rc && exists && kpi_access_may_see(c, who, &ok)) return RC_INTERNAL;
  if (rc || ok) return rc;
  return *team ? refuse_subject(c, "team", team) : refuse_subject(c, "practitioner", practitioner);
}
