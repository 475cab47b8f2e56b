/* Structured records through the CLI: written in $EDITOR on a template (or
 * from a file), checked before anything is sent, shown and diffed in the
 * same format; case discussions land in each case's decision log and say
 * when the case was last discussed; wellbeing stays between the two
 * parties; none of it is on disk in clear. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static harness_run r;

#define WELLBEING "Marker-Wellbeing-Kestrel: the court hearing left me shaken"
#define SITUATION "Marker-Situation-Otter: school absence rising since the move"
#define DECISION "Marker-Decision-Heron: weekly home visits"
#define RATIONALE "Marker-Rationale-Plover: absence was the first sign last time"
#define NEW_DECISION "Marker-Decision-Wren: fortnightly visits and a school meeting"

static char *read_file(const char *path)
{
  static char buf[65536];
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "%s", path);
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static cJSON *field(cJSON *o, const char *k)
{
  return cJSON_GetObjectItemCaseSensitive(o, k);
}
static const char *text_of(cJSON *o, const char *k)
{
  return field(o, k)->valuestring;
}
static double num_of(cJSON *o, const char *k)
{
  return field(o, k)->valuedouble;
}

/* An editor that keeps a copy of what it was given (and the file's path
 * and mode), then saves next.txt as the record. */
static void make_editor(harness_server *h, char *next, size_t size)
{
  char script[512];
  snprintf(script, sizeof script, "%s/editor.sh", h->dir);
  snprintf(next, size, "%s/next.txt", h->dir);
  FILE *f = fopen(script, "w");
  cr_assert_not_null(f);
  fprintf(f,
          "#!/bin/sh\ncp \"$1\" '%s/seen.txt'\nstat -c %%a \"$1\" > '%s/mode.txt'\n"
          "printf '%%s' \"$1\" > '%s/path.txt'\ncp '%s' \"$1\"\n",
          h->dir, h->dir, h->dir, next);
  fclose(f);
  cr_assert_eq(chmod(script, 0700), 0);
  cr_assert_eq(setenv("EDITOR", script, 1), 0);
  unsetenv("VISUAL");
  cr_assert_eq(setenv("TMPDIR", h->dir, 1), 0);
}

static int64_t session_start(harness_server *hs, const char *sid)
{
  harness_server h = *hs;
  CLI_OK("sam", NULL, "session", "show", sid, "--json");
  cJSON *j = cJSON_Parse(r.out);
  int64_t at = (int64_t)num_of(field(j, "session"), "starts_at_unix");
  cJSON_Delete(j);
  return at;
}

Test(records, structured_records_and_the_decision_log, .timeout = 300)
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
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-REC-1", "--name", "Child One", "--risk", "high", "--worker", "pat");
  char child[24], family[24];
  snprintf(child, sizeof child, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "case", "add", "--ref", "FAM-REC-2", "--name", "Family Two", "--risk", "low", "--worker", "pat");
  snprintf(family, sizeof family, "%ld", harness_id(&r));
  CLI_OK("sue", NULL, "case", "add", "--ref", "QN-1", "--name", "Quinn's child", "--risk", "low", "--worker", "quinn");
  char when[64], s1[24], s2[24];
  /* Both in the past and held: a record is written after its session. */
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -9, 10), "--minutes", "90");
  snprintf(s1, sizeof s1, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "held", s1);
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -2, 10), "--minutes", "90");
  snprintf(s2, sizeof s2, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "held", s2);
  int64_t s1_at = session_start(&h, s1), s2_at = session_start(&h, s2);

  /* Written in the editor, on a template with a heading for each section. */
  char next[400], path[512];
  make_editor(&h, next, sizeof next);
  harness_write_file(next,
                     "# my notes\n[wellbeing]\n" WELLBEING "\n\n"
                     "[case CH-REC-1]\nsituation: " SITUATION "\n  and more of it\nanalysis: a pattern\nrisk: high\n"
                     "decision: " DECISION "\nrationale: " RATIONALE "\n\n"
                     "[case fam-rec-2]\nsituation: stable at home\n\n[development]\nCourt skills course.\n");
  CLI_OK("sam", NULL, "record", "write", s1, "--edit");
  cr_assert_eq(atoi(r.out), 1, "%s", r.out);
  snprintf(path, sizeof path, "%s/seen.txt", h.dir);
  char *seen = read_file(path);
  cr_assert(strstr(seen, "# The record of session") && strstr(seen, "\n[wellbeing]\n") && strstr(seen, "\n[notes]\n") &&
                strstr(seen, "[case REFERENCE]"),
            "the editor starts from the template: %s", seen);
  snprintf(path, sizeof path, "%s/mode.txt", h.dir);
  cr_assert_str_eq(read_file(path), "600\n", "the temporary file is private");
  snprintf(path, sizeof path, "%s/path.txt", h.dir);
  char temp[512];
  snprintf(temp, sizeof temp, "%s", read_file(path));
  cr_assert(strncmp(temp, h.dir, strlen(h.dir)) == 0, "in $TMPDIR: %s", temp);
  cr_assert_neq(access(temp, F_OK), 0, "the temporary file is removed afterwards: %s", temp);

  /* Pat may not write it, and is told so before typing a word. */
  snprintf(path, sizeof path, "%s/seen.txt", h.dir);
  cr_assert_eq(unlink(path), 0);
  CLI("pat", NULL, "record", "write", s1, "--edit", "--reason", "mine");
  cr_assert(r.status == 1 && strstr(r.err, "only the supervisor of session"), "%s", r.err);
  cr_assert_neq(access(path, F_OK), 0, "the editor never opened");

  /* Pat reads it back, section by section. */
  CLI_OK("pat", NULL, "record", "show", s1, "--json");
  cJSON *rec = cJSON_Parse(r.out), *secs = field(rec, "sections");
  cr_assert_eq(cJSON_GetArraySize(secs), 4, "%s", r.out);
  cJSON *w = cJSON_GetArrayItem(secs, 0), *k = cJSON_GetArrayItem(secs, 1);
  cr_assert_str_eq(text_of(w, "kind"), "wellbeing");
  cr_assert_str_eq(text_of(w, "text"), WELLBEING);
  cr_assert(!cJSON_IsTrue(field(w, "withheld")));
  cr_assert_str_eq(text_of(k, "kind"), "case");
  cr_assert_eq((long)num_of(k, "case_id"), atol(child));
  cr_assert_str_eq(text_of(k, "situation"), SITUATION "\nand more of it");
  cr_assert_str_eq(text_of(k, "decision"), DECISION);
  cr_assert_str_eq(text_of(rec, "body"), "", "sections, not free text");
  cJSON_Delete(rec);
  CLI_OK("pat", NULL, "record", "show", s1);
  cr_assert(strstr(r.out, "[wellbeing]\n" WELLBEING "\n") && strstr(r.out, "[case CH-REC-1]\nsituation: ") &&
                strstr(r.out, "\ndecision: " DECISION "\n"),
            "shown in the format it was written in: %s", r.out);

  /* The decision is on the child's own file, entered once. */
  CLI_OK("pat", NULL, "case", "decisions", "ch-rec-1", "--json");
  cJSON *log = cJSON_Parse(r.out), *ds = field(log, "decisions");
  cr_assert_eq(cJSON_GetArraySize(ds), 1, "%s", r.out);
  cJSON *d = cJSON_GetArrayItem(ds, 0);
  cr_assert_eq((long)num_of(d, "session_id"), atol(s1));
  cr_assert_eq((long)num_of(d, "revision"), 1);
  cr_assert_eq((int64_t)num_of(d, "at_unix"), s1_at, "dated by the session: %s", r.out);
  cr_assert_str_eq(text_of(d, "decided_by"), "sam");
  cr_assert_str_eq(text_of(d, "risk"), "high");
  cr_assert_str_eq(text_of(d, "decision"), DECISION);
  cr_assert_str_eq(text_of(d, "rationale"), RATIONALE);
  cr_assert(!cJSON_IsTrue(field(d, "superseded")));
  cr_assert_eq((int64_t)num_of(field(log, "case"), "last_discussed_unix"), s1_at);
  cr_assert_eq((long)num_of(field(log, "case"), "last_session"), atol(s1));
  cJSON_Delete(log);
  CLI_OK("sam", NULL, "case", "decisions", child);
  cr_assert(strstr(r.out, "decided by sam") && strstr(r.out, RATIONALE), "%s", r.out);
  /* Discussed without a decision: in no log, but discussed all the same. */
  CLI_OK("sam", NULL, "case", "decisions", family, "--json");
  log = cJSON_Parse(r.out);
  cr_assert_eq(cJSON_GetArraySize(field(log, "decisions")), 0, "%s", r.out);
  cr_assert_eq((long)num_of(field(log, "case"), "last_session"), atol(s1));
  cJSON_Delete(log);
  CLI_REFUSED("quinn", "cannot see it", "case", "decisions", "CH-REC-1");
  CLI_REFUSED("sue", "cannot see it", "case", "decisions", child);
  CLI_REFUSED("sue", "cannot see it", "case", "decisions", "NO-SUCH-CASE");

  /* A malformed file is refused before anything is sent, naming the line. */
  char bad[400];
  snprintf(bad, sizeof bad, "%s/bad.txt", h.dir);
  harness_write_file(bad, "[notes]\nfine\n\n[case CH-REC-1]\nsituation: x\ndecision: y\n");
  CLI("sam", NULL, "record", "write", s1, "--file", bad, "--reason", "r");
  cr_assert_eq(r.status, 2, "%s", r.err);
  char want[512];
  snprintf(want, sizeof want, "%s:6: a decision needs its rationale", bad);
  cr_assert(strstr(r.err, want), "%s", r.err);
  CLI("sam", "Just some text.\n", "record", "write", s1, "--reason", "r");
  cr_assert_eq(r.status, 2, "%s", r.err);
  cr_assert(strstr(r.err, "<stdin>:1: text before the first section"), "%s", r.err);
  CLI("sam", "[notes]\nok\n[case CH-REC-1]\nsituation: x\nnotes: y\n", "record", "write", s1, "--reason", "r");
  cr_assert(r.status == 2 && strstr(r.err, "<stdin>:5: unknown key 'notes:'"), "%s", r.err);
  CLI("sam", "# only a comment\n[notes]\n\n", "record", "write", s1, "--reason", "r");
  cr_assert(r.status == 2 && strstr(r.err, "nothing written"), "%s", r.err);
  CLI_OK("pat", NULL, "record", "history", s1, "--json");
  cJSON *hist = cJSON_Parse(r.out);
  cr_assert_eq(cJSON_GetArraySize(hist), 1, "nothing was sent: %s", r.out);
  cJSON_Delete(hist);

  /* The server's own checks: a case not on this session's caseloads and a
   * case that does not exist get the same answer. */
  CLI("sam", "[case QN-1]\nsituation: not ours\n", "record", "write", s2);
  cr_assert(r.status == 1 && strstr(r.err, "'QN-1' does not exist or is not on the caseload of anyone in session"),
            "%s", r.err);
  CLI("sam", "[case NOPE-9]\nsituation: no such case\n", "record", "write", s2);
  cr_assert(r.status == 1 && strstr(r.err, "'NOPE-9' does not exist or is not on the caseload of anyone in session"),
            "%s", r.err);
  CLI("sam", "[contribution pat]\nmine\n", "record", "write", s2);
  cr_assert(r.status == 1 && strstr(r.err, "only a group session's record has contributions"), "%s", r.err);

  /* An amendment starts the editor from the latest revision, and needs a
   * reason before the editor even opens. */
  CLI("sam", NULL, "record", "write", s1, "--edit");
  cr_assert(r.status == 2 && strstr(r.err, "an amendment needs --reason"), "%s", r.err);
  harness_write_file(next, "[wellbeing]\n" WELLBEING "\n\n[case CH-REC-1]\nsituation: " SITUATION "\n  and more of it\n"
                           "analysis: a pattern\nrisk: high\ndecision: " NEW_DECISION "\nrationale: " RATIONALE "\n\n"
                           "[case fam-rec-2]\nsituation: stable at home\n\n[development]\nCourt skills course.\n");
  CLI_OK("sam", NULL, "record", "write", s1, "--edit", "--reason", "the decision was revised");
  cr_assert_eq(atoi(r.out), 2, "%s", r.out);
  snprintf(path, sizeof path, "%s/seen.txt", h.dir);
  seen = read_file(path);
  cr_assert(strstr(seen, "# Amending the record of session") && strstr(seen, "\ndecision: " DECISION "\n") &&
                strstr(seen, "[wellbeing]\n" WELLBEING "\n"),
            "the editor starts from revision 1: %s", seen);

  /* Both decisions stay in the log; the changed one is marked superseded. */
  CLI_OK("pat", NULL, "case", "decisions", "CH-REC-1", "--json");
  log = cJSON_Parse(r.out);
  ds = field(log, "decisions");
  cr_assert_eq(cJSON_GetArraySize(ds), 2, "%s", r.out);
  cr_assert(cJSON_IsTrue(field(cJSON_GetArrayItem(ds, 0), "superseded")), "%s", r.out);
  cr_assert_str_eq(text_of(cJSON_GetArrayItem(ds, 0), "decision"), DECISION);
  cr_assert(!cJSON_IsTrue(field(cJSON_GetArrayItem(ds, 1), "superseded")), "%s", r.out);
  cr_assert_str_eq(text_of(cJSON_GetArrayItem(ds, 1), "decision"), NEW_DECISION);
  cr_assert_eq((long)num_of(cJSON_GetArrayItem(ds, 1), "revision"), 2);
  cJSON_Delete(log);
  CLI_OK("pat", NULL, "case", "decisions", "CH-REC-1");
  cr_assert(strstr(r.out, "superseded"), "%s", r.out);

  /* record diff shows the changed line, and only what changed. */
  CLI_OK("pat", NULL, "record", "diff", s1, "1", "2");
  cr_assert(strstr(r.out, "--- revision 1 (sam, ") && strstr(r.out, "+++ revision 2 (sam, "), "%s", r.out);
  cr_assert(strstr(r.out, "\n-decision: " DECISION "\n+decision: " NEW_DECISION "\n"), "%s", r.out);
  cr_assert_not(strstr(r.out, "\n-rationale"), "an unchanged line is context at most: %s", r.out);
  CLI_OK("pat", NULL, "record", "diff", s1, "2", "2");
  cr_assert(strstr(r.err, "read the same") && !*r.out, "%s", r.err);
  CLI_REFUSED("pat", "no revision 7", "record", "diff", s1, "1", "7");

  /* Last discussed follows the latest session whose LATEST revision
   * discusses the case. */
  CLI_OK("sam", "[case FAM-REC-2]\nsituation: moved house\n", "record", "write", s2);
  CLI_OK("sam", NULL, "case", "show", family, "--json");
  cJSON *kase = cJSON_Parse(r.out);
  cr_assert_eq((long)num_of(kase, "last_session"), atol(s2), "%s", r.out);
  cr_assert_eq((int64_t)num_of(kase, "last_discussed_unix"), s2_at, "%s", r.out);
  cJSON_Delete(kase);
  CLI_OK("sam", NULL, "case", "list", "--json");
  cr_assert(strstr(r.out, "\"last_session\":"), "%s", r.out);
  CLI_OK("sam", "[notes]\nThe family was not discussed after all.\n", "record", "write", s2, "--reason", "corrected");
  CLI_OK("sam", NULL, "case", "show", family, "--json");
  kase = cJSON_Parse(r.out);
  cr_assert_eq((long)num_of(kase, "last_session"), atol(s1), "back to the first session: %s", r.out);
  cJSON_Delete(kase);
  CLI_OK("sam", NULL, "case", "show", child);
  cr_assert(strstr(r.out, "discussed:   ") && strstr(r.out, "(session "), "%s", r.out);

  /* None of it is on disk in clear, in the database or its WAL. */
  const char *secrets[] = {WELLBEING,
                           "Marker-Wellbeing-Kestrel",
                           "Marker-Situation-Otter",
                           "Marker-Decision-Heron",
                           "Marker-Rationale-Plover",
                           "Marker-Decision-Wren"};
  char db[512], wal[512];
  snprintf(db, sizeof db, "%s/reflect.db", h.data);
  snprintf(wal, sizeof wal, "%s/reflect.db-wal", h.data);
  for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
    cr_assert_not(harness_file_contains(db, secrets[i]), "'%s' in the database", secrets[i]);
    cr_assert_not(harness_file_contains(wal, secrets[i]), "'%s' in the WAL", secrets[i]);
  }
  cr_assert_eq(harness_stop(&h), 0);
  for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
    cr_assert_not(harness_file_contains(db, secrets[i]), "'%s' in the database", secrets[i]);
    cr_assert_not(harness_file_contains(wal, secrets[i]), "'%s' in the WAL", secrets[i]);
  }
  cr_assert(harness_file_contains(db, "case_discussions"), "the scanner finds what is there");

  /* Every case discussed is on the audit trail of that case. */
  sqlite3 *sq;
  cr_assert_eq(sqlite3_open(db, &sq), SQLITE_OK);
  sqlite3_stmt *st;
  char q[256];
  snprintf(q, sizeof q, "SELECT count(*) FROM audit WHERE action = 'case.discussed' AND object = 'case:%s'", child);
  cr_assert_eq(sqlite3_prepare_v2(sq, q, -1, &st, NULL), SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(st, 0), 2);
  sqlite3_finalize(st);
  cr_assert_eq(sqlite3_prepare_v2(sq, "SELECT count(*) FROM audit WHERE action = 'case.decisions'", -1, &st, NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_geq(sqlite3_column_int(st, 0), 5, "each look at a decision log is audited");
  sqlite3_finalize(st);
  sqlite3_close(sq);
  harness_cleanup(&h);
}

Test(records, group_records_have_each_members_contribution, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "sam", "pat", "quinn", "sue"};
  const char *roles[] = {NULL, "supervisor", "practitioner", "practitioner", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 5);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "28", "--minutes", "90");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "sue", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("quinn", NULL, "agreement", "sign", "2");
  CLI_OK("sue", NULL, "agreement", "sign", "3");
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-G-1", "--name", "Group Child", "--risk", "medium", "--worker",
         "quinn");
  char when[64], g[24];
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--with", "quinn", "--with", "sue", "--at",
         harness_day_at(when, -3, 14), "--minutes", "120");
  snprintf(g, sizeof g, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "held", g);
  CLI_OK("sam", NULL, "session", "attendance", g, "--present", "pat", "--present", "quinn", "--absent", "sue");

  /* Sue was recorded absent: a contribution in her name would be words she
   * never said. */
  CLI("sam", "[contribution sue]\nnot hers to give\n", "record", "write", g);
  cr_assert(r.status == 1 && strstr(r.err, "'sue' was recorded absent from session") &&
                strstr(r.err, "FAILED_PRECONDITION"),
            "%s", r.err);

  CLI("sam", "[contribution mona]\nnot hers to give\n", "record", "write", g);
  cr_assert(r.status == 1 && strstr(r.err, "'mona' is not a member of session"), "%s", r.err);
  CLI("sam", "[contribution pat]\na\n\n[contribution pat]\nb\n", "record", "write", g);
  cr_assert(r.status == 2 && strstr(r.err, "<stdin>:4: duplicate section [contribution pat]"), "%s", r.err);
  CLI_OK("sam",
         "[notes]\nShared discussion of thresholds.\n\n[contribution pat]\nPat brought a case study.\n\n"
         "[contribution quinn]\nQuinn asked about CH-G-1.\n\n[case CH-G-1]\nsituation: discussed as a group\n"
         "decision: refer to early help\nrationale: the group agreed the threshold is not met\n",
         "record", "write", g);
  CLI_OK("quinn", NULL, "record", "show", g, "--json");
  cJSON *rec = cJSON_Parse(r.out), *secs = field(rec, "sections");
  cr_assert_eq(cJSON_GetArraySize(secs), 4, "%s", r.out);
  cr_assert_str_eq(text_of(cJSON_GetArrayItem(secs, 1), "member"), "pat");
  cr_assert_str_eq(text_of(cJSON_GetArrayItem(secs, 2), "member"), "quinn");
  cr_assert_str_eq(text_of(cJSON_GetArrayItem(secs, 2), "text"), "Quinn asked about CH-G-1.");
  cJSON_Delete(rec);
  CLI_OK("quinn", NULL, "case", "decisions", "CH-G-1");
  cr_assert(strstr(r.out, "refer to early help") && strstr(r.out, "decided by sam"), "%s", r.out);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}
