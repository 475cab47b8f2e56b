/* Sign-off through the CLI: both parties sign the revision they read; a
 * fully signed revision is frozen; an amendment is a new revision with a
 * reason that must be signed again; a disagreement is recorded with its
 * resolution and never erased. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static harness_run r;

static cJSON *field(cJSON *o, const char *k)
{
  return cJSON_GetObjectItemCaseSensitive(o, k);
}

Test(signoff, both_sign_then_it_is_frozen, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "sam", "pat", "quinn"};
  const char *roles[] = {NULL, "supervisor", "practitioner", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 4);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", "2026-01-05 10:00", "--minutes", "90");
  char sid[24];
  snprintf(sid, sizeof sid, "%ld", strtol(r.out, NULL, 10));
  CLI_OK("sam", "[notes]\nWe talked about the Brown family.\n", "record", "write", sid, "--file", "-");

  CLI_OK("pat", NULL, "record", "show", sid, "--json");
  cJSON *rec = cJSON_Parse(r.out);
  cr_assert(!cJSON_IsTrue(field(rec, "frozen")));
  cr_assert_eq(cJSON_GetArraySize(field(rec, "awaiting")), 2, "%s", r.out);
  cJSON_Delete(rec);

  CLI_REFUSED("pat", "not the latest", "record", "sign", sid, "--revision", "2");
  CLI_OK("pat", NULL, "record", "sign", sid, "--revision", "1", "--json");
  cr_assert(strstr(r.out, "\"frozen\":false"), "%s", r.out);
  CLI_REFUSED("pat", "already signed", "record", "sign", sid, "--revision", "1");
  CLI_REFUSED("quinn", "not a party", "record", "sign", sid, "--revision", "1");
  CLI_OK("sam", NULL, "record", "sign", sid, "--revision", "1", "--json");
  cr_assert(strstr(r.out, "\"frozen\":true"), "both have signed: %s", r.out);

  /* Pat disagrees; Sam records how it was resolved; a note cannot be "resolved". */
  CLI_OK("pat", NULL, "record", "comment", sid, "--disagree", "--text",
         "Marker-Disagreement-Heron: the plan was not agreed");
  char dis[24];
  snprintf(dis, sizeof dis, "%ld", strtol(r.out, NULL, 10));
  CLI_OK("pat", NULL, "record", "comment", sid, "--text", "A note");
  char note[24];
  snprintf(note, sizeof note, "%ld", strtol(r.out, NULL, 10));
  CLI_REFUSED("sam", "names a disagreement", "record", "comment", sid, "--resolves", note, "--text", "x");
  CLI_OK("sam", NULL, "record", "comment", sid, "--resolves", dis, "--text", "Agreed to revisit at the next session");
  CLI_REFUSED("quinn", "not a party", "record", "comment", sid, "--text", "nosy");

  /* Sam amends: revision 2 needs a reason and starts unsigned; revision 1 stays frozen. */
  CLI("sam", "[notes]\nRevised.\n", "record", "write", sid, "--file", "-");
  cr_assert_eq(r.status, 1, "an amendment without a reason is refused: %s", r.err);
  CLI_OK("sam", "[notes]\nWe talked about the Brown family; the plan is to revisit.\n", "record", "write", sid,
         "--file", "-", "--reason", "recorded the disagreement's outcome");
  CLI_OK("pat", NULL, "record", "history", sid, "--json");
  cJSON *hist = cJSON_Parse(r.out);
  cr_assert_eq(cJSON_GetArraySize(hist), 2, "%s", r.out);
  cJSON *r1 = cJSON_GetArrayItem(hist, 0), *r2 = cJSON_GetArrayItem(hist, 1);
  cr_assert(cJSON_IsTrue(field(r1, "frozen")) && cJSON_GetArraySize(field(r1, "signed_by")) == 2, "%s", r.out);
  cr_assert(!cJSON_IsTrue(field(r2, "frozen")) && cJSON_GetArraySize(field(r2, "signed_by")) == 0, "%s", r.out);
  cr_assert_str_eq(field(r2, "reason")->valuestring, "recorded the disagreement's outcome");
  cJSON_Delete(hist);
  CLI_OK("pat", NULL, "record", "show", sid, "--revision", "1", "--json");
  rec = cJSON_Parse(r.out);
  cr_assert(cJSON_IsTrue(field(rec, "frozen")), "revision 1 stays frozen: %s", r.out);
  cr_assert_eq(cJSON_GetArraySize(field(rec, "comments")), 3, "nothing is erased: %s", r.out);
  cJSON_Delete(rec);
  CLI_OK("pat", NULL, "record", "show", sid);
  cr_assert(strstr(r.out, "disagreement") && strstr(r.out, "resolution"), "%s", r.out);

  cr_assert_eq(harness_stop(&h), 0);
  char path[512];
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  cr_assert_not(harness_file_contains(path, "Marker-Disagreement-Heron"), "comments are sealed");

  /* Someone with the file but not the key turns Pat's disagreement into a
   * mere note: the sealed text is bound to its kind, so it no longer opens. */
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  cr_assert_eq(sqlite3_exec(db,
                            "DROP TRIGGER record_comments_no_update;"
                            "UPDATE record_comments SET kind = 1 WHERE kind = 2;",
                            NULL, NULL, NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_changes(db), 1);
  sqlite3_close(db);
  harness_serve(&h);
  CLI("pat", NULL, "record", "show", sid);
  cr_assert_eq(r.status, 1, "%s", r.err);
  cr_assert(strstr(r.err, "DATA_LOSS"), "a doctored comment is an integrity error: %s", r.err);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}
