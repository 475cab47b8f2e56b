/* Actions through the CLI: set by the session's supervisor for someone who
 * took part, listed for their owner and the session's parties, overdue
 * once past due, closed once, texts sealed. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static harness_run r;

static int count_out(void)
{
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "not JSON: %s", r.out);
  int n = cJSON_GetArraySize(j);
  cJSON_Delete(j);
  return n;
}

Test(actions, set_follow_and_close, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "sam", "pat", "quinn", "sue", "ria"};
  const char *roles[] = {NULL, "supervisor", "practitioner", "practitioner", "supervisor", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 6);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sue", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "28", "--minutes", "90");
  CLI_OK("quinn", NULL, "agreement", "sign", "2");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "ria", "--every", "28", "--minutes", "90");
  CLI_OK("ria", NULL, "agreement", "sign", "3");
  /* Sam sees Ria's case, but Ria is not in session 1: not its business. */
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-88", "--name", "Ria's Child", "--risk", "low", "--worker", "ria");
  char ria_case[24];
  snprintf(ria_case, sizeof ria_case, "%ld", strtol(r.out, NULL, 10));
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", "2026-01-05 10:00", "--minutes", "90");
  char sid[24];
  snprintf(sid, sizeof sid, "%ld", strtol(r.out, NULL, 10));
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-77", "--name", "A Child", "--risk", "high", "--worker", "pat");
  char cid[24];
  snprintf(cid, sizeof cid, "%ld", strtol(r.out, NULL, 10));

  char yesterday[16], next_month[16];
  harness_date_in(yesterday, -1);
  harness_date_in(next_month, 30);
  CLI_OK("sam", NULL, "action", "add", sid, "--owner", "pat", "--due", yesterday, "--description",
         "Marker-Action-Curlew: visit the family", "--evidence-needed", "a visit note", "--case", cid);
  char a1[24];
  snprintf(a1, sizeof a1, "%ld", strtol(r.out, NULL, 10));
  CLI_OK("sam", NULL, "action", "add", sid, "--owner", "pat", "--due", next_month, "--description", "Book training");
  char a2[24];
  snprintf(a2, sizeof a2, "%ld", strtol(r.out, NULL, 10));
  CLI_REFUSED("sam", "did not take part", "action", "add", sid, "--owner", "quinn", "--due", next_month,
              "--description", "x");
  CLI_REFUSED("sue", "not its supervisor", "action", "add", sid, "--owner", "pat", "--due", next_month, "--description",
              "x");
  CLI_REFUSED("pat", "PERMISSION_DENIED", "action", "add", sid, "--owner", "pat", "--due", next_month, "--description",
              "x");
  /* A case must be on the caseload of someone in the session, as for a case
   * section of its record; missing and not-in-session look the same. */
  char refusal[sizeof r.err];
  CLI_REFUSED("sam", "does not exist or is not on the caseload of anyone in session", "action", "add", sid, "--owner",
              "pat", "--due", next_month, "--description", "x", "--case", "999");
  memcpy(refusal, r.err, sizeof refusal);
  CLI_REFUSED("sam", "does not exist or is not on the caseload of anyone in session", "action", "add", sid, "--owner",
              "pat", "--due", next_month, "--description", "x", "--case", ria_case);
  cr_assert_str_eq(r.err, refusal, "the same answer for a missing case and another's");
  CLI_REFUSED("sam", "does not exist or is not on the caseload of anyone in session", "action", "add", sid, "--owner",
              "pat", "--due", next_month, "--description", "x", "--case", "CH-88");
  /* By reference: resolved to the case first. */
  CLI_REFUSED("sam", "does not exist or you cannot see it", "action", "add", sid, "--owner", "pat", "--due", next_month,
              "--description", "x", "--case", "NOPE-1");
  CLI_OK("sam", NULL, "action", "add", sid, "--owner", "pat", "--due", next_month, "--description", "Call the school",
         "--case", "CH-77");
  char a3[24];
  snprintf(a3, sizeof a3, "%ld", strtol(r.out, NULL, 10));
  CLI_OK("sam", NULL, "action", "list", "--session", sid, "--json");
  cr_assert(strstr(r.out, "Call the school"), "%s", r.out);
  {
    cJSON *j = cJSON_Parse(r.out), *e;
    int found = 0;
    cJSON_ArrayForEach(e, j)
    {
      if (strcmp(cJSON_GetObjectItem(e, "description")->valuestring, "Call the school")) continue;
      found = 1;
      cr_assert_eq((long)cJSON_GetObjectItem(e, "case_id")->valuedouble, strtol(cid, NULL, 10), "%s", r.out);
    }
    cJSON_Delete(j);
    cr_assert(found, "%s", r.out);
  }
  CLI_OK("sam", NULL, "action", "cancel", a3, "--reason", "done by phone already");

  CLI_OK("pat", NULL, "action", "list", "--mine", "--json");
  cr_assert_eq(count_out(), 2, "%s", r.out);
  cr_assert(strstr(r.out, "Marker-Action-Curlew") && strstr(r.out, "\"overdue\""), "%s", r.out);
  CLI_OK("pat", NULL, "action", "list", "--overdue", "--json");
  cr_assert_eq(count_out(), 1, "%s", r.out);
  CLI_OK("sam", NULL, "action", "list", "--session", sid, "--json");
  cr_assert_eq(count_out(), 2, "the supervisor follows the session's actions: %s", r.out);
  CLI_OK("quinn", NULL, "action", "list", "--json");
  cr_assert_eq(count_out(), 0, "%s", r.out);
  CLI_REFUSED("quinn", "not yours to see", "action", "done", a1, "--evidence", "not mine");

  CLI_OK("pat", NULL, "action", "done", a1, "--evidence", "Marker-Evidence-Plover: visited on Tuesday");
  CLI_REFUSED("pat", "already closed", "action", "done", a1, "--evidence", "again");
  CLI_REFUSED("pat", "only the session's supervisor cancels", "action", "cancel", a2, "--reason", "busy");
  CLI_OK("sam", NULL, "action", "cancel", a2, "--reason", "training no longer offered");
  CLI_OK("pat", NULL, "action", "list", "--json");
  cr_assert_eq(count_out(), 0, "no open actions left: %s", r.out);
  CLI_OK("pat", NULL, "action", "list", "--all", "--json");
  cr_assert_eq(count_out(), 3, "%s", r.out);
  cr_assert(strstr(r.out, "visited on Tuesday") && strstr(r.out, "\"cancelled\""), "%s", r.out);

  cr_assert_eq(harness_stop(&h), 0);
  char path[512];
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  cr_assert_not(harness_file_contains(path, "Marker-Action-Curlew"), "descriptions are sealed");
  cr_assert_not(harness_file_contains(path, "Marker-Evidence-Plover"), "evidence is sealed");
  harness_cleanup(&h);
}
