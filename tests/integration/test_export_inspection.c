/* The inspection evidence pack, through the CLI against a real server: team
 * North (manager mona, supervisor sam, practitioners pat and quinn), team
 * South (manager otto), an inspector (ines). Days are relative to today;
 * "d-20" is 20 days ago. The period is d-30 to today.
 *
 * Seeded, with the figures worked out by hand:
 *  - Agreements sam-pat and sam-quinn, every 14 days from d-30.
 *  - Pat: held d-20 (record signed by both: wellbeing, case CH-1,
 *    development) and d-10 (record signed by sam only).
 *    Quinn: held d-25 (record signed by both: case CH-2).
 *  - Compliance: pat is due d-16 (met by d-20, on time), then d-6 (met by
 *    d-10, on time): 2 of 2. Quinn is due d-16 (met by d-25, on time), then
 *    d-11 (nothing held since): 2 occasions, 1 on time. Team: 3 of 4 = 75%.
 *  - Coverage: CH-1 (high: 14-day window) last discussed d-20, outside;
 *    CH-2 (medium: 28 days) discussed d-25, within. 2 open, 1 outside.
 *  - Actions: pat's "Visit school" due d-5, still open: 1 overdue.
 *  - Survey: nobody answered; fewer than 5, so withheld.
 *  - Signed index: quinn's d-25 and pat's d-20 (oldest first); pat's d-10
 *    is not fully signed. The default sample (5) takes both. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

static harness_server h;
static harness_run r;

#define WELLBEING "Pat cried after the Brownlow visit"
#define DECISION "Convene a strategy meeting within 48 hours"

static const char *num(char *buf, long n)
{
  snprintf(buf, 24, "%ld", n);
  return buf;
}

static long held_session(const char *with, int days)
{
  char when[64], s[24];
  CLI_OK("sam", NULL, "session", "add", "--with", with, "--at", harness_day_at(when, days, 10), "--minutes", "90");
  long id = harness_id(&r);
  CLI_OK("sam", NULL, "session", "held", num(s, id));
  return id;
}

static void write_record(long session, const char *text)
{
  char s[24];
  CLI_OK("sam", text, "record", "write", num(s, session));
}

static void sign(const char *who, long session)
{
  char s[24];
  CLI_OK(who, NULL, "record", "sign", num(s, session), "--revision", "1");
}

static void seed(long *pat1, long *pat2, long *quinn1)
{
  const char *devs[] = {"admin", "mona", "sam", "pat", "quinn", "otto"};
  const char *roles[] = {NULL, "manager", "supervisor", "practitioner", "practitioner", "manager"};
  harness_cli_people(&h, &r, devs, roles, 6);
  CLI_OK("admin", NULL, "team", "add", "North");
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  const char *north[] = {"sam", "pat", "quinn"};
  for (int i = 0; i < 3; i++) CLI_OK("admin", NULL, "team", "member", "North", north[i]);
  CLI_OK("admin", NULL, "team", "add", "South");
  CLI_OK("admin", NULL, "team", "member", "South", "otto", "--manager");
  char start[16], due[16];
  harness_date_in(start, -30);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "14", "--minutes", "90", "--starts", start);
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "14", "--minutes", "90", "--starts",
         start);
  CLI_OK("quinn", NULL, "agreement", "sign", "2");
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-1", "--name", "Ada Brownlow", "--risk", "high", "--worker", "pat");
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-2", "--name", "Ben Carter", "--risk", "medium", "--worker", "quinn");

  *quinn1 = held_session("quinn", -25);
  write_record(*quinn1, "[case CH-2]\nsituation: settled in foster care\ndecision: Step down to child in need\n"
                        "rationale: no concerns for three months\n");
  sign("quinn", *quinn1);
  sign("sam", *quinn1);
  *pat1 = held_session("pat", -20);
  write_record(*pat1, "[wellbeing]\n" WELLBEING "\n[case CH-1]\nsituation: bruising reported by school\n"
                      "risk: high\ndecision: " DECISION "\nrationale: bruising seen twice in a month\n"
                      "[development]\nBook the court skills course\n");
  sign("pat", *pat1);
  sign("sam", *pat1);
  char s[24];
  CLI_OK("sam", NULL, "action", "add", num(s, *pat1), "--owner", "pat", "--due", harness_date_in(due, -5),
         "--description", "Visit school");
  *pat2 = held_session("pat", -10);
  write_record(*pat2, "[development]\nShadowed a court hearing\n");
  sign("sam", *pat2);
}

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "%s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = 0;
  fclose(f);
  return buf;
}

static int audit_count(const char *action, const char *object, const char *detail_like)
{
  char db[512];
  snprintf(db, sizeof db, "%s/reflect.db", h.data);
  sqlite3 *sq;
  cr_assert_eq(sqlite3_open(db, &sq), SQLITE_OK);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(sq, "SELECT count(*) FROM audit WHERE action = ?1 AND object = ?2 AND detail LIKE ?3",
                                  -1, &st, NULL),
               SQLITE_OK);
  sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, object, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, detail_like, -1, SQLITE_STATIC);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  int n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(sq);
  return n;
}

/* The report object without its as_of, which is "now" at each call. */
static cJSON *without_as_of(cJSON *o)
{
  cJSON_DeleteItemFromObject(o, "as_of");
  cJSON_DeleteItemFromObject(o, "as_of_unix");
  return o;
}

static void check_pdf(const char *pdf, long pat1, long pat2, long quinn1)
{
  char cmd[1400], txt[600], s[64];
  snprintf(txt, sizeof txt, "%s/pack.txt", h.dir);
  snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' '%s'", pdf, txt);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  char *t = slurp(txt);
  const char *want[] = {"Supervision evidence",
                        "North",
                        "Contains personal data",
                        "75%",
                        "3 of 4",
                        "CH-1",
                        "withheld",
                        DECISION,
                        "Reflect — North — page 1 of",
                        "Sampled records in full",
                        "support",
                        "mediation"};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    cr_assert(strstr(t, want[i]), "no '%s' in:\n%s", want[i], t);
  snprintf(s, sizeof s, "Session %ld", quinn1);
  cr_assert(strstr(t, s), "no %s", s);
  snprintf(s, sizeof s, "Session %ld", pat1);
  cr_assert(strstr(t, s), "no %s", s);
  snprintf(s, sizeof s, "Session %ld", pat2);
  cr_assert(!strstr(t, s), "the unsigned record is in the pack");
  cr_assert(!strstr(t, WELLBEING), "wellbeing leaked into the PDF");
  cr_assert(!strstr(t, "Ada Brownlow"), "a child's name is in the PDF");
  free(t);
  char png[600];
  snprintf(png, sizeof png, "%s/page1", h.dir);
  snprintf(cmd, sizeof cmd, "pdftoppm -r 50 -png -f 1 -l 1 -singlefile '%s' '%s'", pdf, png);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  strcat(png, ".png");
  struct stat st;
  cr_assert_eq(stat(png, &st), 0);
  cr_assert_gt(st.st_size, 1000, "page 1 rendered to %lld bytes", (long long)st.st_size);
}

static void check_json(const char *path, long pat1, long quinn1, const char *from, const char *to)
{
  char *text = slurp(path);
  cr_assert(!strstr(text, WELLBEING), "wellbeing leaked into the JSON");
  cJSON *j = cJSON_Parse(text);
  free(text);
  cr_assert_not_null(j);
  cr_assert_str_eq(cJSON_GetObjectItem(j, "generated_by")->valuestring, "mona");
  cJSON *sig = cJSON_GetObjectItem(j, "signed"), *sample = cJSON_GetObjectItem(j, "sample");
  cr_assert_eq(cJSON_GetArraySize(sig), 2);
  cr_assert_eq((long)cJSON_GetObjectItem(cJSON_GetArrayItem(sig, 0), "session_id")->valuedouble, quinn1);
  cr_assert_eq((long)cJSON_GetObjectItem(cJSON_GetArrayItem(sig, 1), "session_id")->valuedouble, pat1);
  cr_assert_eq(cJSON_GetArraySize(sample), 2);
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(sample, 0), "frozen")));
  cJSON *comp = cJSON_GetObjectItem(j, "compliance");
  cr_assert_eq(cJSON_GetObjectItem(comp, "due_occasions")->valuedouble, 4);
  cr_assert_eq(cJSON_GetObjectItem(comp, "on_time")->valuedouble, 3);
  cr_assert_float_eq(cJSON_GetObjectItem(comp, "on_time_percent")->valuedouble, 75.0, 1e-9);
  cJSON *cov = cJSON_GetObjectItem(j, "coverage");
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(cov, "lines")), 1);
  cr_assert_eq(cJSON_GetObjectItem(cov, "open_cases")->valuedouble, 2);
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "survey"), "withheld")));

  /* The same figures as the reports themselves give for the same scope. */
  const char *names[] = {"compliance", "coverage"};
  for (int i = 0; i < 2; i++) {
    CLI_OK("mona", NULL, "report", names[i], "--team", "North", "--from", from, "--to", to, "--json");
    cJSON *rep = cJSON_Parse(r.out);
    cr_assert_not_null(rep, "%s", r.out);
    cJSON *mine = cJSON_Duplicate(cJSON_GetObjectItem(j, names[i]), 1);
    cr_assert(cJSON_Compare(without_as_of(mine), without_as_of(rep), 1), "%s differs:\npack %s\nreport %s", names[i],
              cJSON_PrintUnformatted(mine), r.out);
    cJSON_Delete(mine);
    cJSON_Delete(rep);
  }
  cJSON_Delete(j);
}

Test(export_inspection, evidence_pack, .timeout = 300)
{
  harness_start(&h);
  long pat1, pat2, quinn1;
  seed(&pat1, &pat2, &quinn1);
  char from[16], to[16], pdf[400], json[400], obj[48];
  harness_date_in(from, -30);
  harness_date_in(to, 0);
  snprintf(pdf, sizeof pdf, "%s/north.pdf", h.dir);
  snprintf(json, sizeof json, "%s/north.json", h.dir);

  CLI_OK("mona", NULL, "export", "inspection", "--team", "North", "--from", from, "--to", to, "--output", pdf);
  struct stat st;
  cr_assert_eq(stat(pdf, &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0600, "the PDF is %o", st.st_mode & 0777);
  cr_assert_eq(stat(json, &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0600, "the JSON is %o", st.st_mode & 0777);
  check_pdf(pdf, pat1, pat2, quinn1);
  check_json(json, pat1, quinn1, from, to);
  const char *keep = getenv("REFLECT_KEEP_PACK");
  if (keep) {
    char cmd[1000];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", pdf, keep);
    cr_assert_eq(system(cmd), 0);
  }

  /* Audited before anything left: the export, and each sampled record. */
  snprintf(obj, sizeof obj, "session:%ld", quinn1);
  cr_assert_eq(audit_count("record.read", obj, "%inspection%"), 1);
  snprintf(obj, sizeof obj, "session:%ld", pat1);
  cr_assert_eq(audit_count("record.read", obj, "%inspection%"), 1);
  snprintf(obj, sizeof obj, "session:%ld", pat2);
  cr_assert_eq(audit_count("record.read", obj, "%inspection%"), 0);
  cr_assert_eq(audit_count("inspection.export", "team:1", "%sample=2%"), 1);

  /* Never over an existing pack unless asked; --force replaces it. */
  CLI_REFUSED("mona", "exists", "export", "inspection", "--team", "North", "--from", from, "--to", to, "--output", pdf);
  CLI_OK("mona", NULL, "export", "inspection", "--team", "North", "--from", from, "--to", to, "--sample", "1",
         "--output", pdf, "--force");
  CLI_OK("mona", NULL, "export", "inspection", "--team", "North", "--from", from, "--to", to, "--json");
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "%s", r.out);
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "sample")), 2);
  cJSON_Delete(j);

  /* Bounds and refusals: the same answer for another team's manager, a
   * team that does not exist, and a practitioner. */
  CLI("mona", NULL, "export", "inspection", "--team", "North", "--from", from, "--to", to, "--sample", "21", "--json");
  cr_assert_eq(r.status, 2, "%s", r.err);
  CLI_REFUSED("mona", "from", "export", "inspection", "--team", "North", "--from", to, "--to", from, "--json");
  CLI_REFUSED("otto", "PERMISSION_DENIED", "export", "inspection", "--team", "North", "--from", from, "--to", to,
              "--json");
  CLI_REFUSED("mona", "PERMISSION_DENIED", "export", "inspection", "--team", "Nowhere", "--from", from, "--to", to,
              "--json");
  CLI_REFUSED("pat", "PERMISSION_DENIED", "export", "inspection", "--team", "North", "--from", from, "--to", to,
              "--json");

  /* An inspector: nothing until granted the team, then the pack. */
  CLI_OK("admin", HARNESS_FIRST_PASSWORD "\n", "user", "add", "ines", "--name", "Ines Inspector", "--role", "inspector",
         "--expires", "30d", "--password-stdin");
  CLI_OK("ines", NULL, "setup", "--server", h.rpc, "--events", h.pub, "--server-key", h.server_key);
  harness_cli_first_login(&h, &r, "ines", "ines");
  CLI_REFUSED("ines", "PERMISSION_DENIED", "export", "inspection", "--team", "North", "--from", from, "--to", to,
              "--json");
  CLI_OK("admin", NULL, "inspector", "grant", "ines", "--team", "North");
  CLI_OK("ines", NULL, "export", "inspection", "--team", "North", "--from", from, "--to", to, "--json");
  cr_assert(strstr(r.out, "\"generated_by\":\"ines\"") && !strstr(r.out, WELLBEING), "%s", r.out);
  int exports = audit_count("inspection.export", "team:1", "%");
  cr_assert_eq(exports, 4, "%d exports audited", exports);

  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* An inspector's export once left a statement stepped on its
 * worker, which then served an old snapshot (a user just added "not
 * found", a session just booked missing) or refused writes. With four
 * workers, everything other people do afterwards must read fresh. */
Test(export_inspection, every_worker_reads_fresh_after_an_inspectors_export, .timeout = 300)
{
  harness_start(&h);
  long pat1, pat2, quinn1;
  seed(&pat1, &pat2, &quinn1);
  char from[16], to[16];
  harness_date_in(from, -30);
  harness_date_in(to, 0);
  CLI_OK("admin", HARNESS_FIRST_PASSWORD "\n", "user", "add", "ines", "--name", "Ines Inspector", "--role", "inspector",
         "--expires", "30d", "--password-stdin");
  CLI_OK("ines", NULL, "setup", "--server", h.rpc, "--events", h.pub, "--server-key", h.server_key);
  harness_cli_first_login(&h, &r, "ines", "ines");
  CLI_OK("admin", NULL, "inspector", "grant", "ines", "--team", "North");
  for (int i = 0; i < 4; i++)
    CLI_OK("ines", NULL, "export", "inspection", "--team", "North", "--from", from, "--to", to, "--json");

  /* 40 requests from other people: each write is read back at once. */
  for (int i = 0; i < 10; i++) {
    char name[16], when[64], id[24];
    snprintf(name, sizeof name, "rae%d", i);
    CLI_OK("admin", HARNESS_FIRST_PASSWORD "\n", "user", "add", name, "--name", "Rae", "--role", "practitioner",
           "--password-stdin");
    CLI_OK("mona", NULL, "user", "list");
    cr_assert(strstr(r.out, name), "user list after adding %s:\n%s", name, r.out);
    CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, 3 + i, 9), "--minutes", "60");
    snprintf(id, sizeof id, "%ld", harness_id(&r));
    CLI_OK("pat", NULL, "session", "list", "--json");
    cr_assert(strstr(r.out, id), "session %s missing from pat's list:\n%s", id, r.out);
  }
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}
