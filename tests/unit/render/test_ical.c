/* iCalendar text: lines are folded at 75 octets and never inside a UTF-8
 * character, TEXT values are escaped and stripped of controls, and a
 * VTIMEZONE made in the process's zone has each change of offset. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ical.h"

/* 2026-03-29 01:00 UTC: the clocks go forward in London. */
#define SPRING_2026 1774746000
/* 2026-10-25 01:00 UTC: and back. */
#define AUTUMN_2026 1792890000

static void in_zone(const char *zone)
{
  setenv("TZ", zone, 1);
  tzset();
}

/* Every physical line: at most 75 octets before its CRLF, and a
 * continuation never starts with a UTF-8 continuation byte. */
static void assert_folded(const ical *b)
{
  const char *p = b->data;
  while (*p) {
    const char *crlf = strstr(p, "\r\n");
    cr_assert_not_null(crlf, "every line ends in CRLF");
    cr_assert_leq(crlf - p, ICAL_LINE_OCTETS, "a line of %td octets", crlf - p);
    if (p[0] == ' ') cr_assert_neq((unsigned char)p[1] & 0xC0, 0x80, "folded inside a character");
    p = crlf + 2;
  }
}

Test(ical, long_text_folds_between_characters_and_is_escaped)
{
  ical b = {0};
  char text[600] = "";
  for (int i = 0; i < 60; i++) strcat(text, "é, ;\\");
  strcat(text, "\nnext\r\x01");
  ical_text(&b, "DESCRIPTION", text);
  cr_assert_not(ical_failed(&b));
  assert_folded(&b);
  /* Unfold, then check the escapes. */
  char *flat = calloc(1, b.len + 1), *o = flat;
  for (const char *p = b.data; *p; p++) {
    if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
      p += 2;
      continue;
    }
    *o++ = *p;
  }
  cr_assert(strstr(flat, "DESCRIPTION:é\\, \\;\\\\é"), "%s", flat);
  cr_assert(strstr(flat, "\\nnext\r\n"), "a newline is \\n, and CR and other controls are dropped");
  cr_assert_null(strchr(flat, '\x01'));
  free(flat);
  ical_free(&b);
}

Test(ical, local_times_and_a_zone_with_both_changes_of_2026)
{
  in_zone("Europe/London");
  ical b = {0};
  ical_local(&b, "DTSTART", "Europe/London", SPRING_2026 + 3600);
  cr_assert_str_eq(b.data, "DTSTART;TZID=Europe/London:20260329T030000\r\n", "02:00 UTC is 03:00 in summer time");
  ical_free(&b);
  cr_assert_eq(ical_vtimezone(&b, "Europe/London", SPRING_2026 - 86400, AUTUMN_2026 + 86400), 0);
  cr_assert(strstr(b.data, "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"));
  cr_assert(strstr(b.data, "BEGIN:DAYLIGHT\r\nDTSTART:20260329T010000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\n"),
            "%s", b.data);
  cr_assert(strstr(b.data, "BEGIN:STANDARD\r\nDTSTART:20261025T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\n"),
            "%s", b.data);
  assert_folded(&b);
  ical_free(&b);
}

Test(ical, a_range_too_long_writes_nothing)
{
  in_zone("Europe/London");
  ical b = {0};
  cr_assert_eq(ical_vtimezone(&b, "Europe/London", 0, ICAL_RANGE_MAX_S + 1), -1);
  cr_assert_eq(ical_vtimezone(&b, "", 0, 86400), -1);
  cr_assert_eq(b.len, 0);
  ical_free(&b);
}
