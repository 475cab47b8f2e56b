/* The server checks a structured record itself, whatever the client: each
 * malformed request is refused with INVALID_ARGUMENT naming the exact
 * field, and nothing is stored. What it stores is bound to its place: a
 * sealed part moved to another row fails to open. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "wire.h"

static harness_run r;

typedef Reflect__V1__RecordSection section;

static Reflect__V1__Reply *write_record(client *c, uint64_t session, section **secs, size_t n, const char *body)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RecordWriteRequest w = REFLECT__V1__RECORD_WRITE_REQUEST__INIT;
  w.session_id = session;
  w.sections = secs;
  w.n_sections = n;
  w.body = (char *)(body ? body : "");
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_WRITE;
  req.record_write = &w;
  return harness_call(c, &req);
}

/* Asserts the write is refused as invalid, naming field. */
static void refused(client *c, uint64_t session, section **secs, size_t n, const char *body, const char *field,
                    const char *needle)
{
  Reflect__V1__Reply *rep = write_record(c, session, secs, n, body);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__INVALID_ARGUMENT, "%s: %s", field, rep->status->message);
  cr_assert_str_eq(rep->status->field, field, "%s", rep->status->message);
  cr_assert(strstr(rep->status->message, needle), "expected '%s' in: %s", needle, rep->status->message);
  wire_free_reply(rep);
}

static section text_section(Reflect__V1__SectionKind kind, const char *text)
{
  section s = REFLECT__V1__RECORD_SECTION__INIT;
  s.kind = kind;
  s.text = (char *)text;
  return s;
}

static section case_section(const char *ref, const char *decision, const char *rationale)
{
  section s = REFLECT__V1__RECORD_SECTION__INIT;
  s.kind = REFLECT__V1__SECTION_KIND__SECTION_CASE;
  s.case_reference = (char *)ref;
  s.situation = "discussed";
  s.decision = (char *)decision;
  s.rationale = (char *)rationale;
  return s;
}

/* Sam's session with pat, days from now at 10:00, marked held if asked. */
static uint64_t book(harness_server *h, int days, int held)
{
  char when[64];
  harness_cli(h, "sam", NULL, &r, "session", "add", "--with", "pat", "--at", harness_day_at(when, days, 10),
              "--minutes", "90", (const char *)NULL);
  cr_assert_eq(r.status, 0, "%s", r.err);
  uint64_t id = strtoull(r.out, NULL, 10);
  if (held) {
    char id_text[24];
    snprintf(id_text, sizeof id_text, "%llu", (unsigned long long)id);
    harness_cli(h, "sam", NULL, &r, "session", "held", id_text, (const char *)NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
  }
  return id;
}

/* Asserts the write is refused because of the session, naming it. */
static void not_recordable(client *c, uint64_t session, const char *what)
{
  section notes = REFLECT__V1__RECORD_SECTION__INIT;
  notes.kind = REFLECT__V1__SECTION_KIND__SECTION_NOTES;
  notes.text = "Notes.";
  section *one[] = {&notes};
  Reflect__V1__Reply *rep = write_record(c, session, one, 1, NULL);
  char want[128];
  snprintf(want, sizeof want, "session %llu %s", (unsigned long long)session, what);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__FAILED_PRECONDITION, "%s", rep->status->message);
  cr_assert_str_eq(rep->status->field, "session_id", "%s", rep->status->message);
  cr_assert(strstr(rep->status->message, want), "expected '%s' in: %s", want, rep->status->message);
  wire_free_reply(rep);
}

/* A record is of a session that took place: not of one still to come
 * (booked ahead, or moved ahead), nor of one cancelled or missed. */
Test(record_checks, a_record_is_written_only_for_a_session_that_took_place, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "sam", "pat"};
  const char *roles[] = {NULL, "supervisor", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 3);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  uint64_t ahead = book(&h, 1, 0), cancelled = book(&h, -2, 0), missed = book(&h, -3, 0), moved = book(&h, -4, 0);
  uint64_t held = book(&h, -5, 1), unmarked = book(&h, -6, 0);
  char id[24], when[64];
  snprintf(id, sizeof id, "%llu", (unsigned long long)cancelled);
  CLI_OK("sam", NULL, "session", "cancel", id, "--reason", "Pat was on leave");
  snprintf(id, sizeof id, "%llu", (unsigned long long)missed);
  CLI_OK("sam", NULL, "session", "missed", id, "--reason", "Pat was called out");
  snprintf(id, sizeof id, "%llu", (unsigned long long)moved);
  CLI_OK("sam", NULL, "session", "move", id, "--at", harness_day_at(when, 8, 10), "--reason", "clash");

  client *sam = harness_user(&h, "sam");
  not_recordable(sam, ahead, "has not started yet; its record is written after it");
  not_recordable(sam, moved, "has not started yet; its record is written after it");
  not_recordable(sam, cancelled, "was cancelled; it has no record");
  not_recordable(sam, missed, "was missed; it has no record");
  /* Held, or past and not yet marked: both took place as far as anyone knows. */
  uint64_t ok[] = {held, unmarked};
  for (size_t i = 0; i < 2; i++) {
    Reflect__V1__Reply *rep = write_record(sam, ok[i], NULL, 0, "It took place.");
    cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "%s", rep->status->message);
    wire_free_reply(rep);
  }
  client_close(sam);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

Test(record_checks, every_malformed_section_is_refused_by_name, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "sam", "pat"};
  const char *roles[] = {NULL, "supervisor", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 3);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-1", "--name", "A Child", "--risk", "low", "--worker", "pat");
  uint64_t sid = book(&h, -1, 1);
  client *sam = harness_user(&h, "sam");

  section notes = text_section(REFLECT__V1__SECTION_KIND__SECTION_NOTES, "Notes.");
  section *one[] = {&notes};
  refused(sam, sid, one, 1, "free text", "body", "not both");
  refused(sam, sid, NULL, 0, NULL, "sections", "at least one section");
  section *many[65];
  section contrib[65];
  for (size_t i = 0; i < 65; i++) {
    contrib[i] = text_section(REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION, "x");
    many[i] = &contrib[i];
  }
  refused(sam, sid, many, 65, NULL, "sections", "at most 64 sections");

  section s = text_section((Reflect__V1__SectionKind)99, "x");
  section *p[] = {&s, &notes};
  refused(sam, sid, p, 1, NULL, "sections[0].kind", "unknown section kind");
  s = text_section(REFLECT__V1__SECTION_KIND__SECTION_WELLBEING, "fine");
  s.withheld = 1;
  refused(sam, sid, p, 1, NULL, "sections[0].withheld", "set by the server");
  s.withheld = 0;
  s.case_id = 1;
  refused(sam, sid, p, 1, NULL, "sections[0].case_id", "set by the server");
  s = text_section(REFLECT__V1__SECTION_KIND__SECTION_DEVELOPMENT, " \n\t ");
  refused(sam, sid, p, 1, NULL, "sections[0].text", "the development section is empty");
  s = text_section(REFLECT__V1__SECTION_KIND__SECTION_NOTES, "ok");
  s.decision = "a decision";
  refused(sam, sid, p, 1, NULL, "sections[0].decision", "only a case section has a decision");
  s = text_section(REFLECT__V1__SECTION_KIND__SECTION_NOTES, "ok");
  s.member = "pat";
  refused(sam, sid, p, 1, NULL, "sections[0].member", "only a contribution names a member");
  s = text_section(REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION, "mine");
  refused(sam, sid, p, 1, NULL, "sections[0].member", "names the member");
  s = case_section("CH-1", "visit", "");
  refused(sam, sid, p, 1, NULL, "sections[0].rationale", "needs its rationale");
  s = case_section("CH-1", " ", "because");
  refused(sam, sid, p, 1, NULL, "sections[0].decision", "no decision");
  s = case_section("CH-1", "", "");
  s.situation = "  ";
  refused(sam, sid, p, 1, NULL, "sections[0].situation", "is empty");
  s = case_section("", "visit", "because");
  refused(sam, sid, p, 1, NULL, "sections[0].case_reference", "is required");
  s = case_section("CH-1", "visit", "because");
  s.text = "case sections have no text";
  refused(sam, sid, p, 1, NULL, "sections[0].text", "not text");

  section w1 = text_section(REFLECT__V1__SECTION_KIND__SECTION_WELLBEING, "one");
  section w2 = text_section(REFLECT__V1__SECTION_KIND__SECTION_WELLBEING, "two");
  section *twice[] = {&w1, &w2};
  refused(sam, sid, twice, 2, NULL, "sections[1].kind", "one wellbeing section");
  section c1 = case_section(" ch-1 ", "visit", "because"), c2 = case_section("CH-1", "visit", "because");
  section *cases[] = {&c1, &c2};
  Reflect__V1__Reply *rep = write_record(sam, sid, cases, 2, NULL);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__INVALID_ARGUMENT, "%s", rep->status->message);
  cr_assert_str_eq(rep->status->field, "sections[1].case_reference");
  cr_assert(strstr(rep->status->message, "discussed twice"), "%s", rep->status->message);
  wire_free_reply(rep);

  char *big = malloc(64 * 1024 + 2);
  memset(big, 'x', 64 * 1024 + 1);
  big[64 * 1024 + 1] = '\0';
  s = text_section(REFLECT__V1__SECTION_KIND__SECTION_NOTES, big);
  refused(sam, sid, p, 1, NULL, "sections[0].text", "at most 64 KiB");
  big[60 * 1024] = '\0';
  section parts[5];
  section *five[5];
  static const Reflect__V1__SectionKind kinds[] = {REFLECT__V1__SECTION_KIND__SECTION_WELLBEING,
                                                   REFLECT__V1__SECTION_KIND__SECTION_DEVELOPMENT,
                                                   REFLECT__V1__SECTION_KIND__SECTION_PERFORMANCE,
                                                   REFLECT__V1__SECTION_KIND__SECTION_ACTIONS,
                                                   REFLECT__V1__SECTION_KIND__SECTION_NOTES};
  for (size_t i = 0; i < 5; i++) {
    parts[i] = text_section(kinds[i], big);
    five[i] = &parts[i];
  }
  refused(sam, sid, five, 5, NULL, "sections", "at most 256 KiB of text");
  free(big);

  /* Nothing above was stored; plain text still works, as one notes section. */
  rep = write_record(sam, sid, NULL, 0, "Plain text from an older client.");
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "%s", rep->status->message);
  cr_assert_eq(rep->record_write->revision, 1, "the first stored revision");
  wire_free_reply(rep);
  char sid_text[24];
  snprintf(sid_text, sizeof sid_text, "%llu", (unsigned long long)sid);
  CLI_OK("pat", NULL, "record", "show", sid_text);
  cr_assert(strstr(r.out, "[notes]\nPlain text from an older client.\n"), "%s", r.out);

  /* A legacy body was the whole record: bounded as one (256 KiB), not as one
   * section (64 KiB), though it is stored as a notes section. */
  uint64_t other = book(&h, -2, 1);
  big = malloc(200 * 1024 + 1);
  memset(big, 'y', 200 * 1024);
  big[200 * 1024] = '\0';
  rep = write_record(sam, other, NULL, 0, big);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "%s", rep->status->message);
  wire_free_reply(rep);
  big = realloc(big, 256 * 1024 + 2);
  memset(big, 'y', 256 * 1024 + 1);
  big[256 * 1024 + 1] = '\0';
  rep = write_record(sam, other, NULL, 0, big);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__INVALID_ARGUMENT, "%s", rep->status->message);
  cr_assert_str_eq(rep->status->field, "body", "%s", rep->status->message);
  wire_free_reply(rep);
  free(big);
  client_close(sam);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

static void sql(sqlite3 *db, const char *q)
{
  char *err = NULL;
  cr_assert_eq(sqlite3_exec(db, q, NULL, NULL, &err), SQLITE_OK, "%s: %s", q, err ? err : "");
}

/* Someone with the file but not the keys moves sealed values between rows:
 * a wellbeing text to another revision, a decision to another session. */
Test(record_checks, sealed_parts_moved_between_rows_fail_to_open, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "sam", "pat"};
  const char *roles[] = {NULL, "supervisor", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 3);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-1", "--name", "A Child", "--risk", "low", "--worker", "pat");
  cr_assert_eq(book(&h, -8, 1), 1);
  cr_assert_eq(book(&h, -1, 1), 2);
  CLI_OK("sam", "[wellbeing]\nfirst\n[case CH-1]\ndecision: one\nrationale: because\n", "record", "write", "1");
  CLI_OK("sam", "[wellbeing]\nsecond\n[case CH-1]\ndecision: two\nrationale: because\n", "record", "write", "2");
  cr_assert_eq(harness_stop(&h), 0);

  char path[512];
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  sql(db, "DROP TRIGGER record_revisions_no_update");
  sql(db, "UPDATE record_revisions SET wellbeing = (SELECT wellbeing FROM record_revisions WHERE session_id = 1)"
          " WHERE session_id = 2");
  sql(db, "DROP TRIGGER case_discussions_no_update");
  sql(db, "UPDATE case_discussions SET decision = (SELECT decision FROM case_discussions WHERE session_id = 2)"
          " WHERE session_id = 1");
  sqlite3_close(db);

  harness_serve(&h);
  CLI_OK("pat", NULL, "record", "show", "1");
  cr_assert(strstr(r.out, "first"), "untouched: %s", r.out);
  CLI_REFUSED("pat", "integrity error", "record", "show", "2");
  CLI_REFUSED("pat", "integrity error", "case", "decisions", "CH-1");
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}
