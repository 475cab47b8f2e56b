/* reflect calendar export, read back by an independent parser (Debian's
 * python3-icalendar): times across both clock changes of next year, stable
 * UIDs, SEQUENCE and STATUS after a move and a cancellation, escaping and
 * folding of untrusted text, and the organisation's zone in a VTIMEZONE. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "harness.h"
#include "wire.h"

static harness_run r;

/* Prints, as one JSON object, what a calendar program would make of the
 * file: every DTSTART as an aware datetime (UTC epoch), and the same naive
 * time placed with the file's own VTIMEZONE (to_tz), so the VTIMEZONE is
 * checked too, not only the tz database python has. */
static const char *const parse_py =
    "import sys, json, icalendar\n"
    "cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n"
    "out = {'x_wr_timezone': str(cal.get('X-WR-TIMEZONE', '')), 'zones': [], 'events': []}\n"
    "own = None\n"
    "for z in cal.walk('VTIMEZONE'):\n"
    "    own = z.to_tz()\n"
    "    out['zones'].append({'tzid': str(z['TZID']), 'parts': [c.name for c in z.subcomponents]})\n"
    "for e in cal.walk('VEVENT'):\n"
    "    st, en = e['DTSTART'].dt, e['DTEND'].dt\n"
    "    assert st.tzinfo is not None and en.tzinfo is not None\n"
    "    out['events'].append({'uid': str(e['UID']), 'start': int(st.timestamp()),\n"
    "        'end': int(en.timestamp()), 'tzid': e['DTSTART'].params.get('TZID', ''),\n"
    "        'own': int(own.localize(st.replace(tzinfo=None)).timestamp()) if own else -1,\n"
    "        'sequence': int(e['SEQUENCE']), 'status': str(e['STATUS']),\n"
    "        'summary': str(e['SUMMARY']), 'location': str(e.get('LOCATION', '')),\n"
    "        'description': str(e['DESCRIPTION'])})\n"
    "print(json.dumps(out))\n";

static cJSON *parse_calendar(harness_server *h, const char *ics)
{
  char script[400], cmd[1000];
  snprintf(script, sizeof script, "%s/parse_ics.py", h->dir);
  harness_write_file(script, parse_py);
  /* Debian's interpreter, where python3-icalendar is installed, whatever
   * else is first on PATH. */
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s' 2>&1", script, ics);
  FILE *p = popen(cmd, "r");
  cr_assert_not_null(p);
  static char out[1 << 16];
  size_t n = fread(out, 1, sizeof out - 1, p);
  out[n] = '\0';
  if (pclose(p) != 0) {
    char show[600];
    snprintf(show, sizeof show, "cat '%s' >&2", ics);
    if (system(show) != 0) cr_log_warn("could not show %s", ics);
    cr_assert_fail("python3-icalendar could not read the export: %s", out);
  }
  cJSON *j = cJSON_Parse(out);
  cr_assert_not_null(j, "not JSON: %s", out);
  return j;
}

/* Every line ends in CRLF, none is longer than 75 octets, and no fold
 * splits a UTF-8 sequence (a continuation byte right after the fold). */
static void check_lines(const char *path)
{
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f);
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  cr_assert_gt(n, 0);
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    if (buf[i] != '\n') continue;
    cr_assert(i > 0 && buf[i - 1] == '\r', "a line without CR at byte %zu", i);
    cr_assert_leq(i - 1 - start, 75, "a line of %zu octets at byte %zu", i - 1 - start, start);
    if (i + 2 < n && buf[i + 1] == ' ')
      cr_assert_neq((unsigned char)buf[i + 2] & 0xC0, 0x80, "a fold splits a character at byte %zu", i);
    start = i + 1;
  }
  cr_assert_eq(start, n, "the file ends without CRLF");
}

static cJSON *event_by_uid_suffix(cJSON *events, long id)
{
  char prefix[32];
  snprintf(prefix, sizeof prefix, "session-%ld@", id);
  cJSON *e;
  cJSON_ArrayForEach(e,
                     events) if (!strncmp(cJSON_GetObjectItem(e, "uid")->valuestring, prefix, strlen(prefix))) return e;
  return NULL;
}

static long json_long(cJSON *o, const char *key)
{
  cJSON *v = cJSON_GetObjectItem(o, key);
  cr_assert_not_null(v, "no %s", key);
  return (long)v->valuedouble;
}

/* Unix time of a wall-clock time in Europe/London, computed here with the
 * C library, independently of the CLI and of python. */
static long london(int year, int month, int day, int hour, int minute)
{
  setenv("TZ", "Europe/London", 1);
  tzset();
  struct tm tm =
      {.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day, .tm_hour = hour, .tm_min = minute, .tm_isdst = -1};
  return (long)mktime(&tm);
}

static long book(harness_server *hp, const char *with, const char *at, const char *minutes, const char *room)
{
  harness_server h = *hp;
  if (room) CLI_OK("sam", NULL, "session", "add", "--with", with, "--at", at, "--minutes", minutes, "--room", room);
  else CLI_OK("sam", NULL, "session", "add", "--with", with, "--at", at, "--minutes", minutes);
  return harness_id(&r);
}

Test(calendar, export_round_trips_through_icalendar, .timeout = 240)
{
  harness_server h;
  harness_start(&h);
  const char *names[] = {"admin", "sam", "pat", "quinn"};
  const char *roles[] = {"", "supervisor", "practitioner", "practitioner"};
  harness_cli_people(&h, &r, names, roles, 4);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "quinn", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  CLI_OK("quinn", NULL, "agreement", "sign", "2");

  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  int y = tm.tm_year + 1900 + 1;
  char at[4][32], from[32], to[32], moved[32];
  /* Before and after the spring change (last Sunday of March), before and
   * after the autumn one (last Sunday of October). */
  snprintf(at[0], sizeof at[0], "%d-03-23 10:00", y);
  snprintf(moved, sizeof moved, "%d-03-30 10:00", y);
  snprintf(at[1], sizeof at[1], "%d-10-22 14:00", y);
  snprintf(at[2], sizeof at[2], "%d-11-03 09:30", y);
  snprintf(at[3], sizeof at[3], "%d-06-15 10:00", y);
  /* Text that must be escaped (comma, semicolon, backslash) and, at over 75
   * octets of mostly two-byte characters, folded. */
  const char *long_room = "Salle de réunion « Étoile », bâtiment Ouest; entrée par la cour \\ "
                          "côté jardin, étage 3, porte à gauche après l’escalier";
  long moved_id = book(&h, "pat", at[0], "90", "Room 3, Block B; floor 2");
  long autumn_id = book(&h, "pat", at[1], "60", long_room);
  long cancelled_id = book(&h, "quinn", at[2], "60", NULL);
  long june_id = book(&h, "pat", at[3], "45", "Room 1");
  char sid[32];
  snprintf(sid, sizeof sid, "%ld", moved_id);
  CLI_OK("sam", NULL, "session", "move", sid, "--at", moved, "--reason", "pat in court");
  snprintf(sid, sizeof sid, "%ld", cancelled_id);
  CLI_OK("sam", NULL, "session", "cancel", sid, "--reason", "quinn on leave");

  snprintf(from, sizeof from, "%d-01-01", y);
  snprintf(to, sizeof to, "%d-12-31", y);
  char ics1[400], ics2[400];
  snprintf(ics1, sizeof ics1, "%s/one.ics", h.dir);
  snprintf(ics2, sizeof ics2, "%s/two.ics", h.dir);
  CLI_OK("sam", NULL, "calendar", "export", "--from", from, "--to", to, "--output", ics1);
  struct stat st;
  cr_assert_eq(stat(ics1, &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0600, "the export is private: %o", st.st_mode & 0777);
  check_lines(ics1);
  cr_assert(harness_file_contains(ics1, "VERSION:2.0\r\n") && harness_file_contains(ics1, "CALSCALE:GREGORIAN\r\n") &&
            harness_file_contains(ics1, "PRODID:"));
  cr_assert(harness_file_contains(ics1, "LOCATION:Room 3\\, Block B\\; floor 2\r\n"), "escaped LOCATION");
  cr_assert_not(harness_file_contains(ics1, "pat in court") || harness_file_contains(ics1, "quinn on leave"),
                "reasons are not exported");

  cJSON *cal = parse_calendar(&h, ics1);
  cr_assert_str_eq(cJSON_GetObjectItem(cal, "x_wr_timezone")->valuestring, "Europe/London");
  cJSON *zones = cJSON_GetObjectItem(cal, "zones");
  cr_assert_eq(cJSON_GetArraySize(zones), 1);
  cJSON *zone = cJSON_GetArrayItem(zones, 0);
  cr_assert_str_eq(cJSON_GetObjectItem(zone, "tzid")->valuestring, "Europe/London");
  int n_daylight = 0, n_standard = 0;
  cJSON *part;
  cJSON_ArrayForEach(part, cJSON_GetObjectItem(zone, "parts"))
  {
    n_daylight += !strcmp(part->valuestring, "DAYLIGHT");
    n_standard += !strcmp(part->valuestring, "STANDARD");
  }
  /* In force on 1 January (GMT), the change to BST, the change back. */
  cr_assert_eq(n_daylight, 1, "one DAYLIGHT observance");
  cr_assert_eq(n_standard, 2, "two STANDARD observances (in force at the start, and from October)");

  cJSON *events = cJSON_GetObjectItem(cal, "events");
  cr_assert_eq(cJSON_GetArraySize(events), 4, "every session sam takes part in, cancelled included");
  struct {
    long id, start;
    int minutes, sequence;
    const char *status, *summary;
  } want[] = {
      {moved_id, london(y, 3, 30, 10, 0), 90, 1, "CONFIRMED", "Supervision with pat"},
      {autumn_id, london(y, 10, 22, 14, 0), 60, 0, "CONFIRMED", "Supervision with pat"},
      {cancelled_id, london(y, 11, 3, 9, 30), 60, 1, "CANCELLED", "Supervision with quinn"},
      {june_id, london(y, 6, 15, 10, 0), 45, 0, "CONFIRMED", "Supervision with pat"},
  };
  for (size_t i = 0; i < 4; i++) {
    cJSON *e = event_by_uid_suffix(events, want[i].id);
    cr_assert_not_null(e, "session %ld exported", want[i].id);
    cr_assert_eq(json_long(e, "start"), want[i].start, "session %ld starts at %ld, not %ld", want[i].id,
                 json_long(e, "start"), want[i].start);
    cr_assert_eq(json_long(e, "own"), want[i].start, "the file's own VTIMEZONE places session %ld", want[i].id);
    cr_assert_eq(json_long(e, "end") - json_long(e, "start"), want[i].minutes * 60L);
    cr_assert_str_eq(cJSON_GetObjectItem(e, "tzid")->valuestring, "Europe/London");
    cr_assert_eq(json_long(e, "sequence"), want[i].sequence, "SEQUENCE of %ld", want[i].id);
    cr_assert_str_eq(cJSON_GetObjectItem(e, "status")->valuestring, want[i].status);
    cr_assert_str_eq(cJSON_GetObjectItem(e, "summary")->valuestring, want[i].summary);
  }
  cr_assert_str_eq(cJSON_GetObjectItem(event_by_uid_suffix(events, autumn_id), "location")->valuestring, long_room);
  cr_assert_str_eq(cJSON_GetObjectItem(event_by_uid_suffix(events, moved_id), "location")->valuestring,
                   "Room 3, Block B; floor 2");
  /* The CLI's own view of the same sessions agrees (the server's times). */
  CLI_OK("sam", NULL, "session", "list", "--json");
  cJSON *list = cJSON_Parse(r.out), *s;
  cr_assert_not_null(list);
  cJSON_ArrayForEach(s, list)
  {
    cJSON *e = event_by_uid_suffix(events, json_long(s, "id"));
    cr_assert_not_null(e);
    cr_assert_eq(json_long(e, "start"), json_long(s, "starts_at_unix"));
  }
  cJSON_Delete(list);

  /* The same UIDs on a second export, to stdout this time; pat sees the
   * same sessions of theirs under the same UIDs, with sam's name. */
  CLI_OK("sam", NULL, "calendar", "export", "--from", from, "--to", to);
  harness_write_file(ics2, r.out);
  cJSON *again = parse_calendar(&h, ics2);
  cJSON *e2;
  cJSON_ArrayForEach(e2, cJSON_GetObjectItem(again, "events"))
  {
    const char *uid = cJSON_GetObjectItem(e2, "uid")->valuestring;
    int found = 0;
    cJSON *e1;
    cJSON_ArrayForEach(e1, events) found |= !strcmp(cJSON_GetObjectItem(e1, "uid")->valuestring, uid);
    cr_assert(found, "UID %s is stable across exports", uid);
  }
  cJSON_Delete(again);
  CLI_OK("pat", NULL, "calendar", "export", "--from", from, "--to", to, "--output", ics2);
  again = parse_calendar(&h, ics2);
  cJSON *pat_events = cJSON_GetObjectItem(again, "events");
  cr_assert_eq(cJSON_GetArraySize(pat_events), 3, "pat's three sessions, not quinn's");
  cJSON *pe = event_by_uid_suffix(pat_events, moved_id);
  cr_assert_str_eq(cJSON_GetObjectItem(pe, "uid")->valuestring,
                   cJSON_GetObjectItem(event_by_uid_suffix(events, moved_id), "uid")->valuestring);
  cr_assert_str_eq(cJSON_GetObjectItem(pe, "summary")->valuestring, "Supervision with sam");
  cJSON_Delete(again);

  /* A narrower range leaves the others out; the server checks the range. */
  char jun1[32], jul1[32];
  snprintf(jun1, sizeof jun1, "%d-06-01", y);
  snprintf(jul1, sizeof jul1, "%d-06-30", y);
  CLI_OK("sam", NULL, "calendar", "export", "--from", jun1, "--to", jul1, "--output", ics2);
  again = parse_calendar(&h, ics2);
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(again, "events")), 1, "only June's session");
  cJSON_Delete(again);
  CLI("sam", NULL, "calendar", "export", "--from", jul1, "--to", jun1);
  cr_assert_eq(r.status, 2, "an empty range is a usage error: %s", r.err);
  CLI("sam", NULL, "calendar", "export", "--from", "2027-02-30");
  cr_assert_eq(r.status, 2, "not a date: %s", r.err);
  /* The default range (30 days back, a year ahead) parses too. */
  CLI_OK("sam", NULL, "calendar", "export", "--output", ics2);
  check_lines(ics2);
  cJSON_Delete(parse_calendar(&h, ics2));

  cJSON_Delete(cal);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* The server side of the range: from/to filter on the start, and a reversed
 * range is refused, through the library. */
Test(calendar, session_list_range_on_the_wire, .timeout = 120)
{
  harness_server h;
  harness_start(&h);
  const char *names[] = {"admin", "sam", "pat"};
  const char *roles[] = {"", "supervisor", "practitioner"};
  harness_cli_people(&h, &r, names, roles, 3);
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
  char at[3][HARNESS_DAY_AT_SIZE];
  long ids[3];
  for (int i = 0; i < 3; i++) ids[i] = book(&h, "pat", harness_day_at(at[i], 10 + 10 * i, 10), "60", NULL);
  CLI_OK("sam", NULL, "session", "list", "--json");
  cJSON *list = cJSON_Parse(r.out);
  long starts[3];
  for (int i = 0; i < 3; i++) starts[i] = json_long(cJSON_GetArrayItem(list, i), "starts_at_unix");
  cJSON_Delete(list);

  client *sam = harness_user(&h, "sam");
  struct {
    long from, to;
    int n;
    long first;
  } cases[] = {
      {starts[0], starts[2], 2, 0},
      {starts[0] + 1, 0, 2, 1},
      {0, starts[1] + 1, 2, 0},
      {starts[2], starts[2] + 1, 1, 2},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
    Reflect__V1__SessionListRequest sl = REFLECT__V1__SESSION_LIST_REQUEST__INIT;
    sl.from = cases[k].from;
    sl.to = cases[k].to;
    req.op_case = REFLECT__V1__REQUEST__OP_SESSION_LIST;
    req.session_list = &sl;
    Reflect__V1__Reply *rep = harness_call(sam, &req);
    cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK);
    cr_assert_eq(rep->session_list->n_sessions, (size_t)cases[k].n, "case %zu", k);
    cr_assert_eq((long)rep->session_list->sessions[0]->id, ids[cases[k].first], "case %zu", k);
    wire_free_reply(rep);
  }
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionListRequest sl = REFLECT__V1__SESSION_LIST_REQUEST__INIT;
  sl.from = starts[1];
  sl.to = starts[0];
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_LIST;
  req.session_list = &sl;
  Reflect__V1__Reply *rep = harness_call(sam, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__INVALID_ARGUMENT);
  cr_assert_str_eq(rep->status->field, "to");
  wire_free_reply(rep);
  sl.from = -5;
  sl.to = 0;
  rep = harness_call(sam, &req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__INVALID_ARGUMENT);
  wire_free_reply(rep);
  client_close(sam);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}
