/*
 * Writes a seed corpus for fuzz_dispatch: one valid request per op, sent
 * as each role (the token the target installs for it) and without a token,
 * with plausible field values so the fuzzer starts past the validation;
 * then requests at the edges of the text rules (wire.h).
 * usage: fuzz_seeds DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fuzz_common.h"
#include "seeds_oversight.h"
#include "wire.h"

static int n_written;

static void emit(const char *dir, Reflect__V1__Request *req)
{
  uint8_t *buf;
  size_t len;
  if (wire_encode(&req->base, &buf, &len)) exit(1);
  char path[512];
  snprintf(path, sizeof path, "%s/seed-%03d", dir, n_written++);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(buf, 1, len, f) != len) exit(1);
  fclose(f);
  free(buf);
}

/* Writes req with every '\x01' that follows a letter made `byte` (a NUL
 * cannot be put inside a C string before protobuf-c packs it). */
static void emit_patched(const char *dir, Reflect__V1__Request *req, uint8_t byte)
{
  uint8_t *buf;
  size_t len;
  if (wire_encode(&req->base, &buf, &len)) exit(1);
  for (size_t i = 1; i < len; i++)
    if (buf[i] == 0x01 && ((buf[i - 1] | 0x20) >= 'a' && (buf[i - 1] | 0x20) <= 'z')) buf[i] = byte;
  char path[512];
  snprintf(path, sizeof path, "%s/seed-%03d", dir, n_written++);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(buf, 1, len, f) != len) exit(1);
  fclose(f);
  free(buf);
}

/* The edges of the text rules (wire.h), so the fuzzer starts at them: a
 * NUL in a one-line field, a password and multi-line text; C1 controls,
 * bidi overrides and line breaks in one-line fields; CR, C1 and bidi in
 * multi-line text; and a field sent twice whose first copy is bad. */
static void emit_text_edges(const char *dir)
{
  uint8_t token[32];
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  req.protocol = WIRE_PROTOCOL;
  req.id = 9000;
  Reflect__V1__LoginRequest login = REFLECT__V1__LOGIN_REQUEST__INIT;
  req.op_case = REFLECT__V1__REQUEST__OP_LOGIN;
  req.login = &login;
  login.username = "prac\x01"
                   "anything";
  login.password = "fuzz-password-long";
  emit_patched(dir, &req, 0);
  login.username = "prac";
  login.password = "fuzz-password-long\x01"
                   "x";
  emit_patched(dir, &req, 0);

  fuzz_token(3, token);
  req.token.data = token;
  req.token.len = sizeof token;
  static const char *const one_line[] = {"Ann\xc2\x9b"
                                         "2J",
                                         "\xe2\x80\xae"
                                         "nnA",
                                         "Ann\nLee",
                                         "Ann\tLee",
                                         "A\xe2\x81\xa6"
                                         "x",
                                         "Ann\xe2\x80\xa8"
                                         "Lee"};
  Reflect__V1__CaseAddRequest ca = REFLECT__V1__CASE_ADD_REQUEST__INIT;
  ca.reference = "CH-EDGE-1";
  ca.risk = REFLECT__V1__RISK_LEVEL__RISK_LOW;
  ca.allocated = "prac";
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_ADD;
  req.case_add = &ca;
  for (size_t i = 0; i < sizeof one_line / sizeof one_line[0]; i++) {
    ca.name = (char *)one_line[i];
    emit(dir, &req);
  }
  static const char *const multi[] = {"ok\n\tindented", "crlf\r\nline",
                                      "csi \xc2\x9b"
                                      "31m",
                                      "rlo \xe2\x80\xae"
                                      "x",
                                      "nul\x01"
                                      "hidden"};
  Reflect__V1__RecordCommentRequest com = REFLECT__V1__RECORD_COMMENT_REQUEST__INIT;
  com.session_id = 1;
  com.kind = REFLECT__V1__COMMENT_KIND__COMMENT_NOTE;
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_COMMENT;
  req.record_comment = &com;
  for (size_t i = 0; i < sizeof multi / sizeof multi[0]; i++) {
    com.text = (char *)multi[i];
    emit_patched(dir, &req, 0);
  }
  Reflect__V1__RecordSection sec = REFLECT__V1__RECORD_SECTION__INIT, *secs[] = {&sec};
  sec.kind = REFLECT__V1__SECTION_KIND__SECTION_CASE;
  sec.case_reference = "CH-EDGE\x01";
  sec.situation = "s";
  Reflect__V1__RecordWriteRequest rw = REFLECT__V1__RECORD_WRITE_REQUEST__INIT;
  rw.session_id = 1;
  rw.n_sections = 1;
  rw.sections = secs;
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_WRITE;
  req.record_write = &rw;
  emit_patched(dir, &req, 0);
  /* LoginRequest{username "a\0b", username "prac", password}: protobuf-c
   * keeps the last copy; the first must still be refused. */
  static const uint8_t twice[] = {0x08, 0x01, 0x10, 0x2a, 0x5a, 0x0f, 0x0a, 0x03, 'a', 0x00, 'b',
                                  0x0a, 0x04, 'p',  'r',  'a',  'c',  0x12, 0x02, 'p', 'w'};
  char path[512];
  snprintf(path, sizeof path, "%s/seed-%03d", dir, n_written++);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(twice, 1, sizeof twice, f) != sizeof twice) exit(1);
  fclose(f);
}

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: fuzz_seeds DIR\n");
    return 2;
  }
  int64_t soon = (int64_t)time(NULL) + 86400;
  char *members[] = {"prac"};
  Reflect__V1__PingRequest ping = REFLECT__V1__PING_REQUEST__INIT;
  Reflect__V1__LoginRequest login = REFLECT__V1__LOGIN_REQUEST__INIT;
  login.username = "prac";
  login.password = "fuzz-password-long";
  Reflect__V1__LogoutRequest logout = REFLECT__V1__LOGOUT_REQUEST__INIT;
  Reflect__V1__WhoAmIRequest who = REFLECT__V1__WHO_AM_IREQUEST__INIT;
  Reflect__V1__UserAddRequest uadd = REFLECT__V1__USER_ADD_REQUEST__INIT;
  uadd.username = "newuser";
  uadd.name = "New User";
  uadd.role = REFLECT__V1__ROLE__ROLE_PRACTITIONER;
  uadd.password = "another-long-password";
  Reflect__V1__UserListRequest ulist = REFLECT__V1__USER_LIST_REQUEST__INIT;
  Reflect__V1__AgreementAddRequest aadd = REFLECT__V1__AGREEMENT_ADD_REQUEST__INIT;
  aadd.supervisee = "prac";
  aadd.every_days = 28;
  aadd.minutes = 90;
  Reflect__V1__AgreementListRequest alist = REFLECT__V1__AGREEMENT_LIST_REQUEST__INIT;
  Reflect__V1__AgreementSignRequest asign = REFLECT__V1__AGREEMENT_SIGN_REQUEST__INIT;
  asign.agreement_id = 1;
  Reflect__V1__SessionAddRequest sadd = REFLECT__V1__SESSION_ADD_REQUEST__INIT;
  sadd.members = members;
  sadd.n_members = 1;
  sadd.starts_at = soon;
  sadd.minutes = 90;
  sadd.room = "Room 1";
  Reflect__V1__SessionListRequest slist = REFLECT__V1__SESSION_LIST_REQUEST__INIT;
  slist.upcoming = 1;
  Reflect__V1__RecordWriteRequest rw = REFLECT__V1__RECORD_WRITE_REQUEST__INIT;
  rw.session_id = 1;
  rw.body = "Wellbeing: fine.\nCase: plan agreed.";
  rw.reason = "typo";
  Reflect__V1__RecordShowRequest rs = REFLECT__V1__RECORD_SHOW_REQUEST__INIT;
  rs.session_id = 1;
  Reflect__V1__PasswordChangeRequest pc = REFLECT__V1__PASSWORD_CHANGE_REQUEST__INIT;
  pc.current_password = "fuzz-password-long";
  pc.new_password = "another-long-password";
  Reflect__V1__PasswordResetRequest pr = REFLECT__V1__PASSWORD_RESET_REQUEST__INIT;
  pr.username = "prac";
  pr.new_password = "another-long-password";
  Reflect__V1__SessionShowRequest ss = REFLECT__V1__SESSION_SHOW_REQUEST__INIT;
  ss.session_id = 1;
  Reflect__V1__SessionRescheduleRequest sr = REFLECT__V1__SESSION_RESCHEDULE_REQUEST__INIT;
  sr.session_id = 1;
  sr.starts_at = soon + 7200;
  sr.reason = "moved";
  Reflect__V1__SessionStatusRequest st = REFLECT__V1__SESSION_STATUS_REQUEST__INIT;
  st.session_id = 1;
  st.status = REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED;
  st.reason = "sickness";
  Reflect__V1__CaseAddRequest ca = REFLECT__V1__CASE_ADD_REQUEST__INIT;
  ca.reference = "CH-1";
  ca.name = "A Child";
  ca.date_of_birth = "2015-01-31";
  ca.risk = REFLECT__V1__RISK_LEVEL__RISK_HIGH;
  ca.allocated = "prac";
  Reflect__V1__CaseListRequest cl = REFLECT__V1__CASE_LIST_REQUEST__INIT;
  Reflect__V1__RecordSignRequest rsg = REFLECT__V1__RECORD_SIGN_REQUEST__INIT;
  rsg.session_id = 1;
  rsg.revision = 1;
  Reflect__V1__RecordCommentRequest rc = REFLECT__V1__RECORD_COMMENT_REQUEST__INIT;
  rc.session_id = 1;
  rc.kind = REFLECT__V1__COMMENT_KIND__COMMENT_DISAGREEMENT;
  rc.text = "not agreed";
  Reflect__V1__RecordHistoryRequest rh = REFLECT__V1__RECORD_HISTORY_REQUEST__INIT;
  rh.session_id = 1;
  Reflect__V1__ActionAddRequest aad = REFLECT__V1__ACTION_ADD_REQUEST__INIT;
  aad.session_id = 1;
  aad.owner = "prac";
  aad.description = "visit";
  aad.due_at = soon;
  aad.case_id = 1;
  Reflect__V1__ActionListRequest al = REFLECT__V1__ACTION_LIST_REQUEST__INIT;
  al.overdue = 1;
  Reflect__V1__ActionCloseRequest ac = REFLECT__V1__ACTION_CLOSE_REQUEST__INIT;
  ac.id = 1;
  ac.status = REFLECT__V1__ACTION_STATUS__ACTION_DONE;
  ac.evidence = "done";
  Reflect__V1__CaseShowRequest cs = REFLECT__V1__CASE_SHOW_REQUEST__INIT;
  cs.reference = "ch-1";
  Reflect__V1__CaseUpdateRequest cu = REFLECT__V1__CASE_UPDATE_REQUEST__INIT;
  cu.id = 1;
  cu.risk = REFLECT__V1__RISK_LEVEL__RISK_LOW;

  /* Planning in full: rules, agreement versions, due dates, planning,
   * attendance, structured records, decisions, agendas and teams. */
  Reflect__V1__Interval week = REFLECT__V1__INTERVAL__INIT, six_weeks = REFLECT__V1__INTERVAL__INIT,
                        month = REFLECT__V1__INTERVAL__INIT;
  week.count = 1;
  week.unit = REFLECT__V1__INTERVAL_UNIT__UNIT_WEEK;
  six_weeks.count = 6;
  six_weeks.unit = REFLECT__V1__INTERVAL_UNIT__UNIT_WEEK;
  month.count = 1;
  month.unit = REFLECT__V1__INTERVAL_UNIT__UNIT_MONTH;
  Reflect__V1__FrequencyStep step1 = REFLECT__V1__FREQUENCY_STEP__INIT, step2 = REFLECT__V1__FREQUENCY_STEP__INIT;
  step1.every = &week;
  step1.until = &six_weeks;
  step2.every = &month;
  Reflect__V1__FrequencyStep *steps[] = {&step1, &step2};
  Reflect__V1__RuleAddRequest radd = REFLECT__V1__RULE_ADD_REQUEST__INIT;
  radd.name = "newly-qualified";
  radd.description = "weekly for 6 weeks, then monthly";
  radd.steps = steps;
  radd.n_steps = 2;
  Reflect__V1__RuleListRequest rlist = REFLECT__V1__RULE_LIST_REQUEST__INIT;
  Reflect__V1__AgreementAddRequest arev = REFLECT__V1__AGREEMENT_ADD_REQUEST__INIT;
  arev.supervisee = "prac";
  arev.rule = "newly-qualified";
  arev.minutes = 90;
  arev.booking = "first Monday";
  arev.confidentiality = "unless a child is at risk";
  arev.starts_on = "2026-01-05";
  arev.review_on = "2027-01-05";
  arev.revises = 1;
  Reflect__V1__AgreementShowRequest ashow = REFLECT__V1__AGREEMENT_SHOW_REQUEST__INIT;
  ashow.agreement_id = 1;
  Reflect__V1__AgreementEndRequest aend = REFLECT__V1__AGREEMENT_END_REQUEST__INIT;
  aend.agreement_id = 1;
  aend.reason = "moved team";
  Reflect__V1__DueListRequest due = REFLECT__V1__DUE_LIST_REQUEST__INIT;
  due.overdue = 1;
  Reflect__V1__InboxRequest inbox = REFLECT__V1__INBOX_REQUEST__INIT;
  Reflect__V1__SessionPlanRequest plan = REFLECT__V1__SESSION_PLAN_REQUEST__INIT;
  plan.supervisee = "prac";
  plan.count = 4;
  plan.first = soon;
  plan.book = 1;
  char *present[] = {"prac"};
  Reflect__V1__SessionAttendanceRequest att = REFLECT__V1__SESSION_ATTENDANCE_REQUEST__INIT;
  att.session_id = 1;
  att.present = present;
  att.n_present = 1;
  Reflect__V1__AttendanceSignRequest asg = REFLECT__V1__ATTENDANCE_SIGN_REQUEST__INIT;
  asg.session_id = 1;
  Reflect__V1__RecordSection sec_w = REFLECT__V1__RECORD_SECTION__INIT, sec_c = REFLECT__V1__RECORD_SECTION__INIT;
  sec_w.kind = REFLECT__V1__SECTION_KIND__SECTION_WELLBEING;
  sec_w.text = "tired after court";
  sec_c.kind = REFLECT__V1__SECTION_KIND__SECTION_CASE;
  sec_c.case_reference = "CH-1";
  sec_c.situation = "school absence";
  sec_c.decision = "visit weekly";
  sec_c.rationale = "risk rising";
  Reflect__V1__RecordSection *sections[] = {&sec_w, &sec_c};
  Reflect__V1__RecordWriteRequest rws = REFLECT__V1__RECORD_WRITE_REQUEST__INIT;
  rws.session_id = 1;
  rws.sections = sections;
  rws.n_sections = 2;
  Reflect__V1__CaseDecisionsRequest cd = REFLECT__V1__CASE_DECISIONS_REQUEST__INIT;
  cd.reference = "CH-1";
  Reflect__V1__AgendaRequest ag = REFLECT__V1__AGENDA_REQUEST__INIT;
  ag.session_id = 1;
  Reflect__V1__TeamAddRequest tadd = REFLECT__V1__TEAM_ADD_REQUEST__INIT;
  tadd.name = "North";
  Reflect__V1__TeamMemberRequest tmem = REFLECT__V1__TEAM_MEMBER_REQUEST__INIT;
  tmem.team = "North";
  tmem.username = "mgr";
  tmem.manager = 1;
  Reflect__V1__TeamListRequest tlist = REFLECT__V1__TEAM_LIST_REQUEST__INIT;
  Reflect__V1__EventsSinceRequest evs = REFLECT__V1__EVENTS_SINCE_REQUEST__INIT;
  evs.after = 1;
  evs.limit = 10;

  seed_op ops[96] = {
      {REFLECT__V1__REQUEST__OP_PING, &ping},
      {REFLECT__V1__REQUEST__OP_LOGIN, &login},
      {REFLECT__V1__REQUEST__OP_WHOAMI, &who},
      {REFLECT__V1__REQUEST__OP_USER_ADD, &uadd},
      {REFLECT__V1__REQUEST__OP_USER_LIST, &ulist},
      {REFLECT__V1__REQUEST__OP_AGREEMENT_ADD, &aadd},
      {REFLECT__V1__REQUEST__OP_AGREEMENT_LIST, &alist},
      {REFLECT__V1__REQUEST__OP_AGREEMENT_SIGN, &asign},
      {REFLECT__V1__REQUEST__OP_SESSION_ADD, &sadd},
      {REFLECT__V1__REQUEST__OP_SESSION_LIST, &slist},
      {REFLECT__V1__REQUEST__OP_RECORD_WRITE, &rw},
      {REFLECT__V1__REQUEST__OP_RECORD_SHOW, &rs},
      {REFLECT__V1__REQUEST__OP_PASSWORD_CHANGE, &pc},
      {REFLECT__V1__REQUEST__OP_PASSWORD_RESET, &pr},
      {REFLECT__V1__REQUEST__OP_SESSION_SHOW, &ss},
      {REFLECT__V1__REQUEST__OP_SESSION_RESCHEDULE, &sr},
      {REFLECT__V1__REQUEST__OP_SESSION_STATUS, &st},
      {REFLECT__V1__REQUEST__OP_CASE_ADD, &ca},
      {REFLECT__V1__REQUEST__OP_CASE_LIST, &cl},
      {REFLECT__V1__REQUEST__OP_CASE_SHOW, &cs},
      {REFLECT__V1__REQUEST__OP_CASE_UPDATE, &cu},
      {REFLECT__V1__REQUEST__OP_RECORD_SIGN, &rsg},
      {REFLECT__V1__REQUEST__OP_RECORD_COMMENT, &rc},
      {REFLECT__V1__REQUEST__OP_RECORD_HISTORY, &rh},
      {REFLECT__V1__REQUEST__OP_ACTION_ADD, &aad},
      {REFLECT__V1__REQUEST__OP_ACTION_LIST, &al},
      {REFLECT__V1__REQUEST__OP_ACTION_CLOSE, &ac},
      {REFLECT__V1__REQUEST__OP_RULE_ADD, &radd},
      {REFLECT__V1__REQUEST__OP_RULE_LIST, &rlist},
      {REFLECT__V1__REQUEST__OP_AGREEMENT_ADD, &arev},
      {REFLECT__V1__REQUEST__OP_AGREEMENT_SHOW, &ashow},
      {REFLECT__V1__REQUEST__OP_AGREEMENT_END, &aend},
      {REFLECT__V1__REQUEST__OP_DUE_LIST, &due},
      {REFLECT__V1__REQUEST__OP_INBOX, &inbox},
      {REFLECT__V1__REQUEST__OP_SESSION_PLAN, &plan},
      {REFLECT__V1__REQUEST__OP_SESSION_ATTENDANCE, &att},
      {REFLECT__V1__REQUEST__OP_ATTENDANCE_SIGN, &asg},
      {REFLECT__V1__REQUEST__OP_RECORD_WRITE, &rws},
      {REFLECT__V1__REQUEST__OP_CASE_DECISIONS, &cd},
      {REFLECT__V1__REQUEST__OP_AGENDA, &ag},
      {REFLECT__V1__REQUEST__OP_TEAM_ADD, &tadd},
      {REFLECT__V1__REQUEST__OP_TEAM_MEMBER, &tmem},
      {REFLECT__V1__REQUEST__OP_TEAM_LIST, &tlist},
      {REFLECT__V1__REQUEST__OP_EVENTS_SINCE, &evs},
      {REFLECT__V1__REQUEST__OP_LOGOUT, &logout},
  };
  size_t n_ops = 0;
  while (n_ops < 96 && ops[n_ops].msg) n_ops++;
  n_ops += seeds_oversight(ops + n_ops, 96 - n_ops);
  for (size_t i = 0; i < n_ops; i++) {
    for (int role = 0; role <= 5; role++) {
      Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
      uint8_t token[32];
      req.protocol = WIRE_PROTOCOL;
      req.id = (uint64_t)(i * 10 + (size_t)role);
      if (role) {
        fuzz_token(role, token);
        req.token.data = token;
        req.token.len = sizeof token;
      }
      req.op_case = ops[i].op;
      /* Every op member is a pointer at the same place in the oneof union. */
      req.ping = ops[i].msg;
      emit(argv[1], &req);
    }
  }
  emit_text_edges(argv[1]);
  printf("%d seeds in %s\n", n_written, argv[1]);
  return 0;
}
