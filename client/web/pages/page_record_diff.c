#include "page_record_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "diff.h"
#include "reflect.pb-c.h"
#include "record_render.h"
#include "widgets.h"

#define REVISION_MAX 0xFFFFFFFFu
/* Unchanged lines shown around a change; a longer unchanged run is folded. */
#define CONTEXT 3

static int fetch(page_ctx *p, uint32_t revision, Reflect__V1__Reply **rep, Reflect__V1__RecordShowReply **r)
{
  Reflect__V1__RecordShowRequest in = REFLECT__V1__RECORD_SHOW_REQUEST__INIT;
  in.session_id = p->id;
  in.revision = revision;
  in.comments_limit = 1; /* the sections are what is compared */
  int rc = client_call_record_show(p->s->cl, &in, rep, r);
  if (page_check(p, rc, *rep)) {
    client_free_reply(*rep);
    *rep = NULL;
    return -1;
  }
  return 0;
}

static void side(html *h, const char *what, const Reflect__V1__RecordShowReply *r)
{
  widgets_summary_row(h, what);
  html_lit(h, "Revision ");
  html_uint(h, r->revision->revision);
  html_lit(h, ", by ");
  html_txt(h, r->revision->author);
  html_lit(h, ", ");
  page_time(h, r->revision->created_at);
  if (r->revision->reason && *r->revision->reason) {
    html_lit(h, ": ");
    html_txt(h, r->revision->reason);
  }
  widgets_summary_row_end(h);
}

static void line(html *h, const diff_line *d)
{
  if (d->op == '-') {
    html_lit(h, "<li class=\"reflect-diff__line reflect-diff__line--removed\"><span class=\"govuk-visually-hidden\">"
                "Removed: </span><del>");
    html_txtn(h, d->s, d->n);
    html_lit(h, "</del></li>\n");
  } else if (d->op == '+') {
    html_lit(h, "<li class=\"reflect-diff__line reflect-diff__line--added\"><span class=\"govuk-visually-hidden\">"
                "Added: </span><ins>");
    html_txtn(h, d->s, d->n);
    html_lit(h, "</ins></li>\n");
  } else {
    html_lit(h, "<li class=\"reflect-diff__line\">");
    html_txtn(h, d->s, d->n);
    html_lit(h, "</li>\n");
  }
}

static void gap(html *h, size_t n)
{
  html_lit(h, "<li class=\"reflect-diff__line reflect-diff__gap\">");
  html_uint(h, n);
  if (n == 1) html_lit(h, " line unchanged</li>\n");
  else html_lit(h, " lines unchanged</li>\n");
}

/* Every changed line with CONTEXT unchanged lines either side. */
static void draw(html *h, const diff_line *d, size_t n)
{
  html_lit(h, "<ol class=\"reflect-diff\" aria-label=\"The record's text, line by line\">\n");
  size_t i = 0;
  while (i < n) {
    if (d[i].op != ' ') {
      line(h, &d[i++]);
      continue;
    }
    size_t end = i;
    while (end < n && d[end].op == ' ') end++;
    size_t head = i ? CONTEXT : 0, tail = end < n ? CONTEXT : 0;
    if (end - i > head + tail + 1) {
      for (size_t k = i; k < i + head; k++) line(h, &d[k]);
      gap(h, end - i - head - tail);
      for (size_t k = end - tail; k < end; k++) line(h, &d[k]);
    } else {
      for (size_t k = i; k < end; k++) line(h, &d[k]);
    }
    i = end;
  }
  html_lit(h, "</ol>\n");
}

void page_record_diff(page_ctx *p)
{
  const char *from_q = http_query(p->rq, "from"), *to_q = http_query(p->rq, "to");
  uint32_t to = to_q ? (uint32_t)widgets_id(to_q, REVISION_MAX) : 0;
  if (to_q && !to) {
    page_not_found(p);
    return;
  }
  Reflect__V1__Reply *rep[2] = {NULL, NULL};
  Reflect__V1__RecordShowReply *r[2] = {NULL, NULL};
  if (fetch(p, to, &rep[1], &r[1])) return;
  uint32_t latest = r[1]->revision->revision;
  uint32_t from = from_q ? (uint32_t)widgets_id(from_q, REVISION_MAX) : latest > 1 ? latest - 1 : 0;
  if (!from || from == latest) {
    client_free_reply(rep[1]);
    page_not_found(p);
    return;
  }
  if (fetch(p, from, &rep[0], &r[0])) {
    client_free_reply(rep[1]);
    return;
  }
  char *text[2] = {NULL, NULL};
  diff_line *d = NULL;
  size_t n = 0;
  int rc = DIFF_ENOMEM;
  if (record_render(r[0]->sections, r[0]->n_sections, &text[0]) == RECORD_TEXT_OK &&
      record_render(r[1]->sections, r[1]->n_sections, &text[1]) == RECORD_TEXT_OK)
    rc = diff_lines(text[0], text[1], &d, &n);
  if (rc == DIFF_ENOMEM) {
    page_unreachable(p, CLIENT_ENOMEM);
  } else {
    html *h = &p->rs->body;
    page_begin(p, "What changed in the record", PAGE_NAV_SESSIONS);
    html_lit(h, "<span class=\"govuk-caption-l\"><a class=\"govuk-link\" href=\"/sessions/");
    html_uint(h, p->id);
    html_lit(h, "/record/history\">Back to the revisions</a></span>\n"
                "<h1 class=\"govuk-heading-l\">What changed in the record</h1>\n");
    widgets_summary_begin(h);
    side(h, "From", r[0]);
    side(h, "To", r[1]);
    widgets_summary_end(h);
    if (rc == DIFF_SAME) html_lit(h, "<p class=\"govuk-body\">The two revisions read the same.</p>\n");
    else draw(h, d, n);
    page_end(p);
  }
  free(d);
  for (int i = 0; i < 2; i++) {
    if (text[i]) sodium_memzero(text[i], strlen(text[i]));
    free(text[i]);
    client_free_reply(rep[i]);
  }
}
