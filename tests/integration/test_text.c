/* Text that could act on a terminal: the server refuses control characters
 * and bidirectional overrides in what it is sent (one-line fields refuse
 * line breaks too), and the CLI never prints one, piped or not, even from
 * text an older server stored: it shows '?' instead, and --json escapes it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "unseal.h"
#include "config.h"
#include "db.h"
#include "harness.h"
#include "call.h"
#include "store_comments.h"
#include "store_records.h"
#include "store_users.h"

static harness_run r;

#define CSI "\xc2\x9b"     /* U+009B, the C1 control sequence introducer */
#define RLO "\xe2\x80\xae" /* U+202E, right-to-left override */
#define LRI "\xe2\x81\xa6" /* U+2066, left-to-right isolate */
#define OLD_TEXT "Marker-Old before " CSI "31m after " RLO "gnp.exe end " LRI "x"
#define OLD_REASON "amended " RLO "by sam"

/* Writes a revision and a comment holding OLD_TEXT the way a server from
 * before the text rules did: through the store, which never checked. The
 * server must be stopped. */
static void store_old_text(harness_server *h, int64_t session_id)
{
  db *d;
  vault *v;
  char err[512];
  cr_assert_eq(db_open(h->data, DB_OPEN, 0, &d, err, sizeof err), 0, "%s", err);
  cr_assert_eq(unseal_open_vault(h->data, d, NULL, &v, err, sizeof err), 0, "%s", err);
  config cfg;
  config_defaults(&cfg);
  svc s = {.db = d, .vault = v, .cfg = &cfg};
  user_row sam;
  cr_assert_eq(store_users_find(d, "sam", &sam), 0);
  principal who = {.authenticated = 1, .user_id = sam.id, .role = ROLE_SUPERVISOR};
  snprintf(who.username, sizeof who.username, "sam");
  snprintf(who.device, sizeof who.device, "%s", "0000000000000000000000000000000000000000");
  arena a = {0};
  keyring ring = {0};
  Reflect__V1__Status st = REFLECT__V1__STATUS__INIT;
  Reflect__V1__Reply rep = REFLECT__V1__REPLY__INIT;
  rep.status = &st;
  call c = {.s = &s, .who = &who, .a = &a, .ring = &ring, .rep = &rep, .now = (int64_t)time(NULL)};
  session_row sr;
  cr_assert_eq(store_sessions_get(d, session_id, &sr), 0);
  record_section secs[] = {{.kind = SECTION_NOTES,
                            .text = OLD_TEXT "\nsecond line\n",
                            .case_reference = "",
                            .situation = "",
                            .analysis = "",
                            .risk = "",
                            .decision = "",
                            .rationale = "",
                            .member = ""}};
  uint32_t revision;
  int64_t comment;
  cr_assert_eq(db_begin_write(d), 0);
  cr_assert_eq(store_records_append(call_store(&c), &sr, secs, 1, OLD_REASON, &revision), 0, "%s", st.message);
  cr_assert_eq(store_comments_add(call_store(&c), &sr, revision, COMMENT_NOTE, 0, OLD_TEXT, &comment), 0);
  cr_assert_eq(db_commit(d), 0);
  keyring_clear(&ring);
  arena_reset(&a);
  vault_close(v);
  db_close(d);
}

static void assert_nothing_raw(const char *out, const char *what)
{
  cr_assert_null(strstr(out, CSI), "%s printed U+009B raw:\n%s", what, out);
  cr_assert_null(strstr(out, RLO), "%s printed U+202E raw:\n%s", what, out);
  cr_assert_null(strstr(out, LRI), "%s printed U+2066 raw:\n%s", what, out);
  cr_assert_null(strchr(out, '\x1b'), "%s printed ESC:\n%s", what, out);
}

Test(text, record_show_never_prints_controls_or_overrides_from_old_data, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "sam", "pat"};
  const char *roles[] = {NULL, "supervisor", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 3);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  char when[HARNESS_DAY_AT_SIZE];
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -2, 10), "--minutes", "90");
  char sid[32];
  snprintf(sid, sizeof sid, "%ld", harness_id(&r));
  CLI_OK("sam", "[notes]\nFirst, plain.\n", "record", "write", sid);

  cr_assert_eq(harness_stop(&h), 0);
  store_old_text(&h, atol(sid));
  harness_serve(&h);

  /* Piped (the harness reads stdout through a pipe), as both parties. */
  CLI_OK("pat", NULL, "record", "show", sid);
  assert_nothing_raw(r.out, "record show");
  cr_assert(strstr(r.out, "Marker-Old before ?31m after ?gnp.exe end ?x\nsecond line"), "the text:\n%s", r.out);
  cr_assert(strstr(r.out, "amended ?by sam"), "the reason:\n%s", r.out);
  cr_assert(strstr(r.out, ": Marker-Old before ?31m after ?gnp.exe end ?x\n"), "the comment:\n%s", r.out);
  CLI_OK("sam", NULL, "record", "diff", sid, "1", "2");
  assert_nothing_raw(r.out, "record diff");
  CLI_OK("sam", NULL, "record", "history", sid);
  assert_nothing_raw(r.out, "record history");

  /* --json keeps the text exactly, escaped. */
  CLI_OK("pat", NULL, "record", "show", sid, "--json");
  assert_nothing_raw(r.out, "record show --json");
  cr_assert(strstr(r.out, "Marker-Old before \\u009b31m after \\u202egnp.exe end \\u2066x"), "%s", r.out);

  /* Today's server refuses such text, naming the field; nothing is cut. */
  CLI_REFUSED("pat", "U+202E", "record", "comment", sid, "--text", "new " RLO " text");
  cr_assert(strstr(r.err, "--text"), "%s", r.err);
  harness_cli(&h, "sam", "[notes]\nnew " CSI " text\n", &r, "record", "write", sid, "--reason", "x",
              (const char *)NULL);
  cr_assert_eq(r.status, 1, "%s", r.err);
  cr_assert(strstr(r.err, "sections[0].text contains U+009B"), "%s", r.err);
  harness_cli(&h, "sam", "[notes]\nfine\n", &r, "record", "write", sid, "--reason", "why " CSI, (const char *)NULL);
  cr_assert_eq(r.status, 1, "%s", r.err);
  cr_assert(strstr(r.err, "reason contains U+009B"), "%s", r.err);
  CLI_REFUSED("sam", "room contains U+202E", "session", "add", "--with", "pat", "--at", harness_day_at(when, 3, 10),
              "--minutes", "60", "--room", "Room " RLO "1");

  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}
