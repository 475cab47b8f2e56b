#include "requests.h"

#include "ops.h"

#define ADMIN REQUEST_ROLE(ROLE_ADMINISTRATOR)
#define MANAGER REQUEST_ROLE(ROLE_MANAGER)
#define SUPERVISOR REQUEST_ROLE(ROLE_SUPERVISOR)
#define PRACTITIONER REQUEST_ROLE(ROLE_PRACTITIONER)
#define INSPECTOR REQUEST_ROLE(ROLE_INSPECTOR)
#define ANYONE (ADMIN | MANAGER | SUPERVISOR | PRACTITIONER | INSPECTOR)
#define OP(x) REFLECT__V1__REQUEST__OP_##x

/* Administrators run accounts, teams and configuration, not supervision:
 * they get no session, record or case request. Inspectors are read-only:
 * evidence packs and fully signed records of the teams they are granted
 * (the handlers check the grant and audit every read). Managers supervise
 * like supervisors, and oversee their teams read-only, without wellbeing
 * content (the handlers apply that object-level rule). */
/* clang-format off: the table reads best in aligned columns */
static const request_rule table[] = {
    /* op, how refusals name it, handler, who may send it, slow, read-only, ends logins */
    {OP(PING), "ping", ops_ping, REQUEST_PUBLIC, 0, 1, 0},
    {OP(LOGIN), "log in", ops_login, REQUEST_PUBLIC, 1, 0, 1},
    {OP(LOGOUT), "log out", ops_logout, ANYONE | REQUEST_FIRST, 0, 0, 1},
    {OP(WHOAMI), "ask who they are", ops_whoami, ANYONE | REQUEST_FIRST, 0, 1, 0},
    {OP(PASSWORD_CHANGE), "change their password", ops_password_change, ANYONE | REQUEST_FIRST, 1, 0, 1},
    {OP(PASSWORD_RESET), "reset passwords", ops_password_reset, ADMIN, 1, 0, 1},
    {OP(USER_ADD), "add users", ops_user_add, ADMIN, 1, 0, 0},
    {OP(USER_LIST), "list users", ops_user_list, ADMIN | MANAGER, 0, 1, 0},
    {OP(AGREEMENT_ADD), "make supervision agreements", ops_agreement_add, MANAGER | SUPERVISOR, 0, 0, 0},
    {OP(AGREEMENT_LIST), "list supervision agreements", ops_agreement_list, MANAGER | SUPERVISOR | PRACTITIONER, 0, 1,
     0},
    {OP(AGREEMENT_SIGN), "sign supervision agreements", ops_agreement_sign, SUPERVISOR | PRACTITIONER, 0, 0, 0},
    {OP(AGREEMENT_SHOW), "read supervision agreements", ops_agreement_show, MANAGER | SUPERVISOR | PRACTITIONER, 0, 0,
     0},
    {OP(AGREEMENT_END), "end supervision agreements", ops_agreement_end, MANAGER | SUPERVISOR, 0, 0, 0},
    {OP(DUE_LIST), "see when supervision is due", ops_due_list, MANAGER | SUPERVISOR | PRACTITIONER, 0, 1, 0},
    {OP(RULE_ADD), "define frequency rules", ops_rule_add, ADMIN | MANAGER, 0, 0, 0},
    {OP(RULE_LIST), "list frequency rules", ops_rule_list, ADMIN | MANAGER | SUPERVISOR | PRACTITIONER, 0, 1, 0},
    {OP(TEAM_ADD), "make teams", ops_team_add, ADMIN, 0, 0, 0},
    {OP(TEAM_MEMBER), "change who is in a team", ops_team_member, ADMIN, 0, 0, 0},
    {OP(TEAM_LIST), "list teams", ops_team_list, ADMIN | MANAGER, 0, 1, 0},
    {OP(SESSION_ADD), "schedule sessions", ops_session_add, MANAGER | SUPERVISOR, 0, 0, 0},
    {OP(SESSION_LIST), "list sessions", ops_session_list, MANAGER | SUPERVISOR | PRACTITIONER, 0, 1, 0},
    {OP(SESSION_SHOW), "see sessions", ops_session_show, MANAGER | SUPERVISOR | PRACTITIONER, 0, 0, 0},
    {OP(SESSION_RESCHEDULE), "move sessions", ops_session_reschedule, MANAGER | SUPERVISOR, 0, 0, 0},
    {OP(SESSION_STATUS), "change a session's status", ops_session_status, MANAGER | SUPERVISOR, 0, 0, 0},
    {OP(SESSION_PLAN), "plan sessions from an agreement", ops_session_plan, MANAGER | SUPERVISOR, 0, 0, 0},
    {OP(SESSION_ATTENDANCE), "record group attendance", ops_session_attendance, MANAGER | SUPERVISOR, 0, 0, 0},
    {OP(ATTENDANCE_SIGN), "confirm their attendance", ops_attendance_sign, SUPERVISOR | PRACTITIONER, 0, 0, 0},
    {OP(RECORD_WRITE), "write records", ops_record_write, MANAGER | SUPERVISOR, 0, 0, 0},
    {OP(RECORD_SHOW), "read records", ops_record_show, MANAGER | SUPERVISOR | PRACTITIONER | INSPECTOR, 0, 0, 0},
    {OP(RECORD_SIGN), "sign records", ops_record_sign, MANAGER | SUPERVISOR | PRACTITIONER, 0, 0, 0},
    {OP(RECORD_COMMENT), "comment on records", ops_record_comment, MANAGER | SUPERVISOR | PRACTITIONER, 0, 0, 0},
    {OP(RECORD_HISTORY), "see a record's history", ops_record_history, MANAGER | SUPERVISOR | PRACTITIONER, 0, 0, 0},
    {OP(ACTION_ADD), "set actions", ops_action_add, MANAGER | SUPERVISOR, 0, 0, 0},
    {OP(ACTION_LIST), "list actions", ops_action_list, MANAGER | SUPERVISOR | PRACTITIONER, 0, 0, 0},
    {OP(ACTION_CLOSE), "close actions", ops_action_close, MANAGER | SUPERVISOR | PRACTITIONER, 0, 0, 0},
    {OP(CASE_ADD), "open cases", ops_case_add, MANAGER | SUPERVISOR, 0, 0, 0},
    {OP(CASE_LIST), "list cases", ops_case_list, MANAGER | SUPERVISOR | PRACTITIONER, 0, 0, 0},
    {OP(CASE_SHOW), "see cases", ops_case_show, MANAGER | SUPERVISOR | PRACTITIONER, 0, 0, 0},
    {OP(CASE_UPDATE), "change cases", ops_case_update, MANAGER | SUPERVISOR, 0, 0, 0},
    {OP(CASE_DECISIONS), "read a case's decisions", ops_case_decisions, MANAGER | SUPERVISOR | PRACTITIONER, 0, 0, 0},
    {OP(CASE_PERSON_ADD), "name a case's third parties", ops_case_person_add, MANAGER | SUPERVISOR, 0, 0, 0},
    {OP(CASE_PEOPLE), "see a case's third parties", ops_case_people, MANAGER | SUPERVISOR, 0, 0, 0},
    {OP(AGENDA), "see a session's agenda", ops_agenda, MANAGER | SUPERVISOR | PRACTITIONER, 0, 0, 0},
    /* Only ever the caller's own events. */
    {OP(EVENTS_SINCE), "catch up on their events", ops_events_since, ANYONE, 0, 1, 0},
    /* Performance indicators: the organisation defines, supervisors and
     * managers set targets and record for those they supervise or oversee,
     * practitioners agree their own targets and see their own figures. */
    {OP(GOAL_ADD), "set organisation goals", ops_goal_add, ADMIN | MANAGER, 0, 0, 0},
    {OP(GOAL_LIST), "list organisation goals", ops_goal_list, ADMIN | MANAGER | SUPERVISOR | PRACTITIONER, 0, 1, 0},
    {OP(KPI_DEFINE), "define performance indicators", ops_kpi_define, ADMIN | MANAGER, 0, 0, 0},
    {OP(KPI_LIST), "list performance indicators", ops_kpi_list, ADMIN | MANAGER | SUPERVISOR | PRACTITIONER, 0, 1, 0},
    {OP(KPI_ASSIGN), "set indicator targets", ops_kpi_assign, MANAGER | SUPERVISOR, 0, 0, 0},
    {OP(KPI_AGREE), "agree their indicator targets", ops_kpi_agree, SUPERVISOR | PRACTITIONER, 0, 0, 0},
    {OP(KPI_RECORD), "record indicator measurements", ops_kpi_record, MANAGER | SUPERVISOR, 0, 0, 0},
    {OP(KPI_REPORT), "see indicators against targets", ops_kpi_report, MANAGER | SUPERVISOR | PRACTITIONER, 0, 1, 0},
    /* Oversight reports are a manager's, for the teams they manage; a
     * supervisor may see the survey about their own supervision. */
    {OP(REPORT_COMPLIANCE), "see supervision compliance", ops_report_compliance, MANAGER, 0, 1, 0},
    {OP(REPORT_COVERAGE), "see case coverage", ops_report_coverage, MANAGER, 0, 1, 0},
    {OP(REPORT_BALANCE), "see the balance of supervision", ops_report_balance, MANAGER, 0, 1, 0},
    {OP(REPORT_ACTIONS), "see actions by person and team", ops_report_actions, MANAGER, 0, 1, 0},
    {OP(REPORT_SURVEY), "see feedback survey results", ops_report_survey, MANAGER | SUPERVISOR, 0, 1, 0},
    {OP(SURVEY_ANSWER), "answer the feedback survey", ops_survey_answer, SUPERVISOR | PRACTITIONER, 0, 0, 0},
    /* Exports are audited, so they write. */
    {OP(EXPORT_INSPECTION), "export inspection evidence", ops_export_inspection, MANAGER | INSPECTOR, 0, 0, 0},
    {OP(EXPORT_CASE), "export a child's record", ops_export_case, MANAGER, 0, 0, 0},
    {OP(INSPECTOR_GRANT), "grant inspectors access", ops_inspector_grant, ADMIN, 0, 0, 1},
    /* Who read or changed a record or case: the oversight of the managers
     * of the people concerned (checked by the handler). */
    {OP(AUDIT_LIST), "see who read or changed a record", ops_audit_list, MANAGER, 0, 1, 0},
    /* What waits for the caller: metadata of their own items only, so
     * nothing to audit. Not for administrators (no supervision) nor
     * inspectors (read-only: nothing is ever theirs to do). */
    {OP(INBOX), "see what is waiting for them", ops_inbox, MANAGER | SUPERVISOR | PRACTITIONER, 0, 1, 0},
    /* A person's own unsaved words: those who write records keep them. */
    {OP(DRAFT_SAVE), "save drafts", ops_draft_save, MANAGER | SUPERVISOR | PRACTITIONER, 0, 0, 0},
    {OP(DRAFT_GET), "read drafts", ops_draft_get, MANAGER | SUPERVISOR | PRACTITIONER, 0, 1, 0},
    {OP(DRAFT_LIST), "list drafts", ops_draft_list, MANAGER | SUPERVISOR | PRACTITIONER, 0, 1, 0},
    {OP(DRAFT_DELETE), "discard drafts", ops_draft_delete, MANAGER | SUPERVISOR | PRACTITIONER, 0, 0, 0},
};
/* clang-format on */

const request_rule *requests_find(Reflect__V1__Request__OpCase op)
{
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (table[i].op == op) return &table[i];
  return NULL;
}

int requests_allow(const request_rule *rule, user_role role)
{
  if (!rule) return 0;
  if (rule->allow & REQUEST_PUBLIC) return 1;
  if (role <= ROLE_UNSPECIFIED || role > ROLE_INSPECTOR) return 0;
  return (rule->allow & REQUEST_ROLE(role)) != 0;
}

const request_rule *requests_table(size_t *n)
{
  *n = sizeof table / sizeof table[0];
  return table;
}
