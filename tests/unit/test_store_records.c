/* store_records on a real data directory: a format-1 revision (free text,
 * from before structured records) reads back as one notes section (withheld
 * whole from a reader who may not see wellbeing), and a
 * row whose format is changed in the file no longer opens. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "store_keys.h"
#include "store_records.h"
#include "store_sessions.h"

static fixture f;
static keyring ring;

static void setup(void) { fixture_open(&f); }
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
 * its record sealed the way issue 2's server did: format 1, free text. */
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
                                  "INSERT INTO record_revisions(id, session_id, revision, author_id, created_at, key_id,"
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

static int read_record(int with_wellbeing, Reflect__V1__RecordShowReply *out, arena *a)
{
  Reflect__V1__Status status = REFLECT__V1__STATUS__INIT;
  Reflect__V1__Reply rep = REFLECT__V1__REPLY__INIT;
  rep.status = &status;
  principal who = {.authenticated = 1, .user_id = 1, .role = REFLECT__V1__ROLE__ROLE_SUPERVISOR};
  call c = {.s = &f.s, .who = &who, .a = a, .ring = &ring, .rep = &rep, .now = 3000};
  session_row s;
  cr_assert_eq(store_sessions_get(f.db, 1, &s), 0);
  reflect__v1__record_show_reply__init(out);
  return store_records_read(&c, &s, 0, with_wellbeing, out);
}

Test(store_records, a_format_1_revision_reads_as_one_notes_section, .init = setup, .fini = teardown)
{
  old_record("Free text from before sections.", 1);
  arena a = {0};
  Reflect__V1__RecordShowReply out;
  cr_assert_eq(read_record(1, &out, &a), 0);
  cr_assert_eq(out.n_sections, 1);
  cr_assert_eq(out.sections[0]->kind, REFLECT__V1__SECTION_KIND__SECTION_NOTES);
  cr_assert_not(out.sections[0]->withheld);
  cr_assert_str_eq(out.sections[0]->text, "Free text from before sections.");
  cr_assert_str_eq(out.body, "Free text from before sections.", "older clients still read the text");
  cr_assert_eq(out.revision->revision, 1);
  arena_reset(&a);
}

/* Free text may hold wellbeing, and nothing tells which part: a reader who
 * may not see wellbeing (an overseeing manager) gets none of it. */
Test(store_records, a_format_1_revision_is_withheld_from_a_reader_without_wellbeing, .init = setup,
     .fini = teardown)
{
  old_record("Free text that mentions how the worker is coping.", 1);
  arena a = {0};
  Reflect__V1__RecordShowReply out;
  cr_assert_eq(read_record(0, &out, &a), 0);
  cr_assert_eq(out.n_sections, 1);
  cr_assert_eq(out.sections[0]->kind, REFLECT__V1__SECTION_KIND__SECTION_NOTES);
  cr_assert(out.sections[0]->withheld);
  cr_assert_str_eq(out.sections[0]->text, "");
  cr_assert_str_eq(out.body, "", "nor through the legacy body");
  cr_assert_eq(out.revision->revision, 1);
  arena_reset(&a);
}

Test(store_records, a_row_relabelled_as_format_2_fails_to_open, .init = setup, .fini = teardown)
{
  old_record("Free text, now claimed to be sections.", 2);
  arena a = {0};
  Reflect__V1__RecordShowReply out;
  cr_assert_eq(read_record(1, &out, &a), REFLECT__V1__CODE__DATA_LOSS);
  arena_reset(&a);
}
