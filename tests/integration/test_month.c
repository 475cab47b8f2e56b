/* A month of one small team's supervision, through the CLI against a real
 * server: a manager, a supervisor and three practitioners in team North
 * (and a second team whose manager must see nothing of North's). Agreements
 * (one on the newly-qualified rule), individual and group sessions, records
 * with wellbeing and case discussions, actions, sign-offs, an amendment
 * with a reason, a disagreement and its resolution, a cancelled and
 * rebooked session, planning ahead, the agenda, and the supervisees who are
 * overdue. After each step, who can see what. Days are relative to today;
 * "d-28" is 28 days ago. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static harness_server h;
static harness_run r;

#define PAT_WELLBEING "Pat felt shaken after the Brown home visit"
#define ADA_DECISION "Convene a strategy meeting within 48 hours"
#define ADA_RATIONALE "Bruising seen twice in a month and no medical explanation"
#define CHILD_NAME "Ada Brownlow-Test"

static const char *num(char *buf, long n)
{
  snprintf(buf, 24, "%ld", n);
  return buf;
}

/* Writes text to a file in the test's directory; returns its path. */
static const char *file_with(const char *name, const char *text)
{
  static char path[8][512];
  static int next;
  char *p = path[next++ % 8];
  snprintf(p, 512, "%s/%s", h.dir, name);
  harness_write_file(p, text);
  return p;
}

static long book(const char *with, int days, int hour)
{
  char when[64];
  CLI_OK("sam", NULL, "session", "add", "--with", with, "--at", harness_day_at(when, days, hour), "--minutes", "90",
         "--room", "Room 4");
  return harness_id(&r);
}

static void held(long session)
{
  char s[24];
  CLI_OK("sam", NULL, "session", "held", num(s, session));
}

/* The `due --json` entry for supervisee, from the last command's output. */
static int due_overdue(const char *supervisee, int *found)
{
  cJSON *j = cJSON_Parse(r.out), *e;
  cr_assert_not_null(j, "not JSON: %s", r.out);
  int overdue = 0;
  *found = 0;
  cJSON_ArrayForEach(e, j)
  {
    if (strcmp(cJSON_GetObjectItem(e, "supervisee")->valuestring, supervisee)) continue;
    *found = 1;
    overdue = cJSON_IsTrue(cJSON_GetObjectItem(e, "overdue"));
  }
  cJSON_Delete(j);
  return overdue;
}

static void set_up_team(void)
{
  const char *devs[] = {"admin", "mona", "sam", "pat", "quinn", "rae", "otto", "uma"};
  const char *roles[] = {NULL,           "manager",      "supervisor", "practitioner",
                         "practitioner", "practitioner", "manager",    "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 8);
  CLI_OK("admin", NULL, "team", "add", "North");
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  const char *north[] = {"sam", "pat", "quinn", "rae"};
  for (int i = 0; i < 4; i++) CLI_OK("admin", NULL, "team", "member", "North", north[i]);
  CLI_OK("admin", NULL, "team", "add", "South");
  CLI_OK("admin", NULL, "team", "member", "South", "otto", "--manager");
  CLI_OK("admin", NULL, "team", "member", "South", "uma");
}

static void make_agreements(void)
{
  char start[16];
  harness_date_in(start, -30);
  CLI_OK("mona", NULL, "rule", "add", "newly-qualified", "--steps", "1w until 6w, 2w until 6m, 1m", "--description",
         "Newly qualified social workers");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--rule", "newly-qualified", "--minutes", "90",
         "--starts", start, "--booking", "Tuesdays 10:00, booked a term ahead", "--confidentiality",
         "Confidential unless a child or adult is at risk of harm");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "28", "--minutes", "90", "--starts",
         start);
  CLI_OK("quinn", NULL, "agreement", "sign", "2");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "rae", "--every", "28", "--minutes", "90", "--starts", start);
  CLI_OK("rae", NULL, "agreement", "sign", "3");
  /* The terms are for the two parties and the team's manager. */
  CLI_OK("mona", NULL, "agreement", "show", "1");
  cr_assert(strstr(r.out, "at risk of harm"), "%s", r.out);
  CLI_REFUSED("quinn", "PERMISSION_DENIED", "agreement", "show", "1");
  CLI_REFUSED("otto", "PERMISSION_DENIED", "agreement", "show", "1");
}

static void open_cases(void)
{
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-1", "--name", CHILD_NAME, "--dob", "2016-03-02", "--risk", "high",
         "--worker", "pat");
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-2", "--name", "Ben Carter", "--risk", "medium", "--worker", "quinn");
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-3", "--name", "The Doyle family", "--risk", "low", "--worker", "pat");
}

Test(month, a_team_month_of_supervision, .timeout = 600)
{
  harness_start(&h);
  set_up_team();
  make_agreements();
  open_cases();
  char s1[24], s2[24], d[16], when[64];

  /* d-28: Pat's first supervision, held, recorded, signed by both. */
  long first = book("pat", -28, 10);
  held(first);
  CLI_OK("sam", NULL, "record", "write", num(s1, first), "--file",
         file_with("pat1.txt", "[wellbeing]\n" PAT_WELLBEING "\n"
                               "[case CH-1]\nsituation: bruising reported by school\nanalysis: pattern emerging\n"
                               "risk: high\ndecision: " ADA_DECISION "\nrationale: " ADA_RATIONALE "\n"
                               "[development]\nBook the court skills course\n"));
  CLI_OK("sam", NULL, "action", "add", s1, "--owner", "pat", "--due", harness_date_in(d, -14), "--description",
         "Visit Ada at school", "--evidence-needed", "visit note", "--case", "1");
  long visit = harness_id(&r);
  CLI_OK("pat", NULL, "record", "sign", s1, "--revision", "1");
  CLI_OK("sam", NULL, "record", "sign", s1, "--revision", "1");

  /* d-21 cancelled (Sam off sick) and rebooked for d-19, held. */
  long cancelled = book("pat", -21, 10);
  CLI_OK("sam", NULL, "session", "cancel", num(s2, cancelled), "--reason", "Sam off sick");
  long rebooked = book("pat", -19, 14);
  held(rebooked);
  num(s2, rebooked);
  CLI_OK("sam", NULL, "record", "write", s2, "--file",
         file_with("pat2.txt", "[case CH-1]\nsituation: strategy meeting held\ndecision: Section 47 enquiry\n"
                               "rationale: the strategy meeting agreed the threshold is met\n"
                               "[notes]\nPat to lead the visits.\n"));
  CLI_OK("pat", NULL, "record", "sign", s2, "--revision", "1");
  CLI_OK("sam", NULL, "record", "sign", s2, "--revision", "1");
  /* An amendment after sign-off needs a reason and starts unsigned. */
  CLI_REFUSED("sam", "reason", "record", "write", s2, "--file", file_with("pat2b.txt", "[notes]\nx\n"));
  CLI_OK("sam", NULL, "record", "write", s2, "--reason", "the visits are joint", "--file",
         file_with("pat2c.txt", "[case CH-1]\nsituation: strategy meeting held\ndecision: Section 47 enquiry\n"
                                "rationale: the strategy meeting agreed the threshold is met\n"
                                "[notes]\nPat and Sam make the visits together.\n"));
  CLI_OK("pat", NULL, "record", "diff", s2, "1", "2");
  cr_assert(strstr(r.out, "-Pat to lead the visits.") && strstr(r.out, "+Pat and Sam make the visits together."), "%s",
            r.out);
  CLI_OK("pat", NULL, "record", "comment", s2, "--disagree", "--text", "I did not agree to joint visits");
  CLI_OK("sam", NULL, "record", "comment", s2, "--resolves", "1", "--text", "Agreed: Pat leads, Sam joins once");
  CLI_OK("pat", NULL, "record", "history", s2);
  cr_assert(strstr(r.out, "the visits are joint"), "%s", r.out);

  /* d-20: Quinn's supervision, held and recorded. Rae has none. */
  long quinns = book("quinn", -20, 10);
  held(quinns);
  CLI_OK("sam", NULL, "record", "write", num(s1, quinns), "--file",
         file_with("quinn.txt", "[wellbeing]\nQuinn is well\n[case CH-2]\nsituation: settled in foster care\n"
                                "decision: Step down to child in need\nrationale: no concerns for three months\n"));

  /* d-7: a group session; Pat and Quinn came, Rae did not; each confirms. */
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--with", "quinn", "--with", "rae", "--at",
         harness_day_at(when, -7, 10), "--minutes", "120", "--room", "Room 1");
  long group = harness_id(&r);
  num(s1, group);
  held(group);
  CLI_OK("sam", NULL, "session", "attendance", s1, "--present", "pat", "--present", "quinn", "--absent", "rae");
  CLI_OK("pat", NULL, "session", "confirm-attendance", s1);
  CLI_OK("rae", NULL, "session", "confirm-attendance", s1);
  CLI_REFUSED("uma", "PERMISSION_DENIED", "session", "confirm-attendance", s1);
  CLI_OK("sam", NULL, "record", "write", s1, "--file",
         file_with("group.txt", "[notes]\nWe discussed working with families who do not engage.\n"
                                "[contribution quinn]\nShared the foster carer's approach.\n"));
  CLI_OK("rae", NULL, "record", "show", s1);
  cr_assert(strstr(r.out, "foster carer"), "%s", r.out);
  CLI_REFUSED("uma", "PERMISSION_DENIED", "record", "show", s1);

  /* Who can read Pat's first record: the two parties in full; the team's
   * manager without the wellbeing; nobody else. */
  num(s1, first);
  CLI_OK("pat", NULL, "record", "show", s1);
  cr_assert(strstr(r.out, PAT_WELLBEING), "%s", r.out);
  CLI_OK("mona", NULL, "record", "show", s1);
  cr_assert(!strstr(r.out, PAT_WELLBEING) && strstr(r.out, "withheld"), "%s", r.out);
  cr_assert(strstr(r.out, ADA_DECISION), "%s", r.out);
  CLI_REFUSED("quinn", "PERMISSION_DENIED", "record", "show", s1);
  CLI_REFUSED("otto", "PERMISSION_DENIED", "record", "show", s1);
  CLI_REFUSED("admin", "PERMISSION_DENIED", "record", "show", s1);

  /* Ada's decision log: both decisions, once each, from their sessions. */
  CLI_OK("pat", NULL, "case", "decisions", "CH-1");
  cr_assert(strstr(r.out, ADA_DECISION) && strstr(r.out, ADA_RATIONALE) && strstr(r.out, "Section 47 enquiry"), "%s",
            r.out);
  CLI_OK("mona", NULL, "case", "decisions", "CH-1");
  CLI_REFUSED("quinn", "PERMISSION_DENIED", "case", "decisions", "CH-1");
  CLI_REFUSED("otto", "PERMISSION_DENIED", "case", "decisions", "CH-1");

  /* Who is overdue: Pat (weekly while newly qualified; last held d-19) and
   * Rae (every 28 days from d-30, none held; the group does not count);
   * not Quinn (held d-20, next due d+8). */
  int found = 0;
  CLI_OK("mona", NULL, "due", "--json");
  cr_assert(due_overdue("pat", &found) && found, "%s", r.out);
  cr_assert(due_overdue("rae", &found) && found, "%s", r.out);
  cr_assert(!due_overdue("quinn", &found) && found, "%s", r.out);
  CLI_OK("quinn", NULL, "due", "--json");
  due_overdue("pat", &found);
  cr_assert(!found, "Quinn sees Pat's supervision: %s", r.out);
  CLI_OK("otto", NULL, "due", "--json");
  due_overdue("pat", &found);
  cr_assert(!found, "another team's manager sees Pat's: %s", r.out);

  /* Booking ahead from Pat's agreement; the agenda of the next session
   * carries the overdue action and puts Ada (high risk) first. */
  CLI_OK("sam", NULL, "session", "plan", "pat", "--count", "3", "--from", harness_day_at(when, 1, 10), "--book",
         "--json");
  CLI_OK("sam", NULL, "session", "list", "--with", "pat", "--upcoming", "--json");
  cJSON *list = cJSON_Parse(r.out);
  cr_assert_eq(cJSON_GetArraySize(list), 3, "%s", r.out);
  long next = (long)cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "id")->valuedouble;
  cJSON_Delete(list);
  CLI_OK("pat", NULL, "agenda", num(s1, next));
  char *visit_at = strstr(r.out, "Visit Ada at school"), *ada = strstr(r.out, "CH-1"), *doyle = strstr(r.out, "CH-3");
  cr_assert(visit_at && ada && doyle && visit_at < ada && ada < doyle, "%s", r.out);
  CLI_REFUSED("quinn", "PERMISSION_DENIED", "agenda", s1);
  CLI_OK("pat", NULL, "action", "list", "--mine", "--overdue");
  cr_assert(strstr(r.out, "Visit Ada at school"), "%s", r.out);
  CLI_OK("pat", NULL, "action", "done", num(s2, visit), "--evidence", "Visited on Tuesday; note on file");
  CLI_OK("pat", NULL, "agenda", s1);
  cr_assert(!strstr(r.out, "Visit Ada at school"), "a closed action carried over: %s", r.out);

  /* The manager sees the team's sessions, not another team's. */
  CLI_OK("mona", NULL, "session", "list", "--with", "pat");
  cr_assert(strstr(r.out, "cancelled"), "%s", r.out);
  CLI_OK("otto", NULL, "session", "list", "--json");
  cr_assert_str_eq(r.out, "[]\n", "%s", r.out);

  /* Pat was told of the month's bookings and records without looking. */
  CLI_OK("pat", NULL, "watch", "--once");
  cr_assert(strstr(r.out, "Supervision with sam") && strstr(r.out, "Room 4"), "%s", r.out);

  cr_assert_eq(harness_stop(&h), 0, "reflectd did not exit cleanly");
  /* Nothing anyone said, and no child's name, is on disk in the clear. */
  char db[512], wal[512];
  snprintf(db, sizeof db, "%s/reflect.db", h.data);
  snprintf(wal, sizeof wal, "%s/reflect.db-wal", h.data);
  /* Rooms, and the words of the events sent about the month (sealed under
   * each recipient's key in the outbox), are not in the clear either. */
  const char *secrets[] = {PAT_WELLBEING,     ADA_DECISION,   ADA_RATIONALE, CHILD_NAME,
                           "at risk of harm", "foster carer", "Room 4",      "Supervision with"};
  for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
    cr_assert(!harness_file_contains(db, secrets[i]), "'%s' is in the database", secrets[i]);
    cr_assert(!harness_file_contains(wal, secrets[i]), "'%s' is in the WAL", secrets[i]);
  }
  harness_cleanup(&h);
}
