/* Comments on a record: bounded per person and per record, paged
 * so that every reply stays under the 1 MiB frame, with every disagreement
 * and resolution on every page; inspectors (and the inspection pack) see
 * only the comments every party had signed.
 *
 * Team North: manager mona; supervisor sam; practitioners pat, quinn and
 * ruth (and, for the record-wide bound, four more); inspector ivy, granted
 * North. Comments are added in bulk through libreflect, read through the
 * CLI. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "harness_ops.h"
#include "../../server/core/db_schema.c"

static harness_server h;
static harness_run r;

#define NOTE_BYTES 8192 /* the most a comment may hold */

static cJSON *field(cJSON *o, const char *k)
{
  return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* The text of a PDF (pdftotext), malloc'd. */
static char *pdf_text(const char *pdf)
{
  char cmd[1200], txt[520];
  snprintf(txt, sizeof txt, "%s.txt", pdf);
  snprintf(cmd, sizeof cmd, "pdftotext '%s' '%s'", pdf, txt);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
  FILE *f = fopen(txt, "rb");
  cr_assert_not_null(f);
  char *buf = calloc(1, 1 << 22);
  size_t n = fread(buf, 1, (1 << 22) - 1, f);
  buf[n] = '\0';
  fclose(f);
  /* Lines are wrapped as laid out: join them so a phrase reads whole. */
  for (char *p = buf; *p; p++)
    if (*p == '\n') *p = ' ';
  return buf;
}

static const char *num(char *buf, uint64_t n)
{
  snprintf(buf, 24, "%llu", (unsigned long long)n);
  return buf;
}

/* People, team North, an agreement between sam and each practitioner. */
static void seed(const char *const *practitioners, size_t n)
{
  const char *devs[12] = {"admin", "mona", "sam", "ivy"};
  const char *roles[12] = {NULL, "manager", "supervisor", "inspector"};
  for (size_t i = 0; i < n; i++) {
    devs[4 + i] = practitioners[i];
    roles[4 + i] = "practitioner";
  }
  harness_cli_people(&h, &r, devs, roles, 4 + n);
  CLI_OK("admin", NULL, "team", "add", "North");
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  CLI_OK("admin", NULL, "team", "member", "North", "sam");
  CLI_OK("admin", NULL, "inspector", "grant", "ivy", "--team", "North");
  for (size_t i = 0; i < n; i++) {
    char id[24];
    CLI_OK("admin", NULL, "team", "member", "North", practitioners[i]);
    CLI_OK("sam", NULL, "agreement", "add", "--supervisee", practitioners[i], "--every", "28", "--minutes", "90");
    CLI_OK(practitioners[i], NULL, "agreement", "sign", num(id, i + 1));
  }
}

/* A session `days_ago` at `hour` with the members, held, its record
 * written. Returns its id. */
static uint64_t recorded(const char *const *members, size_t n, int days_ago, int hour)
{
  char when[HARNESS_DAY_AT_SIZE], id[24];
  const char *argv[20];
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    argv[k++] = "--with";
    argv[k++] = members[i];
  }
  while (k < 16) argv[k++] = NULL;
  harness_day_at(when, -days_ago, hour);
  CLI_OK("sam", NULL, "session", "add", "--at", when, "--minutes", "90", argv[0], argv[1], argv[2], argv[3], argv[4],
         argv[5], argv[6], argv[7], argv[8], argv[9], argv[10], argv[11], argv[12], argv[13], argv[14], argv[15]);
  uint64_t s = (uint64_t)harness_id(&r);
  CLI_OK("sam", NULL, "session", "held", num(id, s));
  CLI_OK("sam", "[notes]\nCaseloads reviewed together.\n", "record", "write", num(id, s));
  return s;
}

/* Adds a comment through libreflect; returns the status code and the id. */
static Reflect__V1__Code comment(client *c, uint64_t session, Reflect__V1__CommentKind kind, const char *text,
                                 uint64_t resolves, uint64_t *id, char *message, size_t size)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RecordCommentRequest add = REFLECT__V1__RECORD_COMMENT_REQUEST__INIT;
  add.session_id = session;
  add.kind = kind;
  add.text = (char *)text;
  add.resolves = resolves;
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_COMMENT;
  req.record_comment = &add;
  Reflect__V1__Reply *rep = harness_call(c, &req);
  Reflect__V1__Code code = rep->status->code;
  if (id) *id = code == REFLECT__V1__CODE__OK ? rep->record_comment->id : 0;
  if (message) snprintf(message, size, "%s", rep->status->message);
  wire_free_reply(rep);
  return code;
}

static uint64_t comment_ok(client *c, uint64_t session, Reflect__V1__CommentKind kind, const char *text,
                           uint64_t resolves)
{
  uint64_t id;
  char msg[256];
  Reflect__V1__Code code = comment(c, session, kind, text, resolves, &id, msg, sizeof msg);
  cr_assert_eq(code, REFLECT__V1__CODE__OK, "comment refused: %s", msg);
  return id;
}

static void expect_exhausted(client *c, uint64_t session, Reflect__V1__CommentKind kind, const char *needle)
{
  char msg[256];
  Reflect__V1__Code code = comment(c, session, kind, "one too many", 0, NULL, msg, sizeof msg);
  cr_assert_eq(code, REFLECT__V1__CODE__RESOURCE_EXHAUSTED, "expected RESOURCE_EXHAUSTED, got %d: %s", code, msg);
  cr_assert(strstr(msg, needle), "expected '%s' in: %s", needle, msg);
}

#define NOTE REFLECT__V1__COMMENT_KIND__COMMENT_NOTE
#define DISAGREE REFLECT__V1__COMMENT_KIND__COMMENT_DISAGREEMENT
#define RESOLVE REFLECT__V1__COMMENT_KIND__COMMENT_RESOLUTION

/* 130 notes of 8 KiB (about 1 MiB) from three parties, then ruth's
 * disagreement. Returns the group session. */
static uint64_t many_large_notes(uint64_t *disagreement)
{
  const char *members[] = {"pat", "quinn", "ruth"};
  seed(members, 3);
  uint64_t s = recorded(members, 3, 1, 10);
  client *c[3] = {harness_user(&h, "sam"), harness_user(&h, "pat"), harness_user(&h, "quinn")};
  char *text = malloc(NOTE_BYTES + 1);
  memset(text, 'x', NOTE_BYTES);
  text[NOTE_BYTES] = '\0';
  for (int i = 0; i < 130; i++) {
    char head[16];
    int n = snprintf(head, sizeof head, "Note-%03d ", i);
    memcpy(text, head, (size_t)n);
    comment_ok(c[i % 3], s, NOTE, text, 0);
  }
  free(text);
  for (int i = 0; i < 3; i++) client_close(c[i]);
  client *ruth = harness_user(&h, "ruth");
  *disagreement = comment_ok(ruth, s, DISAGREE, "Marker-Disagreement-Kestrel: the plan for my cases was not agreed", 0);
  client_close(ruth);
  return s;
}

/* The ids of the notes (kind "note") in a `record show --json` page, and
 * whether the disagreement is there; returns comments_next (0 for none). */
static uint64_t page_notes(const char *json, uint64_t *ids, size_t *n, uint64_t disagreement, double *notes_total)
{
  cJSON *j = cJSON_Parse(json);
  cr_assert_not_null(j, "not JSON: %.300s", json);
  int seen = 0;
  cJSON *m;
  cJSON_ArrayForEach(m, field(j, "comments"))
  {
    uint64_t id = (uint64_t)field(m, "id")->valuedouble;
    if (!strcmp(field(m, "kind")->valuestring, "note")) ids[(*n)++] = id;
    else seen |= id == disagreement;
  }
  cr_assert(seen, "the disagreement is on every page: %.300s", json);
  cJSON *next = field(j, "comments_next");
  cr_assert_not_null(next, "%.300s", json);
  uint64_t after = cJSON_IsNumber(next) ? (uint64_t)next->valuedouble : 0;
  *notes_total = field(j, "notes_total")->valuedouble;
  cJSON_Delete(j);
  return after;
}

/* Before: `record show` failed for everyone ("the reply would be larger than
 * the server may send"). After: pages, each under the frame. */
Test(comments, large_comments_page_under_the_frame, .timeout = 400)
{
  harness_start(&h);
  uint64_t disagreement;
  uint64_t s = many_large_notes(&disagreement);
  char sid[24], after[24];
  num(sid, s);
  CLI_OK("pat", NULL, "record", "show", sid);
  cr_assert(strstr(r.err, "50 of 130 notes") && strstr(r.err, "--comments-after"), "%s", r.err);
  CLI_OK("mona", NULL, "record", "show", sid);

  /* As many as the frame holds, never more: asking for 200 gets fewer. */
  CLI_OK("pat", NULL, "record", "show", sid, "--comments-limit", "200");
  int shown = 0;
  cr_assert_eq(sscanf(strstr(r.err, "showing ") ? strstr(r.err, "showing ") : "", "showing %d of 130", &shown), 1, "%s",
               r.err);
  cr_assert(shown > 50 && shown < 130, "a page fills the frame and no more: %d", shown);

  /* Page by page, five at a time: every note once, in order, and the
   * disagreement on every page. */
  uint64_t ids[200], cursor = 0;
  size_t n = 0;
  int pages = 0;
  double total = 0;
  do {
    CLI_OK("quinn", NULL, "record", "show", sid, "--json", "--comments-limit", "5", "--comments-after",
           num(after, cursor));
    cursor = page_notes(r.out, ids, &n, disagreement, &total);
    pages++;
  } while (cursor && pages < 40);
  cr_assert_eq(n, 130, "every note once: %zu in %d pages", n, pages);
  cr_assert_eq(pages, 26);
  cr_assert_eq(total, 130);
  for (size_t i = 1; i < n; i++) cr_assert_gt(ids[i], ids[i - 1], "oldest first");

  /* --all-comments fetches every page (the output is ~1 MiB). */
  CLI_OK("pat", NULL, "record", "show", sid, "--all-comments");
  cr_assert_not(strstr(r.err, "--comments-after"), "%s", r.err);
  CLI("pat", NULL, "record", "show", sid, "--all-comments", "--comments-after", "3");
  cr_assert_eq(r.status, 2, "%s", r.err);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* Before: the evidence pack failed as a whole because one sampled record
 * carried ~1 MiB of comments. After: the sample carries the disagreement
 * and a few notes, and says how to read the rest. */
Test(comments, evidence_pack_survives_many_comments, .timeout = 400)
{
  harness_start(&h);
  uint64_t disagreement;
  uint64_t s = many_large_notes(&disagreement);
  char sid[24], from[HARNESS_DATE_SIZE], to[HARNESS_DATE_SIZE], pdf[400];
  num(sid, s);
  const char *parties[] = {"sam", "pat", "quinn", "ruth"};
  for (int i = 0; i < 4; i++) CLI_OK(parties[i], NULL, "record", "sign", sid, "--revision", "1");
  harness_date_in(from, -30);
  harness_date_in(to, 0);
  CLI_OK("mona", NULL, "export", "inspection", "--team", "North", "--from", from, "--to", to, "--json");
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "%.300s", r.out);
  cJSON *sample = field(j, "sample");
  cr_assert_eq(cJSON_GetArraySize(sample), 1, "%.300s", r.out);
  cJSON *rec = cJSON_GetArrayItem(sample, 0);
  uint64_t ids[200];
  size_t n = 0;
  double total = 0;
  char *one = cJSON_PrintUnformatted(rec);
  uint64_t next = page_notes(one, ids, &n, disagreement, &total);
  free(one);
  cr_assert(n >= 1 && n <= 10 && next, "a few notes and a cursor for the rest: %zu", n);
  cr_assert_eq(total, 130);
  cJSON_Delete(j);
  snprintf(pdf, sizeof pdf, "%s/north.pdf", h.dir);
  CLI_OK("ivy", NULL, "export", "inspection", "--team", "North", "--from", from, "--to", to, "--output", pdf);
  char *t = pdf_text(pdf);
  cr_assert(strstr(t, "Kestrel") && strstr(t, "More comments follow (130 notes in all)"), "%.3000s", t);
  free(t);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* Before: 200 one-character notes buried a later disagreement (only the
 * oldest 200 comments came back), for the parties and the manager alike.
 * After: every page carries it, and its resolution. */
Test(comments, disagreement_never_buried, .timeout = 300)
{
  harness_start(&h);
  const char *members[] = {"pat", "quinn", "ruth"};
  seed(members, 3);
  uint64_t s = recorded(members, 3, 1, 10);
  const char *parties[] = {"sam", "pat", "quinn", "ruth"};
  client *c[4];
  for (int i = 0; i < 4; i++) c[i] = harness_user(&h, parties[i]);
  for (int i = 0; i < 200; i++) comment_ok(c[i % 4], s, NOTE, ".", 0);
  uint64_t d = comment_ok(c[1], s, DISAGREE, "Marker-Disagreement-Osprey: my risk view is missing", 0);
  for (int i = 0; i < 4; i++) client_close(c[i]);
  char sid[24], did[24];
  num(sid, s);
  CLI_OK("pat", NULL, "record", "show", sid);
  cr_assert(strstr(r.out, "Osprey"), "the practitioner sees the disagreement: %s", r.out);
  CLI_OK("mona", NULL, "record", "show", sid);
  cr_assert(strstr(r.out, "Osprey"), "the manager sees it: %s", r.out);
  CLI_OK("sam", NULL, "record", "comment", sid, "--resolves", num(did, d), "--text", "Marker-Resolution-Plover");
  CLI_OK("mona", NULL, "record", "show", sid, "--json", "--comments-after", "150");
  cr_assert(strstr(r.out, "Osprey") && strstr(r.out, "Plover"), "on every page: %s", r.out);
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_eq(field(j, "notes_total")->valuedouble, 200);
  cJSON_Delete(j);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* Before: nothing bounded what one person could add. After: per person per
 * record 50 notes and 5 disagreements, 32 disagreements per record, one
 * resolution per disagreement, 100 comments per person a day; another
 * party's comments are never blocked by one person's. */
Test(comments, bounded_per_person_and_record, .timeout = 400)
{
  harness_start(&h);
  const char *members[] = {"pat", "quinn", "ruth", "una", "val", "wes", "xia"};
  seed(members, 7);
  uint64_t s = recorded(members, 1, 1, 10);
  client *pat = harness_user(&h, "pat"), *sam = harness_user(&h, "sam");
  for (int i = 0; i < 50; i++) comment_ok(pat, s, NOTE, "a note", 0);
  expect_exhausted(pat, s, NOTE, "50 notes");
  comment_ok(sam, s, NOTE, "the other party is not blocked", 0);
  uint64_t first = 0;
  for (int i = 0; i < 5; i++) {
    uint64_t id = comment_ok(pat, s, DISAGREE, "I disagree", 0);
    if (!first) first = id;
  }
  expect_exhausted(pat, s, DISAGREE, "5 disagreements");
  comment_ok(sam, s, RESOLVE, "resolved", first);
  char msg[256];
  cr_assert_eq(comment(sam, s, RESOLVE, "again", first, NULL, msg, sizeof msg), REFLECT__V1__CODE__ALREADY_EXISTS, "%s",
               msg);
  cr_assert(strstr(msg, "already resolved"), "%s", msg);

  /* A day: 55 so far; 45 on another record make 100. */
  uint64_t s2 = recorded(members, 1, 2, 10);
  for (int i = 0; i < 45; i++) comment_ok(pat, s2, NOTE, "a note", 0);
  expect_exhausted(pat, s2, DISAGREE, "100 comments in the last 24 hours");
  client_close(pat);

  /* A record: 32 disagreements at most, so at least seven people (pat has
   * had her day). */
  uint64_t g = recorded(members, 7, 3, 10);
  const char *seven[] = {"sam", "quinn", "ruth", "una", "val", "wes", "xia"};
  int added = 0;
  for (int p = 0; p < 7; p++) {
    client *m = harness_user(&h, seven[p]);
    for (int i = 0; i < 5 && added < 32; i++, added++) comment_ok(m, g, DISAGREE, "I disagree", 0);
    if (added == 32) expect_exhausted(m, g, DISAGREE, "32 disagreements");
    client_close(m);
  }
  cr_assert_eq(added, 32);
  comment_ok(sam, g, NOTE, "notes are still open", 0);
  client_close(sam);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* Before: an inspector read comments made on a frozen record after every
 * party had signed it. After: only comments every party signed, and the
 * reply says how many are not shown; once all sign a revision made after
 * them, they are evidence too. */
Test(comments, inspector_sees_only_signed_comments, .timeout = 300)
{
  harness_start(&h);
  const char *members[] = {"pat"};
  seed(members, 1);
  uint64_t s = recorded(members, 1, 1, 10);
  char sid[24], did[24], from[HARNESS_DATE_SIZE], to[HARNESS_DATE_SIZE];
  num(sid, s);
  CLI_OK("pat", NULL, "record", "comment", sid, "--text", "Marker-Before-Wren");
  CLI_OK("pat", NULL, "record", "comment", sid, "--disagree", "--text", "Marker-Before-Disagree");
  num(did, (uint64_t)harness_id(&r));
  CLI_OK("sam", NULL, "record", "comment", sid, "--resolves", did, "--text", "Marker-Before-Resolved");
  CLI_OK("pat", NULL, "record", "sign", sid, "--revision", "1");
  CLI_OK("sam", NULL, "record", "comment", sid, "--text", "Marker-Between-Signatures");
  CLI_OK("sam", NULL, "record", "sign", sid, "--revision", "1");
  /* Frozen; these come after every signature. */
  CLI_OK("pat", NULL, "record", "comment", sid, "--text", "Marker-After-Finch");
  CLI_OK("pat", NULL, "record", "comment", sid, "--disagree", "--text", "Marker-After-Disagree");

  CLI_OK("ivy", NULL, "record", "show", sid, "--json");
  cr_assert(strstr(r.out, "Marker-Before-Wren") && strstr(r.out, "Marker-Before-Disagree") &&
                strstr(r.out, "Marker-Before-Resolved"),
            "signed comments are evidence: %s", r.out);
  cr_assert_not(strstr(r.out, "Marker-After") || strstr(r.out, "Marker-Between"),
                "an inspector sees only what every party signed: %s", r.out);
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_eq(field(j, "comments_unsigned")->valuedouble, 3, "%s", r.out);
  cJSON_Delete(j);
  CLI_OK("ivy", NULL, "record", "show", sid);
  cr_assert(strstr(r.err, "3 comments are not shown") && strstr(r.err, "every party"), "%s", r.err);
  cr_assert_not(strstr(r.out, "Marker-After"), "%s", r.out);
  CLI_OK("mona", NULL, "record", "show", sid);
  cr_assert(strstr(r.out, "Marker-After-Finch") && strstr(r.out, "Marker-After-Disagree"), "the manager sees all: %s",
            r.out);

  /* The pack holds the same evidence. */
  harness_date_in(from, -30);
  harness_date_in(to, 0);
  CLI_OK("ivy", NULL, "export", "inspection", "--team", "North", "--from", from, "--to", to, "--json");
  cr_assert(strstr(r.out, "Marker-Before-Wren") && !strstr(r.out, "Marker-After") && !strstr(r.out, "Marker-Between"),
            "%s", r.out);
  char pdf[400];
  snprintf(pdf, sizeof pdf, "%s/north.pdf", h.dir);
  CLI_OK("ivy", NULL, "export", "inspection", "--team", "North", "--from", from, "--to", to, "--output", pdf);
  char *t = pdf_text(pdf);
  cr_assert(strstr(t, "Marker-Before-Wren") && !strstr(t, "Marker-After") && strstr(t, "3 later comments"), "%s", t);
  free(t);

  /* An amendment both sign covers what was said before it. */
  CLI_OK("sam", "[notes]\nCaseloads reviewed together; Pat's view added.\n", "record", "write", sid, "--reason",
         "pat's disagreement");
  CLI_OK("pat", NULL, "record", "sign", sid, "--revision", "2");
  CLI_OK("sam", NULL, "record", "sign", sid, "--revision", "2");
  CLI_OK("ivy", NULL, "record", "show", sid, "--json");
  cr_assert(strstr(r.out, "Marker-After-Finch") && strstr(r.out, "Marker-Between"), "%s", r.out);
  CLI_OK("ivy", NULL, "record", "show", sid, "--json", "--revision", "1");
  cr_assert_not(strstr(r.out, "Marker-After"), "revision 1's signatures did not cover them: %s", r.out);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

static long long sql_count(sqlite3 *db, const char *q)
{
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK, "%s: %s", q, sqlite3_errmsg(db));
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", q);
  long long n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

/* Signatures made before the bounds learn which comments they covered from
 * the times: those made in an earlier second than the signature (one in
 * the same second is not known to have come first, so it stays unsigned).
 * Signatures stay append-only. */
Test(comments, migration_backfills_what_each_signature_covered)
{
  int mine = -1;
  for (int v = 0; v < db_schema_count && mine < 0; v++)
    if (strstr(db_schema_migrations[v], "ADD COLUMN comments_seen")) mine = v;
  cr_assert_geq(mine, 0, "no migration adds comments_seen");
  sqlite3 *db;
  char *err = NULL;
  cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  for (int v = 0; v < mine; v++)
    cr_assert_eq(sqlite3_exec(db, db_schema_migrations[v], NULL, NULL, &err), SQLITE_OK, "v%d: %s", v + 1, err);
  /* Foreign keys are off on this bare connection: only these two tables matter. */
  cr_assert_eq(
      sqlite3_exec(db,
                   "INSERT INTO record_comments(id, session_id, revision, author_id, at, kind, key_id, body) VALUES"
                   " (1, 1, 1, 2, 100, 1, 1, x'00'), (2, 1, 1, 2, 200, 2, 1, x'00'), (3, 1, 1, 1, 300, 1, 1, x'00'),"
                   " (4, 2, 1, 1, 150, 1, 1, x'00');"
                   "INSERT INTO record_signoffs(session_id, revision, user_id, at) VALUES"
                   " (1, 1, 1, 200), (1, 1, 2, 301), (2, 1, 1, 100);",
                   NULL, NULL, &err),
      SQLITE_OK, "%s", err);
  cr_assert_eq(sqlite3_exec(db, db_schema_migrations[mine], NULL, NULL, &err), SQLITE_OK, "%s", err);
  cr_assert_eq(sql_count(db, "SELECT comments_seen FROM record_signoffs WHERE session_id = 1 AND user_id = 1"), 1);
  cr_assert_eq(sql_count(db, "SELECT comments_seen FROM record_signoffs WHERE session_id = 1 AND user_id = 2"), 3);
  cr_assert_eq(sql_count(db, "SELECT comments_seen FROM record_signoffs WHERE session_id = 2"), 0);
  cr_assert_neq(sqlite3_exec(db, "UPDATE record_signoffs SET comments_seen = 9", NULL, NULL, NULL), SQLITE_OK,
                "signatures are append-only again");
  sqlite3_close(db);
}
