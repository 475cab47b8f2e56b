/* Who read or changed a record: a manager overseeing the people lists
 * exactly the reads and writes of a session's record and a case, with who
 * did them; nobody else may. Then, on the stopped server's files, the
 * audit hash chain: whole, then an edited entry, a deleted one, and a cut
 * log that only a recorded head reveals. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"

static harness_run r;

/* Runs `reflectd ARGS` (a shell fragment), stdout and stderr together. */
static int reflectd(char *out, size_t size, const char *fmt, const char *data, const char *extra)
{
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "'%s' %s --data '%s' %s 2>&1", REFLECTD_PATH, fmt, data, extra ? extra : "");
  FILE *p = popen(cmd, "r");
  cr_assert_not_null(p);
  size_t n = fread(out, 1, size - 1, p);
  out[n] = '\0';
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void sql(const char *db, const char *q)
{
  sqlite3 *sq;
  cr_assert_eq(sqlite3_open(db, &sq), SQLITE_OK);
  char *err = NULL;
  cr_assert_eq(sqlite3_exec(sq, q, NULL, NULL, &err), SQLITE_OK, "%s: %s", q, err ? err : "");
  sqlite3_close(sq);
}

static long long sql_int(const char *db, const char *q)
{
  sqlite3 *sq;
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_open(db, &sq), SQLITE_OK);
  cr_assert_eq(sqlite3_prepare_v2(sq, q, -1, &st, NULL), SQLITE_OK, "%s", q);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(sq);
  return v;
}

static void copy_file(const char *from, const char *to)
{
  char cmd[1100];
  snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
  cr_assert_eq(system(cmd), 0);
}

static cJSON *entries_of(const char *json)
{
  cJSON *a = cJSON_Parse(json);
  cr_assert(cJSON_IsArray(a), "%s", json);
  return a;
}

static const char *s_of(cJSON *o, const char *k)
{
  return cJSON_GetObjectItemCaseSensitive(o, k)->valuestring;
}

Test(audit, managers_see_who_read_and_changed_and_the_chain_shows_tampering, .timeout = 240)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "mona", "max", "sam", "pat"};
  const char *roles[] = {NULL, "manager", "manager", "supervisor", "practitioner"};
  harness_cli_people(&h, &r, devs, roles, 5);
  CLI_OK("admin", HARNESS_FIRST_PASSWORD "\n", "user", "add", "ivy", "--name", "Ivy", "--role", "inspector",
         "--expires", "3600s", "--password-stdin");
  CLI_OK("ivy", NULL, "setup", "--server", h.rpc, "--events", h.pub, "--server-key", h.server_key);
  harness_cli_first_login(&h, &r, "ivy", "ivy");
  CLI_OK("admin", NULL, "team", "add", "North");
  CLI_OK("admin", NULL, "team", "add", "South");
  CLI_OK("admin", NULL, "team", "member", "North", "mona", "--manager");
  CLI_OK("admin", NULL, "team", "member", "North", "sam");
  CLI_OK("admin", NULL, "team", "member", "North", "pat");
  CLI_OK("admin", NULL, "team", "member", "South", "max", "--manager");
  CLI_OK("admin", NULL, "inspector", "grant", "ivy", "--team", "North");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("sam", NULL, "case", "add", "--ref", "CH-AU-1", "--name", "Audited Child", "--risk", "high", "--worker",
         "pat");
  char kid[24], when[64], sid[24], other[24];
  snprintf(kid, sizeof kid, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -1, 10), "--minutes", "90");
  snprintf(sid, sizeof sid, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(when, -2, 10), "--minutes", "90");
  snprintf(other, sizeof other, "%ld", harness_id(&r));
  CLI_OK("sam", NULL, "session", "held", sid);
  CLI_OK("sam", NULL, "session", "held", other);
  CLI_OK("sam", "[case CH-AU-1]\nsituation: s\ndecision: d\nrationale: r\n\n[notes]\nOne.\n", "record", "write", sid);
  CLI_OK("pat", NULL, "record", "show", sid);
  CLI_OK("sam", "[notes]\nTwo.\n", "record", "write", sid, "--reason", "tidied");
  CLI_OK("sam", "[notes]\nElsewhere.\n", "record", "write", other);
  CLI_OK("pat", NULL, "record", "show", other);
  CLI_OK("mona", NULL, "export", "case", "CH-AU-1");

  /* The session's record: exactly its reads and writes, by whom. */
  CLI_OK("mona", NULL, "audit", "show", "--session", sid, "--json");
  cJSON *list = entries_of(r.out), *e;
  const char *want[][2] = {{"record.write", "sam"}, {"record.read", "pat"}, {"record.write", "sam"}};
  int k = 0, discussed = 0;
  char obj[40];
  snprintf(obj, sizeof obj, "session:%s", sid);
  cJSON_ArrayForEach(e, list)
  {
    const char *action = s_of(e, "action");
    if (!strcmp(action, "case.discussed")) {
      discussed++;
      cr_assert_str_eq(s_of(e, "object"), "case:1");
      continue;
    }
    cr_assert_str_eq(s_of(e, "object"), obj, "only this session: %s", r.out);
    cr_assert_eq(strlen(s_of(e, "device")), 8, "a device is shown by its first 8 characters");
    if (strncmp(action, "record.", 7)) continue;
    cr_assert_lt(k, 3, "more record entries than made: %s", r.out);
    cr_assert_str_eq(action, want[k][0], "%s", r.out);
    cr_assert_str_eq(s_of(e, "who"), want[k][1], "%s", r.out);
    k++;
  }
  cr_assert_eq(k, 3, "%s", r.out);
  cr_assert_eq(discussed, 1, "the case its record discussed: %s", r.out);
  cJSON_Delete(list);
  /* As a table, in the organisation's zone. */
  CLI_OK("mona", NULL, "audit", "show", "--session", sid);
  cr_assert(strstr(r.out, "record.write") && strstr(r.out, "supervisor") && strstr(r.out, "pat"), "%s", r.out);
  /* A window before any of it: nothing. */
  CLI_OK("mona", NULL, "audit", "show", "--session", sid, "--json", "--to", "2001-01-01");
  cr_assert_str_eq(r.out, "[]\n");
  CLI_OK("mona", NULL, "audit", "show", "--session", sid, "--json", "--limit", "1");
  cr_assert(strstr(r.err, "more entries match"), "%s", r.err);

  /* The case, by reference or id: its export by mona is there. */
  CLI_OK("mona", NULL, "audit", "show", "--case", "CH-AU-1", "--json");
  cr_assert(strstr(r.out, "\"case.export\"") && strstr(r.out, "\"mona\"") && strstr(r.out, "\"case.add\""), "%s",
            r.out);
  CLI_OK("mona", NULL, "audit", "show", "--case", kid, "--json");
  cr_assert(strstr(r.out, "\"case.export\""), "%s", r.out);

  /* Nobody else. */
  CLI_REFUSED("sam", "PERMISSION_DENIED", "audit", "show", "--session", sid);
  CLI_REFUSED("pat", "PERMISSION_DENIED", "audit", "show", "--session", sid);
  CLI_REFUSED("admin", "PERMISSION_DENIED", "audit", "show", "--session", sid);
  CLI_REFUSED("ivy", "PERMISSION_DENIED", "audit", "show", "--case", kid);
  CLI_REFUSED("max", "does not exist or you cannot see it", "audit", "show", "--session", sid);
  CLI_REFUSED("max", "does not exist or you cannot see it", "audit", "show", "--case", kid);
  CLI_REFUSED("mona", "does not exist or you cannot see it", "audit", "show", "--session", "9999");
  CLI_REFUSED("mona", "does not exist or you cannot see it", "audit", "show", "--case", "9999");
  CLI("mona", NULL, "audit", "show", "--session", sid, "--case", kid);
  cr_assert_eq(r.status, 2, "one of them: %s", r.err);
  CLI("mona", NULL, "audit", "show", "--session", sid, "--limit", "5001");
  cr_assert_eq(r.status, 2, "%s", r.err);

  cr_assert_eq(harness_stop(&h), 0);

  /* The chain on the stopped server's files. */
  char db[512], saved[560], out[8192];
  snprintf(db, sizeof db, "%s/reflect.db", h.data);
  snprintf(saved, sizeof saved, "%s/saved.db", h.dir);
  cr_assert_eq(reflectd(out, sizeof out, "audit verify", h.data, NULL), 0, "%s", out);
  cr_assert(strstr(out, "audit verify: OK"), "%s", out);
  long long entries = sql_int(db, "SELECT count(*) FROM audit");
  char head[65] = "", expect[200];
  const char *at = strstr(out, "head ");
  cr_assert_not_null(at, "%s", out);
  memcpy(head, at + 5, 64);
  cr_assert(strstr(out, "entries") && atoll(strstr(out, "chain: ") + 7) == entries, "%s", out);
  cr_assert_eq(reflectd(out, sizeof out, "verify", h.data, NULL), 0, "%s", out);
  copy_file(db, saved);

  /* An attacker edits one entry's detail (the trigger is theirs to drop). */
  long long read_id = sql_int(db, "SELECT min(id) FROM audit WHERE action = 'record.read'");
  char q[256], needle[64];
  snprintf(q, sizeof q, "DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'nothing to see' WHERE id = %lld",
           read_id);
  sql(db, q);
  cr_assert_eq(reflectd(out, sizeof out, "audit verify", h.data, NULL), 1, "%s", out);
  snprintf(needle, sizeof needle, "FAILED: entry %lld ", read_id);
  cr_assert(strstr(out, needle), "%s", out);
  cr_assert_eq(reflectd(out, sizeof out, "verify", h.data, NULL), 1, "%s", out);
  cr_assert(strstr(out, "verify: FAILED: audit entry"), "%s", out);

  /* Or deletes it: the next one no longer chains. */
  copy_file(saved, db);
  snprintf(q, sizeof q, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = %lld", read_id);
  sql(db, q);
  cr_assert_eq(reflectd(out, sizeof out, "audit verify", h.data, NULL), 1, "%s", out);
  snprintf(needle, sizeof needle, "FAILED: entry %lld ", read_id + 1);
  cr_assert(strstr(out, needle), "%s", out);

  /* Or cuts off the newest two: the chain itself still holds, but the
   * recorded head is no longer on it. */
  copy_file(saved, db);
  sql(db, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id > (SELECT max(id) - 2 FROM audit)");
  cr_assert_eq(reflectd(out, sizeof out, "audit verify", h.data, NULL), 0, "%s", out);
  snprintf(expect, sizeof expect, "--expect-head %s --expect-entries %lld", head, entries);
  cr_assert_eq(reflectd(out, sizeof out, "audit verify", h.data, expect), 1, "%s", out);
  cr_assert(strstr(out, "no longer exists"), "%s", out);
  /* An old head that is still on the chain passes. */
  copy_file(saved, db);
  cr_assert_eq(reflectd(out, sizeof out, "audit verify", h.data, expect), 0, "%s", out);
  cr_assert(strstr(out, "recorded head is still on the chain"), "%s", out);
  cr_assert_eq(reflectd(out, sizeof out, "audit verify", h.data, "--expect-head 00"), 2, "%s", out);
  harness_cleanup(&h);
}
