/* A session's life through the CLI: clashes for people and rooms, moves
 * that keep history, cancellation with a reason, held and missed, who may
 * change what, and filtering. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static harness_run r;


/* "YYYY-MM-DD HH:MM" days from today, local time. A local variant of
 * harness_day_at, which gives whole hours only: the clashes here need
 * half past, so the minutes (0-59) are written over its ":00". */
static const char *day_at(char *buf, int days, int hour, int minute)
{
  harness_day_at(buf, days, hour);
  buf[14] = (char)('0' + minute / 10);
  buf[15] = (char)('0' + minute % 10);
  return buf;
}

static cJSON *json_out(void)
{
  cJSON *j = cJSON_Parse(r.out);
  cr_assert_not_null(j, "not JSON: %s", r.out);
  return j;
}

static int list_has(long id)
{
  cJSON *j = json_out(), *e;
  int found = 0;
  cJSON_ArrayForEach(e, j) found |= (long)cJSON_GetObjectItem(e, "id")->valuedouble == id;
  cJSON_Delete(j);
  return found;
}

Test(sessions, a_sessions_life, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  const char *devs[] = {"admin", "sup", "pat", "quinn", "sue"};
  for (int i = 0; i < 5; i++)
    CLI_OK(devs[i], NULL, "setup", "--server", h.rpc, "--events", h.pub, "--server-key", h.server_key);
  CLI_OK("admin", HARNESS_ADMIN_PASSWORD "\n", "login", "admin", "--password-stdin");
  CLI_OK("admin", HARNESS_FIRST_PASSWORD "\n", "user", "add", "sam", "--name", "Sam", "--role", "supervisor",
         "--password-stdin");
  CLI_OK("admin", HARNESS_FIRST_PASSWORD "\n", "user", "add", "pat", "--name", "Pat", "--role", "practitioner",
         "--password-stdin");
  CLI_OK("admin", HARNESS_FIRST_PASSWORD "\n", "user", "add", "quinn", "--name", "Quinn", "--role", "practitioner",
         "--password-stdin");
  CLI_OK("admin", HARNESS_FIRST_PASSWORD "\n", "user", "add", "sue", "--name", "Sue", "--role", "supervisor",
         "--password-stdin");
  harness_cli_first_login(&h, &r, "sup", "sam");
  harness_cli_first_login(&h, &r, "sue", "sue");
  harness_cli_first_login(&h, &r, "pat", "pat");
  harness_cli_first_login(&h, &r, "quinn", "quinn");
  CLI_OK("sup", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("sup", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "28", "--minutes", "90");
  CLI_OK("sue", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "14", "--minutes", "60");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("quinn", NULL, "agreement", "sign", "2");
  CLI_OK("quinn", NULL, "agreement", "sign", "3");

  char a[64], b[64];
  CLI_OK("sup", NULL, "session", "add", "--with", "pat", "--at", day_at(a, 2, 10, 0), "--minutes", "90", "--room",
         "Room 4");
  long s1 = harness_id(&r);
  char sid1[24];
  snprintf(sid1, sizeof sid1, "%ld", s1);

  /* Another supervisor wants the same room, written differently, half an hour
   * later: refused, without saying whose it is. */
  CLI_REFUSED("sue", "room is already booked", "session", "add", "--with", "quinn", "--at", day_at(b, 2, 10, 30),
              "--minutes", "60", "--room", "  room   4 ");
  cr_assert_not(strstr(r.err, "pat") || strstr(r.err, "sam") || strstr(r.err, "session"),
                "a room clash does not say who has the room: %s", r.err);
  /* Another room, same time: the supervisor is busy. */
  CLI_REFUSED("sup", "you already have session", "session", "add", "--with", "quinn", "--at", day_at(b, 2, 10, 30),
              "--minutes", "60", "--room", "Room 9");

  /* Moving keeps history and bumps the sequence. */
  CLI_OK("sup", NULL, "session", "move", sid1, "--at", day_at(b, 2, 13, 0), "--reason", "pat on a home visit");
  CLI_OK("pat", NULL, "session", "show", sid1, "--json");
  cJSON *show = json_out();
  cJSON *sess = cJSON_GetObjectItem(show, "session"), *hist = cJSON_GetObjectItem(show, "history");
  cr_assert_eq((int)cJSON_GetObjectItem(sess, "sequence")->valuedouble, 1);
  cr_assert_eq(cJSON_GetArraySize(hist), 2, "booked, then moved: %s", r.out);
  cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(hist, 0), "what")->valuestring, "scheduled");
  cJSON *moved = cJSON_GetArrayItem(hist, 1);
  cr_assert_str_eq(cJSON_GetObjectItem(moved, "what")->valuestring, "moved");
  cr_assert_str_eq(cJSON_GetObjectItem(moved, "reason")->valuestring, "pat on a home visit");
  cr_assert_str_eq(cJSON_GetObjectItem(moved, "by")->valuestring, "sam");
  cJSON_Delete(show);

  /* A move into someone's busy time is refused. */
  CLI_OK("sup", NULL, "session", "add", "--with", "quinn", "--at", day_at(a, 2, 15, 0), "--minutes", "60", "--room",
         "Room 5");
  long s2 = harness_id(&r);
  char sid2[24];
  snprintf(sid2, sizeof sid2, "%ld", s2);
  CLI_REFUSED("sup", "already have session", "session", "move", sid1, "--at", day_at(b, 2, 15, 30));
  /* Sue learns that quinn is busy, not which session of someone else's it is. */
  CLI_REFUSED("sue", "quinn is already booked", "session", "add", "--with", "quinn", "--at", day_at(b, 2, 15, 30),
              "--minutes", "30", "--room", "Room 7");
  cr_assert_not(strstr(r.err, "session"), "%s", r.err);

  /* Only the supervisor changes a session; non-parties cannot even see it. */
  CLI_REFUSED("pat", "PERMISSION_DENIED", "session", "cancel", sid1, "--reason", "I would rather not");
  CLI_REFUSED("quinn", "not a party", "session", "show", sid1);

  /* Cancelling needs a reason, and a cancelled session is no longer upcoming. */
  CLI("sup", NULL, "session", "cancel", sid2);
  cr_assert_eq(r.status, 2, "no reason is a usage error: %s", r.err);
  CLI_OK("sup", NULL, "session", "cancel", sid2, "--reason", "Reason-Wren-sickness");
  CLI_REFUSED("sup", "no longer scheduled", "session", "cancel", sid2, "--reason", "again");
  CLI_OK("quinn", NULL, "session", "list", "--upcoming", "--json");
  cr_assert_not(list_has(s2), "a cancelled session is not upcoming: %s", r.out);
  CLI_OK("quinn", NULL, "session", "list", "--status", "cancelled", "--json");
  cr_assert(list_has(s2), "but it is listed as cancelled: %s", r.out);
  /* Its room and time are free again. */
  CLI_OK("sup", NULL, "session", "add", "--with", "quinn", "--at", day_at(a, 2, 15, 0), "--minutes", "60", "--room",
         "Room 5");

  /* Held and missed only once a session has started. */
  CLI_REFUSED("sup", "has not started", "session", "held", sid1);
  CLI_OK("sup", NULL, "session", "add", "--with", "pat", "--at", day_at(a, -1, 10, 0), "--minutes", "90");
  long past = harness_id(&r);
  char sidp[24];
  snprintf(sidp, sizeof sidp, "%ld", past);
  CLI_OK("sup", NULL, "session", "held", sidp);
  CLI_OK("sup", NULL, "session", "add", "--with", "quinn", "--at", day_at(a, -2, 10, 0), "--minutes", "90");
  char sidm[24];
  snprintf(sidm, sizeof sidm, "%ld", harness_id(&r));
  CLI("sup", NULL, "session", "missed", sidm);
  cr_assert_eq(r.status, 2, "missed needs a reason: %s", r.err);
  CLI_OK("sup", NULL, "session", "missed", sidm, "--reason", "quinn was called to court");

  /* Filters: by person and by status, within what the caller may see. */
  CLI_OK("sup", NULL, "session", "list", "--with", "quinn", "--json");
  cr_assert(list_has(s2) && !list_has(s1), "--with quinn: %s", r.out);
  CLI_OK("pat", NULL, "session", "list", "--status", "held", "--json");
  cr_assert(list_has(past) && !list_has(s1), "--status held: %s", r.out);
  CLI_OK("pat", NULL, "session", "list", "--with", "quinn", "--json");
  cr_assert_str_eq(r.out, "[]\n", "pat sees none of quinn's sessions: %s", r.out);
  CLI("sup", NULL, "session", "list", "--status", "sideways");
  cr_assert_eq(r.status, 2);

  cr_assert_eq(harness_stop(&h), 0);
  char db[512];
  snprintf(db, sizeof db, "%s/reflect.db", h.data);
  cr_assert_not(harness_file_contains(db, "Reason-Wren-sickness"), "a cancellation reason is sealed");
  cr_assert_not(harness_file_contains(db, "home visit"), "a move's reason is sealed");
  harness_cleanup(&h);
}
