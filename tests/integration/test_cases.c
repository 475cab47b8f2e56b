/* Cases through the CLI: who may open, see and change them; lookup by
 * reference through the blind index; every read audited; a child's name,
 * reference and date of birth never on disk in clear. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static harness_run r;

#define CHILD "Ottoline Brackenbury-Sefu"
#define REF "CH-2026-88731"
#define DOB "2015-06-14"

Test(cases, caseloads_visibility_and_audit, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "sam", "sue", "pat", "quinn"};
  const char *roles[] = {NULL, "supervisor", "supervisor", "practitioner", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 5);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("sue", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("quinn", NULL, "agreement", "sign", "2");

  /* Sam opens a case for Pat; not for Quinn, whom he does not supervise. */
  CLI_OK("sam", NULL, "case", "add", "--ref", REF, "--name", CHILD, "--dob", DOB, "--risk", "high", "--worker", "pat");
  long child = harness_id(&r);
  char cid[24];
  snprintf(cid, sizeof cid, "%ld", child);
  CLI_OK("sam", NULL, "case", "add", "--ref", "FAM-0002", "--name", "The Okonkwo family", "--risk", "low", "--worker",
         "pat");
  CLI_REFUSED("sam", "you do not supervise 'quinn'", "case", "add", "--ref", "X-1", "--name", "Someone", "--risk",
              "low", "--worker", "quinn");
  CLI_REFUSED("sam", "already exists", "case", "add", "--ref", " ch-2026-88731 ", "--name", "Duplicate", "--risk",
              "low", "--worker", "pat");
  CLI("sam", NULL, "case", "add", "--ref", "X-2", "--name", "Someone", "--dob", "2099-01-01", "--risk", "low",
      "--worker", "pat");
  cr_assert_eq(r.status, 1, "a future date of birth is refused: %s", r.err);
  CLI("sam", NULL, "case", "add", "--ref", "X-2", "--name", "Someone", "--dob", "2015-6-014", "--risk", "low",
      "--worker", "pat");
  cr_assert_eq(r.status, 1, "only YYYY-MM-DD: %s", r.err);
  CLI_REFUSED("pat", "PERMISSION_DENIED", "case", "add", "--ref", "X-3", "--name", "Someone", "--risk", "low",
              "--worker", "pat");

  /* Pat sees her caseload, highest risk first; Sue and Quinn see nothing of it. */
  CLI_OK("pat", NULL, "case", "list", "--json");
  cJSON *list = cJSON_Parse(r.out);
  cr_assert_eq(cJSON_GetArraySize(list), 2, "%s", r.out);
  cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "name")->valuestring, CHILD);
  cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "risk")->valuestring, "high");
  cJSON_Delete(list);
  CLI_OK("sue", NULL, "case", "list", "--json");
  cr_assert_str_eq(r.out, "[]\n", "%s", r.out);
  CLI_REFUSED("quinn", "cannot see it", "case", "show", cid);
  CLI_REFUSED("sue", "cannot see it", "case", "show", "--ref", REF);
  /* The same answer for a case that does not exist: no probing. */
  CLI_REFUSED("sue", "cannot see it", "case", "show", "99999");

  /* Sue makes herself an agreement with Pat; Pat has not signed it, so it
   * gives Sue nothing: not the caseload, not the case, not a reallocation. */
  CLI_OK("sue", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("sue", NULL, "case", "list", "--json");
  cr_assert_str_eq(r.out, "[]\n", "an unsigned agreement shows nothing: %s", r.out);
  CLI_REFUSED("sue", "cannot see it", "case", "show", cid);
  CLI_REFUSED("sue", "cannot see it", "case", "update", cid, "--worker", "sue");

  /* Found by reference however it is typed. */
  CLI_OK("sam", NULL, "case", "show", "--ref", "  ch-2026-88731", "--json");
  cr_assert(strstr(r.out, CHILD) && strstr(r.out, DOB), "%s", r.out);

  /* Changing risk and allocation is a supervisor's job. */
  CLI_REFUSED("pat", "PERMISSION_DENIED", "case", "update", cid, "--risk", "low");
  CLI_OK("sam", NULL, "case", "update", cid, "--risk", "medium");
  CLI_REFUSED("sam", "you do not supervise", "case", "update", cid, "--worker", "quinn");
  CLI_OK("sam", NULL, "case", "update", cid, "--close");
  CLI_OK("pat", NULL, "case", "list", "--json");
  cr_assert_not(strstr(r.out, CHILD), "a closed case leaves the open caseload: %s", r.out);
  CLI_OK("pat", NULL, "case", "list", "--all", "--json");
  cr_assert(strstr(r.out, CHILD) && strstr(r.out, "\"medium\""), "%s", r.out);

  cr_assert_eq(harness_stop(&h), 0);
  char path[512];
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  const char *secrets[] = {CHILD, "Brackenbury", REF, DOB, "Okonkwo", "FAM-0002"};
  for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
    cr_assert_not(harness_file_contains(path, secrets[i]), "'%s' is on disk in clear", secrets[i]);

  /* Every look at the case's identity is on the audit log, with who looked. */
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *st;
  char q[256];
  snprintf(q, sizeof q,
           "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id WHERE a.action = 'case.read'"
           " AND a.object = 'case:%ld' AND u.username = 'sam'",
           child);
  cr_assert_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
  cr_assert_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM audit WHERE action = 'case.list'", -1, &st, NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_geq(sqlite3_column_int(st, 0), 4, "each listing is audited");
  sqlite3_finalize(st);
  sqlite3_close(db);
  harness_cleanup(&h);
}

/* A refused case add (a duplicate reference) rolls back the data key it
 * made. The worker must not keep that key cached: the next case would be
 * sealed under a key that was never stored, and unreadable after a
 * restart. Filler requests vary which worker takes the next add. */
Test(cases, a_refused_add_leaves_no_stale_key, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "sam", "pat"};
  const char *roles[] = {NULL, "supervisor", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 3);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "case", "add", "--ref", "A-1", "--name", "First Child", "--risk", "low", "--worker", "pat");
  for (int k = 0; k < 4; k++) {
    CLI_REFUSED("sam", "ALREADY_EXISTS", "case", "add", "--ref", "a-1", "--name", "Dup", "--risk", "low", "--worker",
                "pat");
    for (int i = 0; i < k; i++) CLI_OK("sam", NULL, "case", "list");
    char ref[16];
    snprintf(ref, sizeof ref, "B-%d", k);
    CLI_OK("sam", NULL, "case", "add", "--ref", ref, "--name", "Next Child", "--risk", "low", "--worker", "pat");
  }
  cr_assert_eq(harness_stop(&h), 0, "reflectd did not exit cleanly");
  harness_serve(&h);
  CLI_OK("sam", NULL, "case", "list", "--all");
  for (int id = 1; id <= 5; id++) {
    char sid[8];
    snprintf(sid, sizeof sid, "%d", id);
    CLI_OK("pat", NULL, "case", "show", sid);
    cr_assert(strstr(r.out, "Child"), "%s", r.out);
  }
  cr_assert_eq(harness_stop(&h), 0, "reflectd did not exit cleanly");
  harness_cleanup(&h);
}
