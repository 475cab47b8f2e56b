/* store_records on a real data directory: a format-1 revision (free text,
 * from before structured records) reads back as one notes section (withheld
 * whole from a reader who may not see wellbeing), and a
 * row whose format is changed in the file no longer opens. A format-2
 * revision (case texts in the body, from before schema v14) is moved to
 * format 3 once, reads the same afterwards, and the append-only trigger
 * admits that move and nothing else. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fixture.h"
#include "reflect.pb-c.h" /* only to write a format-2 body as the server before v14 did */
#include "retention.h"
#include "store_cases.h"
#include "store_keys.h"
#include "store_records.h"
#include "store_sessions.h"

static fixture f;
static keyring ring;

static void setup(void)
{
  fixture_open(&f);
}
static void teardown(void)
{
  keyring_clear(&ring);
  fixture_close(&f);
}

static void sql(const char *q)
{
  char *err = NULL;
  cr_assert_eq(sqlite3_exec(db_handle(f.db), q, NULL, NULL, &err), SQLITE_OK, "%s: %s", q, err ? err : "");
}

/* Session 1, supervised by the administrator (user 1), and a revision of
 * its record sealed the way the first servers did: format 1, free text. */
static void old_record(const char *text, int format)
{
  int64_t key_id;
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
  cr_assert_eq(store_keys_ensure(f.db, f.vault, &ring, 1000, "session:1", &key_id), 0);
  char q[512];
  snprintf(q, sizeof q,
           "INSERT INTO sessions(id, kind, supervisor_id, starts_at, minutes, ends_at, key_id, status, created_at,"
           " created_by) VALUES (1, 1, 1, 2000, 90, 7400, %lld, 1, 1000, 1)",
           (long long)key_id);
  sql(q);
  store_slot slot = {"record_revisions", 1, "body", key_id, 1, "session=1;author=1;at=1500"};
  uint8_t *blob;
  size_t len;
  cr_assert_eq(store_keys_seal(f.db, f.vault, &ring, &slot, text, &blob, &len), 0);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(f.db),
                                  "INSERT INTO record_revisions(id, session_id, revision, author_id, created_at, "
                                  "key_id,"
                                  " body, format) VALUES (1, 1, 1, 1, 1500, ?1, ?2, ?3)",
                                  -1, &st, NULL),
               SQLITE_OK);
  sqlite3_bind_int64(st, 1, key_id);
  sqlite3_bind_blob(st, 2, blob, (int)len, free);
  sqlite3_bind_int(st, 3, format);
  cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  cr_assert_eq(db_commit(f.db), SQLITE_OK);
}

static int read_record(int with_wellbeing, record_read *out, arena *a)
{
  principal who = {.authenticated = 1, .user_id = 1, .role = ROLE_SUPERVISOR};
  store_ctx c = {.db = f.s.db, .vault = f.s.vault, .cfg = f.s.cfg, .ring = &ring, .a = a, .now = 3000, .who = &who};
  session_row s;
  cr_assert_eq(store_sessions_get(f.db, 1, &s), 0);
  return store_records_read(&c, &s, 0, with_wellbeing, out);
}

Test(store_records, a_format_1_revision_reads_as_one_notes_section, .init = setup, .fini = teardown)
{
  old_record("Free text from before sections.", 1);
  arena a = {0};
  record_read out;
  cr_assert_eq(read_record(1, &out, &a), 0);
  cr_assert_eq(out.n_sections, 1);
  cr_assert_eq(out.sections[0].kind, SECTION_NOTES);
  cr_assert_not(out.sections[0].withheld);
  cr_assert_str_eq(out.sections[0].text, "Free text from before sections.");
  cr_assert_str_eq(out.body, "Free text from before sections.", "older clients still read the text");
  cr_assert_eq(out.revision.revision, 1);
  arena_reset(&a);
}

/* Free text may hold wellbeing, and nothing tells which part: a reader who
 * may not see wellbeing (an overseeing manager) gets none of it. */
Test(store_records, a_format_1_revision_is_withheld_from_a_reader_without_wellbeing, .init = setup, .fini = teardown)
{
  old_record("Free text that mentions how the worker is coping.", 1);
  arena a = {0};
  record_read out;
  cr_assert_eq(read_record(0, &out, &a), 0);
  cr_assert_eq(out.n_sections, 1);
  cr_assert_eq(out.sections[0].kind, SECTION_NOTES);
  cr_assert(out.sections[0].withheld);
  cr_assert_str_eq(out.sections[0].text, "");
  cr_assert_str_eq(out.body, "", "nor through the legacy body");
  cr_assert_eq(out.revision.revision, 1);
  arena_reset(&a);
}

Test(store_records, a_row_relabelled_as_format_2_fails_to_open, .init = setup, .fini = teardown)
{
  old_record("Free text, now claimed to be sections.", 2);
  arena a = {0};
  record_read out;
  cr_assert_eq(read_record(1, &out, &a), RC_DATA_LOSS);
  arena_reset(&a);
}

/* The primary result code (the connection reports extended ones). */
static int sql_rc(const char *q)
{
  return sqlite3_exec(db_handle(f.db), q, NULL, NULL, NULL) & 0xff;
}

static store_ctx make_ctx(arena *a, principal *who)
{
  *who = (principal){.authenticated = 1, .user_id = 1, .role = ROLE_SUPERVISOR};
  return (store_ctx){.db = f.s.db, .vault = f.s.vault, .cfg = f.s.cfg, .ring = &ring, .a = a, .now = 3000, .who = who};
}

/* Case 1 ("CH-UNIT-1"), allocated to user 1, and revision 1 of session 1
 * written as the server before v14 wrote it: format 2, the case section's
 * texts packed in the body under the session's key. */
static void format_2_record(void)
{
  old_record("placeholder", 1); /* the session; its format-1 row is replaced below */
  sql("DROP TRIGGER record_revisions_no_delete; DELETE FROM record_revisions;");
  arena a = {0};
  principal who;
  store_ctx c = make_ctx(&a, &who);
  int64_t case_id;
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
  cr_assert_eq(store_cases_add(&c, "CH-UNIT-1", "Unit Child", "", 3, 1, 0, &case_id), 0);
  Reflect__V1__RecordSection sec[2];
  reflect__v1__record_section__init(&sec[0]);
  reflect__v1__record_section__init(&sec[1]);
  sec[0].kind = REFLECT__V1__SECTION_KIND__SECTION_CASE;
  sec[0].case_reference = "CH-UNIT-1";
  sec[0].situation = "a unit situation";
  sec[0].decision = "a unit decision";
  sec[0].rationale = "a unit rationale";
  sec[0].case_id = (uint64_t)case_id;
  sec[1].kind = REFLECT__V1__SECTION_KIND__SECTION_NOTES;
  sec[1].text = "unit notes";
  Reflect__V1__RecordSection *ptrs[2] = {&sec[0], &sec[1]};
  Reflect__V1__StoredRecord rec = REFLECT__V1__STORED_RECORD__INIT;
  rec.sections = ptrs;
  rec.n_sections = 2;
  size_t len = reflect__v1__stored_record__get_packed_size(&rec);
  uint8_t packed[512];
  cr_assert_lt(len, sizeof packed);
  reflect__v1__stored_record__pack(&rec, packed);
  char b64[1024];
  sodium_bin2base64(b64, sizeof b64, packed, len, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  int64_t key_id;
  cr_assert_eq(store_keys_ensure(f.db, f.vault, &ring, 1000, "session:1", &key_id), 0);
  store_slot slot = {"record_revisions", 1, "body", key_id, 1, "session=1;author=1;at=1500;format=2"};
  uint8_t *blob;
  size_t blob_len;
  cr_assert_eq(store_keys_seal(f.db, f.vault, &ring, &slot, b64, &blob, &blob_len), 0);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(f.db),
                                  "INSERT INTO record_revisions(id, session_id, revision, author_id, created_at, "
                                  "key_id,"
                                  " body, format) VALUES (1, 1, 1, 1, 1500, ?1, ?2, 2)",
                                  -1, &st, NULL),
               SQLITE_OK);
  sqlite3_bind_int64(st, 1, key_id);
  sqlite3_bind_blob(st, 2, blob, (int)blob_len, free);
  cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  cr_assert_eq(db_commit(f.db), SQLITE_OK);
  arena_reset(&a);
}

static int reseal(records_reseal_batch *b)
{
  arena a = {0};
  principal who;
  store_ctx c = make_ctx(&a, &who);
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
  int rc = store_records_reseal(&c, b);
  cr_assert_eq(rc ? (db_rollback(f.db), SQLITE_OK) : db_commit(f.db), SQLITE_OK);
  arena_reset(&a);
  return rc;
}

static void check_case_section(const char *situation, int destroyed)
{
  arena a = {0};
  record_read out;
  cr_assert_eq(read_record(1, &out, &a), 0);
  cr_assert_eq(out.n_sections, 2);
  const record_section *s0 = &out.sections[0];
  cr_assert_eq(s0->kind, SECTION_CASE);
  cr_assert_eq(s0->case_id, 1);
  cr_assert_eq(s0->destroyed, destroyed != 0);
  cr_assert_str_eq(s0->case_reference, destroyed ? RETENTION_DESTROYED : "CH-UNIT-1");
  cr_assert_str_eq(s0->situation, situation);
  cr_assert_str_eq(s0->analysis, "");
  cr_assert_str_eq(s0->decision, destroyed ? RETENTION_DESTROYED : "a unit decision");
  cr_assert_str_eq(out.sections[1].text, "unit notes");
  arena_reset(&a);
}

Test(store_records, a_format_2_revision_moves_once_and_reads_the_same, .init = setup, .fini = teardown)
{
  format_2_record();
  check_case_section("a unit situation", 0);
  records_reseal_batch b = {0};
  cr_assert_eq(reseal(&b), 0);
  cr_assert(b.seen == 1 && b.moved == 1 && b.skipped == 0 && b.last == 1);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(f.db),
                                  "SELECT r.format, s.position, s.case_id, s.key_id = k.key_id, s.analysis IS NULL"
                                  " FROM record_revisions r JOIN record_case_sections s ON s.revision_id = r.id"
                                  " JOIN cases k ON k.id = s.case_id",
                                  -1, &st, NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(st, 0), 3);
  cr_assert_eq(sqlite3_column_int(st, 1), 0);
  cr_assert_eq(sqlite3_column_int(st, 2), 1);
  cr_assert_eq(sqlite3_column_int(st, 3), 1, "sealed under the case's own key");
  cr_assert_eq(sqlite3_column_int(st, 4), 1, "an empty text is not stored");
  cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  check_case_section("a unit situation", 0);
  /* Idempotent: nothing is left to move. */
  records_reseal_batch again = {0};
  cr_assert_eq(reseal(&again), 0);
  cr_assert_eq(again.seen, 0);
  /* Destroying the case's key destroys the section. */
  sql("UPDATE data_keys SET wrapped = NULL, destroyed_at = 2000 WHERE subject = 'case:1';"
      "UPDATE cases SET shredded_at = 2000 WHERE id = 1;");
  keyring_clear(&ring);
  check_case_section(RETENTION_DESTROYED, 1);
}

/* A format-2 row about a case shredded before it could move: it reads as
 * destroyed already, and moves without any of its texts. */
Test(store_records, a_format_2_revision_of_a_shredded_case_moves_without_its_texts, .init = setup, .fini = teardown)
{
  format_2_record();
  sql("UPDATE data_keys SET wrapped = NULL, destroyed_at = 2000 WHERE subject = 'case:1';"
      "UPDATE cases SET shredded_at = 2000 WHERE id = 1;");
  keyring_clear(&ring);
  check_case_section(RETENTION_DESTROYED, 1);
  records_reseal_batch b = {0};
  cr_assert_eq(reseal(&b), 0);
  cr_assert_eq(b.moved, 1);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(f.db),
                                  "SELECT count(*) FROM record_case_sections WHERE coalesce(reference, situation,"
                                  " analysis, risk, decision, rationale) IS NULL",
                                  -1, &st, NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
  /* What each text was is not known any more: the situation stands in. */
  arena a = {0};
  record_read out;
  cr_assert_eq(read_record(1, &out, &a), 0);
  cr_assert(out.sections[0].destroyed);
  cr_assert_str_eq(out.sections[0].case_reference, RETENTION_DESTROYED);
  cr_assert_str_eq(out.sections[0].situation, RETENTION_DESTROYED);
  cr_assert_str_eq(out.sections[0].decision, "");
  arena_reset(&a);
}

/* Records stay append-only: the one update a revision admits is the move
 * from format 2 to 3, changing its body and nothing else, once. */
Test(store_records, the_only_update_a_revision_admits_is_the_move_to_format_3, .init = setup, .fini = teardown)
{
  old_record("Free text, now claimed to be sections.", 2);
  cr_assert_eq(sql_rc("UPDATE record_revisions SET body = x'00' WHERE id = 1"), SQLITE_CONSTRAINT, "format stays 2");
  cr_assert_eq(sql_rc("UPDATE record_revisions SET format = 3, body = x'00', reason = x'01' WHERE id = 1"),
               SQLITE_CONSTRAINT, "the reason changes too");
  cr_assert_eq(sql_rc("UPDATE record_revisions SET format = 3, body = x'00', created_at = 1 WHERE id = 1"),
               SQLITE_CONSTRAINT, "the time changes too");
  cr_assert_eq(sql_rc("UPDATE record_revisions SET format = 1 WHERE id = 1"), SQLITE_CONSTRAINT);
  cr_assert_eq(sql_rc("UPDATE record_revisions SET format = 3, body = x'00' WHERE id = 1"), SQLITE_OK);
  cr_assert_eq(sql_rc("UPDATE record_revisions SET body = x'01' WHERE id = 1"), SQLITE_CONSTRAINT, "once only");
  cr_assert_eq(sql_rc("UPDATE record_revisions SET format = 2 WHERE id = 1"), SQLITE_CONSTRAINT);
  cr_assert_eq(sql_rc("DELETE FROM record_revisions WHERE id = 1"), SQLITE_CONSTRAINT);
  /* A format-3 body sealed as format 2 does not open as format 3. */
  arena a = {0};
  record_read out;
  cr_assert_eq(read_record(1, &out, &a), RC_DATA_LOSS);
  arena_reset(&a);
}

/* The body's placeholder says a case was discussed there: with its row
 * gone (someone with the file, not the key), the record fails as damaged
 * rather than quietly losing the section. */
Test(store_records, a_case_section_whose_row_is_gone_fails_to_open, .init = setup, .fini = teardown)
{
  format_2_record();
  records_reseal_batch b = {0};
  cr_assert_eq(reseal(&b), 0);
  cr_assert_eq(b.moved, 1);
  sql("DROP TRIGGER record_case_sections_no_delete; DELETE FROM record_case_sections;");
  arena a = {0};
  record_read out;
  cr_assert_eq(read_record(1, &out, &a), RC_DATA_LOSS);
  arena_reset(&a);
}

/* The store writes StoredRecord itself: a body is what protobuf-c packs for
 * the same sections (the wellbeing and case texts taken out), byte for
 * byte, and the sections read back whole. */
Test(store_records, a_body_is_packed_as_protobuf_c_packs_it, .init = setup, .fini = teardown)
{
  old_record("placeholder", 1); /* the session and revision 1 */
  arena a = {0};
  principal who;
  store_ctx c = make_ctx(&a, &who);
  session_row s;
  cr_assert_eq(store_sessions_get(f.db, 1, &s), 0);
  int64_t case_id;
  cr_assert_eq(db_begin_write(f.db), SQLITE_OK);
  cr_assert_eq(store_cases_add(&c, "CH-UNIT-2", "Unit Child", "", 3, 1, 0, &case_id), 0);
  static const uint64_t kpis[] = {7, 300, 1ull << 40};
  record_section sec[4] = {
      {.kind = SECTION_WELLBEING, .text = "coping, just"},
      {.kind = SECTION_CASE,
       .case_reference = "CH-UNIT-2",
       .situation = "s",
       .risk = "r",
       .decision = "d",
       .rationale = "why",
       .case_id = (uint64_t)case_id},
      {.kind = SECTION_PERFORMANCE, .text = "figures", .kpi_measurements = kpis, .n_kpi_measurements = 3},
      {.kind = SECTION_CONTRIBUTION, .text = "mine", .member = "pat"},
  };
  for (size_t i = 0; i < 4; i++) {
    const char **strings[] = {&sec[i].text, &sec[i].case_reference, &sec[i].situation, &sec[i].analysis,
                              &sec[i].risk, &sec[i].decision,       &sec[i].rationale, &sec[i].member};
    for (size_t j = 0; j < sizeof strings / sizeof strings[0]; j++)
      if (!*strings[j]) *strings[j] = "";
  }
  uint32_t revision = 0;
  cr_assert_eq(store_records_append(&c, &s, sec, 4, "an amendment", &revision), 0);
  cr_assert_eq(revision, 2);
  cr_assert_eq(db_commit(f.db), SQLITE_OK);

  /* The body as sealed, opened by hand. */
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(f.db), "SELECT id, key_id, body FROM record_revisions WHERE revision = 2",
                                  -1, &st, NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  store_slot slot = {"record_revisions",
                     sqlite3_column_int64(st, 0),
                     "body",
                     sqlite3_column_int64(st, 1),
                     2,
                     "session=1;author=1;at=3000;format=3"};
  char *b64 = NULL;
  cr_assert_eq(store_keys_open(f.db, f.vault, &ring, &slot, sqlite3_column_blob(st, 2),
                               (size_t)sqlite3_column_bytes(st, 2), &a, &b64),
               0);
  sqlite3_finalize(st);
  uint8_t body[512];
  size_t body_len = 0;
  cr_assert_eq(sodium_base642bin(body, sizeof body, b64, strlen(b64), NULL, &body_len, NULL,
                                 sodium_base64_VARIANT_ORIGINAL_NO_PADDING),
               0);

  Reflect__V1__RecordSection w[4];
  Reflect__V1__RecordSection *ptrs[4];
  for (size_t i = 0; i < 4; i++) {
    reflect__v1__record_section__init(&w[i]);
    w[i].kind = (Reflect__V1__SectionKind)sec[i].kind;
    ptrs[i] = &w[i];
  }
  w[1].case_id = (uint64_t)case_id;
  w[2].text = "figures";
  w[2].kpi_measurements = (uint64_t *)kpis;
  w[2].n_kpi_measurements = 3;
  w[3].text = "mine";
  w[3].member = "pat";
  Reflect__V1__StoredRecord rec = REFLECT__V1__STORED_RECORD__INIT;
  rec.sections = ptrs;
  rec.n_sections = 4;
  uint8_t expected[512];
  size_t len = reflect__v1__stored_record__get_packed_size(&rec);
  cr_assert_lt(len, sizeof expected);
  reflect__v1__stored_record__pack(&rec, expected);
  cr_assert_eq(body_len, len);
  cr_assert_eq(memcmp(body, expected, len), 0, "the bytes protobuf-c writes");

  record_read out;
  cr_assert_eq(read_record(1, &out, &a), 0);
  cr_assert_eq(out.revision.revision, 2);
  cr_assert_str_eq(out.revision.reason, "an amendment");
  cr_assert_eq(out.n_sections, 4);
  cr_assert_str_eq(out.sections[0].text, "coping, just");
  cr_assert_str_eq(out.sections[1].case_reference, "CH-UNIT-2");
  cr_assert_str_eq(out.sections[1].analysis, "");
  cr_assert_str_eq(out.sections[1].rationale, "why");
  cr_assert_eq(out.sections[1].case_id, (uint64_t)case_id);
  cr_assert_eq(out.sections[2].n_kpi_measurements, 3);
  cr_assert_eq(out.sections[2].kpi_measurements[2], 1ull << 40);
  cr_assert_str_eq(out.sections[3].member, "pat");
  cr_assert_eq(read_record(0, &out, &a), 0);
  cr_assert(out.sections[0].withheld);
  cr_assert_str_eq(out.sections[0].text, "");
  arena_reset(&a);
}
