/* The written record of a session: append-only revisions, every access
 * audited. Parties read everything; a manager overseeing a party through a
 * team reads it read-only, with wellbeing withheld; only parties sign and
 * comment. */
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "kpi_cite.h"
#include "ops.h"
#include "session_rules.h"
#include "record_sections.h"
#include "store_audit.h"
#include "store_drafts.h"
#include "store_comments.h"
#include "store_decisions.h"
#include "store_inspectors.h"
#include "store_records.h"
#include "store_signoffs.h"
#include "store_teams.h"
#include "wire.h"

/* The store keeps the wire's CommentKind numbers: a kind crosses unchanged. */
_Static_assert((int)COMMENT_NOTE == (int)REFLECT__V1__COMMENT_KIND__COMMENT_NOTE &&
                   (int)COMMENT_DISAGREEMENT == (int)REFLECT__V1__COMMENT_KIND__COMMENT_DISAGREEMENT &&
                   (int)COMMENT_RESOLUTION == (int)REFLECT__V1__COMMENT_KIND__COMMENT_RESOLUTION,
               "comment_kind and the wire's CommentKind differ");

static Reflect__V1__Revision *revision_message(call *c, const revision_row *in)
{
  Reflect__V1__Revision *r = arena_alloc(c->a, sizeof *r);
  if (!r) return NULL;
  reflect__v1__revision__init(r);
  r->revision = in->revision;
  r->author = (char *)in->author;
  r->created_at = in->created_at;
  r->reason = (char *)in->reason;
  return r;
}

/* A revision's signatures and who has yet to sign, as the wire has them. */
static rcode signoff_status(call *c, const session_row *s, uint32_t revision, Reflect__V1__Signature ***sigs,
                            size_t *n_sigs, char ***awaiting, size_t *n_awaiting, int *frozen)
{
  signature_row *v;
  rcode rc = store_signoffs_status(call_store(c), s, revision, &v, n_sigs, awaiting, n_awaiting, frozen);
  if (rc) return rc;
  Reflect__V1__Signature **out = arena_alloc(c->a, sizeof *out * (*n_sigs ? *n_sigs : 1));
  if (!out) return RC_EXHAUSTED;
  for (size_t i = 0; i < *n_sigs; i++) {
    Reflect__V1__Signature *sig = arena_alloc(c->a, sizeof *sig);
    if (!sig) return RC_EXHAUSTED;
    reflect__v1__signature__init(sig);
    sig->user = (char *)v[i].user;
    sig->at = v[i].at;
    out[i] = sig;
  }
  *sigs = out;
  return RC_OK;
}

typedef struct {
  const Reflect__V1__RecordWriteRequest *in;
  session_row s;
  record_sections rs;
  uint32_t revision;
} record_write;

/* Each case discussed leaves its decision on the child's own file, in the
 * same transaction as the revision that carries it. */
static rcode record_cases_tx(call *c, record_write *w)
{
  for (size_t i = 0; i < w->rs.n; i++) {
    const Reflect__V1__RecordSection *sec = w->rs.sections[i];
    if (sec->kind != REFLECT__V1__SECTION_KIND__SECTION_CASE) continue;
    rcode rc = store_decisions_add(call_store(c), &w->s, w->revision, &w->rs.cases[i], sec->risk, sec->decision,
                                   sec->rationale);
    char detail[64];
    snprintf(detail, sizeof detail, "session=%lld;revision=%u", (long long)w->s.id, w->revision);
    if (!rc) rc = store_audit_append_id(call_store(c), "case.discussed", "case", w->rs.cases[i].id, detail);
    if (rc) return rc;
  }
  return RC_OK;
}

/* A record is of a session that took place: one that has not started has
 * nothing to record yet, and one called off never will. Read inside the
 * write transaction, so a cancellation cannot slip in before the write. */
static rcode check_recordable(call *c, record_write *w)
{
  if (store_sessions_get(c->s->db, w->s.id, &w->s)) return RC_INTERNAL;
  const char *gone = NULL;
  switch (w->s.status) {
  case REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED: gone = "cancelled"; break;
  case REFLECT__V1__SESSION_STATUS__SESSION_MISSED: gone = "missed"; break;
  case REFLECT__V1__SESSION_STATUS__SESSION_RESCHEDULED: gone = "rescheduled"; break;
  default: break;
  }
  if (gone)
    return call_fail(c, RC_PRECONDITION, "session_id", "session %lld was %s; it has no record", (long long)w->s.id,
                     gone);
  if (w->s.starts_at > c->now)
    return call_fail(c, RC_PRECONDITION, "session_id",
                     "session %lld has not started yet; its record is written after it", (long long)w->s.id);
  return RC_OK;
}

static rcode record_write_tx(call *c, void *arg)
{
  record_write *w = arg;
  rcode rc = check_recordable(c, w);
  if (rc) return rc;
  uint32_t latest;
  if (store_records_latest(c->s->db, w->s.id, &latest)) return RC_INTERNAL;
  if (w->in->base_revision && w->in->base_revision != latest)
    return call_fail(c, RC_PRECONDITION, "base_revision",
                     "the record changed since revision %u (it is now at revision %u)", w->in->base_revision, latest);
  if (latest > 0 && !*w->in->reason)
    return call_fail(c, RC_INVALID, "reason", "revision %u exists; an amendment needs a reason", latest);
  /* Each revision can carry 256 KiB and a decision per case into the
   * child's log: a record amended without end would grow without bound. */
  if (latest >= RECORD_REVISIONS_MAX)
    return call_fail(c, RC_EXHAUSTED, "session_id",
                     "this record already has %d revisions, the most a record may have; add a comment instead",
                     RECORD_REVISIONS_MAX);
  rc = record_sections_resolve(c, &w->s, &w->rs);
  record_section *sections = NULL;
  if (!rc) rc = record_sections_to_store(c, &w->rs, &sections);
  if (!rc) rc = store_records_append(call_store(c), &w->s, sections, w->rs.n, w->in->reason, &w->revision);
  if (!rc) rc = record_cases_tx(c, w);
  if (rc) return rc;
  char detail[48];
  snprintf(detail, sizeof detail, "revision=%u;sections=%zu", w->revision, w->rs.n);
  rc = store_audit_append_id(call_store(c), "record.write", "session", w->s.id, detail);
  /* What was typed is saved now: the author's draft of it goes. */
  int gone = 0;
  if (!rc) rc = store_drafts_delete(call_store(c), w->s.id, "record", &gone);
  return rc ? rc : events_record_written(c, &w->s, w->revision);
}

rcode ops_record_write(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__RecordWriteRequest *in = req->record_write;
  if (!in) return call_fail(c, RC_INVALID, "record_write", "missing record_write");
  record_write w = {.in = in};
  rcode rc = session_rules_load(c, in->session_id, &w.s);
  if (rc) return rc;
  if (w.s.supervisor_id != c->who->user_id) {
    int party = 0;
    if (store_sessions_is_party(c->s->db, &w.s, c->who->user_id, &party)) return RC_INTERNAL;
    if (!party) return session_rules_refuse(c, in->session_id);
    return call_fail(c, RC_DENIED, "session_id", "only the supervisor of session %lld writes its record",
                     (long long)w.s.id);
  }
  rc = record_sections_check(c, in, &w.rs);
  if (!rc && strlen(in->reason) > RECORD_REASON_MAX)
    rc = call_fail(c, RC_INVALID, "reason", "a reason may have at most %d bytes", RECORD_REASON_MAX);
  if (rc) return rc;
  rc = call_write(c, "write the record", record_write_tx, &w);
  if (rc) return rc;
  Reflect__V1__RecordWriteReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__record_write_reply__init(r);
  r->revision = w.revision;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_RECORD_WRITE;
  c->rep->record_write = r;
  return RC_OK;
}

/* A party, or a manager overseeing one through a team, or an inspector
 * granted a team one of its parties practises in (*party = 0 for both).
 * Other people's attempts are what an auditor looks for, so they are
 * audited. */
static rcode load_readable_session(call *c, uint64_t id, session_row *s, int *party)
{
  rcode rc = session_rules_load(c, id, s);
  int visible = 0;
  if (!rc) rc = session_rules_check_visible(c, s, party, &visible);
  if (!rc && !visible && c->who->role == ROLE_INSPECTOR &&
      store_inspectors_sees_session(c->s->db, c->who->user_id, s, &visible))
    rc = RC_INTERNAL;
  if (rc || visible) return rc;
  /* A failed audit has rolled back and already put its failure in the
   * reply (call_write), which a refusal after it would not replace: return
   * that failure, so the code returned is the one the client sees. */
  rc = call_audit_read(c, "record.denied", "session", s->id, "");
  return rc ? rc : session_rules_refuse(c, id);
}

/* What a reply may hold beside the Reply envelope (id, status). */
#define RECORD_REPLY_MAX (WIRE_MAX_FRAME - 16 * 1024)

/* A page of comments into r, within what the view (or the frame) allows. */
static rcode fill_comments(call *c, const session_row *s, const record_view *view, Reflect__V1__RecordShowReply *r)
{
  comments_query q = {.after = view->after,
                      .limit = view->limit ? view->limit : COMMENTS_PAGE_DEFAULT,
                      .budget = view->budget,
                      .through = INT64_MAX};
  if (view->signed_only) {
    /* Frozen: every party signed, so the least they had all seen is signed. */
    if (!r->frozen) q.through = 0;
    else if (store_signoffs_comments_signed(c->s->db, s->id, r->revision->revision, &q.through)) return RC_INTERNAL;
  }
  if (!q.budget) {
    size_t record = reflect__v1__record_show_reply__get_packed_size(r);
    q.budget = record < RECORD_REPLY_MAX ? RECORD_REPLY_MAX - record : 0;
  }
  if (q.budget < 2 * COMMENT_WIRE_MAX) q.budget = 2 * COMMENT_WIRE_MAX;
  comments_page page;
  rcode rc = store_comments_page(call_store(c), s, &q, &page);
  if (rc) return rc;
  Reflect__V1__Comment **v = arena_alloc(c->a, sizeof *v * (page.n ? page.n : 1));
  if (!v) return RC_EXHAUSTED;
  for (size_t i = 0; i < page.n; i++) {
    const comment_item *in = &page.v[i];
    Reflect__V1__Comment *m = arena_alloc(c->a, sizeof *m);
    if (!m) return RC_EXHAUSTED;
    reflect__v1__comment__init(m);
    m->id = (uint64_t)in->id;
    m->revision = in->revision;
    m->author = (char *)in->author;
    m->at = in->at;
    m->kind = (Reflect__V1__CommentKind)in->kind;
    m->text = (char *)in->text;
    m->resolves = (uint64_t)in->resolves;
    v[i] = m;
  }
  r->comments = v;
  r->n_comments = page.n;
  r->comments_next = page.next;
  r->notes_total = page.notes_total;
  r->comments_unsigned = page.hidden;
  return RC_OK;
}

rcode ops_records_fill(call *c, const session_row *s, uint32_t revision, int party, const record_view *view,
                       Reflect__V1__RecordShowReply **out)
{
  Reflect__V1__RecordShowReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__record_show_reply__init(r);
  /* Wellbeing is for the two parties: for anyone else it is not opened. */
  record_read rec;
  rcode rc = store_records_read(call_store(c), s, revision, party, &rec);
  if (rc == RC_NOT_FOUND && revision)
    return call_fail(c, rc, "revision", "session %lld has no revision %u", (long long)s->id, revision);
  if (rc == RC_NOT_FOUND) return call_fail(c, rc, "session_id", "session %lld has no record yet", (long long)s->id);
  if (rc == RC_DATA_LOSS)
    return call_fail(c, rc, NULL, "integrity error: the record of session %lld failed authentication",
                     (long long)s->id);
  if (rc) return call_fail(c, rc, NULL, "could not read the record");
  r->session_id = (uint64_t)s->id;
  r->body = (char *)rec.body;
  if (!(r->revision = revision_message(c, &rec.revision))) return RC_EXHAUSTED;
  rc = record_sections_to_wire(c, rec.sections, rec.n_sections, &r->sections);
  if (rc) return rc;
  r->n_sections = rec.n_sections;
  if (view->comments_only) {
    r->sections = NULL;
    r->n_sections = 0;
    r->body = "";
  }
  for (size_t i = 0; !rc && i < r->n_sections; i++) rc = kpi_cite_fill(c, r->sections[i]);
  if (rc) return call_fail(c, rc, NULL, "could not read the measurements the record cites");
  int frozen = 0;
  rc = signoff_status(c, s, r->revision->revision, &r->signatures, &r->n_signatures, &r->awaiting, &r->n_awaiting,
                      &frozen);
  r->frozen = frozen != 0;
  if (!rc) rc = fill_comments(c, s, view, r);
  if (rc == RC_DATA_LOSS)
    return call_fail(c, rc, NULL, "integrity error: a comment on session %lld failed authentication", (long long)s->id);
  if (rc) return call_fail(c, rc, NULL, "could not read the record's sign-off and comments");
  *out = r;
  return RC_OK;
}

rcode ops_record_show(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__RecordShowRequest *in = req->record_show;
  if (!in) return call_fail(c, RC_INVALID, "record_show", "missing record_show");
  session_row s;
  int party = 0;
  rcode rc = load_readable_session(c, in->session_id, &s, &party);
  if (rc) return rc;
  if (in->comments_limit > COMMENTS_PAGE_MAX)
    return call_fail(c, RC_INVALID, "comments_limit", "a page holds at most %d notes", COMMENTS_PAGE_MAX);
  if (in->comments_after > INT64_MAX) return call_fail(c, RC_INVALID, "comments_after", "no such comment");
  /* Inspectors read evidence: only what every party has signed, the
   * comments included. */
  int inspector = c->who->role == ROLE_INSPECTOR;
  record_view view = {.after = in->comments_after,
                      .limit = in->comments_limit,
                      .signed_only = inspector,
                      .comments_only = in->comments_only};
  uint32_t revision = in->revision;
  if (inspector && !revision) {
    if (store_inspectors_latest_signed(c->s->db, &s, &revision)) return RC_INTERNAL;
    if (!revision)
      return call_fail(c, RC_DENIED, "session_id",
                       "session %lld has no fully signed record; inspectors see signed records only", (long long)s.id);
  }
  Reflect__V1__RecordShowReply *r = NULL;
  rc = ops_records_fill(c, &s, revision, party, &view, &r);
  if (rc) return rc;
  if (inspector && !r->frozen)
    return call_fail(c, RC_DENIED, "revision",
                     "revision %u of session %lld is not signed by everyone; inspectors see signed records only",
                     r->revision->revision, (long long)s.id);
  int withheld = 0;
  for (size_t i = 0; i < r->n_sections; i++) withheld |= r->sections[i]->withheld;
  /* The read is audited before any content leaves: no audit row, no content. */
  char detail[96];
  snprintf(detail, sizeof detail, "revision=%u%s%s%s", r->revision->revision,
           party       ? ""
           : inspector ? ";inspector"
                       : ";oversight",
           withheld ? ";wellbeing=withheld" : "", in->comments_only ? ";comments" : "");
  rc = call_audit_read(c, "record.read", "session", s.id, detail);
  if (rc) return rc;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_RECORD_SHOW;
  c->rep->record_show = r;
  return RC_OK;
}

typedef struct {
  session_row s;
  uint32_t revision;
  int frozen;
} sign_off;

static rcode sign_tx(call *c, void *arg)
{
  sign_off *g = arg;
  uint32_t latest;
  if (store_records_latest(c->s->db, g->s.id, &latest)) return RC_INTERNAL;
  if (latest == 0)
    return call_fail(c, RC_PRECONDITION, "session_id", "session %lld has no record yet", (long long)g->s.id);
  if (g->revision != latest)
    return call_fail(c, RC_PRECONDITION, "revision", "revision %u is not the latest (%u): read it before signing",
                     g->revision, latest);
  rcode rc = store_signoffs_add(call_store(c), g->s.id, g->revision);
  if (rc == RC_EXISTS) return call_fail(c, rc, "revision", "you have already signed revision %u", g->revision);
  char detail[32];
  snprintf(detail, sizeof detail, "revision=%u", g->revision);
  if (!rc) rc = store_audit_append_id(call_store(c), "record.sign", "session", g->s.id, detail);
  signature_row *sigs;
  char **awaiting;
  size_t n_sigs, n_awaiting;
  if (!rc)
    rc = store_signoffs_status(call_store(c), &g->s, g->revision, &sigs, &n_sigs, &awaiting, &n_awaiting, &g->frozen);
  if (!rc) rc = events_record_signed(c, &g->s, g->revision, g->frozen);
  return rc;
}

rcode ops_record_sign(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__RecordSignRequest *in = req->record_sign;
  if (!in) return call_fail(c, RC_INVALID, "record_sign", "missing record_sign");
  if (in->revision == 0) return call_fail(c, RC_INVALID, "revision", "say which revision you are signing");
  sign_off g = {.revision = in->revision};
  rcode rc = session_rules_load_party(c, in->session_id, &g.s);
  if (!rc) rc = call_write(c, "sign the record", sign_tx, &g);
  if (rc) return rc;
  Reflect__V1__RecordSignReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__record_sign_reply__init(r);
  r->frozen = g.frozen != 0;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_RECORD_SIGN;
  c->rep->record_sign = r;
  return RC_OK;
}

typedef struct {
  const Reflect__V1__RecordCommentRequest *in;
  session_row s;
  int64_t id;
} comment;

/* The bounds of store_comments.h, checked inside the write transaction so
 * concurrent requests cannot both take the last place. */
static rcode comment_room_check(call *c, comment *m)
{
  comment_room room;
  int64_t resolution;
  if (store_comments_room(call_store(c), &m->s, m->in->kind, (int64_t)m->in->resolves, &room, &resolution))
    return RC_INTERNAL;
  switch (room) {
  case COMMENT_ROOM: return RC_OK;
  case COMMENT_FULL_DAY:
    return call_fail(c, RC_EXHAUSTED, NULL,
                     "you have added %d comments in the last 24 hours, the most one person may; try again later",
                     COMMENTS_PER_PERSON_DAY);
  case COMMENT_FULL_NOTES:
    return call_fail(c, RC_EXHAUSTED, "session_id",
                     "you have added %d notes to this record, the most one person may; put more in one note",
                     COMMENT_NOTES_PER_PERSON);
  case COMMENT_FULL_DISAGREEMENTS:
    return call_fail(c, RC_EXHAUSTED, "session_id",
                     "you have recorded %d disagreements with this record, the most one person may",
                     COMMENT_DISAGREEMENTS_PER_PERSON);
  case COMMENT_FULL_RECORD:
    return call_fail(c, RC_EXHAUSTED, "session_id",
                     "this record has %d disagreements, the most one record may hold; resolve them in an amendment",
                     COMMENT_DISAGREEMENTS_PER_RECORD);
  case COMMENT_RESOLVED:
    return call_fail(c, RC_EXISTS, "resolves", "disagreement #%llu was already resolved (#%lld)",
                     (unsigned long long)m->in->resolves, (long long)resolution);
  }
  return RC_INTERNAL;
}

static rcode comment_tx(call *c, void *arg)
{
  comment *m = arg;
  uint32_t latest;
  if (store_records_latest(c->s->db, m->s.id, &latest)) return RC_INTERNAL;
  if (latest == 0)
    return call_fail(c, RC_PRECONDITION, "session_id", "session %lld has no record yet", (long long)m->s.id);
  if (m->in->kind == REFLECT__V1__COMMENT_KIND__COMMENT_RESOLUTION) {
    int kind = 0;
    int found = m->in->resolves <= INT64_MAX ? store_comments_kind(c->s->db, (int64_t)m->in->resolves, m->s.id, &kind)
                                             : RC_NOT_FOUND;
    if (found || kind != REFLECT__V1__COMMENT_KIND__COMMENT_DISAGREEMENT)
      return call_fail(c, RC_INVALID, "resolves", "a resolution names a disagreement on this record");
  }
  rcode rc = comment_room_check(c, m);
  if (rc) return rc;
  rc = store_comments_add(call_store(c), &m->s, latest, m->in->kind, (int64_t)m->in->resolves, m->in->text, &m->id);
  if (!rc) rc = store_audit_append_id(call_store(c), "record.comment", "session", m->s.id, "");
  return rc;
}

rcode ops_record_comment(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__RecordCommentRequest *in = req->record_comment;
  if (!in) return call_fail(c, RC_INVALID, "record_comment", "missing record_comment");
  if (in->kind < REFLECT__V1__COMMENT_KIND__COMMENT_NOTE || in->kind > REFLECT__V1__COMMENT_KIND__COMMENT_RESOLUTION)
    return call_fail(c, RC_INVALID, "kind", "a comment is a note, a disagreement or a resolution");
  if (in->kind != REFLECT__V1__COMMENT_KIND__COMMENT_RESOLUTION && in->resolves)
    return call_fail(c, RC_INVALID, "resolves", "only a resolution resolves a disagreement");
  rcode rc = call_check_text(c, "text", in->text, COMMENT_TEXT_MAX);
  comment m = {.in = in};
  if (!rc) rc = session_rules_load_party(c, in->session_id, &m.s);
  if (!rc) rc = call_write(c, "add the comment", comment_tx, &m);
  if (rc) return rc;
  Reflect__V1__RecordCommentReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__record_comment_reply__init(r);
  r->id = (uint64_t)m.id;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_RECORD_COMMENT;
  c->rep->record_comment = r;
  return RC_OK;
}

rcode ops_record_history(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__RecordHistoryRequest *in = req->record_history;
  if (!in) return call_fail(c, RC_INVALID, "record_history", "missing record_history");
  session_row s;
  int party = 0;
  rcode rc = load_readable_session(c, in->session_id, &s, &party);
  if (rc) return rc;
  revision_row *revs = NULL;
  size_t n = 0;
  rc = store_records_revisions(call_store(c), &s, &revs, &n);
  if (rc) return call_fail(c, rc, NULL, "could not read the record's history");
  Reflect__V1__RecordHistoryReply *r = arena_alloc(c->a, sizeof *r);
  Reflect__V1__RevisionSummary **v = arena_alloc(c->a, sizeof *v * (n ? n : 1));
  if (!rc && (!r || !v)) rc = RC_EXHAUSTED;
  for (size_t i = 0; !rc && i < n; i++) {
    Reflect__V1__RevisionSummary *sum = arena_alloc(c->a, sizeof *sum);
    if (!sum) {
      rc = RC_EXHAUSTED;
      break;
    }
    reflect__v1__revision_summary__init(sum);
    if (!(sum->revision = revision_message(c, &revs[i]))) {
      rc = RC_EXHAUSTED;
      break;
    }
    char **awaiting;
    size_t n_awaiting;
    int frozen = 0;
    rc = signoff_status(c, &s, revs[i].revision, &sum->signatures, &sum->n_signatures, &awaiting, &n_awaiting, &frozen);
    sum->frozen = frozen != 0;
    v[i] = sum;
  }
  if (rc) return call_fail(c, rc, NULL, "could not read the record's history");
  rc = call_audit_read(c, "record.history", "session", s.id, party ? "" : "oversight");
  if (rc) return rc;
  reflect__v1__record_history_reply__init(r);
  r->revisions = v;
  r->n_revisions = n;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_RECORD_HISTORY;
  c->rep->record_history = r;
  return RC_OK;
}
