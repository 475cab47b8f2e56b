/* Drafts: what a person typed and has not saved yet (store_drafts.h). Any
 * role that writes records may keep them, for a session they may see;
 * every request reads or writes only the caller's own, so a draft of
 * anyone else's answers exactly like one that does not exist. */
#include <string.h>

#include "bounds.h"
#include "ops.h"
#include "session_rules.h"
#include "store_drafts.h"

/* A form's name is a word the client chose: [a-z_], 1 to 32. */
static rcode check_form(call *c, const char *form)
{
  size_t n = strlen(form);
  if (n < 1 || n > 32 || strspn(form, "abcdefghijklmnopqrstuvwxyz_") != n)
    return call_fail(c, RC_INVALID, "form", "a form's name is 1 to 32 lower-case letters or '_'");
  return RC_OK;
}

static rcode check_session(call *c, uint64_t id)
{
  session_row s;
  int party = 0;
  return session_rules_load_visible(c, id, &s, &party);
}

typedef struct {
  const Reflect__V1__DraftSaveRequest *in;
  int64_t saved_at;
} draft_save;

static rcode draft_save_tx(call *c, void *arg)
{
  draft_save *d = arg;
  rcode rc = store_drafts_save(call_store(c), (int64_t)d->in->session_id, d->in->form, d->in->content, &d->saved_at);
  if (rc == RC_EXHAUSTED)
    return call_fail(c, rc, "session_id", "you already have %d unsaved drafts; save or discard some first",
                     REFLECT_DRAFTS_PER_USER);
  return rc;
}

rcode ops_draft_save(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__DraftSaveRequest *in = req->draft_save;
  if (!in) return call_fail(c, RC_INVALID, "draft_save", "missing draft_save");
  rcode rc = check_form(c, in->form);
  if (rc) return rc;
  if (strlen(in->content) > REFLECT_DRAFT_CONTENT_MAX)
    return call_fail(c, RC_INVALID, "content", "a draft may have at most %d bytes", REFLECT_DRAFT_CONTENT_MAX);
  rc = check_session(c, in->session_id);
  if (rc) return rc;
  draft_save d = {in, 0};
  rc = call_write(c, "save the draft", draft_save_tx, &d);
  if (rc) return rc;
  Reflect__V1__DraftSaveReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__draft_save_reply__init(r);
  r->saved_at = d.saved_at;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_DRAFT_SAVE;
  c->rep->draft_save = r;
  return RC_OK;
}

rcode ops_draft_get(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__DraftGetRequest *in = req->draft_get;
  if (!in) return call_fail(c, RC_INVALID, "draft_get", "missing draft_get");
  rcode rc = check_form(c, in->form);
  if (rc) return rc;
  draft_row row;
  rc = store_drafts_get(call_store(c), (int64_t)in->session_id, in->form, &row);
  if (rc == RC_NOT_FOUND) return call_fail(c, rc, "session_id", "you have no draft of that");
  if (rc) return call_fail(c, rc, NULL, "could not read your draft");
  Reflect__V1__DraftGetReply *r = arena_alloc(c->a, sizeof *r);
  Reflect__V1__Draft *d = arena_alloc(c->a, sizeof *d);
  if (!r || !d) return RC_EXHAUSTED;
  reflect__v1__draft_get_reply__init(r);
  reflect__v1__draft__init(d);
  d->session_id = (uint64_t)row.session_id;
  d->form = (char *)row.form;
  d->saved_at = row.saved_at;
  d->content = (char *)row.content;
  r->draft = d;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_DRAFT_GET;
  c->rep->draft_get = r;
  return RC_OK;
}

rcode ops_draft_list(call *c, const Reflect__V1__Request *req)
{
  if (!req->draft_list) return call_fail(c, RC_INVALID, "draft_list", "missing draft_list");
  draft_row *rows = NULL;
  size_t n = 0;
  rcode rc = store_drafts_list(call_store(c), &rows, &n);
  if (rc) return call_fail(c, rc, NULL, "could not list your drafts");
  Reflect__V1__DraftListReply *r = arena_alloc(c->a, sizeof *r);
  Reflect__V1__Draft **v = arena_alloc(c->a, sizeof *v * (n ? n : 1));
  if (!r || !v) return RC_EXHAUSTED;
  reflect__v1__draft_list_reply__init(r);
  for (size_t i = 0; i < n; i++) {
    if (!(v[i] = arena_alloc(c->a, sizeof *v[i]))) return RC_EXHAUSTED;
    reflect__v1__draft__init(v[i]);
    v[i]->session_id = (uint64_t)rows[i].session_id;
    v[i]->form = (char *)rows[i].form;
    v[i]->saved_at = rows[i].saved_at;
  }
  r->drafts = v;
  r->n_drafts = n;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_DRAFT_LIST;
  c->rep->draft_list = r;
  return RC_OK;
}

typedef struct {
  const Reflect__V1__DraftDeleteRequest *in;
  int deleted;
} draft_delete;

static rcode draft_delete_tx(call *c, void *arg)
{
  draft_delete *d = arg;
  return store_drafts_delete(call_store(c), (int64_t)d->in->session_id, d->in->form, &d->deleted);
}

rcode ops_draft_delete(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__DraftDeleteRequest *in = req->draft_delete;
  if (!in) return call_fail(c, RC_INVALID, "draft_delete", "missing draft_delete");
  rcode rc = check_form(c, in->form);
  if (rc) return rc;
  draft_delete d = {in, 0};
  rc = call_write(c, "discard the draft", draft_delete_tx, &d);
  if (rc) return rc;
  Reflect__V1__DraftDeleteReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__draft_delete_reply__init(r);
  r->deleted = d.deleted;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_DRAFT_DELETE;
  c->rep->draft_delete = r;
  return RC_OK;
}
