/*
 * Seeds for the issue-5 requests (indicators, reports, survey, exports,
 * inspectors, a case's third parties): plausible values, so the fuzzer
 * starts past each handler's validation. Storage is static: the messages
 * live for the whole run of fuzz_seeds.
 */
#include "seeds_oversight.h"

size_t seeds_oversight(seed_op *out, size_t max)
{
  static Reflect__V1__CasePersonAddRequest cpa = REFLECT__V1__CASE_PERSON_ADD_REQUEST__INIT;
  cpa.reference = "CH-1";
  cpa.name = "Dana Third";
  cpa.relationship = "mother";
  static Reflect__V1__CasePeopleRequest cpl = REFLECT__V1__CASE_PEOPLE_REQUEST__INIT;
  cpl.reference = "CH-1";
  static Reflect__V1__GoalAddRequest gadd = REFLECT__V1__GOAL_ADD_REQUEST__INIT;
  gadd.name = "Children have timely plans";
  gadd.description = "Every child has an agreed plan soon after allocation";
  static Reflect__V1__GoalListRequest glist = REFLECT__V1__GOAL_LIST_REQUEST__INIT;
  static Reflect__V1__Indicator ind = REFLECT__V1__INDICATOR__INIT;
  ind.name = "Plans within 28 days";
  ind.definition = "Share of new cases with an agreed plan within 28 days";
  ind.measured_how = "Case audit at month end";
  ind.unit = "%";
  ind.scale_min = 0;
  ind.scale_max = 100;
  ind.direction = REFLECT__V1__KPI_DIRECTION__KPI_HIGHER_IS_BETTER;
  ind.period = REFLECT__V1__KPI_PERIOD__KPI_PERIOD_MONTH;
  ind.goal_id = 1;
  static Reflect__V1__KpiDefineRequest kdef = REFLECT__V1__KPI_DEFINE_REQUEST__INIT;
  kdef.indicator = &ind;
  static Reflect__V1__KpiListRequest klist = REFLECT__V1__KPI_LIST_REQUEST__INIT;
  static Reflect__V1__KpiAssignRequest kas = REFLECT__V1__KPI_ASSIGN_REQUEST__INIT;
  kas.indicator_id = 1;
  kas.practitioner = "prac";
  kas.baseline = 60;
  kas.target = 90;
  kas.from = "2026-01-01";
  static Reflect__V1__KpiAgreeRequest kag = REFLECT__V1__KPI_AGREE_REQUEST__INIT;
  kag.target_id = 1;
  static Reflect__V1__KpiRecordRequest krec = REFLECT__V1__KPI_RECORD_REQUEST__INIT;
  krec.indicator_id = 1;
  krec.practitioner = "prac";
  krec.period = "2026-01-01";
  krec.value = 75;
  krec.evidence = "audit of five cases";
  static Reflect__V1__KpiReportRequest krep = REFLECT__V1__KPI_REPORT_REQUEST__INIT;
  krep.practitioner = "prac";
  krep.periods = 6;
  static Reflect__V1__ReportScope scope = REFLECT__V1__REPORT_SCOPE__INIT;
  scope.team = "North";
  scope.from = "2026-01-01";
  scope.to = "2026-01-31";
  static Reflect__V1__ReportRequest rep = REFLECT__V1__REPORT_REQUEST__INIT;
  rep.scope = &scope;
  static uint32_t answers[] = {4, 5, 3, 4, 5};
  static Reflect__V1__SurveyAnswerRequest sa = REFLECT__V1__SURVEY_ANSWER_REQUEST__INIT;
  sa.session_id = 1;
  sa.n_answers = 5;
  sa.answers = answers;
  sa.comment = "helpful";
  static Reflect__V1__ExportInspectionRequest ei = REFLECT__V1__EXPORT_INSPECTION_REQUEST__INIT;
  ei.scope = &scope;
  ei.sample = 3;
  static Reflect__V1__ExportCaseRequest ec = REFLECT__V1__EXPORT_CASE_REQUEST__INIT;
  ec.reference = "CH-1";
  static Reflect__V1__InspectorGrantRequest ig = REFLECT__V1__INSPECTOR_GRANT_REQUEST__INIT;
  ig.inspector = "insp";
  ig.team = "North";
  static Reflect__V1__AuditListRequest al = REFLECT__V1__AUDIT_LIST_REQUEST__INIT;
  al.session_id = 1;
  al.from = 1767225600;
  al.limit = 10;
  static Reflect__V1__AuditListRequest alc = REFLECT__V1__AUDIT_LIST_REQUEST__INIT;
  alc.reference = "CH-1";

  const seed_op all[] = {
      {REFLECT__V1__REQUEST__OP_CASE_PERSON_ADD, &cpa},   {REFLECT__V1__REQUEST__OP_CASE_PEOPLE, &cpl},
      {REFLECT__V1__REQUEST__OP_GOAL_ADD, &gadd},         {REFLECT__V1__REQUEST__OP_GOAL_LIST, &glist},
      {REFLECT__V1__REQUEST__OP_KPI_DEFINE, &kdef},       {REFLECT__V1__REQUEST__OP_KPI_LIST, &klist},
      {REFLECT__V1__REQUEST__OP_KPI_ASSIGN, &kas},        {REFLECT__V1__REQUEST__OP_KPI_AGREE, &kag},
      {REFLECT__V1__REQUEST__OP_KPI_RECORD, &krec},       {REFLECT__V1__REQUEST__OP_KPI_REPORT, &krep},
      {REFLECT__V1__REQUEST__OP_REPORT_COMPLIANCE, &rep}, {REFLECT__V1__REQUEST__OP_REPORT_COVERAGE, &rep},
      {REFLECT__V1__REQUEST__OP_REPORT_BALANCE, &rep},    {REFLECT__V1__REQUEST__OP_REPORT_ACTIONS, &rep},
      {REFLECT__V1__REQUEST__OP_REPORT_SURVEY, &rep},     {REFLECT__V1__REQUEST__OP_SURVEY_ANSWER, &sa},
      {REFLECT__V1__REQUEST__OP_EXPORT_INSPECTION, &ei},  {REFLECT__V1__REQUEST__OP_EXPORT_CASE, &ec},
      {REFLECT__V1__REQUEST__OP_INSPECTOR_GRANT, &ig},    {REFLECT__V1__REQUEST__OP_AUDIT_LIST, &al},
      {REFLECT__V1__REQUEST__OP_AUDIT_LIST, &alc},
  };
  size_t n = sizeof all / sizeof all[0];
  if (n > max) n = max;
  for (size_t i = 0; i < n; i++) out[i] = all[i];
  return n;
}
