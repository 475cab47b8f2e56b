/* "Waiting for me" against a real reflectd, through the CLI (text and
 * --json) and libreflect: an agreement to sign, a session to mark, a
 * record to sign, an overdue action, the survey and a target to agree each
 * appear for the person they wait for, never for anyone else, and go once
 * done; the list never carries what was said; administrators and
 * inspectors are refused. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "reflect/client_call.h"

static harness_run r;
static harness_server h;

#define RECORD_MARKER "Marker-Inbox-Kestrel"
#define ACTION_MARKER "Marker-Inbox-Plover"

static void stop(void)
{
  cr_expect_eq(harness_stop(&h), 0, "reflectd exited cleanly");
  harness_cleanup(&h);
}

/* dev's inbox as --json, checked to be an array (the caller deletes it). */
static cJSON *inbox_json(const char *dev)
{
  CLI_OK(dev, NULL, "inbox", "--json");
  cJSON *j = cJSON_Parse(r.out);
  cr_assert(cJSON_IsArray(j), "not a JSON array: %s", r.out);
  return j;
}

/* The number of dev's items of kind (all kinds for NULL). */
static int count_kind(const char *dev, const char *kind)
{
  cJSON *j = inbox_json(dev), *it;
  int n = 0;
  cJSON_ArrayForEach(it, j)
  {
    const char *k = cJSON_GetObjectItemCaseSensitive(it, "kind")->valuestring;
    n += !kind || !strcmp(k, kind);
  }
  cJSON_Delete(j);
  return n;
}

/* The u64 member `key` of dev's one item of kind (fails unless exactly one). */
static uint64_t item_id(const char *dev, const char *kind, const char *key)
{
  cJSON *j = inbox_json(dev), *it;
  uint64_t v = 0;
  int n = 0;
  cJSON_ArrayForEach(it, j)
  {
    if (strcmp(cJSON_GetObjectItemCaseSensitive(it, "kind")->valuestring, kind)) continue;
    n++;
    cJSON *m = cJSON_GetObjectItemCaseSensitive(it, key);
    cr_assert_not_null(m, "no %s in %s", key, r.out);
    v = (uint64_t)m->valuedouble;
  }
  cJSON_Delete(j);
  cr_assert_eq(n, 1, "%d items of kind %s for %s", n, kind, dev);
  return v;
}

Test(inbox, every_kind_appears_for_its_person_and_goes_once_done, .timeout = 300, .fini = stop)
{
  harness_start(&h);
  const char *devs[] = {"admin", "mona", "sam", "pat", "quinn", "ines"};
  const char *roles[] = {NULL, "manager", "supervisor", "practitioner", "practitioner", "inspector"};
  harness_cli_people(&h, &r, devs, roles, 6);
  CLI_OK("pat", NULL, "inbox");
  cr_assert_str_eq(r.out, "Nothing is waiting for you.\n");
  CLI_REFUSED("admin", "PERMISSION_DENIED", "inbox");
  CLI_REFUSED("ines", "PERMISSION_DENIED", "inbox");
  CLI_OK("pat", NULL, "inbox", "--help");
  cr_assert(strstr(r.out, "most urgent first"), "%s", r.out);

  /* An agreement to sign: Pat's, not Quinn's, nor Sam's (who made it). */
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  cr_assert_eq(item_id("pat", "agreement_sign", "agreement_id"), 1);
  CLI_OK("pat", NULL, "inbox");
  cr_assert(strstr(r.out, "Sign the supervision agreement sam made with you on "), "%s", r.out);
  cr_assert(strstr(r.out, "(reflect agreement show 1)"), "%s", r.out);
  cr_assert_eq(count_kind("sam", NULL), 0);
  cr_assert_eq(count_kind("quinn", NULL), 0);
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  cr_assert_eq(count_kind("pat", NULL), 0);

  /* A session that has ended, still scheduled: Sam marks it. */
  char when[HARNESS_DAY_AT_SIZE], sid[24];
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -2, 10), "--minutes", "60");
  snprintf(sid, sizeof sid, "%ld", harness_id(&r));
  cr_assert_eq(item_id("sam", "session_mark", "session_id"), (uint64_t)atol(sid));
  CLI_OK("sam", NULL, "inbox");
  cr_assert(strstr(r.out, "Mark your supervision with pat on "), "%s", r.out);
  cr_assert(strstr(r.out, " held or missed  (reflect session held|missed "), "%s", r.out);
  cr_assert_eq(count_kind("pat", "session_mark"), 0);
  CLI_OK("sam", NULL, "session", "held", sid);
  cr_assert_eq(count_kind("sam", NULL), 0);

  /* Held: Pat is asked about it. */
  cr_assert_eq(item_id("pat", "survey_answer", "session_id"), (uint64_t)atol(sid));

  /* A record: both parties sign, the author too. */
  CLI_OK("sam", "[notes]\n" RECORD_MARKER " we talked about the Brown family.\n", "record", "write", sid, "--file",
         "-");
  cr_assert_eq(item_id("sam", "record_sign", "session_id"), (uint64_t)atol(sid));
  cr_assert_eq(item_id("pat", "record_sign", "revision"), 1);
  CLI_OK("pat", NULL, "inbox");
  cr_assert(strstr(r.out, "Sign the record of your supervision with sam on "), "%s", r.out);
  cr_assert(strstr(r.out, ", revision 1  (reflect record show "), "%s", r.out);

  /* Actions: one overdue (first of all), one a month away (not yet). */
  char yesterday[HARNESS_DATE_SIZE], next_month[HARNESS_DATE_SIZE], late[24];
  CLI_OK("sam", NULL, "action", "add", sid, "--owner", "pat", "--due", harness_date_in(yesterday, -1), "--description",
         ACTION_MARKER " visit the family");
  snprintf(late, sizeof late, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "action", "add", sid, "--owner", "pat", "--due", harness_date_in(next_month, 30), "--description",
         "Book training");
  cJSON *j = inbox_json("pat");
  cJSON *first = cJSON_GetArrayItem(j, 0);
  cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(first, "kind")->valuestring, "action_due", "%s", r.out);
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(first, "overdue")), "%s", r.out);
  cr_assert_eq((long)cJSON_GetObjectItemCaseSensitive(first, "action_id")->valuedouble, atol(late));
  cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(first, "person")->valuestring, "sam");
  cr_assert_not_null(cJSON_GetObjectItemCaseSensitive(first, "at_unix"), "%s", r.out);
  cJSON_Delete(j);
  cr_assert_eq(count_kind("pat", "action_due"), 1, "the one due in a month is not waiting yet");
  CLI_OK("pat", NULL, "inbox");
  char overdue[64];
  snprintf(overdue, sizeof overdue, "OVERDUE: action %s, due ", late);
  cr_assert(!strncmp(r.out, overdue, strlen(overdue)), "overdue first: %s", r.out);
  cr_assert(strstr(r.out, ", from your supervision with sam  (reflect action list --mine)\n"), "%s", r.out);
  cr_assert(!strstr(r.out, RECORD_MARKER) && !strstr(r.out, ACTION_MARKER), "metadata only: %s", r.out);

  /* A target, set by Sam for Pat on an indicator the manager defined. */
  CLI_OK("mona", NULL, "kpi", "goal", "add", "Timely planning");
  CLI_OK("mona", NULL, "kpi", "define", "--name", "Plans within 28 days", "--definition", "Share of plans on time",
         "--measured", "Monthly extract", "--unit", "%", "--min", "0", "--max", "100", "--direction", "higher",
         "--period", "month", "--goal", "1");
  CLI_OK("sam", NULL, "kpi", "assign", "1", "--practitioner", "pat", "--baseline", "70", "--target", "90");
  cr_assert_eq(item_id("pat", "kpi_agree", "target_id"), 1);
  cr_assert_eq(item_id("pat", "kpi_agree", "indicator_id"), 1);
  cr_assert_eq(count_kind("quinn", NULL), 0, "nothing of anyone else's");
  cr_assert_eq(count_kind("mona", NULL), 0, "a manager overseeing nobody here has nothing of theirs");

  /* The same list through libreflect. */
  client *pat = harness_user(&h, "pat");
  Reflect__V1__InboxRequest in = REFLECT__V1__INBOX_REQUEST__INIT;
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__InboxReply *box = NULL;
  cr_assert_eq(client_call_inbox(pat, &in, &rep, &box), CLIENT_OK);
  cr_assert_not_null(box, "%s", client_reply_message(rep));
  cr_assert_eq(box->n_items, 4, "record, action, survey, target");
  cr_assert_eq(box->truncated, 0);
  cr_assert_eq(box->items[0]->kind, REFLECT__V1__INBOX_KIND__INBOX_ACTION_DUE);
  cr_assert(box->items[0]->overdue);
  for (size_t i = 1; i < box->n_items; i++) {
    cr_assert(!box->items[i]->overdue);
    if (i > 1)
      cr_assert_leq(box->items[i - 1]->at, box->items[i]->at, "then by time: %d at %lld before %d at %lld",
                    (int)box->items[i - 1]->kind, (long long)box->items[i - 1]->at, (int)box->items[i]->kind,
                    (long long)box->items[i]->at);
  }
  cr_assert_eq(box->items[1]->kind, REFLECT__V1__INBOX_KIND__INBOX_RECORD_SIGN, "the session's two, oldest first");
  cr_assert_eq(box->items[2]->kind, REFLECT__V1__INBOX_KIND__INBOX_SURVEY_ANSWER);
  cr_assert_eq(box->items[3]->kind, REFLECT__V1__INBOX_KIND__INBOX_KPI_AGREE, "the target set just now last");
  client_free_reply(rep);

  /* Done, each of them: Pat's list empties; Sam still has the record. */
  CLI_OK("pat", NULL, "record", "sign", sid, "--revision", "1");
  CLI_OK("pat", NULL, "action", "done", late, "--evidence", "Visited on Monday");
  CLI_OK("pat", NULL, "survey", "answer", sid, "--answers", "4,4,5,4,4");
  CLI_OK("pat", NULL, "kpi", "agree", "1");
  CLI_OK("pat", NULL, "inbox");
  cr_assert_str_eq(r.out, "Nothing is waiting for you.\n");
  CLI_OK("pat", NULL, "inbox", "--json");
  cr_assert_str_eq(r.out, "[]\n");
  cr_assert_eq(client_call_inbox(pat, &in, &rep, &box), CLIENT_OK);
  cr_assert_eq(box->n_items, 0);
  client_free_reply(rep);
  client_close(pat);
  cr_assert_eq(item_id("sam", "record_sign", "revision"), 1);
  CLI_OK("sam", NULL, "record", "sign", sid, "--revision", "1");
  cr_assert_eq(count_kind("sam", NULL), 0);
}
