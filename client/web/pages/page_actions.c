#include "page_actions.h"

#include <stdio.h>
#include <string.h>

#include "reflect.pb-c.h"
#include "widgets.h"

static void status_tag(html *h, const Reflect__V1__Action *a, int64_t now)
{
  if (a->status == REFLECT__V1__ACTION_STATUS__ACTION_DONE) widgets_tag(h, "Done", "green");
  else if (a->status == REFLECT__V1__ACTION_STATUS__ACTION_CANCELLED) widgets_tag(h, "Cancelled", "grey");
  else if (a->due_at < now) widgets_tag(h, "Overdue", "red");
  else widgets_tag(h, "Open", "blue");
}

static int fetch_all(page_ctx *p, int include_closed, Reflect__V1__Reply **rep, Reflect__V1__ActionListReply **list)
{
  Reflect__V1__ActionListRequest in = REFLECT__V1__ACTION_LIST_REQUEST__INIT;
  in.include_closed = include_closed;
  int rc = client_call_action_list(p->s->cl, &in, rep, list);
  if (page_check(p, rc, *rep)) {
    client_free_reply(*rep);
    return -1;
  }
  return 0;
}

void page_actions_list(page_ctx *p)
{
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__ActionListReply *list = NULL;
  if (fetch_all(p, 0, &rep, &list)) return;
  html *h = &p->rs->body;
  page_begin(p, "Actions", PAGE_NAV_ACTIONS);
  html_lit(h, "<h1 class=\"govuk-heading-l\">Actions</h1>\n");
  if (!list->n_actions) {
    html_lit(h, "<p class=\"govuk-body\">There are no open actions for you to see.</p>\n");
  } else {
    static const char *const heads[] = {"Action", "Whose", "Due", "Status", NULL};
    widgets_table_begin(h, "Open actions, due soonest first", 0, heads);
    for (size_t i = 0; i < list->n_actions; i++) {
      const Reflect__V1__Action *a = list->actions[i];
      html_lit(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
                  "href=\"/actions/");
      html_uint(h, a->id);
      html_lit(h, "\">");
      html_txt(h, a->description);
      html_lit(h, "</a></td><td class=\"govuk-table__cell\">");
      html_txt(h, a->owner);
      html_lit(h, "</td><td class=\"govuk-table__cell\">");
      page_date(h, a->due_at);
      html_lit(h, "</td><td class=\"govuk-table__cell\">");
      status_tag(h, a, p->rq->now);
      html_lit(h, "</td></tr>\n");
    }
    widgets_table_end(h);
  }
  page_end(p);
  client_free_reply(rep);
}

/* The list request has no "by id": the action is looked for among those
 * the person can see, so one they cannot see is simply not found. */
static const Reflect__V1__Action *find(const Reflect__V1__ActionListReply *list, uint64_t id)
{
  for (size_t i = 0; i < list->n_actions; i++)
    if (list->actions[i]->id == id) return list->actions[i];
  return NULL;
}

static void show(page_ctx *p, const char *error)
{
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__ActionListReply *list = NULL;
  if (fetch_all(p, 1, &rep, &list)) return;
  const Reflect__V1__Action *a = find(list, p->id);
  if (!a) {
    client_free_reply(rep);
    page_not_found(p);
    return;
  }
  html *h = &p->rs->body;
  if (error) p->rs->status = 400;
  page_begin(p, error ? "Error: Action" : "Action", PAGE_NAV_ACTIONS);
  if (error) page_error_summary(p, "evidence", error);
  html_lit(h, "<span class=\"govuk-caption-l\">Action</span>\n<h1 class=\"govuk-heading-l reflect-text\">");
  html_txt(h, a->description);
  html_lit(h, "</h1>\n");
  widgets_summary_begin(h);
  widgets_summary_row(h, "Status");
  status_tag(h, a, p->rq->now);
  widgets_summary_row_end(h);
  widgets_summary_row(h, "Whose");
  html_txt(h, a->owner);
  widgets_summary_row_end(h);
  widgets_summary_row(h, "Due");
  page_date(h, a->due_at);
  widgets_summary_row_end(h);
  widgets_summary_row(h, "Agreed");
  html_lit(h, "<a class=\"govuk-link\" href=\"/sessions/");
  html_uint(h, a->session_id);
  html_lit(h, "\">In supervision on ");
  page_date(h, a->created_at);
  html_lit(h, "</a>, by ");
  html_txt(h, a->created_by);
  widgets_summary_row_end(h);
  if (a->evidence_needed && *a->evidence_needed) {
    widgets_summary_row(h, "What shows it is done");
    html_lit(h, "<span class=\"reflect-text\">");
    html_txt(h, a->evidence_needed);
    html_lit(h, "</span>");
    widgets_summary_row_end(h);
  }
  if (a->status != REFLECT__V1__ACTION_STATUS__ACTION_OPEN) {
    widgets_summary_row(h, a->status == REFLECT__V1__ACTION_STATUS__ACTION_DONE ? "Evidence" : "Why it was cancelled");
    html_lit(h, "<span class=\"reflect-text\">");
    html_txt(h, a->evidence);
    html_lit(h, "</span>");
    widgets_summary_row_end(h);
    widgets_summary_row(h, "Closed");
    page_date(h, a->closed_at);
    widgets_summary_row_end(h);
  }
  widgets_summary_end(h);
  if (a->status == REFLECT__V1__ACTION_STATUS__ACTION_OPEN) {
    html_lit(h, "<h2 class=\"govuk-heading-m\">Close this action</h2>\n<form method=\"post\" action=\"/actions/");
    html_uint(h, a->id);
    html_lit(h, "/close\" novalidate>\n");
    page_csrf(p);
    static const widgets_choice how[] = {{"done", "It is done"}, {"cancelled", "It is no longer needed"}};
    const char *chosen = p->rq->post ? form_get(&p->rq->form, "status") : "done";
    widgets_radios(h, "status", "How did it end?", how, 2, chosen ? chosen : "done", NULL);
    widgets_textarea(h, "evidence", "Evidence, or why it is no longer needed",
                     "What someone reading the record later needs to know.",
                     p->rq->post ? form_get(&p->rq->form, "evidence") : "", error, 4);
    widgets_button(h, "Close the action", NULL);
    html_lit(h, "</form>\n");
  }
  page_end(p);
  client_free_reply(rep);
}

void page_actions_show(page_ctx *p)
{
  show(p, NULL);
}

void page_actions_close_post(page_ctx *p)
{
  const char *how = form_get(&p->rq->form, "status");
  const char *evidence = form_get(&p->rq->form, "evidence");
  if (!evidence || !*evidence) {
    show(p, "Enter the evidence, or why the action is no longer needed");
    return;
  }
  Reflect__V1__ActionCloseRequest in = REFLECT__V1__ACTION_CLOSE_REQUEST__INIT;
  in.id = p->id;
  in.status = how && strcmp(how, "cancelled") == 0 ? REFLECT__V1__ACTION_STATUS__ACTION_CANCELLED
                                                   : REFLECT__V1__ACTION_STATUS__ACTION_DONE;
  in.evidence = (char *)evidence;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call_action_close(p->s->cl, &in, &rep, NULL);
  int code = rc == CLIENT_OK ? client_reply_code(rep) : 0;
  if (code == REFLECT__V1__CODE__INVALID_ARGUMENT || code == REFLECT__V1__CODE__FAILED_PRECONDITION) {
    char why[300];
    page_sentence(why, sizeof why, client_reply_message(rep));
    client_free_reply(rep);
    show(p, why);
    return;
  }
  if (page_finish(p, rc, rep)) return;
  char back[64];
  snprintf(back, sizeof back, "/actions/%llu", (unsigned long long)p->id);
  http_redirect(p->rs, back);
}
