#include "page_survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reflect.pb-c.h"
#include "widgets.h"

#define QUESTIONS 5

/* docs/domain.md's order; the server's report carries its own copy. */
static const char *const questions[QUESTIONS] = {
    "Does the way I am supervised add to my job satisfaction and make me want to stay?",
    "Does it make me feel my employer cares about me and my practice?",
    "Does it increase my confidence, competence and critical thinking?",
    "Does it help me make better decisions for children and families?",
    "Am I able to change the direction of my thinking when that is right?",
};

static const widgets_choice scale[] = {
    {"1", "1 – not at all"}, {"2", "2"}, {"3", "3"}, {"4", "4"}, {"5", "5 – very much"},
};

static void survey_form(page_ctx *p, int missing, const char *error)
{
  html *h = &p->rs->body;
  if (error) p->rs->status = 400;
  page_begin(p, error ? "Error: How was your supervision?" : "How was your supervision?", PAGE_NAV_HOME);
  html_lit(h, "<div class=\"govuk-grid-row\">\n<div class=\"govuk-grid-column-two-thirds\">\n");
  if (error) {
    char field[16];
    snprintf(field, sizeof field, "q%d", missing + 1);
    page_error_summary(p, field, error);
  }
  html_lit(h, "<h1 class=\"govuk-heading-l\">How was your supervision?</h1>\n<p class=\"govuk-body\">Five questions "
              "about the session. Your answers are counted with everyone else's and reported only when at least "
              "five people have answered: nobody sees yours.</p>\n<form method=\"post\" action=\"/sessions/");
  html_uint(h, p->id);
  html_lit(h, "/survey\" novalidate>\n");
  page_csrf(p);
  for (int q = 0; q < QUESTIONS; q++) {
    char name[8];
    snprintf(name, sizeof name, "q%d", q + 1);
    widgets_radios(h, name, questions[q], scale, 5, p->rq->post ? form_get(&p->rq->form, name) : NULL,
                   error && q == missing ? error : NULL);
  }
  widgets_textarea(h, "comment", "Anything you want to add (optional)", "At most 2000 characters.",
                   p->rq->post ? form_get(&p->rq->form, "comment") : "", NULL, 4);
  widgets_button(h, "Send my answers", NULL);
  html_lit(h, "</form>\n</div>\n</div>\n");
  page_end(p);
}

void page_survey_get(page_ctx *p)
{
  survey_form(p, 0, NULL);
}

void page_survey_post(page_ctx *p)
{
  uint32_t answers[QUESTIONS];
  for (int q = 0; q < QUESTIONS; q++) {
    char name[8];
    snprintf(name, sizeof name, "q%d", q + 1);
    const char *v = form_get(&p->rq->form, name);
    if (!v || strlen(v) != 1 || v[0] < '1' || v[0] > '5') {
      survey_form(p, q, "Choose an answer from 1 to 5 for each question");
      return;
    }
    answers[q] = (uint32_t)(v[0] - '0');
  }
  const char *comment = form_get(&p->rq->form, "comment");
  Reflect__V1__SurveyAnswerRequest in = REFLECT__V1__SURVEY_ANSWER_REQUEST__INIT;
  in.session_id = p->id;
  in.answers = answers;
  in.n_answers = QUESTIONS;
  in.comment = (char *)(comment ? comment : "");
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call_survey_answer(p->s->cl, &in, &rep, NULL);
  int code = rc == CLIENT_OK ? client_reply_code(rep) : 0;
  if (code == REFLECT__V1__CODE__INVALID_ARGUMENT || code == REFLECT__V1__CODE__FAILED_PRECONDITION ||
      code == REFLECT__V1__CODE__ALREADY_EXISTS) {
    char why[300];
    page_sentence(why, sizeof why, client_reply_message(rep));
    client_free_reply(rep);
    survey_form(p, 0, why);
    return;
  }
  if (page_finish(p, rc, rep)) return;
  http_redirect(p->rs, "/?survey=thanks");
}

/* The indicator a target is for (its latest version), to say what is
 * being agreed. */
static const Reflect__V1__Indicator *indicator(page_ctx *p, uint64_t id, Reflect__V1__Reply **rep)
{
  Reflect__V1__KpiListRequest in = REFLECT__V1__KPI_LIST_REQUEST__INIT;
  in.indicator_id = id;
  Reflect__V1__KpiListReply *list = NULL;
  if (client_call_kpi_list(p->s->cl, &in, rep, &list) != CLIENT_OK || !list || !list->n_indicators) return NULL;
  return list->indicators[list->n_indicators - 1];
}

void page_survey_target_get(page_ctx *p)
{
  const char *ind = http_query(p->rq, "indicator");
  uint64_t indicator_id = widgets_id(ind, INT64_MAX);
  Reflect__V1__Reply *rep = NULL;
  const Reflect__V1__Indicator *k = indicator_id ? indicator(p, indicator_id, &rep) : NULL;
  html *h = &p->rs->body;
  page_begin(p, "Agree a target", PAGE_NAV_HOME);
  html_lit(h, "<h1 class=\"govuk-heading-l\">Agree a target</h1>\n");
  if (k) {
    widgets_summary_begin(h);
    widgets_summary_row(h, "Indicator");
    html_txt(h, k->name);
    widgets_summary_row_end(h);
    widgets_summary_row(h, "What it measures");
    html_lit(h, "<span class=\"reflect-text\">");
    html_txt(h, k->definition);
    html_lit(h, "</span>");
    widgets_summary_row_end(h);
    widgets_summary_row(h, "How");
    html_lit(h, "<span class=\"reflect-text\">");
    html_txt(h, k->measured_how);
    html_lit(h, "</span>");
    widgets_summary_row_end(h);
    widgets_summary_end(h);
  }
  html_lit(h, "<p class=\"govuk-body\">Agreeing says you have discussed the target with your manager and accept it "
              "as what your work is measured against.</p>\n<form method=\"post\" action=\"/targets/");
  html_uint(h, p->id);
  html_lit(h, "/agree\" novalidate>\n");
  page_csrf(p);
  widgets_button(h, "Agree the target", NULL);
  html_lit(h, "</form>\n");
  page_end(p);
  client_free_reply(rep);
}

void page_survey_target_post(page_ctx *p)
{
  Reflect__V1__KpiAgreeRequest in = REFLECT__V1__KPI_AGREE_REQUEST__INIT;
  in.target_id = p->id;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call_kpi_agree(p->s->cl, &in, &rep, NULL);
  if (page_finish(p, rc, rep)) return;
  http_redirect(p->rs, "/?target=agreed");
}
