/* Encryption at rest, proved from the outside: known plaintext never reaches
 * the database, its WAL or shm (nor the log), and a ciphertext moved to
 * another row is refused as an integrity error. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "wire.h"

#define CHILD_NAME "Zephyrine Marchbanks-Oduya"
#define BODY_MARKER "MARKER-7f3a9c-plaintext-body"
#define ROOM_MARKER "Room Quillfeather-77"
#define STAFF_NAME "Thistlewood-Ngata Practitioner"
#define REASON_MARKER "Reason-Kestrel-correction"

static void sign_agreement(client *supervisee, uint64_t id)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__AgreementSignRequest sign = REFLECT__V1__AGREEMENT_SIGN_REQUEST__INIT;
  sign.agreement_id = id;
  req.op_case = REFLECT__V1__REQUEST__OP_AGREEMENT_SIGN;
  req.agreement_sign = &sign;
  Reflect__V1__Reply *rep = harness_call(supervisee, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "%s", rep->status->message);
  wire_free_reply(rep);
}

/* An agreement made by sup and signed by the supervisee, who logs in for it. */
static void add_agreement(harness_server *h, client *sup, const char *supervisee)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__AgreementAddRequest add = REFLECT__V1__AGREEMENT_ADD_REQUEST__INIT;
  add.supervisee = (char *)supervisee;
  add.every_days = 28;
  add.minutes = 90;
  req.op_case = REFLECT__V1__REQUEST__OP_AGREEMENT_ADD;
  req.agreement_add = &add;
  Reflect__V1__Reply *rep = harness_call(sup, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "%s", rep->status->message);
  uint64_t id = rep->agreement_add->id;
  wire_free_reply(rep);
  client *c = harness_user(h, supervisee);
  sign_agreement(c, id);
  client_close(c);
}

static uint64_t add_session(client *sup, const char *member, const char *room)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionAddRequest add = REFLECT__V1__SESSION_ADD_REQUEST__INIT;
  char *members[] = {(char *)member};
  add.members = members;
  add.n_members = 1;
  /* Each booking two hours after the last: the same person cannot be in two.
   * In the past, and held, because a record is written after its session. */
  static int64_t next;
  if (!next) next = (int64_t)time(NULL) - 30 * 86400;
  add.starts_at = next;
  next += 7200;
  add.minutes = 90;
  add.room = (char *)room;
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_ADD;
  req.session_add = &add;
  Reflect__V1__Reply *rep = harness_call(sup, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "%s", rep->status->message);
  uint64_t id = rep->session_add->id;
  wire_free_reply(rep);
  Reflect__V1__SessionStatusRequest held = REFLECT__V1__SESSION_STATUS_REQUEST__INIT;
  held.session_id = id;
  held.status = REFLECT__V1__SESSION_STATUS__SESSION_HELD;
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_STATUS;
  req.session_add = NULL;
  req.session_status = &held;
  rep = harness_call(sup, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "%s", rep->status->message);
  wire_free_reply(rep);
  return id;
}

static Reflect__V1__Reply *write_record(client *sup, uint64_t session, const char *body, const char *reason)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RecordWriteRequest w = REFLECT__V1__RECORD_WRITE_REQUEST__INIT;
  w.session_id = session;
  w.body = (char *)body;
  w.reason = (char *)reason;
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_WRITE;
  req.record_write = &w;
  return harness_call(sup, &req);
}

static Reflect__V1__Reply *show_record(client *c, uint64_t session)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RecordShowRequest s = REFLECT__V1__RECORD_SHOW_REQUEST__INIT;
  s.session_id = session;
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_SHOW;
  req.record_show = &s;
  return harness_call(c, &req);
}

static void assert_absent(harness_server *h, const char *file, const char *const *markers, size_t n)
{
  char path[512];
  snprintf(path, sizeof path, "%s/%s", h->data, file);
  for (size_t i = 0; i < n; i++)
    cr_assert_not(harness_file_contains(path, markers[i]), "'%s' found in plaintext in %s", markers[i], file);
}

Test(storage, no_plaintext_in_database_wal_shm_or_log, .timeout = 120)
{
  harness_server h;
  harness_start(&h);
  client *admin = harness_user(&h, "admin");
  harness_add_user(admin, "sup", "Supervisor Person", REFLECT__V1__ROLE__ROLE_SUPERVISOR);
  harness_add_user(admin, "prac", STAFF_NAME, REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  client *sup = harness_user(&h, "sup");
  add_agreement(&h, sup, "prac");
  uint64_t s = add_session(sup, "prac", ROOM_MARKER);
  const char *body = "Discussed " CHILD_NAME " (DOB 2014-03-09). " BODY_MARKER;
  for (int i = 0; i < 20; i++) {
    Reflect__V1__Reply *rep = write_record(sup, s, body, i ? REASON_MARKER : "");
    cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "%s", rep->status->message);
    wire_free_reply(rep);
  }
  client *prac = harness_user(&h, "prac");
  Reflect__V1__Reply *rep = show_record(prac, s);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "%s", rep->status->message);
  /* Plain text is kept as one notes section (and not repeated in body). */
  cr_assert_eq(rep->record_show->n_sections, 1);
  cr_assert_eq(rep->record_show->sections[0]->kind, REFLECT__V1__SECTION_KIND__SECTION_NOTES);
  cr_assert_str_eq(rep->record_show->sections[0]->text, body, "the record must come back intact");
  cr_assert_str_eq(rep->record_show->body, "");
  wire_free_reply(rep);

  const char *markers[] =
      {CHILD_NAME,  BODY_MARKER, ROOM_MARKER, STAFF_NAME, REASON_MARKER, HARNESS_PASSWORD, HARNESS_ADMIN_PASSWORD,
       "2014-03-09"};
  size_t n = sizeof markers / sizeof markers[0];
  /* While serving, the WAL holds the recent writes. */
  char wal[512];
  snprintf(wal, sizeof wal, "%s/reflect.db-wal", h.data);
  FILE *f = fopen(wal, "rb");
  cr_assert_not_null(f, "the WAL should exist while the server runs");
  fseek(f, 0, SEEK_END);
  cr_assert_gt(ftell(f), 4096, "the WAL should hold the writes");
  fclose(f);
  assert_absent(&h, "reflect.db", markers, n);
  assert_absent(&h, "reflect.db-wal", markers, n);
  assert_absent(&h, "reflect.db-shm", markers, n);
  client_close(sup);
  client_close(prac);
  client_close(admin);
  cr_assert_eq(harness_stop(&h), 0);
  assert_absent(&h, "reflect.db", markers, n);
  assert_absent(&h, "reflect.db-wal", markers, n);
  char log[512];
  snprintf(log, sizeof log, "%s/reflectd.log", h.dir);
  for (size_t i = 0; i < n; i++) cr_assert_not(harness_file_contains(log, markers[i]), "'%s' in the log", markers[i]);
  /* Positive control: the scanner does find what is there. */
  char db[512];
  snprintf(db, sizeof db, "%s/reflect.db", h.data);
  cr_assert(harness_file_contains(db, "record_revisions"));
  harness_cleanup(&h);
}

static void sql(sqlite3 *db, const char *q)
{
  char *err = NULL;
  cr_assert_eq(sqlite3_exec(db, q, NULL, NULL, &err), SQLITE_OK, "%s: %s", q, err ? err : "");
}

Test(storage, ciphertext_moved_to_another_row_is_an_integrity_error, .timeout = 120)
{
  harness_server h;
  harness_start(&h);
  client *admin = harness_user(&h, "admin");
  harness_add_user(admin, "sup", "Supervisor Person", REFLECT__V1__ROLE__ROLE_SUPERVISOR);
  harness_add_user(admin, "prac", "Practitioner Person", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  client *sup = harness_user(&h, "sup");
  add_agreement(&h, sup, "prac");
  uint64_t a = add_session(sup, "prac", "Room A");
  uint64_t b = add_session(sup, "prac", "Room B");
  Reflect__V1__Reply *rep = write_record(sup, a, "record of session A", "");
  wire_free_reply(rep);
  rep = write_record(sup, b, "record of session B", "");
  wire_free_reply(rep);
  uint64_t c3 = add_session(sup, "prac", "Room C");
  for (int i = 0; i < 2; i++) {
    rep = write_record(sup, c3, i ? "record of session C, amended" : "record of session C", i ? "amended" : "");
    wire_free_reply(rep);
  }
  client_close(sup);
  client_close(admin);
  cr_assert_eq(harness_stop(&h), 0);

  /* Someone with the file (not the key) swaps A's sealed body into B's row.
   * Both rows use the same data key (the practitioner's file), so only the
   * associated data can catch it. */
  char path[512];
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  sql(db, "DROP TRIGGER record_revisions_no_update");
  char q[256];
  snprintf(q, sizeof q,
           "UPDATE record_revisions SET body = (SELECT body FROM record_revisions WHERE session_id = %llu)"
           " WHERE session_id = %llu",
           (unsigned long long)a, (unsigned long long)b);
  sql(db, q);
  cr_assert_eq(sqlite3_changes(db), 1);
  sqlite3_close(db);

  /* And a third revision moved wholesale to another session, keeping its
   * own row: the associated data names the session, so it fails too. */
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  snprintf(q, sizeof q, "UPDATE record_revisions SET session_id = %llu WHERE session_id = %llu AND revision = 2",
           (unsigned long long)a, (unsigned long long)c3);
  sql(db, q);
  sqlite3_close(db);

  harness_serve(&h);
  client *prac = harness_user(&h, "prac");
  rep = show_record(prac, a);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__DATA_LOSS, "a revision moved to another session must not open");
  wire_free_reply(rep);
  rep = show_record(prac, b);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__DATA_LOSS, "got %s", wire_code_name(rep->status->code));
  cr_assert(strstr(rep->status->message, "integrity"), "message: %s", rep->status->message);
  cr_assert_eq(rep->result_case, REFLECT__V1__REPLY__RESULT__NOT_SET);
  wire_free_reply(rep);
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RecordShowRequest rs = REFLECT__V1__RECORD_SHOW_REQUEST__INIT;
  rs.session_id = a;
  rs.revision = 1;
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_SHOW;
  req.record_show = &rs;
  rep = harness_call(prac, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "the untouched revision still opens");
  cr_assert_eq(rep->record_show->n_sections, 1);
  cr_assert_str_eq(rep->record_show->sections[0]->text, "record of session A");
  wire_free_reply(rep);
  client_close(prac);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

static long long count(sqlite3 *db, const char *q)
{
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  long long n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

Test(storage, every_read_and_write_of_record_content_is_audited, .timeout = 120)
{
  harness_server h;
  harness_start(&h);
  client *admin = harness_user(&h, "admin");
  harness_add_user(admin, "sup", "Supervisor Person", REFLECT__V1__ROLE__ROLE_SUPERVISOR);
  harness_add_user(admin, "prac", "Practitioner Person", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  harness_add_user(admin, "other", "Other Practitioner", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  client *sup = harness_user(&h, "sup");
  add_agreement(&h, sup, "prac");
  uint64_t s = add_session(sup, "prac", "Room A");
  Reflect__V1__Reply *rep = write_record(sup, s, "first", "");
  wire_free_reply(rep);
  rep = write_record(sup, s, "second", "clarified the plan");
  wire_free_reply(rep);
  client *prac = harness_user(&h, "prac"), *other = harness_user(&h, "other");
  for (int i = 0; i < 3; i++) wire_free_reply(show_record(prac, s));
  rep = show_record(other, s);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__PERMISSION_DENIED);
  wire_free_reply(rep);
  const char *prac_device = client_device_key(prac);
  char device[41];
  snprintf(device, sizeof device, "%s", prac_device);
  client_close(sup);
  client_close(prac);
  client_close(other);
  client_close(admin);
  cr_assert_eq(harness_stop(&h), 0);

  char path[512], q[512];
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  snprintf(q, sizeof q,
           "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id WHERE a.action = 'record.write'"
           " AND a.object = 'session:%llu' AND u.username = 'sup'",
           (unsigned long long)s);
  cr_assert_eq(count(db, q), 2, "both revisions audited as written by sup");
  snprintf(q, sizeof q,
           "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id WHERE a.action = 'record.read'"
           " AND a.object = 'session:%llu' AND u.username = 'prac' AND a.device = '%s'",
           (unsigned long long)s, device);
  cr_assert_eq(count(db, q), 3, "each read audited with the reader and their device");
  cr_assert_eq(count(db, "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id"
                         " WHERE a.action = 'record.read' AND u.username = 'other'"),
               0, "a refused read discloses nothing, so it is not a read");
  cr_assert_eq(count(db, "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id"
                         " WHERE a.action = 'record.denied' AND u.username = 'other'"),
               1, "but the attempt is on the record");
  sqlite3_close(db);
  harness_cleanup(&h);
}
