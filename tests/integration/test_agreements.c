/* Agreements in full through the CLI: frequency rules as data, terms sealed
 * and read back, versions that replace each other when signed, frozen once
 * signed (down to the database), ending; when supervision is due and who is
 * overdue; and planning sessions ahead from an agreement's rule. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

/* The migrations themselves, to run v7 over agreements made under v6
 * (this test does not link the server). */
#include "../../server/core/db_schema.c"

static harness_run r;

#define NQ "1w until 6w, 2w until 6m, 1m"
#define T_BOOK "Marker-Booking-Otter: first Monday, Room 4"
#define T_CANCEL "Marker-Cancel-Heron: rebook within 5 working days"
#define T_CANCEL2 "Marker-Cancel-Wren: rebook within 3 working days"
#define T_CONF "Marker-Conf-Badger: safeguarding overrides confidentiality"
#define T_ACCESS "Marker-Access-Vole: the two of us and the team manager"
#define T_DIS "Marker-Dispute-Stoat: go to the service manager"
#define T_END "Marker-EndReason-Lynx: Pat moved teams"

static cJSON *json_out(void)
{
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "not JSON: %s", r.out);
  return j;
}
static cJSON *get(cJSON *o, const char *k)
{
  return cJSON_GetObjectItemCaseSensitive(o, k);
}
static const char *str(cJSON *o, const char *k)
{
  return cJSON_GetStringValue(get(o, k));
}
static long long num(cJSON *o, const char *k)
{
  return get(o, k) ? (long long)cJSON_GetNumberValue(get(o, k)) : -1;
}
static void people(harness_server *h, const char *const *names, const char *const *roles, size_t n)
{
  harness_start(h);
  harness_cli_people(h, &r, names, roles, n);
}

Test(agreements, rules_are_data_and_validated, .timeout = 180)
{
  harness_server h;
  const char *names[] = {"admin", "mgr", "sam", "pat"};
  const char *roles[] = {NULL, "manager", "supervisor", "practitioner"};
  people(&h, names, roles, 4);
  CLI_OK("admin", NULL, "rule", "add", "newly-qualified", "--steps", NQ, "--description", "Newly qualified workers");
  CLI_OK("mgr", NULL, "rule", "add", "four-weekly", "--steps", "4w");
  CLI_OK("pat", NULL, "rule", "list", "--json");
  cJSON *j = json_out(), *nq = cJSON_GetArrayItem(j, 1);
  cr_assert_eq(cJSON_GetArraySize(j), 2, "%s", r.out);
  cr_assert_str_eq(str(nq, "name"), "newly-qualified");
  cr_assert_str_eq(str(nq, "schedule"), "weekly until 6 weeks, every 2 weeks until 6 months, then monthly");
  cJSON *steps = get(nq, "steps");
  cr_assert_eq(cJSON_GetArraySize(steps), 3);
  cr_assert_eq(num(get(cJSON_GetArrayItem(steps, 1), "until"), "count"), 6);
  cr_assert_str_eq(str(get(cJSON_GetArrayItem(steps, 1), "until"), "unit"), "months");
  cr_assert_null(get(cJSON_GetArrayItem(steps, 2), "until"), "the last step runs on");
  cr_assert_str_eq(str(cJSON_GetArrayItem(j, 0), "schedule"), "every 4 weeks");
  cJSON_Delete(j);
  CLI_OK("sam", NULL, "rule", "list");
  cr_assert(strstr(r.out, "weekly until 6 weeks") && strstr(r.out, "Newly qualified workers"), "%s", r.out);

  CLI_REFUSED("mgr", "ALREADY_EXISTS", "rule", "add", "newly-qualified", "--steps", "1m");
  CLI_REFUSED("sam", "PERMISSION_DENIED", "rule", "add", "mine", "--steps", "1w");
  CLI_REFUSED("admin", "a-z, 0-9", "rule", "add", "Newly_Qualified", "--steps", "1w");
  CLI_REFUSED("admin", "step 2: its until must come after step 1", "rule", "add", "b1", "--steps",
              "1w until 6w, 2w until 4w, 1m");
  CLI_REFUSED("admin", "every step but the last needs an until", "rule", "add", "b2", "--steps", "1w, 1m");
  CLI_REFUSED("admin", "the last step applies from then on", "rule", "add", "b3", "--steps",
              "1w until 6w, 1m until 6m");
  CLI_REFUSED("admin", "1 to 366", "rule", "add", "b4", "--steps", "400d");
  CLI_REFUSED("admin", "whatever day an agreement starts", "rule", "add", "b5", "--steps",
              "1w until 4w, 2w until 1m, 1m");
  /* What the CLI cannot read is a usage error naming the part. */
  const char *bad[][2] = {{"1w until 6w, 2x until 6m, 1m", "step 2: '2x'"},
                          {"1w until, 1m", "step 1 ('1w until')"},
                          {"1w until 6w,, 1m", "step 2 ('')"},
                          {"1w until 6w, 2w after 6m, 1m", "step 2 ('2w after 6m')"}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CLI("admin", NULL, "rule", "add", "b6", "--steps", bad[i][0]);
    cr_assert_eq(r.status, 2, "%s: %s", bad[i][0], r.err);
    cr_assert(strstr(r.err, bad[i][1]), "expected '%s' in: %s", bad[i][1], r.err);
  }
  CLI_OK("admin", NULL, "rule", "list", "--json");
  j = json_out();
  cr_assert_eq(cJSON_GetArraySize(j), 2, "no refused rule was kept: %s", r.out);
  cJSON_Delete(j);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* Exactly these requests touch agreements, and none of them changes one. */
static void assert_no_request_edits_an_agreement(void)
{
  const ProtobufCMessageDescriptor *d = &reflect__v1__request__descriptor;
  char seen[256] = "";
  for (unsigned i = 0; i < d->n_fields; i++)
    if (!strncmp(d->fields[i].name, "agreement_", 10))
      snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s ", d->fields[i].name + 10);
  cr_assert_str_eq(seen, "add list sign show end ", "a new agreement request must keep signed ones frozen");
}

static long long sql_count(sqlite3 *db, const char *q)
{
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  long long n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

static void assert_refused(sqlite3 *db, const char *q)
{
  char *err = NULL;
  cr_assert_neq(sqlite3_exec(db, q, NULL, NULL, &err), SQLITE_OK, "the database let through: %s", q);
  cr_assert(err && (strstr(err, "frozen") || strstr(err, "never deleted")), "%s: %s", q, err ? err : "");
  sqlite3_free(err);
}

Test(agreements, versions_terms_freeze_and_end, .timeout = 240)
{
  harness_server h;
  const char *names[] = {"admin", "mgr", "sam", "sue", "pat", "quinn"};
  const char *roles[] = {NULL, "manager", "supervisor", "supervisor", "practitioner", "practitioner"};
  people(&h, names, roles, 6);
  CLI_OK("admin", NULL, "rule", "add", "newly-qualified", "--steps", NQ);
  CLI_OK("admin", NULL, "team", "add", "east");
  CLI_OK("admin", NULL, "team", "member", "east", "mgr", "--manager");
  CLI_OK("admin", NULL, "team", "member", "east", "pat");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--rule", "newly-qualified", "--minutes", "90",
         "--starts", "2026-11-02", "--booking", T_BOOK, "--cancellation", T_CANCEL, "--confidentiality", T_CONF,
         "--record-access", T_ACCESS, "--disagreements", T_DIS);
  cr_assert_eq(harness_id(&r), 1);
  CLI_OK("pat", NULL, "agreement", "show", "1", "--json");
  cJSON *j = json_out();
  cr_assert_str_eq(str(j, "status"), "awaiting signature");
  cr_assert(num(j, "version") == 1 && num(j, "every_days") == 0 && num(j, "minutes") == 90, "%s", r.out);
  cr_assert_str_eq(str(j, "rule"), "newly-qualified");
  cr_assert_str_eq(str(j, "starts_on"), "2026-11-02");
  cr_assert_str_eq(str(j, "review_on"), "2027-11-02", "reviewed a year after it starts by default");
  cr_assert(get(j, "supervisor_signed_at") && !get(j, "supervisee_signed_at"), "sam signed by making it: %s", r.out);
  const char *keys[] = {"booking", "cancellation", "confidentiality", "record_access", "disagreements"};
  const char *terms[] = {T_BOOK, T_CANCEL, T_CONF, T_ACCESS, T_DIS};
  for (int i = 0; i < 5; i++) cr_assert_str_eq(str(j, keys[i]), terms[i]);
  cJSON_Delete(j);

  /* Not yours: the same answer as no such agreement. */
  CLI_REFUSED("quinn", "agreement 1 does not exist or is not yours to see", "agreement", "show", "1");
  CLI_REFUSED("quinn", "agreement 99 does not exist or is not yours to see", "agreement", "show", "99");
  CLI_REFUSED("sue", "not yours to see", "agreement", "show", "1");
  CLI_REFUSED("sue", "agreement 1 does not exist or is not yours to end", "agreement", "end", "1", "--reason", "x");
  CLI_REFUSED("pat", "PERMISSION_DENIED", "agreement", "end", "1", "--reason", "x");
  CLI_OK("sue", NULL, "agreement", "list", "--json");
  cr_assert_str_eq(r.out, "[]\n");
  CLI_OK("mgr", NULL, "agreement", "show", "1", "--json");
  cr_assert(strstr(r.out, T_BOOK), "pat's manager reads it: %s", r.out);
  CLI_OK("mgr", NULL, "agreement", "list");
  cr_assert(strstr(r.out, "newly-qualified") && !strstr(r.out, "Marker-"), "lists carry no terms: %s", r.out);
  CLI_OK("pat", NULL, "agreement", "sign", "1");

  /* Version 2 changes the cancellation rule and the length; the rest carries over. */
  CLI_OK("sam", NULL, "agreement", "add", "--revises", "1", "--cancellation", T_CANCEL2, "--minutes", "120");
  cr_assert_eq(harness_id(&r), 2);
  CLI_REFUSED("sam", "agreement 2 already awaits", "agreement", "add", "--revises", "1", "--minutes", "60");
  CLI_REFUSED("sam", "ALREADY_EXISTS", "agreement", "add", "--supervisee", "pat", "--every", "7", "--minutes", "60");
  CLI_REFUSED("sue", "not yours to revise", "agreement", "add", "--revises", "1", "--minutes", "60");
  CLI_OK("pat", NULL, "agreement", "show", "2", "--json");
  j = json_out();
  cr_assert(num(j, "version") == 2 && num(j, "supersedes") == 1 && num(j, "minutes") == 120, "%s", r.out);
  cr_assert_str_eq(str(j, "booking"), T_BOOK);
  cr_assert_str_eq(str(j, "cancellation"), T_CANCEL2);
  cr_assert_str_eq(str(j, "starts_on"), "2026-11-02", "a rule keeps counting from the first start");
  cr_assert_str_eq(str(j, "review_on"), "2027-11-02");
  cr_assert_str_eq(str(j, "rule"), "newly-qualified");
  cJSON_Delete(j);
  /* Until Pat signs version 2, version 1 is what counts. */
  CLI_OK("pat", NULL, "agreement", "list", "--json");
  cr_assert(strstr(r.out, "\"id\":1,\"version\":1") && strstr(r.out, "\"status\":\"active\""), "%s", r.out);
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", "2027-01-04 10:00", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "2");
  CLI_OK("sam", NULL, "agreement", "show", "1", "--json");
  j = json_out();
  cr_assert_str_eq(str(j, "status"), "ended");
  cr_assert_str_eq(str(j, "end_reason"), "replaced by version 2");
  cr_assert_eq(cJSON_GetArraySize(get(j, "versions")), 2);
  cr_assert_str_eq(str(cJSON_GetArrayItem(get(j, "versions"), 1), "status"), "active");
  cJSON_Delete(j);

  /* Frozen: no request edits a signed agreement; signing again, ending
   * twice, or a version left unsigned change nothing. */
  assert_no_request_edits_an_agreement();
  CLI_REFUSED("pat", "already signed", "agreement", "sign", "2");
  CLI_REFUSED("sam", "has already ended", "agreement", "end", "1", "--reason", "again");
  CLI_OK("sam", NULL, "agreement", "add", "--revises", "2", "--booking", "changed my mind");
  CLI_OK("sam", NULL, "agreement", "end", "3", "--reason", "drafted in error");
  CLI_REFUSED("pat", "was ended before you signed it", "agreement", "sign", "3");
  CLI_OK("pat", NULL, "agreement", "show", "2", "--json");
  cr_assert(strstr(r.out, T_BOOK) && strstr(r.out, "\"status\":\"active\""), "%s", r.out);
  CLI_OK("pat", NULL, "agreement", "list");
  cr_assert(strstr(r.out, "withdrawn"), "%s", r.out);

  /* Pat's manager ends it; Sam may no longer book with Pat. */
  CLI_OK("mgr", NULL, "agreement", "end", "2", "--reason", T_END);
  CLI_REFUSED("sam", "no signed supervision agreement", "session", "add", "--with", "pat", "--at", "2027-01-11 10:00",
              "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "show", "2", "--json");
  cr_assert(strstr(r.out, T_END) && strstr(r.out, "\"status\":\"ended\""), "%s", r.out);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("sam", NULL, "agreement", "show", "4", "--json");
  cr_assert(strstr(r.out, "\"version\":1") && strstr(r.out, "\"versions\":[{\"id\":1,"), "%s", r.out);

  char db_path[512], wal[520], copy[520], cmd[1200];
  snprintf(db_path, sizeof db_path, "%s/reflect.db", h.data);
  snprintf(wal, sizeof wal, "%s-wal", db_path);
  const char *secret[] = {"Otter", "Heron", "Wren", "Badger", "Vole", "Stoat", "Lynx", "changed my mind"};
  for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++)
    cr_assert_not(harness_file_contains(wal, secret[i]), "'%s' is in the WAL in clear", secret[i]);
  cr_assert_eq(harness_stop(&h), 0);
  for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++)
    cr_assert_not(harness_file_contains(db_path, secret[i]), "'%s' is in the database in clear", secret[i]);

  sqlite3 *db;
  cr_assert_eq(sqlite3_open(db_path, &db), SQLITE_OK);
  cr_assert_eq(sql_count(db, "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id WHERE u.username = 'mgr'"
                             " AND a.action = 'agreement.read' AND a.detail = 'oversight'"),
               1);
  cr_assert_eq(sql_count(db, "SELECT count(*) FROM audit WHERE action = 'agreement.end'"), 3);
  sqlite3_close(db);
  /* On a copy of the file, the database itself refuses to change a signed agreement. */
  snprintf(copy, sizeof copy, "%s/copy.db", h.dir);
  snprintf(cmd, sizeof cmd, "cp '%s' '%s'", db_path, copy);
  cr_assert_eq(system(cmd), 0);
  cr_assert_eq(sqlite3_open(copy, &db), SQLITE_OK);
  assert_refused(db, "UPDATE agreements SET booking = (SELECT booking FROM agreements WHERE id = 3) WHERE id = 2");
  assert_refused(db, "UPDATE agreements SET minutes = 30 WHERE id = 1");
  assert_refused(db, "UPDATE agreements SET ended_at = NULL, end_reason = NULL WHERE id = 2");
  assert_refused(db, "DELETE FROM agreements WHERE id = 2");
  sqlite3_close(db);
  harness_cleanup(&h);
}

/* Ending an agreement withdraws the version that would have replaced it:
 * signing that would give the supervisor back the access the ending took
 * away. Only the supervisor, or a manager of the supervisee, ends one; a
 * manager of the supervisor only may read it. */
Test(agreements, ending_withdraws_the_next_version_and_who_may_end, .timeout = 240)
{
  harness_server h;
  const char *names[] = {"admin", "mgr", "boss", "sam", "pat"};
  const char *roles[] = {NULL, "manager", "manager", "supervisor", "practitioner"};
  people(&h, names, roles, 5);
  CLI_OK("admin", NULL, "team", "add", "east");
  CLI_OK("admin", NULL, "team", "member", "east", "mgr", "--manager");
  CLI_OK("admin", NULL, "team", "member", "east", "pat");
  CLI_OK("admin", NULL, "team", "add", "west");
  CLI_OK("admin", NULL, "team", "member", "west", "boss", "--manager");
  CLI_OK("admin", NULL, "team", "member", "west", "sam");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "14", "--minutes", "60");
  CLI_OK("pat", NULL, "agreement", "sign", "1");

  /* Sam's manager oversees Sam, not Pat: reading is oversight, ending is not. */
  CLI_OK("boss", NULL, "agreement", "show", "1", "--json");
  CLI_REFUSED("boss", "a manager overseeing the supervisee", "agreement", "end", "1", "--reason", "x");
  cr_assert(strstr(r.err, "PERMISSION_DENIED"), "%s", r.err);
  CLI_OK("pat", NULL, "agreement", "show", "1", "--json");
  cr_assert(strstr(r.out, "\"status\":\"active\""), "boss ended nothing: %s", r.out);

  /* Version 2 awaits Pat's signature when Sam ends version 1. */
  CLI_OK("sam", NULL, "agreement", "add", "--revises", "1", "--minutes", "90");
  cr_assert_eq(harness_id(&r), 2);
  CLI_OK("sam", NULL, "agreement", "end", "1", "--reason", "Pat moves to another supervisor");
  CLI_REFUSED("pat", "FAILED_PRECONDITION", "agreement", "sign", "2");
  CLI_OK("pat", NULL, "agreement", "show", "2", "--json");
  cJSON *j = json_out();
  cr_assert(get(j, "ended_at") && !get(j, "supervisee_signed_at"), "%s", r.out);
  cr_assert_str_eq(str(j, "end_reason"), "withdrawn: the agreement it would replace was ended");
  cJSON_Delete(j);
  CLI_REFUSED("sam", "no signed supervision agreement", "session", "add", "--with", "pat", "--at", "2027-01-11 10:00",
              "--minutes", "60");

  /* The same when the supervisee's manager ends it. */
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "14", "--minutes", "60");
  cr_assert_eq(harness_id(&r), 3);
  CLI_OK("pat", NULL, "agreement", "sign", "3");
  CLI_OK("sam", NULL, "agreement", "add", "--revises", "3", "--minutes", "90");
  cr_assert_eq(harness_id(&r), 4);
  CLI_OK("mgr", NULL, "agreement", "end", "3", "--reason", "Pat moved teams");
  CLI_REFUSED("pat", "was ended before you signed it", "agreement", "sign", "4");

  /* A version left running over an ended agreement (as before this rule)
   * is refused at signing all the same. */
  char db_path[512];
  snprintf(db_path, sizeof db_path, "%s/reflect.db", h.data);
  cr_assert_eq(harness_stop(&h), 0);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(db_path, &db), SQLITE_OK);
  cr_assert_eq(sql_count(db, "SELECT count(*) FROM audit WHERE action = 'agreement.end'"), 4);
  cr_assert_eq(sqlite3_exec(db, "UPDATE agreements SET ended_at = NULL, end_reason = NULL WHERE id = 4", NULL, NULL,
                            NULL),
               SQLITE_OK);
  /* Signed rows keep who made them, when, and their id. */
  assert_refused(db, "UPDATE agreements SET created_by = created_by + 1 WHERE id = 3");
  assert_refused(db, "UPDATE agreements SET created_at = created_at - 86400 WHERE id = 3");
  assert_refused(db, "UPDATE agreements SET id = 99 WHERE id = 3");
  sqlite3_close(db);
  harness_serve(&h);
  CLI_REFUSED("pat", "agreement 4 would replace agreement 3, which has ended", "agreement", "sign", "4");
  cr_assert(strstr(r.err, "FAILED_PRECONDITION"), "%s", r.err);
  CLI_REFUSED("sam", "no signed supervision agreement", "session", "add", "--with", "pat", "--at", "2027-01-11 10:00",
              "--minutes", "60");
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* Agreements made before v7 get a start (the UTC date they were made) and
 * the supervisor's signature (when made) written in by the migration, before
 * the freeze: nothing a signed agreement says rests on a reader's default. */
Test(agreements, v7_backfills_start_and_supervisor_signature)
{
  sqlite3 *db;
  char *err = NULL;
  cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  cr_assert_geq(db_schema_count, 7, "this test runs v7 over a v6 database");
  for (int v = 0; v < 6; v++)
    cr_assert_eq(sqlite3_exec(db, db_schema_migrations[v], NULL, NULL, &err), SQLITE_OK, "v%d: %s", v + 1, err);
  cr_assert_eq(sqlite3_exec(db,
                            "INSERT INTO data_keys(id, subject, created_at) VALUES (1, 'user:1', 0);"
                            "INSERT INTO users(id, username, role, key_id, name, pwhash, created_at) VALUES"
                            " (1, 'sam', 3, 1, x'00', 'x', 0), (2, 'pat', 4, 1, x'00', 'x', 0);"
                            /* 2026-03-01 23:30 UTC, signed by the supervisee */
                            "INSERT INTO agreements(id, supervisor_id, supervisee_id, every_days, minutes, created_at, "
                            "created_by,"
                            " supervisee_signed_at) VALUES (1, 1, 2, 28, 60, 1772407800, 1, 1772407900);",
                            NULL, NULL, &err),
               SQLITE_OK, "%s", err);
  cr_assert_eq(sqlite3_exec(db, db_schema_migrations[6], NULL, NULL, &err), SQLITE_OK, "v7: %s", err);
  cr_assert_eq(sql_count(db, "SELECT count(*) FROM agreements WHERE id = 1 AND starts_on = '2026-03-01'"
                             " AND supervisor_signed_at = 1772407800"),
               1);
  assert_refused(db, "UPDATE agreements SET starts_on = '2026-04-01' WHERE id = 1");
  assert_refused(db, "UPDATE agreements SET created_at = 0 WHERE id = 1");
  sqlite3_close(db);
}
