/* Inspectors: an administrator grants an inspector's account the evidence
 * of a team, and takes it back. The grant is what lets an inspector read
 * fully signed records and the team's evidence pack; its expiry is the
 * account's (ops_users). The authz table marks this op as ending logins,
 * so a revocation is effective on the very next request. */
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "ops.h"
#include "store_audit.h"
#include "store_inspectors.h"
#include "store_teams.h"

typedef struct {
  int64_t inspector, team;
  int revoke, changed;
} grant_tx;

static rcode grant_write(call *c, void *arg)
{
  grant_tx *g = arg;
  rcode rc = g->revoke ? store_inspectors_revoke(call_store(c), g->inspector, g->team, &g->changed)
                       : store_inspectors_grant(call_store(c), g->inspector, g->team, &g->changed);
  if (rc || !g->changed) return rc;
  /* The table holds only current grants; the audit log is the history. */
  char detail[48];
  snprintf(detail, sizeof detail, "team=%lld", (long long)g->team);
  rc = store_audit_append_id(call_store(c), g->revoke ? "inspector.revoke" : "inspector.grant", "user", g->inspector,
                             detail);
  /* The team's managers learn who now reads its evidence. */
  if (!rc && !g->revoke) rc = events_account_changed(c, EVENTS_ACCOUNT_INSPECTOR_GRANTED, g->inspector, g->team);
  return rc;
}

rcode ops_inspector_grant(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__InspectorGrantRequest *in = req->inspector_grant;
  if (!in) return call_fail(c, RC_INVALID, "inspector_grant", "missing inspector_grant");
  rcode rc = call_check_text(c, "inspector", in->inspector, USERNAME_MAX);
  if (!rc) rc = call_check_text(c, "team", in->team, TEAM_NAME_MAX);
  if (rc) return rc;
  user_row u;
  if (!store_users_valid_username(in->inspector) || store_users_find(c->s->db, in->inspector, &u) != RC_OK)
    return call_fail(c, RC_NOT_FOUND, "inspector", "no user called '%.64s'", in->inspector);
  u.pwhash[0] = '\0';
  if (u.role != ROLE_INSPECTOR)
    return call_fail(c, RC_PRECONDITION, "inspector", "'%s' is not an inspector", u.username);
  grant_tx g = {u.id, 0, in->revoke, 0};
  int found = store_teams_find(c->s->db, in->team, &g.team);
  if (found == RC_NOT_FOUND) return call_fail(c, RC_NOT_FOUND, "team", "no team called '%.64s'", in->team);
  if (found) return call_fail(c, RC_INTERNAL, NULL, "could not look the team up");
  rc = call_write(c, in->revoke ? "revoke the grant" : "grant the team", grant_write, &g);
  if (rc) return rc;
  Reflect__V1__InspectorGrantReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__inspector_grant_reply__init(r);
  /* Doing it twice is no error, but the administrator is told it changed
   * nothing (the status stays OK; the message says why). */
  if (!g.changed) {
    char msg[200];
    snprintf(msg, sizeof msg,
             in->revoke ? "%s had no grant for team '%.64s'; nothing changed"
                        : "%s already had team '%.64s'; nothing changed",
             u.username, in->team);
    c->rep->status->message = arena_strdup(c->a, msg);
    if (!c->rep->status->message) return RC_EXHAUSTED;
  }
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_INSPECTOR_GRANT;
  c->rep->inspector_grant = r;
  return RC_OK;
}
