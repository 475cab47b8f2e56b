#include "page_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reflect.pb-c.h"
#include "widgets.h"

#include <sodium.h>

#define CASES_MAX 32     /* case blocks on the form */
#define MEMBERS_MAX 32   /* group contributions */
#define COMMENTS_PAGE 50 /* comments on one page; the next page follows comments_next */

typedef struct {
  Reflect__V1__SectionKind kind;
  const char *id, *title, *hint;
} plain_section;

/* The sections that are one block of text, in the order of the record. */
static const plain_section plain[] = {
    {REFLECT__V1__SECTION_KIND__SECTION_WELLBEING, "wellbeing", "Wellbeing",
     "How the work is affecting you, and what support you need."},
    {REFLECT__V1__SECTION_KIND__SECTION_DEVELOPMENT, "development", "Learning and development",
     "What you are learning, and what would help you grow."},
    {REFLECT__V1__SECTION_KIND__SECTION_PERFORMANCE, "performance", "Performance", "Indicators and targets reviewed."},
    {REFLECT__V1__SECTION_KIND__SECTION_MEDIATION, "mediation", "Between you and the organisation",
     "Resources, policy, other agencies."},
    {REFLECT__V1__SECTION_KIND__SECTION_ACTIONS, "actions", "Actions agreed", NULL},
    {REFLECT__V1__SECTION_KIND__SECTION_NOTES, "notes", "Notes", NULL},
};
#define N_PLAIN (sizeof plain / sizeof plain[0])

static const struct {
  const char *id, *title;
} case_parts[] = {
    {"situation", "Situation"}, {"analysis", "Analysis"},   {"risk", "Risk"},
    {"decision", "Decision"},   {"rationale", "Rationale"},
};

static const char *case_value(const Reflect__V1__RecordSection *s, int part)
{
  const char *v[] = {s->situation, s->analysis, s->risk, s->decision, s->rationale};
  return v[part] ? v[part] : "";
}

static void back_to(page_ctx *p, const char *suffix)
{
  char path[96];
  snprintf(path, sizeof path, "/sessions/%llu%s", (unsigned long long)p->id, suffix);
  http_redirect(p->rs, path);
}

static int fetch(page_ctx *p, uint32_t revision, uint64_t comments_after, Reflect__V1__Reply **rep,
                 Reflect__V1__RecordShowReply **r, int missing_ok)
{
  Reflect__V1__RecordShowRequest in = REFLECT__V1__RECORD_SHOW_REQUEST__INIT;
  in.session_id = p->id;
  in.revision = revision;
  in.comments_after = comments_after;
  in.comments_limit = COMMENTS_PAGE;
  int rc = client_call_record_show(p->s->cl, &in, rep, r);
  if (missing_ok && rc == CLIENT_OK && client_reply_code(*rep) == REFLECT__V1__CODE__NOT_FOUND) return 0;
  if (page_check(p, rc, *rep)) {
    client_free_reply(*rep);
    *rep = NULL;
    return -1;
  }
  return 0;
}

static void text_block(html *h, const char *text)
{
  html_lit(h, "<p class=\"govuk-body reflect-text\">");
  html_txt(h, text && *text ? text : "—");
  html_lit(h, "</p>\n");
}

static void show_section(html *h, const Reflect__V1__RecordSection *s)
{
  const char *title = "Notes";
  for (size_t i = 0; i < N_PLAIN; i++)
    if (plain[i].kind == s->kind) title = plain[i].title;
  if (s->kind == REFLECT__V1__SECTION_KIND__SECTION_CASE) {
    html_lit(h, "<h3 class=\"govuk-heading-s\">Case ");
    html_txt(h, s->case_reference);
    html_lit(h, "</h3>\n");
  } else if (s->kind == REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION) {
    html_lit(h, "<h3 class=\"govuk-heading-s\">Contribution from ");
    html_txt(h, s->member);
    html_lit(h, "</h3>\n");
  } else {
    html_lit(h, "<h3 class=\"govuk-heading-s\">");
    html_txt(h, title);
    html_lit(h, "</h3>\n");
  }
  if (s->withheld) {
    html_lit(h, "<p class=\"govuk-body govuk-hint\">Discussed in this session; not yours to read.</p>\n");
    return;
  }
  if (s->kind != REFLECT__V1__SECTION_KIND__SECTION_CASE) {
    text_block(h, s->text);
    return;
  }
  widgets_summary_begin(h);
  for (int i = 0; i < 5; i++) {
    widgets_summary_row(h, case_parts[i].title);
    html_lit(h, "<span class=\"reflect-text\">");
    html_txt(h, *case_value(s, i) ? case_value(s, i) : "—");
    html_lit(h, "</span>");
    widgets_summary_row_end(h);
  }
  widgets_summary_end(h);
}

static int awaiting_me(const Reflect__V1__RecordShowReply *r, const char *me)
{
  for (size_t i = 0; i < r->n_awaiting; i++)
    if (strcmp(r->awaiting[i], me) == 0) return 1;
  return 0;
}

static const char *comment_kind(Reflect__V1__CommentKind k)
{
  if (k == REFLECT__V1__COMMENT_KIND__COMMENT_DISAGREEMENT) return "Disagreement";
  if (k == REFLECT__V1__COMMENT_KIND__COMMENT_RESOLUTION) return "Resolution";
  return "Note";
}

/* A link to another page of the comments: after = 0 is the first. */
static void comments_link(page_ctx *p, uint32_t revision, uint64_t after)
{
  html *h = &p->rs->body;
  html_lit(h, "<a class=\"govuk-link\" href=\"/sessions/");
  html_uint(h, p->id);
  html_lit(h, "/record?");
  if (revision) {
    html_lit(h, "revision=");
    html_uint(h, revision);
    html_lit(h, "&amp;");
  }
  if (after) {
    html_lit(h, "comments_after=");
    html_uint(h, after);
  }
  html_lit(h, "#comments\">");
}

static void comments(page_ctx *p, const Reflect__V1__RecordShowReply *r, uint32_t revision, uint64_t after,
                     const char *error, const char *typed)
{
  html *h = &p->rs->body;
  html_lit(h, "<h2 class=\"govuk-heading-m\" id=\"comments\">Comments and disagreements</h2>\n");
  if (after) {
    html_lit(h, "<p class=\"govuk-body\">These are later comments. ");
    comments_link(p, revision, 0);
    html_lit(h, "Back to the first comments</a></p>\n");
  }
  if (!r->n_comments && after) html_lit(h, "<p class=\"govuk-body\">No more comments.</p>\n");
  else if (!r->n_comments) html_lit(h, "<p class=\"govuk-body\">None yet.</p>\n");
  for (size_t i = 0; i < r->n_comments; i++) {
    const Reflect__V1__Comment *c = r->comments[i];
    html_lit(h, "<div class=\"govuk-inset-text\">\n<p class=\"govuk-body-s\">");
    widgets_tag(h, comment_kind(c->kind), c->kind == REFLECT__V1__COMMENT_KIND__COMMENT_DISAGREEMENT ? "orange" : "");
    html_lit(h, " ");
    html_txt(h, c->author);
    html_lit(h, ", ");
    page_time(h, c->at);
    html_lit(h, ", on revision ");
    html_uint(h, c->revision);
    html_lit(h, "</p>\n");
    text_block(h, c->text);
    html_lit(h, "</div>\n");
  }
  if (r->comments_next) {
    html_lit(h, "<p class=\"govuk-body\">");
    comments_link(p, revision, r->comments_next);
    html_lit(h, "Show the next comments</a></p>\n");
  }
  html_lit(h, "<form method=\"post\" action=\"/sessions/");
  html_uint(h, p->id);
  html_lit(h, "/record/comment\" novalidate>\n");
  page_csrf(p);
  static const widgets_choice kinds[] = {{"note", "A note"}, {"disagreement", "I disagree with the record"}};
  widgets_radios(h, "kind", "What are you adding?", kinds, 2, "note", NULL);
  widgets_textarea(h, "text", "Your comment", "Everyone who can read this record can read it.", typed, error, 4);
  widgets_button(h, "Add comment", "govuk-button--secondary");
  html_lit(h, "</form>\n");
}

static void show(page_ctx *p, const char *error, const char *typed)
{
  const char *want = http_query(p->rq, "revision");
  uint32_t revision = (uint32_t)widgets_id(want, UINT32_MAX);
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__RecordShowReply *r = NULL;
  uint64_t after = widgets_id(http_query(p->rq, "comments_after"), INT64_MAX);
  if (fetch(p, revision, after, &rep, &r, 1)) return;
  html *h = &p->rs->body;
  if (!r || !r->revision) {
    /* Nothing written yet: the form is the page. */
    client_free_reply(rep);
    back_to(p, "/record/edit");
    return;
  }
  if (error) p->rs->status = 400;
  page_begin(p, error ? "Error: Supervision record" : "Supervision record", PAGE_NAV_SESSIONS);
  if (error) page_error_summary(p, "text", error);
  html_lit(h, "<span class=\"govuk-caption-l\"><a class=\"govuk-link\" href=\"/sessions/");
  html_uint(h, p->id);
  html_lit(h, "\">Back to the session</a></span>\n<h1 class=\"govuk-heading-l\">Supervision record</h1>\n");
  widgets_summary_begin(h);
  widgets_summary_row(h, "Revision");
  html_uint(h, r->revision->revision);
  html_lit(h, ", written by ");
  html_txt(h, r->revision->author);
  html_lit(h, " on ");
  page_time(h, r->revision->created_at);
  widgets_summary_row_end(h);
  if (r->revision->reason && *r->revision->reason) {
    widgets_summary_row(h, "Why it was amended");
    html_txt(h, r->revision->reason);
    widgets_summary_row_end(h);
  }
  widgets_summary_row(h, "Signed by");
  if (!r->n_signatures) html_lit(h, "Nobody yet");
  for (size_t i = 0; i < r->n_signatures; i++) {
    if (i) html_lit(h, "; ");
    html_txt(h, r->signatures[i]->user);
    html_lit(h, " on ");
    page_time(h, r->signatures[i]->at);
  }
  widgets_summary_row_end(h);
  widgets_summary_row(h, "Waiting for");
  if (r->frozen) widgets_tag(h, "Signed by everyone", "green");
  else if (!r->n_awaiting) html_lit(h, "Nobody");
  for (size_t i = 0; i < r->n_awaiting; i++) {
    if (i) html_lit(h, ", ");
    html_txt(h, r->awaiting[i]);
  }
  widgets_summary_row_end(h);
  widgets_summary_end(h);

  if (awaiting_me(r, p->s->username)) {
    html_lit(h, "<div class=\"govuk-inset-text\">\n<form method=\"post\" action=\"/sessions/");
    html_uint(h, p->id);
    html_lit(h, "/record/sign\" novalidate>\n");
    page_csrf(p);
    html_lit(h, "<input type=\"hidden\" name=\"revision\" value=\"");
    html_uint(h, r->revision->revision);
    html_lit(h, "\">\n<p class=\"govuk-body\">When you have read this revision and agree it is a true record, "
                "sign it. If you do not agree, add a disagreement below instead.</p>\n");
    widgets_button(h, "Sign revision", NULL);
    html_lit(h, "</form>\n</div>\n");
  }

  html_lit(h, "<h2 class=\"govuk-heading-m\">What was discussed</h2>\n");
  if (!r->n_sections) text_block(h, r->body);
  for (size_t i = 0; i < r->n_sections; i++) show_section(h, r->sections[i]);

  html_lit(h, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/sessions/");
  html_uint(h, p->id);
  html_lit(h, "/record/edit\">Amend the record</a> · <a class=\"govuk-link\" href=\"/sessions/");
  html_uint(h, p->id);
  html_lit(h, "/record/history\">All revisions</a></p>\n");
  comments(p, r, revision, after, error, typed);
  page_end(p);
  client_free_reply(rep);
}

void page_record_show(page_ctx *p)
{
  show(p, NULL, NULL);
}

void page_record_sign_post(page_ctx *p)
{
  uint64_t revision = 0;
  if (widgets_read_uint(&p->rq->form, "revision", "the revision", 1, UINT32_MAX, &revision)) {
    page_not_found(p);
    return;
  }
  Reflect__V1__RecordSignRequest in = REFLECT__V1__RECORD_SIGN_REQUEST__INIT;
  in.session_id = p->id;
  in.revision = (uint32_t)revision;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call_record_sign(p->s->cl, &in, &rep, NULL);
  if (page_finish(p, rc, rep)) return;
  back_to(p, "/record?signed=1");
}

void page_record_comment_post(page_ctx *p)
{
  const char *kind = form_get(&p->rq->form, "kind");
  const char *text = form_get(&p->rq->form, "text");
  if (!text || !*text) {
    show(p, "Enter your comment", "");
    return;
  }
  Reflect__V1__RecordCommentRequest in = REFLECT__V1__RECORD_COMMENT_REQUEST__INIT;
  in.session_id = p->id;
  in.kind = kind && strcmp(kind, "disagreement") == 0 ? REFLECT__V1__COMMENT_KIND__COMMENT_DISAGREEMENT
                                                      : REFLECT__V1__COMMENT_KIND__COMMENT_NOTE;
  in.text = (char *)text;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call_record_comment(p->s->cl, &in, &rep, NULL);
  if (rc == CLIENT_OK && client_reply_code(rep) && client_reply_code(rep) != REFLECT__V1__CODE__UNAUTHENTICATED &&
      client_reply_code(rep) != REFLECT__V1__CODE__NOT_FOUND &&
      client_reply_code(rep) != REFLECT__V1__CODE__PERMISSION_DENIED) {
    char why[300];
    page_sentence(why, sizeof why, client_reply_message(rep));
    client_free_reply(rep);
    show(p, why, text);
    return;
  }
  if (page_finish(p, rc, rep)) return;
  back_to(p, "/record#comments");
}

/* ---- the form ---- */

typedef struct {
  const char *reference, *label;
} offered_case;

typedef struct {
  Reflect__V1__Reply *session_rep, *record_rep, *agenda_rep;
  const Reflect__V1__Session *session;
  const Reflect__V1__RecordShowReply *record; /* NULL before the first revision */
  offered_case cases[CASES_MAX];
  int n_cases;
  /* What the fields show when not the record's: the form just posted, or
   * a draft (the server's, or one kept across a lapsed login). */
  const form *values;
  form draft;
  int64_t draft_saved_at; /* a draft was restored: when it was saved */
} form_source;

static void source_free(form_source *src)
{
  client_free_reply(src->session_rep);
  client_free_reply(src->record_rep);
  client_free_reply(src->agenda_rep);
  form_free(&src->draft);
}

#define DRAFT_FORM "record"

/* Saves content as the person's draft of this record; the client's code. */
static int save_draft(page_ctx *p, const char *content, Reflect__V1__Reply **rep)
{
  Reflect__V1__DraftSaveRequest in = REFLECT__V1__DRAFT_SAVE_REQUEST__INIT;
  in.session_id = p->id;
  in.form = DRAFT_FORM;
  in.content = (char *)content;
  return client_call_draft_save(p->s->cl, &in, rep, NULL);
}

/* The form posted, as a draft's content: every field but the token. */
static char *posted_content(page_ctx *p)
{
  return form_encode(&p->rq->form, "csrf");
}

static void free_content(char *c)
{
  if (!c) return;
  sodium_memzero(c, strlen(c));
  free(c);
}

/* The login lapsed while a form was being posted: what was typed stays in
 * the session's locked memory, and the edit page takes it back after the
 * next login. */
static void stash(page_ctx *p, const char *content)
{
  char path[96];
  snprintf(path, sizeof path, "/sessions/%llu/record/edit", (unsigned long long)p->id);
  if (content) (void)sessions_stash(p->app->sess, p->s, p->s->username, path, content);
}

/* A draft to start the form from, if there is one newer than the record:
 * first one kept across a lapsed login (saved to the server now), then
 * the server's. */
static void restore_draft(page_ctx *p, form_source *src)
{
  char *pending = sessions_take(p->app->sess, p->s, p->s->username, p->rq->path);
  if (pending) {
    Reflect__V1__Reply *rep = NULL;
    if (save_draft(p, pending, &rep) == CLIENT_OK) client_free_reply(rep);
    if (form_parse(pending, strlen(pending), HTTP_FIELDS_MAX, &src->draft) == FORM_OK) {
      src->values = &src->draft;
      src->draft_saved_at = p->rq->now;
    }
    sessions_free_pending(pending);
    return;
  }
  Reflect__V1__DraftGetRequest in = REFLECT__V1__DRAFT_GET_REQUEST__INIT;
  in.session_id = p->id;
  in.form = DRAFT_FORM;
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__DraftGetReply *got = NULL;
  if (client_call_draft_get(p->s->cl, &in, &rep, &got) == CLIENT_OK && got && got->draft &&
      (!src->record || got->draft->saved_at >= src->record->revision->created_at) &&
      form_parse(got->draft->content, strlen(got->draft->content), HTTP_FIELDS_MAX, &src->draft) == FORM_OK) {
    src->values = &src->draft;
    src->draft_saved_at = got->draft->saved_at;
  }
  client_free_reply(rep);
}

static void offer(form_source *src, const char *reference, const char *label)
{
  if (!reference || !*reference || src->n_cases == CASES_MAX) return;
  for (int i = 0; i < src->n_cases; i++)
    if (strcmp(src->cases[i].reference, reference) == 0) return;
  src->cases[src->n_cases++] = (offered_case){reference, label};
}

/* The session, its latest revision (if any) and its agenda's cases. */
static int load_source(page_ctx *p, form_source *src)
{
  memset(src, 0, sizeof *src);
  Reflect__V1__SessionShowRequest sin = REFLECT__V1__SESSION_SHOW_REQUEST__INIT;
  sin.session_id = p->id;
  Reflect__V1__SessionShowReply *show_reply = NULL;
  int rc = client_call_session_show(p->s->cl, &sin, &src->session_rep, &show_reply);
  if (page_check(p, rc, src->session_rep) || !show_reply->session) {
    if (!rc && show_reply && !show_reply->session) page_not_found(p);
    source_free(src);
    return -1;
  }
  src->session = show_reply->session;
  Reflect__V1__RecordShowReply *r = NULL;
  if (fetch(p, 0, 0, &src->record_rep, &r, 1)) {
    source_free(src);
    return -1;
  }
  if (r && r->revision) src->record = r;
  if (p->rq->post) src->values = &p->rq->form;
  else restore_draft(p, src);
  Reflect__V1__AgendaRequest ain = REFLECT__V1__AGENDA_REQUEST__INIT;
  ain.session_id = p->id;
  Reflect__V1__AgendaReply *agenda = NULL;
  rc = client_call_agenda(p->s->cl, &ain, &src->agenda_rep, &agenda);
  if (src->record)
    for (size_t i = 0; i < src->record->n_sections; i++) {
      const Reflect__V1__RecordSection *s = src->record->sections[i];
      if (s->kind == REFLECT__V1__SECTION_KIND__SECTION_CASE && !s->withheld && !s->destroyed)
        offer(src, s->case_reference, s->case_reference);
    }
  /* The agenda only adds cases to offer: a supervisee's agenda may be
   * refused them, which leaves the form as it is. */
  if (rc == CLIENT_OK && agenda)
    for (size_t i = 0; i < agenda->n_cases; i++)
      if (agenda->cases[i]->case_) offer(src, agenda->cases[i]->case_->reference, agenda->cases[i]->case_->name);
  return 0;
}

/* What the record says for a section now: the form's value after a
 * refusal, else the latest revision's. */
/* In a form or draft, the value of part `part` of the case block whose
 * reference is `reference`, wherever that block was: the agenda may have
 * changed order since, and text must stay with its own child. */
static const char *case_in(const form *values, const char *reference, int part)
{
  for (int k = 0; k < CASES_MAX; k++) {
    char name[48];
    snprintf(name, sizeof name, "case-%d-reference", k);
    const char *ref = form_get(values, name);
    if (!ref) break;
    if (strcmp(ref, reference) != 0) continue;
    snprintf(name, sizeof name, "case-%d-%s", k, case_parts[part].id);
    return form_get(values, name);
  }
  return "";
}

static const char *current(const form_source *src, const char *field, Reflect__V1__SectionKind kind,
                           const char *reference, int part, const char *member)
{
  if (src->values && kind == REFLECT__V1__SECTION_KIND__SECTION_CASE && reference)
    return case_in(src->values, reference, part);
  if (src->values) return form_get(src->values, field);
  if (!src->record) return "";
  for (size_t i = 0; i < src->record->n_sections; i++) {
    const Reflect__V1__RecordSection *s = src->record->sections[i];
    if (s->kind != kind || s->withheld) continue;
    if (kind == REFLECT__V1__SECTION_KIND__SECTION_CASE) {
      if (reference && strcmp(s->case_reference, reference) == 0) return case_value(s, part);
    } else if (kind == REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION) {
      if (member && strcmp(s->member, member) == 0) return s->text;
    } else return s->text;
  }
  return "";
}

static void plain_fields(page_ctx *p, const form_source *src, size_t from, size_t to, int group, const char *field,
                         const char *error)
{
  html *h = &p->rs->body;
  for (size_t i = from; i < to; i++) {
    if (group && plain[i].kind == REFLECT__V1__SECTION_KIND__SECTION_WELLBEING) continue;
    widgets_textarea(h, plain[i].id, plain[i].title, plain[i].hint,
                     current(src, plain[i].id, plain[i].kind, NULL, 0, NULL),
                     field && !strcmp(field, plain[i].id) ? error : NULL, 5);
  }
}

static void edit_form(page_ctx *p, form_source *src, const char *field, const char *error)
{
  html *h = &p->rs->body;
  const Reflect__V1__Session *s = src->session;
  int group = s->kind == REFLECT__V1__SESSION_KIND__SESSION_GROUP;
  if (error) p->rs->status = 400;
  page_begin(p, error ? "Error: Write the record" : "Write the record", PAGE_NAV_SESSIONS);
  if (error) page_error_summary(p, field, error);
  html_lit(h, "<span class=\"govuk-caption-l\">");
  page_time(h, s->starts_at);
  html_lit(h, "</span>\n<h1 class=\"govuk-heading-l\">");
  if (src->record) html_lit(h, "Amend the record");
  else html_lit(h, "Write the record");
  html_lit(h, "</h1>\n");
  if (src->draft_saved_at) {
    html_lit(h, "<div class=\"govuk-notification-banner\" role=\"region\" aria-labelledby=\"draft-title\" "
                "data-module=\"govuk-notification-banner\">\n<div class=\"govuk-notification-banner__header\">"
                "<h2 class=\"govuk-notification-banner__title\" id=\"draft-title\">Important</h2></div>\n"
                "<div class=\"govuk-notification-banner__content\">\n<p class=\"govuk-notification-banner__heading\">"
                "What you were writing has been kept: it is below, as you left it (");
    page_time(h, src->draft_saved_at);
    html_lit(h, ").</p>\n<form method=\"post\" action=\"/sessions/");
    html_uint(h, p->id);
    html_lit(h, "/record/draft/discard\" novalidate>");
    page_csrf(p);
    html_lit(h, "<button type=\"submit\" class=\"govuk-button govuk-button--secondary\" data-module=\"govuk-button\">"
                "Discard it and start from the record</button></form>\n</div>\n</div>\n");
  }
  html_lit(h, "<form method=\"post\" action=\"/sessions/");
  html_uint(h, p->id);
  html_lit(h, "/record/edit\" novalidate data-draft=\"/sessions/");
  html_uint(h, p->id);
  html_lit(h, "/record/draft\">\n");
  page_csrf(p);
  html_lit(h, "<p class=\"govuk-hint\" id=\"draft-status\" aria-live=\"polite\">What you type is kept as a draft "
              "each time you save, until the record is saved.</p>\n");
  html_lit(h, "<input type=\"hidden\" name=\"base\" value=\"");
  html_uint(h, src->record ? src->record->revision->revision : 0);
  html_lit(h, "\">\n");
  /* In the order supervision goes: how the person is, then the cases,
   * then learning, performance, the organisation, actions and notes. */
  plain_fields(p, src, 0, 1, group, field, error);
  html_lit(h, "<h2 class=\"govuk-heading-m\">Cases discussed</h2>\n");
  if (!src->n_cases)
    html_lit(h, "<p class=\"govuk-body\">No cases are on this session's agenda. Cases come from the caseloads of "
                "the people in the session.</p>\n");
  else html_lit(h, "<p class=\"govuk-body\">Fill in the cases you talked about; leave the others empty.</p>\n");
  for (int c = 0; c < src->n_cases; c++) {
    char ref_name[32];
    snprintf(ref_name, sizeof ref_name, "case-%d-reference", c);
    html_lit(h, "<fieldset class=\"govuk-fieldset govuk-!-margin-bottom-6\">\n<legend class=\"govuk-fieldset__legend "
                "govuk-fieldset__legend--s\">Case ");
    html_txt(h, src->cases[c].reference);
    if (strcmp(src->cases[c].label, src->cases[c].reference)) {
      html_lit(h, ": ");
      html_txt(h, src->cases[c].label);
    }
    html_lit(h, "</legend>\n<input type=\"hidden\" name=\"");
    html_attr(h, ref_name);
    html_lit(h, "\" value=\"");
    html_attr(h, src->cases[c].reference);
    html_lit(h, "\">\n");
    for (int part = 0; part < 5; part++) {
      char id[48], label[64];
      snprintf(id, sizeof id, "case-%d-%s", c, case_parts[part].id);
      snprintf(label, sizeof label, "%s", case_parts[part].title);
      widgets_textarea(h, id, label, NULL,
                       current(src, id, REFLECT__V1__SECTION_KIND__SECTION_CASE, src->cases[c].reference, part, NULL),
                       field && !strcmp(field, id) ? error : NULL, 3);
    }
    html_lit(h, "</fieldset>\n");
  }
  plain_fields(p, src, 1, N_PLAIN, group, field, error);
  if (group) {
    html_lit(h, "<h2 class=\"govuk-heading-m\">Contributions</h2>\n");
    for (size_t m = 0; m < s->n_members && m < MEMBERS_MAX; m++) {
      char id[48], label[160];
      snprintf(id, sizeof id, "contribution-%zu", m);
      snprintf(label, sizeof label, "Contribution from %s", s->members[m]);
      widgets_textarea(h, id, label, NULL,
                       current(src, id, REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION, NULL, 0, s->members[m]),
                       field && !strcmp(field, id) ? error : NULL, 3);
    }
  }
  if (src->record)
    widgets_textarea(h, "reason", "Why you are amending it", "Everyone who reads the record sees this.",
                     src->values ? form_get(src->values, "reason") : "",
                     field && !strcmp(field, "reason") ? error : NULL, 2);
  widgets_button(h, src->record ? "Save the amended record" : "Save the record", NULL);
  html_lit(h, "</form>\n");
  page_end(p);
}

void page_record_edit_get(page_ctx *p)
{
  form_source src;
  if (load_source(p, &src)) return;
  edit_form(p, &src, NULL, NULL);
  source_free(&src);
}

#define SECTIONS_MAX (N_PLAIN + CASES_MAX + MEMBERS_MAX)

/* The plain sections plain[from..to) that were filled in, appended to
 * store (the order of the record: see plain_fields). */
static size_t take_plain(const form *f, size_t from, size_t to, int group, Reflect__V1__RecordSection *store,
                         const char **field_of, size_t n)
{
  for (size_t i = from; i < to; i++) {
    const char *v = form_get(f, plain[i].id);
    if (!v || !*v || (group && plain[i].kind == REFLECT__V1__SECTION_KIND__SECTION_WELLBEING)) continue;
    reflect__v1__record_section__init(&store[n]);
    store[n].kind = plain[i].kind;
    store[n].text = (char *)v;
    field_of[n] = plain[i].id;
    n++;
  }
  return n;
}

void page_record_edit_post(page_ctx *p)
{
  /* Whatever happens next, what was typed is kept first: as a draft on
   * the server, or, if the login has lapsed, in this browser's session
   * until the next login. */
  char *content = posted_content(p);
  Reflect__V1__Reply *drep = NULL;
  int drc = content ? save_draft(p, content, &drep) : CLIENT_ENOMEM;
  int dcode = drc == CLIENT_OK ? client_reply_code(drep) : 0;
  if (dcode == REFLECT__V1__CODE__UNAUTHENTICATED) stash(p, content);
  free_content(content);
  if (drc != CLIENT_OK || dcode == REFLECT__V1__CODE__UNAUTHENTICATED || dcode == REFLECT__V1__CODE__NOT_FOUND ||
      dcode == REFLECT__V1__CODE__PERMISSION_DENIED) {
    if (drc != CLIENT_OK) page_unreachable(p, drc);
    else page_refused(p, drep);
    client_free_reply(drep);
    return;
  }
  client_free_reply(drep);
  form_source src;
  if (load_source(p, &src)) return;
  const form *f = &p->rq->form;
  Reflect__V1__RecordSection store[SECTIONS_MAX], *ptrs[SECTIONS_MAX];
  const char *field_of[SECTIONS_MAX]; /* the form field a refusal of section i points at */
  char ids[SECTIONS_MAX][48];
  size_t n = 0;
  int group = src.session->kind == REFLECT__V1__SESSION_KIND__SESSION_GROUP;
  n = take_plain(f, 0, 1, group, store, field_of, n);
  for (int c = 0; c < CASES_MAX; c++) {
    char name[48];
    snprintf(name, sizeof name, "case-%d-reference", c);
    const char *ref = form_get(f, name);
    if (!ref) break;
    const char *parts[5];
    int any = 0;
    for (int part = 0; part < 5; part++) {
      snprintf(name, sizeof name, "case-%d-%s", c, case_parts[part].id);
      parts[part] = form_get(f, name);
      if (!parts[part]) parts[part] = "";
      any |= *parts[part] != '\0';
    }
    if (!any) continue;
    reflect__v1__record_section__init(&store[n]);
    store[n].kind = REFLECT__V1__SECTION_KIND__SECTION_CASE;
    store[n].case_reference = (char *)ref;
    store[n].situation = (char *)parts[0];
    store[n].analysis = (char *)parts[1];
    store[n].risk = (char *)parts[2];
    store[n].decision = (char *)parts[3];
    store[n].rationale = (char *)parts[4];
    snprintf(ids[n], sizeof ids[n], "case-%d-situation", c);
    field_of[n] = ids[n];
    n++;
  }
  n = take_plain(f, 1, N_PLAIN, group, store, field_of, n);
  for (size_t m = 0; group && m < src.session->n_members && m < MEMBERS_MAX; m++) {
    snprintf(ids[n], sizeof ids[n], "contribution-%zu", m);
    const char *v = form_get(f, ids[n]);
    if (!v || !*v) continue;
    reflect__v1__record_section__init(&store[n]);
    store[n].kind = REFLECT__V1__SECTION_KIND__SECTION_CONTRIBUTION;
    store[n].member = src.session->members[m];
    store[n].text = (char *)v;
    field_of[n] = ids[n];
    n++;
  }
  if (!n) {
    edit_form(p, &src, group ? "notes" : "wellbeing", "Write at least one section of the record");
    source_free(&src);
    return;
  }
  for (size_t i = 0; i < n; i++) ptrs[i] = &store[i];
  Reflect__V1__RecordWriteRequest in = REFLECT__V1__RECORD_WRITE_REQUEST__INIT;
  in.session_id = p->id;
  in.sections = ptrs;
  in.n_sections = n;
  const char *reason = form_get(f, "reason");
  in.reason = (char *)(reason ? reason : "");
  const char *base = form_get(f, "base");
  in.base_revision = (uint32_t)widgets_id(base, UINT32_MAX);
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call_record_write(p->s->cl, &in, &rep, NULL);
  int code = rc == CLIENT_OK ? client_reply_code(rep) : 0;
  if (rc == CLIENT_OK && code && code != REFLECT__V1__CODE__UNAUTHENTICATED && code != REFLECT__V1__CODE__NOT_FOUND &&
      code != REFLECT__V1__CODE__PERMISSION_DENIED) {
    char why[400];
    page_sentence(why, sizeof why, client_reply_message(rep));
    const char *fld = client_reply_field(rep);
    const char *at = field_of[0];
    unsigned idx;
    if (!strcmp(fld, "reason")) at = "reason";
    else if (sscanf(fld, "sections[%u]", &idx) == 1 && idx < n) at = field_of[idx];
    client_free_reply(rep);
    edit_form(p, &src, at, why);
    source_free(&src);
    return;
  }
  source_free(&src);
  if (page_finish(p, rc, rep)) return;
  back_to(p, "/record");
}

void page_record_history(page_ctx *p)
{
  Reflect__V1__RecordHistoryRequest in = REFLECT__V1__RECORD_HISTORY_REQUEST__INIT;
  in.session_id = p->id;
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__RecordHistoryReply *r = NULL;
  int rc = client_call_record_history(p->s->cl, &in, &rep, &r);
  if (page_check(p, rc, rep)) {
    client_free_reply(rep);
    return;
  }
  html *h = &p->rs->body;
  page_begin(p, "Revisions of the record", PAGE_NAV_SESSIONS);
  html_lit(h, "<span class=\"govuk-caption-l\"><a class=\"govuk-link\" href=\"/sessions/");
  html_uint(h, p->id);
  html_lit(h, "/record\">Back to the record</a></span>\n<h1 class=\"govuk-heading-l\">Revisions of the record</h1>\n");
  static const char *const heads[] = {"Revision", "Written", "Why", "Signed by", NULL};
  widgets_table_begin(h, "Every revision, oldest first", 1, heads);
  for (size_t i = 0; i < r->n_revisions; i++) {
    const Reflect__V1__RevisionSummary *v = r->revisions[i];
    if (!v->revision) continue;
    html_lit(h, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
                "href=\"/sessions/");
    html_uint(h, p->id);
    html_lit(h, "/record?revision=");
    html_uint(h, v->revision->revision);
    html_lit(h, "\">Revision ");
    html_uint(h, v->revision->revision);
    html_lit(h, "</a>");
    if (v->revision->revision > 1) {
      html_lit(h, "<br><a class=\"govuk-link\" href=\"/sessions/");
      html_uint(h, p->id);
      html_lit(h, "/record/diff?from=");
      html_uint(h, v->revision->revision - 1);
      html_lit(h, "&amp;to=");
      html_uint(h, v->revision->revision);
      html_lit(h, "\">What changed<span class=\"govuk-visually-hidden\"> in revision ");
      html_uint(h, v->revision->revision);
      html_lit(h, "</span></a>");
    }
    html_lit(h, "</td><td class=\"govuk-table__cell\">");
    html_txt(h, v->revision->author);
    html_lit(h, ", ");
    page_time(h, v->revision->created_at);
    html_lit(h, "</td><td class=\"govuk-table__cell\">");
    html_txt(h, v->revision->reason && *v->revision->reason ? v->revision->reason : "First written");
    html_lit(h, "</td><td class=\"govuk-table__cell\">");
    for (size_t k = 0; k < v->n_signatures; k++) {
      if (k) html_lit(h, ", ");
      html_txt(h, v->signatures[k]->user);
    }
    if (!v->n_signatures) html_lit(h, "—");
    html_lit(h, "</td></tr>\n");
  }
  widgets_table_end(h);
  page_end(p);
  client_free_reply(rep);
}

void page_record_draft_post(page_ctx *p)
{
  char *content = posted_content(p);
  Reflect__V1__Reply *rep = NULL;
  int rc = content ? save_draft(p, content, &rep) : CLIENT_ENOMEM;
  int code = rc == CLIENT_OK ? client_reply_code(rep) : 0;
  if (code == REFLECT__V1__CODE__UNAUTHENTICATED) stash(p, content);
  free_content(content);
  client_free_reply(rep);
  /* Answered to the page's script, which says so beside the form. */
  p->rs->content_type = "text/plain; charset=utf-8";
  const char *text = rc != CLIENT_OK                                 ? "not saved: the server did not answer\n"
                     : code == REFLECT__V1__CODE__UNAUTHENTICATED    ? "logged out: log in again to go on\n"
                     : code == REFLECT__V1__CODE__RESOURCE_EXHAUSTED ? "not saved: you have too many drafts\n"
                     : code                                          ? "not saved\n"
                                                                     : "saved\n";
  p->rs->status = rc != CLIENT_OK ? 503 : code == REFLECT__V1__CODE__UNAUTHENTICATED ? 401 : code ? 409 : 200;
  p->rs->bytes = text;
  p->rs->bytes_len = strlen(text);
}

void page_record_draft_discard_post(page_ctx *p)
{
  Reflect__V1__DraftDeleteRequest in = REFLECT__V1__DRAFT_DELETE_REQUEST__INIT;
  in.session_id = p->id;
  in.form = DRAFT_FORM;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call_draft_delete(p->s->cl, &in, &rep, NULL);
  if (page_finish(p, rc, rep)) return;
  back_to(p, "/record/edit");
}
