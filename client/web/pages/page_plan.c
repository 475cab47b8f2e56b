#include "page_plan.h"

#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "reflect.pb-c.h"
#include "widgets.h"

#define PLAN_COUNT_MAX 26 /* as reflectd allows */

/* The form, and under it what the server proposed or booked (r), if any. */
static void show(page_ctx *p, const char *field, const char *error, const Reflect__V1__SessionPlanReply *r, int booked)
{
  html *h = &p->rs->body;
  const form *f = &p->rq->form;
  if (error) p->rs->status = 400;
  page_begin(p, error ? "Error: Plan sessions" : booked ? "Sessions booked" : "Plan sessions", PAGE_NAV_SESSIONS);
  html_lit(h, "<div class=\"govuk-grid-row\">\n<div class=\"govuk-grid-column-two-thirds\">\n");
  if (error) page_error_summary(p, field, error);
  if (booked) {
    html_lit(h, "<div class=\"govuk-panel govuk-panel--confirmation\"><h1 class=\"govuk-panel__title\">");
    html_uint(h, r->n_sessions);
    if (r->n_sessions == 1) html_lit(h, " session booked");
    else html_lit(h, " sessions booked");
    html_lit(h, "</h1><div class=\"govuk-panel__body\">Everyone taking part has been told.</div></div>\n");
  } else {
    html_lit(h, "<h1 class=\"govuk-heading-l\">Plan sessions</h1>\n"
                "<p class=\"govuk-body\">Reflect proposes the next sessions from your supervision agreement with "
                "the person: as often and as long as it says, starting when the next is due. Check them, then book "
                "them all at once.</p>\n");
  }
  if (r && r->n_sessions) {
    static const char *const heads[] = {"When", "Minutes", "Can it be booked?", NULL};
    widgets_table_begin(h, booked ? "Booked" : "Proposed", 0, heads);
    for (size_t i = 0; i < r->n_sessions; i++) {
      const Reflect__V1__PlannedSession *s = r->sessions[i];
      html_lit(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
      if (s->session_id) {
        html_lit(h, "<a class=\"govuk-link\" href=\"/sessions/");
        html_uint(h, s->session_id);
        html_lit(h, "\">");
        page_time(h, s->starts_at);
        html_lit(h, "</a>");
      } else {
        page_time(h, s->starts_at);
      }
      html_lit(h, "</td><td class=\"govuk-table__cell\">");
      html_uint(h, s->minutes);
      html_lit(h, "</td><td class=\"govuk-table__cell\">");
      if (s->session_id) widgets_tag(h, "Booked", "green");
      else if (s->clash && *s->clash) {
        widgets_tag(h, "Clashes", "red");
        html_lit(h, " ");
        html_txt(h, s->clash);
      } else widgets_tag(h, "Free", "blue");
      html_lit(h, "</td></tr>\n");
    }
    widgets_table_end(h);
  }
  if (booked) {
    html_lit(h, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/sessions\">See your sessions</a></p>\n"
                "</div>\n</div>\n");
    page_end(p);
    return;
  }
  size_t clashes = 0;
  for (size_t i = 0; r && i < r->n_sessions; i++) clashes += r->sessions[i]->clash && *r->sessions[i]->clash;
  if (clashes)
    html_lit(h, "<p class=\"govuk-body\">Nothing can be booked while a session clashes: choose another first "
                "start, a shorter length or fewer sessions.</p>\n");
  html_lit(h, "<form method=\"post\" action=\"/sessions/plan\" novalidate>\n");
  page_csrf(p);
  widgets_input(h, "supervisee", "Who with", "The username of the person you supervise", form_get(f, "supervisee"),
                field && !strcmp(field, "supervisee") ? error : NULL, "govuk-!-width-one-half");
  const char *count = form_get(f, "count");
  widgets_input(h, "count", "How many sessions", "From 1 to 26", count && *count ? count : "6",
                field && !strcmp(field, "count") ? error : NULL, "govuk-input--width-3");
  int64_t first = 0;
  if (f->n) (void)widgets_read_time(f, "first", 0, &first);
  widgets_date_time(h, "first", "First session (optional)",
                    "Leave empty to start when the next is due; for example, 27 3 2027 at 14 30", first,
                    field && !strcmp(field, "first") ? error : NULL, 0);
  widgets_input(h, "minutes", "Length in minutes (optional)", "Leave empty for the agreement's length",
                form_get(f, "minutes"), field && !strcmp(field, "minutes") ? error : NULL, "govuk-input--width-3");
  widgets_input(h, "room", "Where (optional)", "A room, or how you will meet", form_get(f, "room"),
                field && !strcmp(field, "room") ? error : NULL, "govuk-!-width-two-thirds");
  html_lit(h, "<div class=\"govuk-button-group\">\n");
  if (r && r->n_sessions && !clashes) {
    html_lit(h, "<button type=\"submit\" name=\"step\" value=\"book\" class=\"govuk-button\" "
                "data-module=\"govuk-button\">Book these ");
    html_uint(h, r->n_sessions);
    if (r->n_sessions == 1) html_lit(h, " session</button>\n");
    else html_lit(h, " sessions</button>\n");
    html_lit(h, "<button type=\"submit\" name=\"step\" value=\"show\" class=\"govuk-button govuk-button--secondary\" "
                "data-module=\"govuk-button\">Show the plan again</button>\n");
  } else {
    html_lit(h, "<button type=\"submit\" name=\"step\" value=\"show\" class=\"govuk-button\" "
                "data-module=\"govuk-button\">Show the plan</button>\n");
  }
  html_lit(h, "</div>\n</form>\n</div>\n</div>\n");
  page_end(p);
}

void page_plan_get(page_ctx *p)
{
  show(p, NULL, NULL, NULL, 0);
}

/* Which field of the form a refusal names. */
static const char *form_field_of(const char *server_field)
{
  if (!strcmp(server_field, "count")) return "count";
  if (!strcmp(server_field, "first")) return "first";
  if (!strcmp(server_field, "minutes")) return "minutes";
  if (!strcmp(server_field, "room")) return "room";
  return "supervisee";
}

static int all_blank(const form *f, const char *id)
{
  static const char *const parts[] = {"day", "month", "year", "hour", "minute"};
  char name[64];
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
    snprintf(name, sizeof name, "%s-%s", id, parts[i]);
    const char *v = form_get(f, name);
    if (v && v[strspn(v, " ")]) return 0;
  }
  return 1;
}

void page_plan_post(page_ctx *p)
{
  const form *f = &p->rq->form;
  const char *who = form_get(f, "supervisee"), *step = form_get(f, "step");
  if (!who || !who[strspn(who, " ")]) {
    show(p, "supervisee", "Enter the username of the person you supervise", NULL, 0);
    return;
  }
  uint64_t count = 0, minutes = 0;
  const char *why = widgets_read_uint(f, "count", "how many sessions", 1, PLAN_COUNT_MAX, &count);
  if (why) {
    show(p, "count", why, NULL, 0);
    return;
  }
  int64_t first = 0;
  if (!all_blank(f, "first") && (why = widgets_read_time(f, "first", 0, &first))) {
    show(p, "first", why, NULL, 0);
    return;
  }
  const char *m = form_get(f, "minutes");
  if (m && m[strspn(m, " ")] &&
      (why = widgets_read_uint(f, "minutes", "the length in minutes", REFLECT_SESSION_MINUTES_MIN,
                               REFLECT_SESSION_MINUTES_MAX, &minutes))) {
    show(p, "minutes", why, NULL, 0);
    return;
  }
  Reflect__V1__SessionPlanRequest in = REFLECT__V1__SESSION_PLAN_REQUEST__INIT;
  in.supervisee = (char *)who + strspn(who, " ");
  in.count = (uint32_t)count;
  in.first = first;
  in.minutes = (uint32_t)minutes;
  const char *room = form_get(f, "room");
  in.room = (char *)(room ? room : "");
  in.book = step && !strcmp(step, "book");
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__SessionPlanReply *r = NULL;
  int rc = client_call_session_plan(p->s->cl, &in, &rep, &r);
  if (rc != CLIENT_OK) {
    page_unreachable(p, rc);
    return;
  }
  int code = client_reply_code(rep);
  if (code == REFLECT__V1__CODE__INVALID_ARGUMENT || code == REFLECT__V1__CODE__FAILED_PRECONDITION ||
      code == REFLECT__V1__CODE__NOT_FOUND) {
    char msg[400];
    page_sentence(msg, sizeof msg, client_reply_message(rep));
    const char *at = form_field_of(client_reply_field(rep));
    client_free_reply(rep);
    show(p, at, msg, NULL, 0);
    return;
  }
  if (code) {
    page_refused(p, rep);
    client_free_reply(rep);
    return;
  }
  show(p, NULL, NULL, r, in.book);
  client_free_reply(rep);
}
