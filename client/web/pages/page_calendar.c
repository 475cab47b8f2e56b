#include "page_calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "ical.h"
#include "widgets.h"

#define DAY_S 86400
#define DEFAULT_BACK_S ((int64_t)30 * DAY_S)
#define DEFAULT_AHEAD_S ((int64_t)365 * DAY_S)

static void show(page_ctx *p, const char *field, const char *error)
{
  html *h = &p->rs->body;
  const form *f = &p->rq->form;
  page_begin(p, error ? "Error: Your calendar" : "Your calendar", PAGE_NAV_SESSIONS);
  if (error) page_error_summary(p, field, error);
  html_lit(h, "<h1 class=\"govuk-heading-l\">Your sessions in your calendar</h1>\n"
              "<p class=\"govuk-body\">Download a calendar file (.ics) and open it with Outlook, Google Calendar "
              "or your phone's calendar. It holds every supervision session you take part in, with who, when "
              "and where: nothing that was said.</p>\n"
              "<p class=\"govuk-body\">Cancelled sessions are included and marked cancelled, so that when you "
              "download the file again and open it, your calendar moves and removes sessions as Reflect "
              "has.</p>\n"
              "<p class=\"govuk-body\"><a class=\"govuk-button\" data-module=\"govuk-button\" role=\"button\" "
              "draggable=\"false\" href=\"/calendar.ics\" download>Download the calendar file</a></p>\n"
              "<p class=\"govuk-body\">It covers the last 30 days and the year ahead.</p>\n"
              "<h2 class=\"govuk-heading-m\">Choose the dates</h2>\n"
              "<form method=\"post\" action=\"/calendar\" novalidate>\n");
  page_csrf(p);
  int64_t from = 0, to = 0;
  if (f->n) {
    (void)widgets_read_time(f, "from", 1, &from);
    (void)widgets_read_time(f, "to", 1, &to);
  }
  widgets_date_time(h, "from", "From", "For example, 1 9 2026", from, field && !strcmp(field, "from") ? error : NULL,
                    1);
  widgets_date_time(h, "to", "To", "The last day to include, for example 31 8 2027", to,
                    field && !strcmp(field, "to") ? error : NULL, 1);
  widgets_button(h, "Download these dates", "govuk-button--secondary");
  html_lit(h, "</form>\n");
  page_end(p);
}

/* The instant a day starts in the gateway's zone (t is any time in it);
 * with next, the instant the day after starts. */
static int64_t day_start(int64_t t, int next)
{
  time_t tt = (time_t)t;
  struct tm tm;
  if (!localtime_r(&tt, &tm)) return t;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_mday += next;
  tm.tm_isdst = -1;
  time_t s = mktime(&tm);
  return s == (time_t)-1 ? t : (int64_t)s;
}

static void send(page_ctx *p, int64_t from, int64_t to)
{
  calendar_request r = {.from = from,
                        .to = to,
                        .now = p->rq->now,
                        .zone = p->app->zone,
                        .server_key = p->app->server_key};
  char *ics = NULL;
  size_t len = 0;
  Reflect__V1__Reply *refused = NULL;
  int rc = calendar_export(p->s->cl, &r, &ics, &len, &refused);
  if (rc == CLIENT_EREFUSED) {
    page_refused(p, refused);
    client_free_reply(refused);
    return;
  }
  if (rc) {
    page_unreachable(p, rc);
    return;
  }
  p->rs->download = ics;
  p->rs->download_len = len;
  p->rs->content_type = "text/calendar; charset=utf-8";
  snprintf(p->rs->disposition, sizeof p->rs->disposition, "attachment; filename=\"supervision.ics\"");
}

void page_calendar_get(page_ctx *p)
{
  show(p, NULL, NULL);
}

void page_calendar_file(page_ctx *p)
{
  send(p, p->rq->now - DEFAULT_BACK_S, p->rq->now + DEFAULT_AHEAD_S);
}

void page_calendar_post(page_ctx *p)
{
  const form *f = &p->rq->form;
  int64_t from = 0, to = 0;
  const char *why = widgets_read_time(f, "from", 1, &from);
  if (why) {
    show(p, "from", why);
    return;
  }
  if ((why = widgets_read_time(f, "to", 1, &to))) {
    show(p, "to", why);
    return;
  }
  from = day_start(from, 0);
  to = day_start(to, 1);
  if (to <= from) {
    show(p, "to", "The last day must be the same as or after the first");
    return;
  }
  if (to - from > ICAL_RANGE_MAX_S) {
    show(p, "to", "Choose at most 11 years");
    return;
  }
  send(p, from, to);
}
