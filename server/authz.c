#include "authz.h"

#define ADMIN        AUTHZ_ROLE(REFLECT__V1__ROLE__ROLE_ADMINISTRATOR)
#define MANAGER      AUTHZ_ROLE(REFLECT__V1__ROLE__ROLE_MANAGER)
#define SUPERVISOR   AUTHZ_ROLE(REFLECT__V1__ROLE__ROLE_SUPERVISOR)
#define PRACTITIONER AUTHZ_ROLE(REFLECT__V1__ROLE__ROLE_PRACTITIONER)
#define INSPECTOR    AUTHZ_ROLE(REFLECT__V1__ROLE__ROLE_INSPECTOR)
#define ANYONE       (ADMIN | MANAGER | SUPERVISOR | PRACTITIONER | INSPECTOR)
#define OP(x)        REFLECT__V1__REQUEST__OP_##x

/* Administrators run accounts, teams and configuration, not supervision:
 * they get no session, record or case request. Inspectors are read-only:
 * evidence packs and fully signed records of the teams they are granted
 * (the handlers check the grant and audit every read). Managers supervise
 * like supervisors, and oversee their teams read-only, without wellbeing
 * content (the handlers apply that object-level rule). */
static const authz_rule table[] = {
    /* op                    name                           allow                                slow ro ends */
    {OP(PING),            "ping",                        AUTHZ_PUBLIC,                          0, 1, 0},
    {OP(LOGIN),           "log in",                      AUTHZ_PUBLIC,                          1, 0, 1},
    {OP(LOGOUT),          "log out",                     ANYONE | AUTHZ_FIRST,                  0, 0, 1},
    {OP(WHOAMI),          "ask who they are",            ANYONE | AUTHZ_FIRST,                  0, 1, 0},
    {OP(PASSWORD_CHANGE), "change their password",       ANYONE | AUTHZ_FIRST,                  1, 0, 1},
    {OP(PASSWORD_RESET),  "reset passwords",             ADMIN,                                 1, 0, 1},
    {OP(USER_ADD),        "add users",                   ADMIN,                                 1, 0, 0},
    {OP(USER_LIST),       "list users",                  ADMIN | MANAGER,                       0, 1, 0},
    {OP(AGREEMENT_ADD),   "make supervision agreements", MANAGER | SUPERVISOR,                  0, 0, 0},
    {OP(AGREEMENT_LIST),  "list supervision agreements", MANAGER | SUPERVISOR | PRACTITIONER,   0, 1, 0},
    {OP(AGREEMENT_SIGN),  "sign supervision agreements", SUPERVISOR | PRACTITIONER,              0, 0, 0},
    {OP(AGREEMENT_SHOW),  "read supervision agreements", MANAGER | SUPERVISOR | PRACTITIONER,   0, 0, 0},
    {OP(AGREEMENT_END),   "end supervision agreements",  MANAGER | SUPERVISOR,                  0, 0, 0},
    {OP(DUE_LIST),        "see when supervision is due", MANAGER | SUPERVISOR | PRACTITIONER,   0, 1, 0},
    {OP(RULE_ADD),        "define frequency rules",      ADMIN | MANAGER,                       0, 0, 0},
    {OP(RULE_LIST),       "list frequency rules",        ADMIN | MANAGER | SUPERVISOR | PRACTITIONER, 0, 1, 0},
    {OP(TEAM_ADD),        "make teams",                  ADMIN,                                 0, 0, 0},
    {OP(TEAM_MEMBER),     "change who is in a team",     ADMIN,                                 0, 0, 0},
    {OP(TEAM_LIST),       "list teams",                  ADMIN | MANAGER,                       0, 1, 0},
    {OP(SESSION_ADD),     "schedule sessions",           MANAGER | SUPERVISOR,                  0, 0, 0},
    {OP(SESSION_LIST),    "list sessions",               MANAGER | SUPERVISOR | PRACTITIONER,   0, 1, 0},
    {OP(SESSION_SHOW),    "see sessions",                MANAGER | SUPERVISOR | PRACTITIONER,   0, 0, 0},
    {OP(SESSION_RESCHEDULE), "move sessions",            MANAGER | SUPERVISOR,                  0, 0, 0},
    {OP(SESSION_STATUS),  "change a session's status",   MANAGER | SUPERVISOR,                  0, 0, 0},
    {OP(SESSION_PLAN),    "plan sessions from an agreement", MANAGER | SUPERVISOR,              0, 0, 0},
    {OP(SESSION_ATTENDANCE), "record group attendance",   MANAGER | SUPERVISOR,                  0, 0, 0},
    {OP(ATTENDANCE_SIGN), "confirm their attendance",    SUPERVISOR | PRACTITIONER,             0, 0, 0},
    {OP(RECORD_WRITE),    "write records",               MANAGER | SUPERVISOR,                  0, 0, 0},
    {OP(RECORD_SHOW),     "read records",                MANAGER | SUPERVISOR | PRACTITIONER | INSPECTOR, 0, 0, 0},
    {OP(RECORD_SIGN),     "sign records",                MANAGER | SUPERVISOR | PRACTITIONER,   0, 0, 0},
    {OP(RECORD_COMMENT),  "comment on records",          MANAGER | SUPERVISOR | PRACTITIONER,   0, 0, 0},
    {OP(RECORD_HISTORY),  "see a record's history",      MANAGER | SUPERVISOR | PRACTITIONER,   0, 0, 0},
    {OP(ACTION_ADD),      "set actions",                 MANAGER | SUPERVISOR,                  0, 0, 0},
    {OP(ACTION_LIST),     "list actions",                MANAGER | SUPERVISOR | PRACTITIONER,   0, 0, 0},
    {OP(ACTION_CLOSE),    "close actions",               MANAGER | SUPERVISOR | PRACTITIONER,   0, 0, 0},
    {OP(CASE_ADD),        "open cases",                  MANAGER | SUPERVISOR,                  0, 0, 0},
    {OP(CASE_LIST),       "list cases",                  MANAGER | SUPERVISOR | PRACTITIONER,   0, 0, 0},
    {OP(CASE_SHOW),       "see cases",                   MANAGER | SUPERVISOR | PRACTITIONER,   0, 0, 0},
    {OP(CASE_UPDATE),     "change cases",                MANAGER | SUPERVISOR,                  0, 0, 0},
    {OP(CASE_DECISIONS),  "read a case's decisions",     MANAGER | SUPERVISOR | PRACTITIONER,   0, 0, 0},
    {OP(CASE_PERSON_ADD), "name a case's third parties", MANAGER | SUPERVISOR,                  0, 0, 0},
    {OP(CASE_PEOPLE),     "see a case's third parties",  MANAGER | SUPERVISOR,                  0, 0, 0},
    {OP(AGENDA),          "see a session's agenda",      MANAGER | SUPERVISOR | PRACTITIONER,   0, 0, 0},
    /* Only ever the caller's own events. */
    {OP(EVENTS_SINCE),    "catch up on their events",    ANYONE,                                0, 1, 0},
    /* Performance indicators: the organisation defines, supervisors and
     * managers set targets and record for those they supervise or oversee,
     * practitioners agree their own targets and see their own figures. */
    {OP(GOAL_ADD),        "set organisation goals",      ADMIN | MANAGER,                       0, 0, 0},
    {OP(GOAL_LIST),       "list organisation goals",     ADMIN | MANAGER | SUPERVISOR | PRACTITIONER, 0, 1, 0},
    {OP(KPI_DEFINE),      "define performance indicators", ADMIN | MANAGER,                     0, 0, 0},
    {OP(KPI_LIST),        "list performance indicators", ADMIN | MANAGER | SUPERVISOR | PRACTITIONER, 0, 1, 0},
    {OP(KPI_ASSIGN),      "set indicator targets",       MANAGER | SUPERVISOR,                  0, 0, 0},
    {OP(KPI_AGREE),       "agree their indicator targets", SUPERVISOR | PRACTITIONER,           0, 0, 0},
    {OP(KPI_RECORD),      "record indicator measurements", MANAGER | SUPERVISOR,                0, 0, 0},
    {OP(KPI_REPORT),      "see indicators against targets", MANAGER | SUPERVISOR | PRACTITIONER, 0, 1, 0},
    /* Oversight reports are a manager's, for the teams they manage; a
     * supervisor may see the survey about their own supervision. */
    {OP(REPORT_COMPLIANCE), "see supervision compliance", MANAGER,                              0, 1, 0},
    {OP(REPORT_COVERAGE), "see case coverage",           MANAGER,                               0, 1, 0},
    {OP(REPORT_BALANCE),  "see the balance of supervision", MANAGER,                            0, 1, 0},
    {OP(REPORT_ACTIONS),  "see actions by person and team", MANAGER,                            0, 1, 0},
    {OP(REPORT_SURVEY),   "see feedback survey results", MANAGER | SUPERVISOR,                  0, 1, 0},
    {OP(SURVEY_ANSWER),   "answer the feedback survey",  SUPERVISOR | PRACTITIONER,             0, 0, 0},
    /* Exports are audited, so they write. */
    {OP(EXPORT_INSPECTION), "export inspection evidence", MANAGER | INSPECTOR,                  0, 0, 0},
    {OP(EXPORT_CASE),     "export a child's record",     MANAGER,                               0, 0, 0},
    {OP(INSPECTOR_GRANT), "grant inspectors access",     ADMIN,                                 0, 0, 1},
    /* Who read or changed a record or case: the oversight of the managers
     * of the people concerned (checked by the handler). */
    {OP(AUDIT_LIST),      "see who read or changed a record", MANAGER,                          0, 1, 0},
};

const authz_rule *authz_find(Reflect__V1__Request__OpCase op)
{
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (table[i].op == op) return &table[i];
  return NULL;
}

int authz_allows(const authz_rule *rule, Reflect__V1__Role role)
{
  if (!rule) return 0;
  if (rule->allow & AUTHZ_PUBLIC) return 1;
  if (role <= REFLECT__V1__ROLE__ROLE_UNSPECIFIED || role > REFLECT__V1__ROLE__ROLE_INSPECTOR) return 0;
  return (rule->allow & AUTHZ_ROLE(role)) != 0;
}

const authz_rule *authz_table(size_t *n)
{
  *n = sizeof table / sizeof table[0];
  return table;
}
