#include "page_agreements.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "reflect.pb-c.h"
#include "widgets.h"

typedef struct {
  const char *id, *title, *hint;
} term;

/* The terms every agreement states, in the order they are read. */
static const term terms[] = {
    {"booking", "How sessions are booked", "For example, Tuesdays at 10:00, booked six weeks ahead"},
    {"cancellation", "Cancelling and rebooking", "For example, a cancelled session is rebooked within 5 working days"},
    {"confidentiality", "Confidentiality and its limits",
     "For example, confidential unless a child or adult is at "
     "risk of harm"},
    {"record_access", "Who may read the record", "For example, the two of us and the team manager"},
    {"disagreements", "How disagreements are resolved",
     "For example, recorded on the record; unresolved ones go to "
     "the team manager"},
};
#define N_TERMS (sizeof terms / sizeof terms[0])

static const char *term_of(const Reflect__V1__Agreement *a, size_t i)
{
  const char *v[] = {a->booking, a->cancellation, a->confidentiality, a->record_access, a->disagreements};
  return v[i] ? v[i] : "";
}

static void state_tag(html *h, const Reflect__V1__Agreement *a)
{
  if (a->ended_at) widgets_tag(h, "Ended", "grey");
  else if (a->active) widgets_tag(h, "In force", "green");
  else if (!a->supervisee_signed_at) widgets_tag(h, "Waiting for signature", "yellow");
  else widgets_tag(h, "Replaced", "grey");
}

static void frequency(html *h, const Reflect__V1__Agreement *a)
{
  if (a->rule && *a->rule) {
    html_lit(h, "By the rule ");
    html_txt(h, a->rule);
  } else {
    html_lit(h, "Every ");
    html_uint(h, a->every_days);
    html_lit(h, " days");
  }
  html_lit(h, ", ");
  html_uint(h, a->minutes);
  html_lit(h, " minutes each");
}

void page_agreements_list(page_ctx *p)
{
  Reflect__V1__AgreementListRequest in = REFLECT__V1__AGREEMENT_LIST_REQUEST__INIT;
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__AgreementListReply *list = NULL;
  int rc = client_call_agreement_list(p->s->cl, &in, &rep, &list);
  if (page_check(p, rc, rep)) {
    client_free_reply(rep);
    return;
  }
  html *h = &p->rs->body;
  page_begin(p, "Agreements", PAGE_NAV_AGREEMENTS);
  html_lit(h, "<h1 class=\"govuk-heading-l\">Supervision agreements</h1>\n");
  if (p->s->role == REFLECT__V1__ROLE__ROLE_SUPERVISOR || p->s->role == REFLECT__V1__ROLE__ROLE_MANAGER)
    html_lit(h, "<p class=\"govuk-body\"><a class=\"govuk-button\" data-module=\"govuk-button\" role=\"button\" "
                "draggable=\"false\" href=\"/agreements/new\">Propose an agreement</a></p>\n");
  if (!list->n_agreements) html_lit(h, "<p class=\"govuk-body\">You have no supervision agreements.</p>\n");
  else {
    static const char *const heads[] = {"Between", "How often", "Status", NULL};
    widgets_table_begin(h, "Your agreements", 0, heads);
    for (size_t i = 0; i < list->n_agreements; i++) {
      const Reflect__V1__Agreement *a = list->agreements[i];
      html_lit(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
                  "href=\"/agreements/");
      html_uint(h, a->id);
      html_lit(h, "\">");
      html_txt(h, a->supervisor);
      html_lit(h, " and ");
      html_txt(h, a->supervisee);
      html_lit(h, ", version ");
      html_uint(h, a->version);
      html_lit(h, "</a></td><td class=\"govuk-table__cell\">");
      frequency(h, a);
      html_lit(h, "</td><td class=\"govuk-table__cell\">");
      state_tag(h, a);
      html_lit(h, "</td></tr>\n");
    }
    widgets_table_end(h);
  }
  page_end(p);
  client_free_reply(rep);
}

void page_agreements_show(page_ctx *p)
{
  Reflect__V1__AgreementShowRequest in = REFLECT__V1__AGREEMENT_SHOW_REQUEST__INIT;
  in.agreement_id = p->id;
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__AgreementShowReply *r = NULL;
  int rc = client_call_agreement_show(p->s->cl, &in, &rep, &r);
  if (page_check(p, rc, rep) || !r->agreement) {
    if (!rc && r && !r->agreement) page_not_found(p);
    client_free_reply(rep);
    return;
  }
  const Reflect__V1__Agreement *a = r->agreement;
  html *h = &p->rs->body;
  page_begin(p, "Supervision agreement", PAGE_NAV_AGREEMENTS);
  html_lit(h, "<span class=\"govuk-caption-l\">Version ");
  html_uint(h, a->version);
  html_lit(h, "</span>\n<h1 class=\"govuk-heading-l\">Supervision agreement between ");
  html_txt(h, a->supervisor);
  html_lit(h, " and ");
  html_txt(h, a->supervisee);
  html_lit(h, "</h1>\n");
  widgets_summary_begin(h);
  widgets_summary_row(h, "Status");
  state_tag(h, a);
  widgets_summary_row_end(h);
  widgets_summary_row(h, "How often");
  frequency(h, a);
  widgets_summary_row_end(h);
  widgets_summary_row(h, "Starts");
  html_txt(h, a->starts_on);
  widgets_summary_row_end(h);
  widgets_summary_row(h, "Review by");
  html_txt(h, a->review_on);
  widgets_summary_row_end(h);
  for (size_t i = 0; i < N_TERMS; i++) {
    widgets_summary_row(h, terms[i].title);
    html_lit(h, "<span class=\"reflect-text\">");
    html_txt(h, *term_of(a, i) ? term_of(a, i) : "—");
    html_lit(h, "</span>");
    widgets_summary_row_end(h);
  }
  widgets_summary_row(h, "Signed");
  html_txt(h, a->supervisor);
  html_lit(h, " on ");
  page_date(h, a->supervisor_signed_at);
  if (a->supervisee_signed_at) {
    html_lit(h, "; ");
    html_txt(h, a->supervisee);
    html_lit(h, " on ");
    page_date(h, a->supervisee_signed_at);
  }
  widgets_summary_row_end(h);
  if (a->ended_at) {
    widgets_summary_row(h, "Ended");
    page_date(h, a->ended_at);
    html_lit(h, ": ");
    html_txt(h, a->end_reason);
    widgets_summary_row_end(h);
  }
  widgets_summary_end(h);
  if (!a->supervisee_signed_at && !a->ended_at && strcmp(a->supervisee, p->s->username) == 0) {
    html_lit(h, "<div class=\"govuk-inset-text\">\n<form method=\"post\" action=\"/agreements/");
    html_uint(h, a->id);
    html_lit(h, "/sign\" novalidate>\n");
    page_csrf(p);
    html_lit(h, "<p class=\"govuk-body\">Sign it when you have read the terms and agree to them. Until you do, no "
                "supervision can be booked under it.</p>\n");
    widgets_button(h, "Sign the agreement", NULL);
    html_lit(h, "</form>\n</div>\n");
  }
  if (strcmp(a->supervisor, p->s->username) == 0 && !a->ended_at) {
    html_lit(h, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/agreements/new?revises=");
    html_uint(h, a->id);
    html_lit(h, "\">Propose a new version</a></p>\n");
  }
  if (r->n_versions > 1) {
    html_lit(h, "<h2 class=\"govuk-heading-m\">Versions</h2>\n<ul class=\"govuk-list\">\n");
    for (size_t i = 0; i < r->n_versions; i++) {
      const Reflect__V1__Agreement *v = r->versions[i];
      html_lit(h, "<li><a class=\"govuk-link\" href=\"/agreements/");
      html_uint(h, v->id);
      html_lit(h, "\">Version ");
      html_uint(h, v->version);
      html_lit(h, "</a>, made ");
      page_date(h, v->created_at);
      html_lit(h, " ");
      state_tag(h, v);
      html_lit(h, "</li>\n");
    }
    html_lit(h, "</ul>\n");
  }
  page_end(p);
  client_free_reply(rep);
}

void page_agreements_sign_post(page_ctx *p)
{
  Reflect__V1__AgreementSignRequest in = REFLECT__V1__AGREEMENT_SIGN_REQUEST__INIT;
  in.agreement_id = p->id;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call_agreement_sign(p->s->cl, &in, &rep, NULL);
  if (page_finish(p, rc, rep)) return;
  char back[64];
  snprintf(back, sizeof back, "/agreements/%llu", (unsigned long long)p->id);
  http_redirect(p->rs, back);
}

/* The form: the old version's terms when revising, what was typed after a
 * refusal, else empty. */
static void new_form(page_ctx *p, const Reflect__V1__Agreement *old, uint64_t revises, const char *field,
                     const char *error)
{
  html *h = &p->rs->body;
  const form *f = &p->rq->form;
  int posted = p->rq->post;
  if (error) p->rs->status = 400;
  page_begin(p, error ? "Error: Propose an agreement" : "Propose an agreement", PAGE_NAV_AGREEMENTS);
  html_lit(h, "<div class=\"govuk-grid-row\">\n<div class=\"govuk-grid-column-two-thirds\">\n");
  if (error) page_error_summary(p, field, error);
  html_lit(h, "<h1 class=\"govuk-heading-l\">");
  if (revises) html_lit(h, "Propose a new version");
  else html_lit(h, "Propose a supervision agreement");
  html_lit(h, "</h1>\n<p class=\"govuk-body\">You sign it by proposing it. It counts once the person you supervise "
              "has signed it too.</p>\n<form method=\"post\" action=\"/agreements/new\" novalidate>\n");
  page_csrf(p);
  if (revises) {
    html_lit(h, "<input type=\"hidden\" name=\"revises\" value=\"");
    html_uint(h, revises);
    html_lit(h, "\">\n");
  } else {
    widgets_input(h, "supervisee", "Who you will supervise", "Their username", posted ? form_get(f, "supervisee") : "",
                  field && !strcmp(field, "supervisee") ? error : NULL, "govuk-!-width-one-half");
  }
  char every[16] = "", minutes[16] = "60";
  if (old) {
    if (old->every_days) snprintf(every, sizeof every, "%u", old->every_days);
    snprintf(minutes, sizeof minutes, "%u", old->minutes);
  }
  widgets_input(h, "every", "How often, in days", "For example, 28 for every four weeks",
                posted ? form_get(f, "every") : every, field && !strcmp(field, "every") ? error : NULL,
                "govuk-input--width-3");
  widgets_input(h, "minutes", "How long each session is, in minutes", "From 15 to 480",
                posted ? form_get(f, "minutes") : minutes, field && !strcmp(field, "minutes") ? error : NULL,
                "govuk-input--width-3");
  for (size_t i = 0; i < N_TERMS; i++)
    widgets_textarea(h, terms[i].id, terms[i].title, terms[i].hint,
                     posted ? form_get(f, terms[i].id)
                     : old  ? term_of(old, i)
                            : "",
                     field && !strcmp(field, terms[i].id) ? error : NULL, 3);
  widgets_input(h, "review_on", "Review it by", "A date as YYYY-MM-DD, for example 2027-06-30",
                posted ? form_get(f, "review_on")
                : old  ? old->review_on
                       : "",
                field && !strcmp(field, "review_on") ? error : NULL, "govuk-input--width-10");
  widgets_button(h, "Propose the agreement", NULL);
  html_lit(h, "</form>\n</div>\n</div>\n");
  page_end(p);
}

void page_agreements_new_get(page_ctx *p)
{
  const char *revises = http_query(p->rq, "revises");
  uint64_t id = widgets_id(revises, INT64_MAX);
  if (!id) {
    new_form(p, NULL, 0, NULL, NULL);
    return;
  }
  Reflect__V1__AgreementShowRequest in = REFLECT__V1__AGREEMENT_SHOW_REQUEST__INIT;
  in.agreement_id = id;
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__AgreementShowReply *r = NULL;
  int rc = client_call_agreement_show(p->s->cl, &in, &rep, &r);
  if (page_check(p, rc, rep) || !r->agreement) {
    if (!rc && r && !r->agreement) page_not_found(p);
    client_free_reply(rep);
    return;
  }
  new_form(p, r->agreement, id, NULL, NULL);
  client_free_reply(rep);
}

void page_agreements_new_post(page_ctx *p)
{
  const form *f = &p->rq->form;
  const char *revises_s = form_get(f, "revises");
  uint64_t revises = widgets_id(revises_s, INT64_MAX);
  uint64_t every = 0, minutes = 0;
  const char *why = widgets_read_uint(f, "every", "how often, in days", 1, 366, &every);
  if (why) {
    new_form(p, NULL, revises, "every", why);
    return;
  }
  why = widgets_read_uint(f, "minutes", "the length in minutes", REFLECT_SESSION_MINUTES_MIN,
                          REFLECT_SESSION_MINUTES_MAX, &minutes);
  if (why) {
    new_form(p, NULL, revises, "minutes", why);
    return;
  }
  Reflect__V1__AgreementAddRequest in = REFLECT__V1__AGREEMENT_ADD_REQUEST__INIT;
  const char *supervisee = form_get(f, "supervisee");
  in.supervisee = (char *)(supervisee ? supervisee : "");
  in.revises = revises;
  in.every_days = (uint32_t)every;
  in.minutes = (uint32_t)minutes;
  char **slots[] = {&in.booking, &in.cancellation, &in.confidentiality, &in.record_access, &in.disagreements};
  for (size_t i = 0; i < N_TERMS; i++) {
    const char *v = form_get(f, terms[i].id);
    *slots[i] = (char *)(v ? v : "");
  }
  const char *review = form_get(f, "review_on");
  in.review_on = (char *)(review ? review : "");
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__AgreementAddReply *added = NULL;
  int rc = client_call_agreement_add(p->s->cl, &in, &rep, &added);
  int code = rc == CLIENT_OK ? client_reply_code(rep) : 0;
  if (code == REFLECT__V1__CODE__INVALID_ARGUMENT || code == REFLECT__V1__CODE__FAILED_PRECONDITION ||
      code == REFLECT__V1__CODE__ALREADY_EXISTS) {
    char msg[300];
    page_sentence(msg, sizeof msg, client_reply_message(rep));
    const char *fld = client_reply_field(rep), *at = revises ? "every" : "supervisee";
    for (size_t i = 0; i < N_TERMS; i++)
      if (!strcmp(fld, terms[i].id)) at = terms[i].id;
    if (!strcmp(fld, "review_on") || !strcmp(fld, "minutes") || !strcmp(fld, "every_days"))
      at = !strcmp(fld, "every_days") ? "every" : fld;
    char field[32];
    snprintf(field, sizeof field, "%s", at);
    client_free_reply(rep);
    new_form(p, NULL, revises, field, msg);
    return;
  }
  if (page_check(p, rc, rep)) {
    client_free_reply(rep);
    return;
  }
  char back[64];
  snprintf(back, sizeof back, "/agreements/%llu", (unsigned long long)added->id);
  client_free_reply(rep);
  http_redirect(p->rs, back);
}
