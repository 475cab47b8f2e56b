#include "page_sessions.h"

#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "reflect.pb-c.h"
#include "widgets.h"

#define LIST_LIMIT 100
#define MEMBERS_MAX 32

/* After a change, to the session's own page (POST, then GET: reloading
 * it changes nothing). */
static void back_to_session(page_ctx *p)
{
  char back[64];
  snprintf(back, sizeof back, "/sessions/%llu", (unsigned long long)p->id);
  http_redirect(p->rs, back);
}

static const char *status_text(Reflect__V1__SessionStatus s, const char **colour)
{
  switch (s) {
  case REFLECT__V1__SESSION_STATUS__SESSION_SCHEDULED: *colour = "blue"; return "Booked";
  case REFLECT__V1__SESSION_STATUS__SESSION_HELD: *colour = "green"; return "Held";
  case REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED: *colour = "grey"; return "Cancelled";
  case REFLECT__V1__SESSION_STATUS__SESSION_RESCHEDULED: *colour = "yellow"; return "Moved";
  case REFLECT__V1__SESSION_STATUS__SESSION_MISSED: *colour = "red"; return "Missed";
  default: *colour = "grey"; return "Unknown";
  }
}

static void status_tag(html *h, Reflect__V1__SessionStatus s)
{
  const char *colour;
  const char *text = status_text(s, &colour);
  widgets_tag(h, text, colour);
}

static void people(html *h, const Reflect__V1__Session *s)
{
  html_txt(h, s->supervisor);
  html_lit(h, " (supervisor)");
  for (size_t i = 0; i < s->n_members; i++) {
    html_lit(h, ", ");
    html_txt(h, s->members[i]);
  }
}

void page_sessions_list(page_ctx *p)
{
  const char *when = http_query(p->rq, "when");
  int past = when && strcmp(when, "past") == 0;
  Reflect__V1__SessionListRequest in = REFLECT__V1__SESSION_LIST_REQUEST__INIT;
  in.upcoming = !past;
  in.past = past;
  in.limit = LIST_LIMIT;
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__SessionListReply *list = NULL;
  int rc = client_call_session_list(p->s->cl, &in, &rep, &list);
  if (page_check(p, rc, rep)) {
    client_free_reply(rep);
    return;
  }
  html *h = &p->rs->body;
  page_begin(p, past ? "Past sessions" : "Upcoming sessions", PAGE_NAV_SESSIONS);
  html_lit(h, "<h1 class=\"govuk-heading-l\">Sessions</h1>\n");
  if (p->s->role == REFLECT__V1__ROLE__ROLE_SUPERVISOR || p->s->role == REFLECT__V1__ROLE__ROLE_MANAGER)
    html_lit(h, "<p class=\"govuk-body\"><a class=\"govuk-button\" data-module=\"govuk-button\" role=\"button\" "
                "draggable=\"false\" href=\"/sessions/new\">Book a session</a> <a class=\"govuk-button "
                "govuk-button--secondary\" data-module=\"govuk-button\" role=\"button\" draggable=\"false\" "
                "href=\"/sessions/plan\">Plan sessions from an agreement</a></p>\n");
  html_lit(h, "<nav class=\"govuk-!-margin-bottom-4\" aria-label=\"Which sessions\"><ul class=\"govuk-list\">"
              "<li>");
  if (past)
    html_lit(h,
             "<a class=\"govuk-link\" href=\"/sessions\">Upcoming sessions</a></li><li><strong>Past sessions</strong>");
  else
    html_lit(h, "<strong>Upcoming sessions</strong></li><li><a class=\"govuk-link\" href=\"/sessions?when=past\">Past "
                "sessions</a>");
  html_lit(h, "</li><li><a class=\"govuk-link\" href=\"/calendar\">Add your sessions to your calendar</a>");
  html_lit(h, "</li></ul></nav>\n");
  if (!list->n_sessions) {
    html_lit(h, "<p class=\"govuk-body\">");
    if (past) html_lit(h, "No sessions have taken place yet.");
    else html_lit(h, "No sessions are booked.");
    html_lit(h, "</p>\n");
  } else {
    static const char *const heads[] = {"When", "Who", "Where", "Status", NULL};
    widgets_table_begin(h, past ? "Past sessions, latest first" : "Upcoming sessions, soonest first", 0, heads);
    for (size_t i = 0; i < list->n_sessions; i++) {
      const Reflect__V1__Session *s = list->sessions[i];
      html_lit(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
                  "href=\"/sessions/");
      html_uint(h, s->id);
      html_lit(h, "\">");
      page_time(h, s->starts_at);
      html_lit(h, "</a></td><td class=\"govuk-table__cell\">");
      people(h, s);
      html_lit(h, "</td><td class=\"govuk-table__cell\">");
      html_txt(h, s->room && *s->room ? s->room : "—");
      html_lit(h, "</td><td class=\"govuk-table__cell\">");
      status_tag(h, s->status);
      html_lit(h, "</td></tr>\n");
    }
    widgets_table_end(h);
  }
  page_end(p);
  client_free_reply(rep);
}

static const char *change_text(Reflect__V1__SessionStatus what)
{
  switch (what) {
  case REFLECT__V1__SESSION_STATUS__SESSION_SCHEDULED: return "Booked";
  case REFLECT__V1__SESSION_STATUS__SESSION_HELD: return "Marked held";
  case REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED: return "Cancelled";
  case REFLECT__V1__SESSION_STATUS__SESSION_RESCHEDULED: return "Moved";
  case REFLECT__V1__SESSION_STATUS__SESSION_MISSED: return "Marked missed";
  default: return "Changed";
  }
}

/* The form that marks a session held, missed or cancelled. */
static void status_form(page_ctx *p, const Reflect__V1__Session *s, const char *error, const char *chosen,
                        const char *reason)
{
  html *h = &p->rs->body;
  html_lit(h, "<h2 class=\"govuk-heading-m\" id=\"status-heading\">Update this session</h2>\n<form method=\"post\" "
              "action=\"/sessions/");
  html_uint(h, s->id);
  html_lit(h, "/status\" novalidate>\n");
  page_csrf(p);
  static const widgets_choice choices[] = {{"held", "It was held"},
                                           {"missed", "It was missed"},
                                           {"cancelled", "Cancel it"}};
  widgets_radios(h, "status", "What happened?", choices, 3, chosen, error && !reason ? error : NULL);
  widgets_textarea(h, "reason", "Reason", "Needed when a session is missed or cancelled: it stays in the history.",
                   reason, error && reason ? error : NULL, 3);
  widgets_button(h, "Save", NULL);
  html_lit(h, "</form>\n");
}

static const char *attendance_text(Reflect__V1__Attendance a)
{
  if (a == REFLECT__V1__ATTENDANCE__ATTENDANCE_PRESENT) return "Present";
  if (a == REFLECT__V1__ATTENDANCE__ATTENDANCE_ABSENT) return "Absent";
  return "Not recorded";
}

/* A group session's attendance: who was there, whether each member has
 * confirmed it; the supervisor records it once the session has started,
 * and a member confirms what was recorded for them. */
static void attendance(page_ctx *p, const Reflect__V1__Session *s, int mine)
{
  html *h = &p->rs->body;
  html_lit(h, "<h2 class=\"govuk-heading-m\">Attendance</h2>\n");
  widgets_summary_begin(h);
  const Reflect__V1__MemberAttendance *me = NULL;
  for (size_t i = 0; i < s->n_members; i++) {
    const Reflect__V1__MemberAttendance *a = NULL;
    for (size_t k = 0; k < s->n_attendance; k++)
      if (!strcmp(s->attendance[k]->member, s->members[i])) a = s->attendance[k];
    if (!strcmp(s->members[i], p->s->username)) me = a;
    widgets_summary_row(h, s->members[i]);
    html_txt(h, attendance_text(a ? a->attendance : REFLECT__V1__ATTENDANCE__ATTENDANCE_UNKNOWN));
    if (a && a->signed_at) {
      html_lit(h, ", confirmed ");
      page_date(h, a->signed_at);
    }
    widgets_summary_row_end(h);
  }
  widgets_summary_end(h);
  if (mine && s->starts_at <= p->rq->now && s->status != REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED) {
    html_lit(h, "<form method=\"post\" action=\"/sessions/");
    html_uint(h, s->id);
    html_lit(h, "/attendance\" novalidate>\n");
    page_csrf(p);
    html_lit(h,
             "<div class=\"govuk-form-group\">\n<fieldset class=\"govuk-fieldset\" aria-describedby=\"present-hint\">\n"
             "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">Who was there?</legend>\n"
             "<div id=\"present-hint\" class=\"govuk-hint\">The others are recorded as absent. Each member "
             "then confirms what is recorded for them.</div>\n<div class=\"govuk-checkboxes\" "
             "data-module=\"govuk-checkboxes\">\n");
    for (size_t i = 0; i < s->n_members; i++) {
      int present = 0;
      for (size_t k = 0; k < s->n_attendance; k++)
        if (!strcmp(s->attendance[k]->member, s->members[i]))
          present = s->attendance[k]->attendance == REFLECT__V1__ATTENDANCE__ATTENDANCE_PRESENT;
      html_lit(h, "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" id=\"present-");
      html_uint(h, i);
      html_lit(h, "\" name=\"present\" type=\"checkbox\" value=\"");
      html_attr(h, s->members[i]);
      html_lit(h, "\"");
      if (present) html_lit(h, " checked");
      html_lit(h, "><label class=\"govuk-label govuk-checkboxes__label\" for=\"present-");
      html_uint(h, i);
      html_lit(h, "\">");
      html_txt(h, s->members[i]);
      html_lit(h, "</label></div>\n");
    }
    html_lit(h, "</div>\n</fieldset>\n</div>\n");
    widgets_button(h, "Record attendance", "govuk-button--secondary");
    html_lit(h, "</form>\n");
  }
  if (me && me->attendance != REFLECT__V1__ATTENDANCE__ATTENDANCE_UNKNOWN && !me->signed_at) {
    html_lit(h, "<form method=\"post\" action=\"/sessions/");
    html_uint(h, s->id);
    html_lit(h, "/attendance/sign\" novalidate>\n");
    page_csrf(p);
    html_lit(h, "<p class=\"govuk-body\">You are recorded as <strong>");
    html_txt(h, attendance_text(me->attendance));
    html_lit(h, "</strong>. If that is right, confirm it.</p>\n");
    widgets_button(h, "Confirm my attendance", NULL);
    html_lit(h, "</form>\n");
  }
}

static void show(page_ctx *p, const char *error, const char *chosen, const char *reason)
{
  Reflect__V1__SessionShowRequest in = REFLECT__V1__SESSION_SHOW_REQUEST__INIT;
  in.session_id = p->id;
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__SessionShowReply *r = NULL;
  int rc = client_call_session_show(p->s->cl, &in, &rep, &r);
  if (page_check(p, rc, rep) || !r->session) {
    if (!rc && r && !r->session) page_not_found(p);
    client_free_reply(rep);
    return;
  }
  const Reflect__V1__Session *s = r->session;
  html *h = &p->rs->body;
  if (error) p->rs->status = 400;
  page_begin(p, error ? "Error: Session" : "Session", PAGE_NAV_SESSIONS);
  if (error) page_error_summary(p, reason ? "reason" : "status", error);
  html_lit(h, "<span class=\"govuk-caption-l\">");
  if (s->kind == REFLECT__V1__SESSION_KIND__SESSION_GROUP) html_lit(h, "Group supervision");
  else html_lit(h, "Supervision");
  html_lit(h, "</span>\n<h1 class=\"govuk-heading-l\">");
  page_time(h, s->starts_at);
  html_lit(h, "</h1>\n");
  widgets_summary_begin(h);
  widgets_summary_row(h, "Status");
  status_tag(h, s->status);
  widgets_summary_row_end(h);
  widgets_summary_row(h, "Length");
  html_uint(h, s->minutes);
  html_lit(h, " minutes");
  widgets_summary_row_end(h);
  widgets_summary_row(h, "Where");
  html_txt(h, s->room && *s->room ? s->room : "Not given");
  widgets_summary_row_end(h);
  widgets_summary_row(h, "Supervisor");
  html_txt(h, s->supervisor);
  widgets_summary_row_end(h);
  widgets_summary_row(h, s->n_members == 1 ? "Supervisee" : "Members");
  for (size_t i = 0; i < s->n_members; i++) {
    if (i) html_lit(h, ", ");
    html_txt(h, s->members[i]);
  }
  widgets_summary_row_end(h);
  widgets_summary_row(h, "Record");
  html_lit(h, "<a class=\"govuk-link\" href=\"/sessions/");
  html_uint(h, s->id);
  html_lit(h, "/record\">");
  if (s->record_revision) {
    html_lit(h, "Read the record (revision ");
    html_uint(h, s->record_revision);
    html_lit(h, ")");
  } else html_lit(h, "Write the record");
  html_lit(h, "</a>");
  widgets_summary_row_end(h);
  widgets_summary_end(h);

  if (r->n_history) {
    html_lit(h, "<h2 class=\"govuk-heading-m\">History</h2>\n<ul class=\"govuk-list govuk-list--spaced\">\n");
    for (size_t i = 0; i < r->n_history; i++) {
      const Reflect__V1__SessionChange *c = r->history[i];
      html_lit(h, "<li>");
      html_txt(h, change_text(c->what));
      html_lit(h, " by ");
      html_txt(h, c->by);
      html_lit(h, ", ");
      page_time(h, c->at);
      if (c->what == REFLECT__V1__SESSION_STATUS__SESSION_RESCHEDULED) {
        html_lit(h, ": from ");
        page_time(h, c->old_starts_at);
        html_lit(h, " to ");
        page_time(h, c->new_starts_at);
      }
      if (c->reason && *c->reason) {
        html_lit(h, "<br><span class=\"govuk-body-s\">Reason: ");
        html_txt(h, c->reason);
        html_lit(h, "</span>");
      }
      html_lit(h, "</li>\n");
    }
    html_lit(h, "</ul>\n");
  }
  int mine = strcmp(s->supervisor, p->s->username) == 0;
  if (s->kind == REFLECT__V1__SESSION_KIND__SESSION_GROUP) attendance(p, s, mine);
  if (s->status == REFLECT__V1__SESSION_STATUS__SESSION_SCHEDULED && mine) {
    status_form(p, s, error, chosen, reason);
    html_lit(h, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/sessions/");
    html_uint(h, s->id);
    html_lit(h, "/move\">Move this session to another time</a></p>\n");
  }
  page_end(p);
  client_free_reply(rep);
}

void page_sessions_show(page_ctx *p)
{
  show(p, NULL, NULL, NULL);
}

void page_sessions_status_post(page_ctx *p)
{
  const char *what = form_get(&p->rq->form, "status");
  const char *reason = form_get(&p->rq->form, "reason");
  Reflect__V1__SessionStatusRequest in = REFLECT__V1__SESSION_STATUS_REQUEST__INIT;
  in.session_id = p->id;
  if (what && strcmp(what, "held") == 0) in.status = REFLECT__V1__SESSION_STATUS__SESSION_HELD;
  else if (what && strcmp(what, "missed") == 0) in.status = REFLECT__V1__SESSION_STATUS__SESSION_MISSED;
  else if (what && strcmp(what, "cancelled") == 0) in.status = REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED;
  else {
    show(p, "Select what happened", NULL, NULL);
    return;
  }
  in.reason = (char *)(reason ? reason : "");
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call_session_status(p->s->cl, &in, &rep, NULL);
  if (rc != CLIENT_OK) {
    page_unreachable(p, rc);
    return;
  }
  int code = client_reply_code(rep);
  if (code == REFLECT__V1__CODE__INVALID_ARGUMENT || code == REFLECT__V1__CODE__FAILED_PRECONDITION) {
    char why[300];
    page_sentence(why, sizeof why, client_reply_message(rep));
    client_free_reply(rep);
    show(p, why, what, reason ? reason : "");
    return;
  }
  if (code) {
    page_refused(p, rep);
    client_free_reply(rep);
    return;
  }
  client_free_reply(rep);
  back_to_session(p);
}

static void booking_form(page_ctx *p, const char *field, const char *error)
{
  html *h = &p->rs->body;
  const form *f = &p->rq->form;
  if (error) p->rs->status = 400;
  page_begin(p, error ? "Error: Book a session" : "Book a session", PAGE_NAV_SESSIONS);
  html_lit(h, "<div class=\"govuk-grid-row\">\n<div class=\"govuk-grid-column-two-thirds\">\n");
  if (error) page_error_summary(p, field, error);
  html_lit(h, "<h1 class=\"govuk-heading-l\">Book a session</h1>\n<form method=\"post\" action=\"/sessions/new\" "
              "novalidate>\n");
  page_csrf(p);
  widgets_input(h, "members", "Who with",
                "A username; for group supervision, several separated by commas (for example pat, jo, lee)",
                form_get(f, "members"), field && !strcmp(field, "members") ? error : NULL, "govuk-!-width-two-thirds");
  int64_t when = 0;
  if (f->n) (void)widgets_read_time(f, "when", 0, &when);
  widgets_date_time(h, "when", "When", "For example, 27 3 2027 at 14 30", when,
                    field && !strcmp(field, "when") ? error : NULL, 0);
  const char *minutes = form_get(f, "minutes");
  widgets_input(h, "minutes", "Length in minutes", "From 15 to 480", minutes && *minutes ? minutes : "60",
                field && !strcmp(field, "minutes") ? error : NULL, "govuk-input--width-3");
  widgets_input(h, "room", "Where (optional)", "A room, or how you will meet", form_get(f, "room"),
                field && !strcmp(field, "room") ? error : NULL, "govuk-!-width-two-thirds");
  widgets_button(h, "Book the session", NULL);
  html_lit(h, "</form>\n</div>\n</div>\n");
  page_end(p);
}

void page_sessions_new_get(page_ctx *p)
{
  booking_form(p, NULL, NULL);
}

void page_sessions_new_post(page_ctx *p)
{
  const form *f = &p->rq->form;
  const char *members = form_get(f, "members");
  if (!members || !*members) {
    booking_form(p, "members", "Enter who the session is with");
    return;
  }
  char list[1024];
  if (strlen(members) >= sizeof list) {
    booking_form(p, "members", "Enter at most 32 usernames");
    return;
  }
  snprintf(list, sizeof list, "%s", members);
  char *names[MEMBERS_MAX];
  size_t n = 0;
  for (char *save = NULL, *t = strtok_r(list, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
    if (n == MEMBERS_MAX) {
      booking_form(p, "members", "Enter at most 32 usernames");
      return;
    }
    names[n++] = t;
  }
  if (!n) {
    booking_form(p, "members", "Enter who the session is with");
    return;
  }
  int64_t when = 0;
  const char *why = widgets_read_time(f, "when", 0, &when);
  if (why) {
    booking_form(p, "when", why);
    return;
  }
  uint64_t minutes = 0;
  why = widgets_read_uint(f, "minutes", "the length in minutes", REFLECT_SESSION_MINUTES_MIN,
                          REFLECT_SESSION_MINUTES_MAX, &minutes);
  if (why) {
    booking_form(p, "minutes", why);
    return;
  }
  Reflect__V1__SessionAddRequest in = REFLECT__V1__SESSION_ADD_REQUEST__INIT;
  in.members = names;
  in.n_members = n;
  in.starts_at = when;
  in.minutes = (uint32_t)minutes;
  const char *room = form_get(f, "room");
  in.room = (char *)(room ? room : "");
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__SessionAddReply *added = NULL;
  int rc = client_call_session_add(p->s->cl, &in, &rep, &added);
  if (rc != CLIENT_OK) {
    page_unreachable(p, rc);
    return;
  }
  int code = client_reply_code(rep);
  if (code && code != REFLECT__V1__CODE__UNAUTHENTICATED) {
    char msg[300];
    page_sentence(msg, sizeof msg, client_reply_message(rep));
    const char *field = client_reply_field(rep);
    const char *at = !strncmp(field, "members", 7) ? "members"
                     : !strcmp(field, "starts_at") ? "when"
                     : !strcmp(field, "minutes")   ? "minutes"
                     : !strcmp(field, "room")      ? "room"
                                                   : "members";
    client_free_reply(rep);
    booking_form(p, at, msg);
    return;
  }
  if (code) {
    page_refused(p, rep);
    client_free_reply(rep);
    return;
  }
  char back[64];
  snprintf(back, sizeof back, "/sessions/%llu", (unsigned long long)added->id);
  client_free_reply(rep);
  http_redirect(p->rs, back);
}

static void move_form(page_ctx *p, int64_t current, const char *field, const char *error)
{
  html *h = &p->rs->body;
  const form *f = &p->rq->form;
  if (error) p->rs->status = 400;
  page_begin(p, error ? "Error: Move a session" : "Move a session", PAGE_NAV_SESSIONS);
  html_lit(h, "<div class=\"govuk-grid-row\">\n<div class=\"govuk-grid-column-two-thirds\">\n");
  if (error) page_error_summary(p, field, error);
  html_lit(h, "<h1 class=\"govuk-heading-l\">Move this session</h1>\n<form method=\"post\" action=\"/sessions/");
  html_uint(h, p->id);
  html_lit(h, "/move\" novalidate>\n");
  page_csrf(p);
  int64_t when = current;
  if (f->n) (void)widgets_read_time(f, "when", 0, &when);
  widgets_date_time(h, "when", "New time", NULL, when, field && !strcmp(field, "when") ? error : NULL, 0);
  widgets_textarea(h, "reason", "Why it is moving", "It stays in the session's history.", form_get(f, "reason"),
                   field && !strcmp(field, "reason") ? error : NULL, 3);
  widgets_button(h, "Move the session", NULL);
  html_lit(h, "</form>\n</div>\n</div>\n");
  page_end(p);
}

void page_sessions_move_get(page_ctx *p)
{
  Reflect__V1__SessionShowRequest in = REFLECT__V1__SESSION_SHOW_REQUEST__INIT;
  in.session_id = p->id;
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__SessionShowReply *r = NULL;
  int rc = client_call_session_show(p->s->cl, &in, &rep, &r);
  if (page_check(p, rc, rep)) {
    client_free_reply(rep);
    return;
  }
  move_form(p, r->session ? r->session->starts_at : 0, NULL, NULL);
  client_free_reply(rep);
}

void page_sessions_move_post(page_ctx *p)
{
  int64_t when = 0;
  const char *why = widgets_read_time(&p->rq->form, "when", 0, &when);
  if (why) {
    move_form(p, 0, "when", why);
    return;
  }
  const char *reason = form_get(&p->rq->form, "reason");
  Reflect__V1__SessionRescheduleRequest in = REFLECT__V1__SESSION_RESCHEDULE_REQUEST__INIT;
  in.session_id = p->id;
  in.starts_at = when;
  in.reason = (char *)(reason ? reason : "");
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call_session_reschedule(p->s->cl, &in, &rep, NULL);
  if (rc != CLIENT_OK) {
    page_unreachable(p, rc);
    return;
  }
  int code = client_reply_code(rep);
  if (code == REFLECT__V1__CODE__INVALID_ARGUMENT || code == REFLECT__V1__CODE__FAILED_PRECONDITION) {
    char msg[300];
    page_sentence(msg, sizeof msg, client_reply_message(rep));
    const char *field = strcmp(client_reply_field(rep), "reason") == 0 ? "reason" : "when";
    client_free_reply(rep);
    move_form(p, when, field, msg);
    return;
  }
  if (code) {
    page_refused(p, rep);
    client_free_reply(rep);
    return;
  }
  client_free_reply(rep);
  back_to_session(p);
}

void page_sessions_attendance_post(page_ctx *p)
{
  Reflect__V1__SessionShowRequest sin = REFLECT__V1__SESSION_SHOW_REQUEST__INIT;
  sin.session_id = p->id;
  Reflect__V1__Reply *srep = NULL;
  Reflect__V1__SessionShowReply *r = NULL;
  int rc = client_call_session_show(p->s->cl, &sin, &srep, &r);
  if (page_check(p, rc, srep) || !r->session) {
    if (!rc && r && !r->session) page_not_found(p);
    client_free_reply(srep);
    return;
  }
  /* Every member is present (ticked) or absent (not): the form lists
   * them all, and a name that is not a member is not sent on. */
  const Reflect__V1__Session *s = r->session;
  char *present[MEMBERS_MAX], *absent[MEMBERS_MAX];
  size_t np = 0, na = 0;
  for (size_t i = 0; i < s->n_members && i < MEMBERS_MAX; i++) {
    int ticked = 0;
    for (size_t k = 0; k < form_count(&p->rq->form, "present"); k++)
      if (!strcmp(form_nth(&p->rq->form, "present", k), s->members[i])) ticked = 1;
    if (ticked) present[np++] = s->members[i];
    else absent[na++] = s->members[i];
  }
  Reflect__V1__SessionAttendanceRequest in = REFLECT__V1__SESSION_ATTENDANCE_REQUEST__INIT;
  in.session_id = p->id;
  in.present = present;
  in.n_present = np;
  in.absent = absent;
  in.n_absent = na;
  Reflect__V1__Reply *rep = NULL;
  rc = client_call_session_attendance(p->s->cl, &in, &rep, NULL);
  client_free_reply(srep);
  int code = rc == CLIENT_OK ? client_reply_code(rep) : 0;
  if (code == REFLECT__V1__CODE__INVALID_ARGUMENT || code == REFLECT__V1__CODE__FAILED_PRECONDITION) {
    char why[300];
    page_sentence(why, sizeof why, client_reply_message(rep));
    client_free_reply(rep);
    show(p, why, NULL, NULL);
    return;
  }
  if (page_finish(p, rc, rep)) return;
  back_to_session(p);
}

void page_sessions_attendance_sign_post(page_ctx *p)
{
  Reflect__V1__AttendanceSignRequest in = REFLECT__V1__ATTENDANCE_SIGN_REQUEST__INIT;
  in.session_id = p->id;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call_attendance_sign(p->s->cl, &in, &rep, NULL);
  if (page_finish(p, rc, rep)) return;
  back_to_session(p);
}
