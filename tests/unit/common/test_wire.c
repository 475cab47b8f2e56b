#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

Test(wire, utf8_accepts_text_with_newlines_and_accents)
{
  cr_assert_eq(wire_check_utf8("Café\nline two\tand \xe2\x82\xac", 100), WIRE_OK);
  cr_assert_eq(wire_check_utf8("\xf0\x9f\x98\x80", 4), WIRE_OK);
}

Test(wire, utf8_refuses_malformed_and_control)
{
  cr_assert_eq(wire_check_utf8("\xc0\xaf", 10), WIRE_EUTF8, "overlong slash");
  cr_assert_eq(wire_check_utf8("\xed\xa0\x80", 10), WIRE_EUTF8, "surrogate");
  cr_assert_eq(wire_check_utf8("\xf4\x90\x80\x80", 10), WIRE_EUTF8, "past U+10FFFF");
  cr_assert_eq(wire_check_utf8("\xe2\x82", 10), WIRE_EUTF8, "truncated");
  cr_assert_eq(wire_check_utf8("bell\x07", 10), WIRE_EUTF8, "control character");
  cr_assert_eq(wire_check_utf8("abcdef", 5), WIRE_EUTF8, "over the byte limit");
}

Test(wire, round_trips_a_request)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__LoginRequest login = REFLECT__V1__LOGIN_REQUEST__INIT;
  login.username = "amira";
  login.password = "correct horse";
  req.protocol = WIRE_PROTOCOL;
  req.id = 42;
  req.op_case = REFLECT__V1__REQUEST__OP_LOGIN;
  req.login = &login;
  uint8_t *buf;
  size_t len;
  cr_assert_eq(wire_encode(&req.base, &buf, &len), WIRE_OK);
  Reflect__V1__Request *out;
  cr_assert_eq(wire_decode_request(buf, len, &out, NULL), WIRE_OK);
  cr_assert_eq(out->id, 42);
  cr_assert_eq(out->op_case, REFLECT__V1__REQUEST__OP_LOGIN);
  cr_assert_str_eq(out->login->username, "amira");
  wire_free_request(out);
  free(buf);
}

Test(wire, refuses_invalid_utf8_in_a_nested_string)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionAddRequest add = REFLECT__V1__SESSION_ADD_REQUEST__INIT;
  char *members[] = {"ok", "bad\xff"};
  add.n_members = 2;
  add.members = members;
  add.room = "";
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_ADD;
  req.session_add = &add;
  uint8_t *buf;
  size_t len;
  cr_assert_eq(wire_encode(&req.base, &buf, &len), WIRE_OK);
  Reflect__V1__Request *out = (void *)1;
  cr_assert_eq(wire_decode_request(buf, len, &out, NULL), WIRE_EUTF8);
  cr_assert_null(out);
  free(buf);
}

Test(wire, garbage_and_truncation_are_decode_errors)
{
  const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  Reflect__V1__Request *out;
  cr_assert_eq(wire_decode_request(junk, sizeof junk, &out, NULL), WIRE_EDECODE);
  /* field 11 (login), length 100, but only 2 bytes follow */
  const uint8_t trunc[] = {0x5a, 100, 0x0a, 0x00};
  cr_assert_eq(wire_decode_request(trunc, sizeof trunc, &out, NULL), WIRE_EDECODE);
}

Test(wire, memory_budget_caps_amplification)
{
  /* A UserListReply with ~400k empty User entries: 2 bytes each on the wire,
   * ~100 bytes each decoded. The decoder must refuse, not allocate 40 MiB. */
  size_t n = 400000;
  size_t len = 3 + 4 + n * 2;
  uint8_t *buf = malloc(len);
  size_t o = 0;
  buf[o++] = 0xaa; /* Reply.user_list: tag (21 << 3) | 2 = 170, a two-byte varint */
  buf[o++] = 0x01;
  size_t inner = n * 2;
  while (inner >= 0x80) {
    buf[o++] = (uint8_t)(inner | 0x80);
    inner >>= 7;
  }
  buf[o++] = (uint8_t)inner;
  for (size_t i = 0; i < n; i++) {
    buf[o++] = (1 << 3) | 2;
    buf[o++] = 0;
  }
  Reflect__V1__Reply *out;
  int rc = wire_decode_reply(buf, o, &out);
  cr_assert_eq(rc, WIRE_EBUDGET, "got %d", rc);
  free(buf);
}

Test(wire, oversized_frame_is_refused_before_decoding)
{
  Reflect__V1__Request *out;
  uint8_t byte = 0;
  cr_assert_eq(wire_decode_request(&byte, WIRE_MAX_FRAME + 1, &out, NULL), WIRE_ETOOBIG);
}

/* ---- Text kinds: NUL, controls and bidi per kind of field ---- */

/* Encodes req, then turns the first byte of each "\x01" marker in the frame
 * into what the test needs (protobuf-c packs C strings, so a NUL inside one
 * can only be made afterwards). The marker is a byte no other part of these
 * small frames holds after a letter. */
static uint8_t *encode_with(Reflect__V1__Request *req, uint8_t byte, size_t *len)
{
  uint8_t *buf;
  cr_assert_eq(wire_encode(&req->base, &buf, len), WIRE_OK);
  int found = 0;
  for (size_t i = 0; i < *len; i++)
    if (buf[i] == 0x01 && i > 0 && ((buf[i - 1] | 0x20) >= 'a' && (buf[i - 1] | 0x20) <= 'z')) {
      buf[i] = byte;
      found = 1;
    }
  cr_assert(found, "the marker is in the frame");
  return buf;
}

static int decode(const uint8_t *buf, size_t len, wire_error *why)
{
  Reflect__V1__Request *out = NULL;
  int rc = wire_decode_request(buf, len, &out, why);
  if (rc == WIRE_OK) wire_free_request(out);
  else cr_assert_null(out);
  return rc;
}

static Reflect__V1__LoginRequest login_of(char *username, char *password)
{
  Reflect__V1__LoginRequest l = REFLECT__V1__LOGIN_REQUEST__INIT;
  l.username = username;
  l.password = password;
  return l;
}

Test(wire, a_nul_in_any_string_field_is_refused_and_named)
{
  wire_error why;
  size_t len;
  uint8_t *buf;
  /* One line: `victim\0anything` must not log in as victim. */
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__LoginRequest login = login_of("victim\x01"
                                             "anything",
                                             "pw");
  req.op_case = REFLECT__V1__REQUEST__OP_LOGIN;
  req.login = &login;
  buf = encode_with(&req, 0, &len);
  cr_assert_eq(decode(buf, len, &why), WIRE_ENUL);
  cr_assert_str_eq(why.field, "username");
  free(buf);
  /* A secret. */
  login = login_of("victim", "right\x01"
                             "wrong");
  buf = encode_with(&req, 0, &len);
  cr_assert_eq(decode(buf, len, &why), WIRE_ENUL);
  cr_assert_str_eq(why.field, "password");
  free(buf);
  /* Multi-line text, nested in a repeated message. */
  Reflect__V1__RecordSection s0 = REFLECT__V1__RECORD_SECTION__INIT, s1 = REFLECT__V1__RECORD_SECTION__INIT;
  Reflect__V1__RecordSection *sections[] = {&s0, &s1};
  s0.text = "fine";
  s1.situation = "first part\x01 hidden part";
  Reflect__V1__RecordWriteRequest w = REFLECT__V1__RECORD_WRITE_REQUEST__INIT;
  w.session_id = 3;
  w.n_sections = 2;
  w.sections = sections;
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_WRITE;
  req.record_write = &w;
  buf = encode_with(&req, 0, &len);
  cr_assert_eq(decode(buf, len, &why), WIRE_ENUL);
  cr_assert_str_eq(why.field, "sections[1].situation");
  free(buf);
  /* A repeated string. */
  char *members[] = {"pat", "quinn\x01"};
  Reflect__V1__SessionAddRequest add = REFLECT__V1__SESSION_ADD_REQUEST__INIT;
  add.n_members = 2;
  add.members = members;
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_ADD;
  req.session_add = &add;
  buf = encode_with(&req, 0, &len);
  cr_assert_eq(decode(buf, len, &why), WIRE_ENUL);
  cr_assert_str_eq(why.field, "members[1]");
  free(buf);
}

Test(wire, a_field_sent_twice_is_checked_both_times)
{
  /* protobuf-c keeps the last of a repeated non-repeated field: the bad
   * first one must still be seen. LoginRequest{username "a\0b"} twice. */
  const uint8_t frame[] = {0x08, 0x01,                 /* protocol 1 */
                           0x5a, 0x0c,                 /* login, 12 bytes */
                           0x0a, 0x03, 'a', 0x00, 'b', /* username "a\0b" */
                           0x0a, 0x01, 'a',            /* username "a" */
                           0x12, 0x02, 'p', 'w'};      /* password */
  wire_error why;
  cr_assert_eq(decode(frame, sizeof frame, &why), WIRE_ENUL);
  cr_assert_str_eq(why.field, "username");
}

/* One field of each kind, set to text, through the decoder. */
static int one_line(const char *text, wire_error *why)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CaseAddRequest add = REFLECT__V1__CASE_ADD_REQUEST__INIT;
  add.reference = "CH-1";
  add.name = (char *)text;
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_ADD;
  req.case_add = &add;
  uint8_t *buf;
  size_t len;
  cr_assert_eq(wire_encode(&req.base, &buf, &len), WIRE_OK);
  int rc = decode(buf, len, why);
  free(buf);
  return rc;
}

static int multi_line(const char *text, wire_error *why)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RecordCommentRequest com = REFLECT__V1__RECORD_COMMENT_REQUEST__INIT;
  com.session_id = 1;
  com.text = (char *)text;
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_COMMENT;
  req.record_comment = &com;
  uint8_t *buf;
  size_t len;
  cr_assert_eq(wire_encode(&req.base, &buf, &len), WIRE_OK);
  int rc = decode(buf, len, why);
  free(buf);
  return rc;
}

static int secret(const char *text)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__LoginRequest login = login_of("pat", (char *)text);
  req.op_case = REFLECT__V1__REQUEST__OP_LOGIN;
  req.login = &login;
  uint8_t *buf;
  size_t len;
  cr_assert_eq(wire_encode(&req.base, &buf, &len), WIRE_OK);
  int rc = decode(buf, len, NULL);
  free(buf);
  return rc;
}

Test(wire, one_line_fields_refuse_every_control_and_bidi_character)
{
  static const struct {
    const char *text;
    uint32_t cp;
  } bad[] = {
      {"Ann\xc2\x9b"
       "2J",
       0x9b},                /* C1 CSI */
      {"Ann\xc2\x80", 0x80}, /* first C1 */
      {"Ann\xc2\x9f", 0x9f}, /* last C1 */
      {"\xe2\x80\xae"
       "nnA",
       0x202e},                  /* right-to-left override */
      {"A\xe2\x80\xaa", 0x202a}, /* left-to-right embedding */
      {"A\xe2\x81\xa6", 0x2066}, /* left-to-right isolate */
      {"A\xe2\x81\xa9", 0x2069}, /* pop directional isolate */
      {"Ann\tLee", '\t'},
      {"Ann\nLee", '\n'},
      {"Ann\rLee", '\r'},
      {"Ann\x1b[2J", 0x1b},
      {"Ann\x7f", 0x7f},
      {"Ann\xe2\x80\xa8Lee", 0x2028}, /* line separator */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    wire_error why;
    cr_assert_eq(one_line(bad[i].text, &why), WIRE_ECHAR, "case %zu", i);
    cr_assert_eq(why.cp, bad[i].cp, "case %zu: U+%04X", i, (unsigned)why.cp);
    cr_assert_str_eq(why.field, "name");
  }
  /* Letters of every script, and the bidi marks that are not overrides. */
  cr_assert_eq(one_line("Zo\xc3\xab \xd8\xb9\xd9\x84\xd9\x8a \xe2\x80\x8f\xe6\x9d\x8e", NULL), WIRE_OK);
}

Test(wire, multi_line_text_keeps_newline_and_tab_only)
{
  wire_error why;
  cr_assert_eq(multi_line("first line\n\tindented\n\nlast\xe2\x80\xa8", NULL), WIRE_OK);
  cr_assert_eq(multi_line("raw \xc2\x9b"
                          "31m",
                          &why),
               WIRE_ECHAR);
  cr_assert_eq(why.cp, 0x9b);
  cr_assert_str_eq(why.field, "text");
  cr_assert_eq(multi_line("looks fine \xe2\x80\xae"
                          "txt.exe",
                          &why),
               WIRE_ECHAR);
  cr_assert_eq(why.cp, 0x202e);
  cr_assert_eq(multi_line("windows\r\nline", &why), WIRE_ECHAR);
  cr_assert_eq(why.cp, '\r');
  cr_assert_eq(multi_line("escape \x1b]0;title\x07", &why), WIRE_ECHAR);
  cr_assert_eq(why.cp, 0x1b);
}

Test(wire, passwords_keep_the_rule_they_were_set_under)
{
  /* A stricter rule would lock out whoever chose such a password. */
  cr_assert_eq(secret("tab\there \xc2\x9b \xe2\x80\xae"), WIRE_OK);
  cr_assert_eq(secret("bell\x07"), WIRE_ECHAR);
}

Test(wire, check_text_counts_bytes_not_c_strings)
{
  uint32_t cp = 1;
  cr_assert_eq(wire_check_text("ab\0cd", 5, WIRE_TEXT_MULTILINE, &cp), WIRE_ENUL);
  cr_assert_eq(cp, 0);
  cr_assert_eq(wire_check_text("ab\0cd", 2, WIRE_TEXT_LINE, NULL), WIRE_OK);
  cr_assert_eq(wire_check_text("\xe2\x80", 2, WIRE_TEXT_ANY, NULL), WIRE_EUTF8, "cut short");
  cr_assert_eq(wire_check_text("\xc2\x9b", 2, WIRE_TEXT_ANY, NULL), WIRE_OK, "replies may hold old text");
}

Test(wire, replies_with_old_text_decode_and_clean_for_a_terminal)
{
  Reflect__V1__Reply rep = REFLECT__V1__REPLY__INIT;
  Reflect__V1__RecordShowReply show = REFLECT__V1__RECORD_SHOW_REPLY__INIT;
  Reflect__V1__Comment com = REFLECT__V1__COMMENT__INIT, *coms[] = {&com};
  Reflect__V1__Revision rev = REFLECT__V1__REVISION__INIT;
  rev.author = "sam\xe2\x80\xae"
               "evil";
  rev.reason = "two\r\nlines\rand \xc2\x9b"
               "2J";
  com.author = "pat";
  com.text = "line\n\tindent \xe2\x81\xa6"
             "x";
  show.revision = &rev;
  show.n_comments = 1;
  show.comments = coms;
  show.body = "";
  rep.result_case = REFLECT__V1__REPLY__RESULT_RECORD_SHOW;
  rep.record_show = &show;
  uint8_t *buf;
  size_t len;
  cr_assert_eq(wire_encode(&rep.base, &buf, &len), WIRE_OK);
  Reflect__V1__Reply *out;
  cr_assert_eq(wire_decode_reply(buf, len, &out), WIRE_OK);
  wire_clean_strings(&out->base);
  cr_assert_str_eq(out->record_show->revision->author, "sam?evil");
  cr_assert_str_eq(out->record_show->revision->reason, "two\nlines?and ?2J");
  cr_assert_str_eq(out->record_show->comments[0]->text, "line\n\tindent ?x");
  cr_assert_str_eq(out->record_show->body, "");
  wire_free_reply(out);
  free(buf);
}

/* Every string field of every message, by kind. A field added to the proto
 * fails here until it is placed: one line (the default), multi-line (list
 * it in wire.c's text_kinds), or a secret. */
static const struct {
  const char *message, *line, *multiline, *secret;
} text_fields[] = {
    {"LoginRequest", "username", "", "password"},
    {"PasswordChangeRequest", "", "", "current_password new_password"},
    {"PasswordResetRequest", "username", "", "new_password"},
    {"UserAddRequest", "username name", "", "password"},
    {"AgreementAddRequest", "supervisee rule starts_on review_on",
     "booking cancellation confidentiality record_access disagreements", ""},
    {"AgreementEndRequest", "", "reason", ""},
    {"DueListRequest", "supervisee", "", ""},
    {"SessionAddRequest", "members room", "", ""},
    {"SessionListRequest", "with", "", ""},
    {"SessionRescheduleRequest", "", "reason", ""},
    {"SessionStatusRequest", "", "reason", ""},
    {"SessionPlanRequest", "supervisee room", "", ""},
    {"SessionAttendanceRequest", "present absent", "", ""},
    {"RecordWriteRequest", "", "body reason", ""},
    {"RecordSection", "case_reference member", "text situation analysis risk decision rationale", ""},
    {"KpiCitation", "indicator period unit", "", ""},
    {"RecordCommentRequest", "", "text", ""},
    {"CaseAddRequest", "reference name date_of_birth allocated", "", ""},
    {"CaseListRequest", "allocated", "", ""},
    {"CaseShowRequest", "reference", "", ""},
    {"CaseUpdateRequest", "allocated", "", ""},
    {"CaseDecisionsRequest", "reference", "", ""},
    {"CasePersonAddRequest", "reference name relationship", "", ""},
    {"CasePeopleRequest", "reference", "", ""},
    {"ActionAddRequest", "owner", "description evidence_needed", ""},
    {"ActionCloseRequest", "", "evidence", ""},
    {"RuleAddRequest", "name", "description", ""},
    {"TeamAddRequest", "name", "", ""},
    {"TeamMemberRequest", "team username", "", ""},
    {"GoalAddRequest", "name", "description", ""},
    {"Indicator", "name unit goal created_by", "definition measured_how", ""},
    {"KpiAssignRequest", "practitioner team from", "", ""},
    {"KpiRecordRequest", "practitioner team period", "evidence", ""},
    {"KpiReportRequest", "practitioner team", "", ""},
    {"ReportRequest", "supervisor", "", ""},
    {"ReportScope", "team from to", "", ""},
    {"SurveyAnswerRequest", "", "comment", ""},
    {"ExportCaseRequest", "reference", "", ""},
    {"InspectorGrantRequest", "inspector team", "", ""},
    {"AuditListRequest", "reference", "", ""},
    {"Status", "message field", "", ""},
    {"PingReply", "version timezone", "", ""},
    {"LoginReply", "timezone notice", "", ""},
    {"User", "username name teams", "", ""},
    {"WhoAmIReply", "device timezone", "", ""},
    {"Agreement", "supervisor supervisee rule starts_on review_on",
     "booking cancellation confidentiality record_access disagreements end_reason", ""},
    {"SupervisionDue", "supervisor supervisee rule", "", ""},
    {"Session", "supervisor members room", "", ""},
    {"MemberAttendance", "member", "", ""},
    {"SessionChange", "by", "reason", ""},
    {"PlannedSession", "clash", "", ""},
    {"RecordShowReply", "awaiting", "body", ""},
    {"Revision", "author", "reason", ""},
    {"Signature", "user", "", ""},
    {"Comment", "author", "text", ""},
    {"Case", "reference name date_of_birth allocated retain_until", "", ""},
    {"Decision", "decided_by", "risk decision rationale", ""},
    {"CasePerson", "name relationship", "", ""},
    {"Action", "owner created_by", "description evidence_needed evidence", ""},
    {"AgendaCase", "why", "", ""},
    {"FrequencyRule", "name created_by", "description", ""},
    {"Team", "name managers members", "", ""},
    {"Event", "summary who where actor", "", ""},
    {"Goal", "name created_by", "description", ""},
    {"KpiLine", "practitioner team", "", ""},
    {"KpiTarget", "indicator practitioner team from set_by", "", ""},
    {"KpiAgreement", "user", "", ""},
    {"KpiMeasurement", "period recorded_by practitioner team", "evidence", ""},
    {"ComplianceLine", "supervisee name supervisor", "", ""},
    {"CoverageLine", "reference worker", "", ""},
    {"BalanceLine", "person name", "", ""},
    {"ActionsLine", "person name", "", ""},
    {"SurveyReport", "supervisor open_from", "comments", ""},
    {"SurveyQuestion", "text", "", ""},
    {"ExportInspectionReply", "generated_by", "", ""},
    {"SignedRecordRef", "supervisor members", "", ""},
    {"ExportCaseReply", "generated_by", "", ""},
    {"CaseExtractEntry", "supervisor practitioner", "risk decision rationale", ""},
    {"Redaction", "field reason", "", ""},
    {"AuditEntry", "who role device action object detail", "", ""},
    {"InboxItem", "person", "", ""},
    /* A draft's content is the form's fields, url-encoded: one line. */
    {"Draft", "form content", "", ""},
    {"DraftSaveRequest", "form content", "", ""},
    {"DraftGetRequest", "form", "", ""},
    {"DraftDeleteRequest", "form", "", ""},
};

static int listed(const char *list, const char *name)
{
  size_t n = strlen(name);
  for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
    if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return 1;
  return 0;
}

static const ProtobufCMessageDescriptor *walked[256];
static size_t n_walked, n_strings;

static void walk_kinds(const ProtobufCMessageDescriptor *d)
{
  for (size_t i = 0; i < n_walked; i++)
    if (walked[i] == d) return;
  cr_assert_lt(n_walked, sizeof walked / sizeof walked[0]);
  walked[n_walked++] = d;
  cr_assert_lt(d->n_fields, 128u, "wire.c counts repeated fields of messages below 128 fields");
  const char *short_name = d->name + strlen("reflect.v1.");
  size_t row = sizeof text_fields / sizeof text_fields[0];
  for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++)
    if (!strcmp(text_fields[i].message, short_name)) row = i;
  for (unsigned i = 0; i < d->n_fields; i++) {
    const ProtobufCFieldDescriptor *f = &d->fields[i];
    if (f->type == PROTOBUF_C_TYPE_MESSAGE) walk_kinds(f->descriptor);
    if (f->type != PROTOBUF_C_TYPE_STRING) continue;
    n_strings++;
    cr_assert_lt(row, sizeof text_fields / sizeof text_fields[0], "%s has string fields but no row here: classify them",
                 d->name);
    wire_text_kind want = WIRE_TEXT_LINE; /* clang cannot tell that cr_assert_fail does not return */
    if (listed(text_fields[row].line, f->name)) want = WIRE_TEXT_LINE;
    else if (listed(text_fields[row].multiline, f->name)) want = WIRE_TEXT_MULTILINE;
    else if (listed(text_fields[row].secret, f->name)) want = WIRE_TEXT_SECRET;
    else cr_assert_fail("%s.%s is not classified: is it one line, multi-line text or a secret?", d->name, f->name);
    cr_assert_eq(wire_field_kind(d, f), want, "%s.%s: wire.c says %d, the list here %d", d->name, f->name,
                 wire_field_kind(d, f), want);
  }
}

Test(wire, every_string_field_of_the_protocol_is_classified)
{
  walk_kinds(&reflect__v1__request__descriptor);
  walk_kinds(&reflect__v1__reply__descriptor);
  walk_kinds(&reflect__v1__event__descriptor);
  cr_assert_gt(n_strings, 190u, "the walk reached the whole protocol (%zu strings)", n_strings);
  /* No row here names a field the protocol no longer has. */
  size_t listed_total = 0;
  for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
    const char *lists[] = {text_fields[i].line, text_fields[i].multiline, text_fields[i].secret};
    for (int k = 0; k < 3; k++)
      for (const char *p = lists[k]; *p;) {
        listed_total++;
        p += strcspn(p, " ");
        p += strspn(p, " ");
      }
  }
  cr_assert_eq(listed_total, n_strings, "%zu listed, %zu in the protocol", listed_total, n_strings);
}
