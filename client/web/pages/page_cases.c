#include "page_cases.h"

#include <string.h>

#include "reflect.pb-c.h"
#include "widgets.h"

static void risk_tag(html *h, Reflect__V1__RiskLevel r)
{
  if (r == REFLECT__V1__RISK_LEVEL__RISK_HIGH) widgets_tag(h, "High risk", "red");
  else if (r == REFLECT__V1__RISK_LEVEL__RISK_MEDIUM) widgets_tag(h, "Medium risk", "orange");
  else if (r == REFLECT__V1__RISK_LEVEL__RISK_LOW) widgets_tag(h, "Low risk", "green");
  else widgets_tag(h, "Risk not set", "grey");
}

void page_cases_list(page_ctx *p)
{
  Reflect__V1__CaseListRequest in = REFLECT__V1__CASE_LIST_REQUEST__INIT;
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__CaseListReply *list = NULL;
  int rc = client_call_case_list(p->s->cl, &in, &rep, &list);
  if (page_check(p, rc, rep)) {
    client_free_reply(rep);
    return;
  }
  html *h = &p->rs->body;
  page_begin(p, "Cases", PAGE_NAV_CASES);
  html_lit(h, "<h1 class=\"govuk-heading-l\">Cases</h1>\n");
  if (!list->n_cases) {
    html_lit(h, "<p class=\"govuk-body\">There are no open cases for you to see.</p>\n");
  } else {
    static const char *const heads[] = {"Reference", "Name", "Worker", "Risk", "Last discussed", NULL};
    widgets_table_begin(h, "Open cases you can see", 0, heads);
    for (size_t i = 0; i < list->n_cases; i++) {
      const Reflect__V1__Case *k = list->cases[i];
      html_lit(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
                  "href=\"/cases/");
      html_uint(h, k->id);
      html_lit(h, "\">");
      html_txt(h, k->reference);
      html_lit(h, "</a></td><td class=\"govuk-table__cell\">");
      html_txt(h, k->name);
      html_lit(h, "</td><td class=\"govuk-table__cell\">");
      html_txt(h, k->allocated);
      html_lit(h, "</td><td class=\"govuk-table__cell\">");
      risk_tag(h, k->risk);
      html_lit(h, "</td><td class=\"govuk-table__cell\">");
      if (k->last_discussed) page_date(h, k->last_discussed);
      else html_lit(h, "Never");
      html_lit(h, "</td></tr>\n");
    }
    widgets_table_end(h);
  }
  page_end(p);
  client_free_reply(rep);
}

void page_cases_show(page_ctx *p)
{
  Reflect__V1__CaseDecisionsRequest in = REFLECT__V1__CASE_DECISIONS_REQUEST__INIT;
  in.id = p->id;
  /* A later page of the log: from after this session's revision. */
  in.after_session = widgets_id(http_query(p->rq, "after_session"), INT64_MAX);
  in.after_revision = in.after_session ? (uint32_t)widgets_id(http_query(p->rq, "after_revision"), UINT32_MAX) : 0;
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__CaseDecisionsReply *r = NULL;
  int rc = client_call_case_decisions(p->s->cl, &in, &rep, &r);
  if (page_check(p, rc, rep) || !r->case_) {
    if (!rc && r && !r->case_) page_not_found(p);
    client_free_reply(rep);
    return;
  }
  const Reflect__V1__Case *k = r->case_;
  html *h = &p->rs->body;
  page_begin(p, "Case", PAGE_NAV_CASES);
  html_lit(h, "<span class=\"govuk-caption-l\">Case ");
  html_txt(h, k->reference);
  html_lit(h, "</span>\n<h1 class=\"govuk-heading-l\">");
  html_txt(h, k->shredded_at ? "Destroyed under retention" : k->name);
  html_lit(h, "</h1>\n");
  widgets_summary_begin(h);
  widgets_summary_row(h, "Risk");
  risk_tag(h, k->risk);
  widgets_summary_row_end(h);
  widgets_summary_row(h, "Worker");
  html_txt(h, k->allocated);
  widgets_summary_row_end(h);
  if (k->date_of_birth && *k->date_of_birth) {
    widgets_summary_row(h, "Date of birth");
    html_txt(h, k->date_of_birth);
    widgets_summary_row_end(h);
  }
  widgets_summary_row(h, "Status");
  if (k->open) widgets_tag(h, "Open", "blue");
  else widgets_tag(h, "Closed", "grey");
  if (k->looked_after) {
    html_lit(h, " ");
    widgets_tag(h, "Looked after", "purple");
  }
  widgets_summary_row_end(h);
  widgets_summary_end(h);
  html_lit(h, "<h2 class=\"govuk-heading-m\" id=\"decisions\">Decisions</h2>\n");
  if (in.after_session) {
    html_lit(h, "<p class=\"govuk-body\">These are later decisions. <a class=\"govuk-link\" href=\"/cases/");
    html_uint(h, p->id);
    html_lit(h, "#decisions\">Back to the first decisions</a></p>\n");
  }
  if (!r->n_decisions && in.after_session) html_lit(h, "<p class=\"govuk-body\">No later decisions.</p>\n");
  else if (!r->n_decisions) html_lit(h, "<p class=\"govuk-body\">No decision about this case has been recorded.</p>\n");
  for (size_t i = 0; i < r->n_decisions; i++) {
    const Reflect__V1__Decision *d = r->decisions[i];
    html_lit(h, "<div class=\"govuk-summary-card\">\n<div class=\"govuk-summary-card__title-wrapper\">"
                "<h3 class=\"govuk-summary-card__title\">");
    page_date(h, d->at);
    html_lit(h, ", decided by ");
    html_txt(h, d->decided_by);
    if (d->superseded) {
      html_lit(h, " ");
      widgets_tag(h, "Changed later", "grey");
    }
    html_lit(h, "</h3>\n<ul class=\"govuk-summary-card__actions\"><li class=\"govuk-summary-card__action\">"
                "<a class=\"govuk-link\" href=\"/sessions/");
    html_uint(h, d->session_id);
    html_lit(h, "/record?revision=");
    html_uint(h, d->revision);
    html_lit(h, "\">Read the record<span class=\"govuk-visually-hidden\"> of ");
    page_date(h, d->at);
    html_lit(h, "</span></a></li></ul>\n</div>\n<div class=\"govuk-summary-card__content\">\n");
    widgets_summary_begin(h);
    widgets_summary_row(h, "Risk");
    html_lit(h, "<span class=\"reflect-text\">");
    html_txt(h, d->risk && *d->risk ? d->risk : "—");
    html_lit(h, "</span>");
    widgets_summary_row_end(h);
    widgets_summary_row(h, "Decision");
    html_lit(h, "<span class=\"reflect-text\">");
    html_txt(h, d->decision && *d->decision ? d->decision : "—");
    html_lit(h, "</span>");
    widgets_summary_row_end(h);
    widgets_summary_row(h, "Why");
    html_lit(h, "<span class=\"reflect-text\">");
    html_txt(h, d->rationale && *d->rationale ? d->rationale : "—");
    html_lit(h, "</span>");
    widgets_summary_row_end(h);
    widgets_summary_end(h);
    html_lit(h, "</div>\n</div>\n");
  }
  if (r->more) {
    html_lit(h, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/cases/");
    html_uint(h, p->id);
    html_lit(h, "?after_session=");
    html_uint(h, r->next_session);
    html_lit(h, "&amp;after_revision=");
    html_uint(h, r->next_revision);
    html_lit(h, "#decisions\">Show later decisions</a></p>\n");
  }
  page_end(p);
  client_free_reply(rep);
}
