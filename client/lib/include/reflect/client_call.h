/*
 * client_call — libreflect's typed calls: one function per request, so a
 * program (the web gateway, a script's helper) never fills a Request's
 * oneof by hand or reads a reply of the wrong kind.
 *
 * Contract:
 *  - client_call_<op>(c, in, &rep, &result) wraps `in` (not copied, not
 *    freed: the caller's) in a Request and makes it with client_call.
 *  - It returns CLIENT_OK when a well-formed reply came back. Then *rep is
 *    the whole reply (the caller frees it with client_free_reply), and
 *    either its Status is OK and *result points at the op's result inside
 *    *rep, or the server refused and *result is NULL (client_reply_code and
 *    client_reply_message say why). A reply whose Status is OK but that
 *    carries another op's result is CLIENT_EPROTO.
 *  - On any other return *rep and *result are NULL.
 *  - result may be NULL when the caller wants only *rep.
 *  - Logging in and out are client_login and client_logout (client.h):
 *    they also keep the token, so they have no typed call here.
 *  - CLIENT_CALLS is the list itself (name, OP name, request type, result
 *    type, without the Reflect__V1__ prefix), for code that needs to walk
 *    it; tests/unit/client checks it against reflect.proto.
 */
#ifndef REFLECT_CLIENT_CALL_H
#define REFLECT_CLIENT_CALL_H

#include "reflect/client.h"
#include "reflect.pb-c.h"

#define CLIENT_CALLS(X)                                                                       \
  X(ping, PING, PingRequest, PingReply)                                                       \
  X(whoami, WHOAMI, WhoAmIRequest, WhoAmIReply)                                               \
  X(password_change, PASSWORD_CHANGE, PasswordChangeRequest, PasswordChangeReply)             \
  X(password_reset, PASSWORD_RESET, PasswordResetRequest, PasswordResetReply)                 \
  X(user_add, USER_ADD, UserAddRequest, UserAddReply)                                         \
  X(user_list, USER_LIST, UserListRequest, UserListReply)                                     \
  X(agreement_add, AGREEMENT_ADD, AgreementAddRequest, AgreementAddReply)                     \
  X(agreement_list, AGREEMENT_LIST, AgreementListRequest, AgreementListReply)                 \
  X(agreement_sign, AGREEMENT_SIGN, AgreementSignRequest, AgreementSignReply)                 \
  X(agreement_show, AGREEMENT_SHOW, AgreementShowRequest, AgreementShowReply)                 \
  X(agreement_end, AGREEMENT_END, AgreementEndRequest, AgreementEndReply)                     \
  X(due_list, DUE_LIST, DueListRequest, DueListReply)                                         \
  X(session_add, SESSION_ADD, SessionAddRequest, SessionAddReply)                             \
  X(session_list, SESSION_LIST, SessionListRequest, SessionListReply)                         \
  X(session_show, SESSION_SHOW, SessionShowRequest, SessionShowReply)                         \
  X(session_reschedule, SESSION_RESCHEDULE, SessionRescheduleRequest, SessionRescheduleReply) \
  X(session_status, SESSION_STATUS, SessionStatusRequest, SessionStatusReply)                 \
  X(session_plan, SESSION_PLAN, SessionPlanRequest, SessionPlanReply)                         \
  X(session_attendance, SESSION_ATTENDANCE, SessionAttendanceRequest, SessionAttendanceReply) \
  X(attendance_sign, ATTENDANCE_SIGN, AttendanceSignRequest, AttendanceSignReply)             \
  X(record_write, RECORD_WRITE, RecordWriteRequest, RecordWriteReply)                         \
  X(record_show, RECORD_SHOW, RecordShowRequest, RecordShowReply)                             \
  X(record_sign, RECORD_SIGN, RecordSignRequest, RecordSignReply)                             \
  X(record_comment, RECORD_COMMENT, RecordCommentRequest, RecordCommentReply)                 \
  X(record_history, RECORD_HISTORY, RecordHistoryRequest, RecordHistoryReply)                 \
  X(case_add, CASE_ADD, CaseAddRequest, CaseAddReply)                                         \
  X(case_list, CASE_LIST, CaseListRequest, CaseListReply)                                     \
  X(case_show, CASE_SHOW, CaseShowRequest, CaseShowReply)                                     \
  X(case_update, CASE_UPDATE, CaseUpdateRequest, CaseUpdateReply)                             \
  X(case_decisions, CASE_DECISIONS, CaseDecisionsRequest, CaseDecisionsReply)                 \
  X(case_person_add, CASE_PERSON_ADD, CasePersonAddRequest, CasePersonAddReply)               \
  X(case_people, CASE_PEOPLE, CasePeopleRequest, CasePeopleReply)                             \
  X(action_add, ACTION_ADD, ActionAddRequest, ActionAddReply)                                 \
  X(action_list, ACTION_LIST, ActionListRequest, ActionListReply)                             \
  X(action_close, ACTION_CLOSE, ActionCloseRequest, ActionCloseReply)                         \
  X(agenda, AGENDA, AgendaRequest, AgendaReply)                                               \
  X(rule_add, RULE_ADD, RuleAddRequest, RuleAddReply)                                         \
  X(rule_list, RULE_LIST, RuleListRequest, RuleListReply)                                     \
  X(team_add, TEAM_ADD, TeamAddRequest, TeamAddReply)                                         \
  X(team_member, TEAM_MEMBER, TeamMemberRequest, TeamMemberReply)                             \
  X(team_list, TEAM_LIST, TeamListRequest, TeamListReply)                                     \
  X(events_since, EVENTS_SINCE, EventsSinceRequest, EventsSinceReply)                         \
  X(goal_add, GOAL_ADD, GoalAddRequest, GoalAddReply)                                         \
  X(goal_list, GOAL_LIST, GoalListRequest, GoalListReply)                                     \
  X(kpi_define, KPI_DEFINE, KpiDefineRequest, KpiDefineReply)                                 \
  X(kpi_list, KPI_LIST, KpiListRequest, KpiListReply)                                         \
  X(kpi_assign, KPI_ASSIGN, KpiAssignRequest, KpiAssignReply)                                 \
  X(kpi_agree, KPI_AGREE, KpiAgreeRequest, KpiAgreeReply)                                     \
  X(kpi_record, KPI_RECORD, KpiRecordRequest, KpiRecordReply)                                 \
  X(kpi_report, KPI_REPORT, KpiReportRequest, KpiReportReply)                                 \
  X(report_compliance, REPORT_COMPLIANCE, ReportRequest, ComplianceReport)                    \
  X(report_coverage, REPORT_COVERAGE, ReportRequest, CoverageReport)                          \
  X(report_balance, REPORT_BALANCE, ReportRequest, BalanceReport)                             \
  X(report_actions, REPORT_ACTIONS, ReportRequest, ActionsReport)                             \
  X(report_survey, REPORT_SURVEY, ReportRequest, SurveyReport)                                \
  X(survey_answer, SURVEY_ANSWER, SurveyAnswerRequest, SurveyAnswerReply)                     \
  X(export_inspection, EXPORT_INSPECTION, ExportInspectionRequest, ExportInspectionReply)     \
  X(export_case, EXPORT_CASE, ExportCaseRequest, ExportCaseReply)                             \
  X(inspector_grant, INSPECTOR_GRANT, InspectorGrantRequest, InspectorGrantReply)             \
  X(audit_list, AUDIT_LIST, AuditListRequest, AuditListReply)                                 \
  X(draft_save, DRAFT_SAVE, DraftSaveRequest, DraftSaveReply)                                 \
  X(draft_get, DRAFT_GET, DraftGetRequest, DraftGetReply)                                     \
  X(draft_list, DRAFT_LIST, DraftListRequest, DraftListReply)                                 \
  X(draft_delete, DRAFT_DELETE, DraftDeleteRequest, DraftDeleteReply)                         \
  X(inbox, INBOX, InboxRequest, InboxReply)

#define CLIENT_CALL_DECLARE(name, OP, Req, Res)                                             \
  int client_call_##name(client *c, const Reflect__V1__##Req *in, Reflect__V1__Reply **rep, \
                         Reflect__V1__##Res **result);
CLIENT_CALLS(CLIENT_CALL_DECLARE)
#undef CLIENT_CALL_DECLARE

/* The Status code of a reply (0, OK, for a reply without one) and its
 * message ("" if none): what a refused typed call leaves to read. */
int client_reply_code(const Reflect__V1__Reply *rep);
const char *client_reply_message(const Reflect__V1__Reply *rep);
/* The field the server named as the problem, or "". */
const char *client_reply_field(const Reflect__V1__Reply *rep);

#endif
