#include "page_home.h"

#include <string.h>

#include "reflect.pb-c.h"
#include "widgets.h"

#define HOME_SESSIONS 10

static void who_with(html *h, const Reflect__V1__Session *s, const char *me)
{
  /* The other people: for a supervisee their supervisor, for the
   * supervisor the members. */
  int first = 1;
  if (strcmp(s->supervisor, me) != 0) {
    html_txt(h, s->supervisor);
    first = 0;
  }
  for (size_t i = 0; i < s->n_members; i++) {
    if (strcmp(s->members[i], me) == 0) continue;
    if (!first) html_lit(h, ", ");
    html_txt(h, s->members[i]);
    first = 0;
  }
  if (first) html_lit(h, "—");
}

/* One line of "Waiting for you": what to do, with whom, when, and the
 * link that does it. Metadata only, as the inbox is. */
static void inbox_item(page_ctx *p, const Reflect__V1__InboxItem *it)
{
  html *h = &p->rs->body;
  const char *who = it->person && *it->person ? it->person : NULL;
  html_lit(h, "<li>");
  switch (it->kind) {
  case REFLECT__V1__INBOX_KIND__INBOX_AGREEMENT_SIGN:
    html_lit(h, "<a class=\"govuk-link\" href=\"/agreements/");
    html_uint(h, it->agreement_id);
    html_lit(h, "\">Read and sign your supervision agreement");
    if (who) {
      html_lit(h, " with ");
      html_txt(h, who);
    }
    html_lit(h, "</a>");
    break;
  case REFLECT__V1__INBOX_KIND__INBOX_RECORD_SIGN:
    html_lit(h, "<a class=\"govuk-link\" href=\"/sessions/");
    html_uint(h, it->session_id);
    html_lit(h, "/record\">Read and sign the record of ");
    if (it->group) html_lit(h, "group supervision");
    else html_lit(h, "supervision");
    if (who) {
      html_lit(h, " with ");
      html_txt(h, who);
    }
    html_lit(h, " on ");
    page_date(h, it->at);
    html_lit(h, "</a>");
    break;
  case REFLECT__V1__INBOX_KIND__INBOX_ACTION_DUE:
    html_lit(h, "<a class=\"govuk-link\" href=\"/actions/");
    html_uint(h, it->action_id);
    html_lit(h, "\">An action of yours is due ");
    page_date(h, it->at);
    html_lit(h, "</a>");
    if (it->overdue) html_lit(h, " <strong class=\"govuk-tag govuk-tag--red\">Overdue</strong>");
    break;
  case REFLECT__V1__INBOX_KIND__INBOX_SESSION_MARK:
    html_lit(h, "<a class=\"govuk-link\" href=\"/sessions/");
    html_uint(h, it->session_id);
    html_lit(h, "\">Say whether your session");
    if (who) {
      html_lit(h, " with ");
      html_txt(h, who);
    }
    html_lit(h, " on ");
    page_date(h, it->at);
    html_lit(h, " was held or missed</a>");
    break;
  case REFLECT__V1__INBOX_KIND__INBOX_SURVEY_ANSWER:
    html_lit(h, "<a class=\"govuk-link\" href=\"/sessions/");
    html_uint(h, it->session_id);
    html_lit(h, "/survey\">Answer five questions about your supervision on ");
    page_date(h, it->at);
    html_lit(h, "</a>");
    break;
  case REFLECT__V1__INBOX_KIND__INBOX_KPI_AGREE:
    html_lit(h, "<a class=\"govuk-link\" href=\"/targets/");
    html_uint(h, it->target_id);
    html_lit(h, "?indicator=");
    html_uint(h, it->indicator_id);
    html_lit(h, "\">Agree a target set for you on ");
    page_date(h, it->at);
    html_lit(h, "</a>");
    break;
  default: html_lit(h, "Something new is waiting for you"); break;
  }
  html_lit(h, "</li>\n");
}

static void inbox_list(page_ctx *p, const Reflect__V1__InboxReply *in)
{
  html *h = &p->rs->body;
  html_lit(h, "<h2 class=\"govuk-heading-m\">Waiting for you</h2>\n");
  if (!in->n_items) {
    html_lit(h, "<p class=\"govuk-body\">Nothing is waiting for you.</p>\n");
    return;
  }
  html_lit(h, "<ul class=\"govuk-list govuk-list--spaced reflect-inbox\">\n");
  for (size_t i = 0; i < in->n_items; i++) inbox_item(p, in->items[i]);
  html_lit(h, "</ul>\n");
  if (in->truncated)
    html_lit(h, "<p class=\"govuk-body\">More is waiting than fits here: deal with these first.</p>\n");
}

static void sessions_table(page_ctx *p, const Reflect__V1__InboxReply *list)
{
  html *h = &p->rs->body;
  html_lit(h, "<h2 class=\"govuk-heading-m\">Your next sessions</h2>\n");
  if (!list->n_sessions) {
    html_lit(h, "<p class=\"govuk-body\">No sessions are booked for you.</p>\n");
    return;
  }
  static const char *const heads[] = {"When", "With", "Kind", NULL};
  widgets_table_begin(h, "Your next sessions", 1, heads);
  for (size_t i = 0; i < list->n_sessions; i++) {
    const Reflect__V1__Session *s = list->sessions[i];
    html_lit(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
                "href=\"/sessions/");
    html_uint(h, s->id);
    html_lit(h, "\">");
    page_time(h, s->starts_at);
    html_lit(h, "</a></td><td class=\"govuk-table__cell\">");
    who_with(h, s, p->s->username);
    html_lit(h, "</td><td class=\"govuk-table__cell\">");
    if (s->kind == REFLECT__V1__SESSION_KIND__SESSION_GROUP) html_lit(h, "Group");
    else html_lit(h, "One to one");
    html_lit(h, "</td></tr>\n");
  }
  widgets_table_end(h);
}

static const char *role_name(int role)
{
  switch (role) {
  case REFLECT__V1__ROLE__ROLE_ADMINISTRATOR: return "Administrator";
  case REFLECT__V1__ROLE__ROLE_MANAGER: return "Team manager";
  case REFLECT__V1__ROLE__ROLE_SUPERVISOR: return "Supervisor";
  case REFLECT__V1__ROLE__ROLE_PRACTITIONER: return "Practitioner";
  case REFLECT__V1__ROLE__ROLE_INSPECTOR: return "Inspector";
  default: return "—";
  }
}

/* An administrator sees no supervision, only the accounts they manage. */
static void admin_home(page_ctx *p)
{
  Reflect__V1__UserListRequest in = REFLECT__V1__USER_LIST_REQUEST__INIT;
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__UserListReply *list = NULL;
  int rc = client_call_user_list(p->s->cl, &in, &rep, &list);
  if (page_check(p, rc, rep)) {
    client_free_reply(rep);
    return;
  }
  html *h = &p->rs->body;
  page_begin(p, "Accounts", PAGE_NAV_NONE);
  html_lit(h, "<h1 class=\"govuk-heading-l\">Accounts</h1>\n<p class=\"govuk-body\">As an administrator you manage "
              "accounts and teams. Supervision records are not yours to read, so none are shown here.</p>\n");
  static const char *const heads[] = {"Name", "Username", "Role", "Status", NULL};
  widgets_table_begin(h, "People who can log in", 0, heads);
  for (size_t i = 0; i < list->n_users; i++) {
    const Reflect__V1__User *u = list->users[i];
    html_lit(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
    html_txt(h, u->name);
    html_lit(h, "</td><td class=\"govuk-table__cell\">");
    html_txt(h, u->username);
    html_lit(h, "</td><td class=\"govuk-table__cell\">");
    html_txt(h, role_name(u->role));
    html_lit(h, "</td><td class=\"govuk-table__cell\">");
    if (u->active) html_lit(h, "<strong class=\"govuk-tag govuk-tag--green\">Active</strong>");
    else html_lit(h, "<strong class=\"govuk-tag govuk-tag--grey\">Closed</strong>");
    html_lit(h, "</td></tr>\n");
  }
  widgets_table_end(h);
  page_end(p);
  client_free_reply(rep);
}

void page_home_get(page_ctx *p)
{
  if (p->s->role == REFLECT__V1__ROLE__ROLE_ADMINISTRATOR) {
    admin_home(p);
    return;
  }
  /* One request: what is waiting and the next sessions, metadata only, so
   * the page that greets everyone (and may be read over a shoulder) shows
   * nothing said in supervision and costs no audited read; what an action
   * says is a click away, on its own page. */
  Reflect__V1__InboxRequest iin = REFLECT__V1__INBOX_REQUEST__INIT;
  iin.next_sessions = HOME_SESSIONS;
  Reflect__V1__Reply *irep = NULL;
  Reflect__V1__InboxReply *waiting = NULL;
  int rc = client_call_inbox(p->s->cl, &iin, &irep, &waiting);
  if (page_check(p, rc, irep)) {
    client_free_reply(irep);
    return;
  }
  html *h = &p->rs->body;
  page_begin(p, "My supervision", PAGE_NAV_HOME);
  const char *changed = http_query(p->rq, "password"), *survey = http_query(p->rq, "survey");
  const char *target = http_query(p->rq, "target"), *done = NULL;
  if (changed && strcmp(changed, "changed") == 0) done = "Your new password is saved.";
  if (survey && strcmp(survey, "thanks") == 0) done = "Thank you: your answers are counted, never shown as yours.";
  if (target && strcmp(target, "agreed") == 0) done = "You have agreed the target.";
  if (done) {
    html_lit(h, "<div class=\"govuk-notification-banner govuk-notification-banner--success\" role=\"alert\""
                " aria-labelledby=\"done-title\" data-module=\"govuk-notification-banner\">\n"
                "<div class=\"govuk-notification-banner__header\"><h2 class=\"govuk-notification-banner__title\""
                " id=\"done-title\">Success</h2></div>\n<div class=\"govuk-notification-banner__content\">"
                "<p class=\"govuk-notification-banner__heading\">");
    html_txt(h, done);
    html_lit(h, "</p></div>\n</div>\n");
  }
  html_lit(h, "<h1 class=\"govuk-heading-l\">My supervision</h1>\n"
              "<button type=\"button\" class=\"govuk-button govuk-button--secondary\" id=\"reflect-notify\" "
              "data-module=\"govuk-button\" hidden>Show Reflect's notifications on this computer</button>\n");
  inbox_list(p, waiting);
  html_lit(h, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/actions\">All your open actions</a></p>\n");
  sessions_table(p, waiting);
  page_end(p);
  client_free_reply(irep);
}
