/*
 * ops_export_inspection — the inspection evidence pack for one team and
 * period: the five oversight reports, an index of every fully signed record
 * of a session in the period, and a random sample of those records in full.
 *
 * Everything is read inside one write transaction, so the figures, the
 * index and the sample describe the same moment, and the audit rows (one
 * for the export, one per sampled record) commit with it: no audit, no
 * content. The sample is read as a non-party, so wellbeing stays withheld
 * even from an inspector.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ops.h"
#include "reports.h"
#include "store_audit.h"
#include "store_comments.h"
#include "wire.h"

#define INSPECTION_SAMPLE_DEFAULT 5
#define INSPECTION_SAMPLE_MAX 20
/* A sampled record carries its disagreements and resolutions and a few
 * notes, within a fixed share of the reply, so no one record's comments
 * can crowd out the rest; comments_next says where `record show` goes on. */
#define INSPECTION_NOTES 10
#define INSPECTION_COMMENTS_BUDGET (4 * COMMENT_WIRE_MAX)
/* The whole pack, beside the Reply envelope: a sampled record that would
 * take it past this is named in sample_omitted instead of failing the pack. */
#define INSPECTION_REPLY_MAX (WIRE_MAX_FRAME - 16 * 1024)
/* An index longer than this would make a reply (and a PDF) nobody reads;
 * the inspector narrows the period instead. */
#define INSPECTION_INDEX_MAX 2000

typedef struct {
  const Reflect__V1__ExportInspectionRequest *in;
  uint32_t want;
  report_scope sc;
  Reflect__V1__ExportInspectionReply *r;
} inspection;

/* Sessions starting in the period that involve one of the team's people
 * (a non-manager member, as supervisee or group member), whose latest
 * revision is signed by the supervisor and every member: the same rule as
 * store_signoffs_status's `frozen`. signed_at is the last signature. */
static const char index_sql[] =
    "WITH latest(session_id, rev) AS (SELECT session_id, max(revision) FROM record_revisions GROUP BY session_id)"
    " SELECT s.id, s.kind, s.starts_at, u.username, l.rev,"
    "  (SELECT max(o.at) FROM record_signoffs o WHERE o.session_id = s.id AND o.revision = l.rev)"
    " FROM sessions s JOIN latest l ON l.session_id = s.id JOIN users u ON u.id = s.supervisor_id"
    " WHERE s.starts_at >= ?2 AND s.starts_at < ?3"
    "  AND EXISTS (SELECT 1 FROM session_members sm JOIN team_members tm ON tm.user_id = sm.user_id"
    "   WHERE sm.session_id = s.id AND tm.team_id = ?1 AND tm.manager = 0)"
    "  AND EXISTS (SELECT 1 FROM record_signoffs o WHERE o.session_id = s.id AND o.revision = l.rev"
    "   AND o.user_id = s.supervisor_id)"
    "  AND NOT EXISTS (SELECT 1 FROM session_members m WHERE m.session_id = s.id AND NOT EXISTS"
    "   (SELECT 1 FROM record_signoffs o WHERE o.session_id = s.id AND o.revision = l.rev AND o.user_id = m.user_id))"
    " ORDER BY s.starts_at, s.id LIMIT ?4";

static rcode index_members(call *c, Reflect__V1__SignedRecordRef *ref)
{
  sqlite3_stmt *st = db_prepare(c->s->db, "SELECT u.username FROM session_members m JOIN users u ON u.id = m.user_id"
                                          " WHERE m.session_id = ?1 ORDER BY u.username LIMIT ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, (int64_t)ref->session_id);
  sqlite3_bind_int(st, 2, SESSION_MAX_MEMBERS);
  ref->members = arena_alloc(c->a, sizeof *ref->members * SESSION_MAX_MEMBERS);
  rcode rc = ref->members ? RC_OK : RC_EXHAUSTED;
  int step;
  while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
    char *name = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 0));
    if (!name) rc = RC_EXHAUSTED;
    else ref->members[ref->n_members++] = name;
  }
  if (!rc && step != SQLITE_DONE) rc = RC_INTERNAL;
  sqlite3_reset(st);
  return rc;
}

static rcode index_build(call *c, inspection *x)
{
  sqlite3_stmt *st = db_prepare(c->s->db, index_sql);
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, x->sc.team_id);
  sqlite3_bind_int64(st, 2, x->sc.start);
  sqlite3_bind_int64(st, 3, x->sc.end);
  sqlite3_bind_int(st, 4, INSPECTION_INDEX_MAX + 1);
  Reflect__V1__SignedRecordRef **v = arena_alloc(c->a, sizeof *v * (INSPECTION_INDEX_MAX + 1));
  size_t n = 0;
  rcode rc = v ? RC_OK : RC_EXHAUSTED;
  int step = SQLITE_DONE;
  /* Member lists are read after the walk: one statement at a time. */
  while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
    Reflect__V1__SignedRecordRef *ref = arena_alloc(c->a, sizeof *ref);
    if (!ref) {
      rc = RC_EXHAUSTED;
      break;
    }
    reflect__v1__signed_record_ref__init(ref);
    ref->session_id = (uint64_t)sqlite3_column_int64(st, 0);
    ref->kind = (Reflect__V1__SessionKind)sqlite3_column_int(st, 1);
    ref->at = sqlite3_column_int64(st, 2);
    ref->supervisor = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 3));
    ref->revision = (uint32_t)sqlite3_column_int64(st, 4);
    ref->signed_at = sqlite3_column_int64(st, 5);
    if (!ref->supervisor) rc = RC_EXHAUSTED;
    else v[n++] = ref;
  }
  if (!rc && step != SQLITE_DONE) rc = RC_INTERNAL;
  sqlite3_reset(st);
  if (rc) return rc;
  if (n > INSPECTION_INDEX_MAX)
    return call_fail(c, RC_INVALID, "to",
                     "more than %d signed records in %s to %s; narrow the period and export it in parts",
                     INSPECTION_INDEX_MAX, x->sc.from, x->sc.to);
  for (size_t i = 0; !rc && i < n; i++) rc = index_members(c, v[i]);
  x->r->signed_ = v;
  x->r->n_signed_ = n;
  return rc;
}

static int cmp_size(const void *a, const void *b)
{
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

/* A uniform sample without replacement (partial Fisher–Yates), kept in
 * index order so the pack reads oldest first. */
static rcode sample_pick(call *c, size_t n, size_t k, size_t *out)
{
  size_t *idx = arena_alloc(c->a, sizeof *idx * (n ? n : 1));
  if (!idx) return RC_EXHAUSTED;
  for (size_t i = 0; i < n; i++) idx[i] = i;
  for (size_t i = 0; i < k; i++) {
    size_t j = i + (size_t)randombytes_uniform((uint32_t)(n - i));
    size_t t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  memcpy(out, idx, sizeof *out * k);
  qsort(out, k, sizeof *out, cmp_size);
  return RC_OK;
}

static rcode sample_build(call *c, inspection *x)
{
  size_t n = x->r->n_signed_, k = x->want < n ? x->want : n;
  size_t chosen[INSPECTION_SAMPLE_MAX];
  rcode rc = sample_pick(c, n, k, chosen);
  if (rc) return rc;
  x->r->sample = arena_alloc(c->a, sizeof *x->r->sample * (k ? k : 1));
  x->r->sample_omitted = arena_alloc(c->a, sizeof *x->r->sample_omitted * (k ? k : 1));
  if (!x->r->sample || !x->r->sample_omitted) return RC_EXHAUSTED;
  size_t size = reflect__v1__export_inspection_reply__get_packed_size(x->r);
  /* party 0: wellbeing is the two parties' alone, never an inspector's;
   * and only the comments every party signed are evidence. */
  const record_view view = {.limit = INSPECTION_NOTES, .budget = INSPECTION_COMMENTS_BUDGET, .signed_only = 1};
  for (size_t i = 0; i < k; i++) {
    const Reflect__V1__SignedRecordRef *ref = x->r->signed_[chosen[i]];
    session_row s;
    if (store_sessions_get(c->s->db, (int64_t)ref->session_id, &s))
      return call_fail(c, RC_INTERNAL, NULL, "could not read session %llu", (unsigned long long)ref->session_id);
    Reflect__V1__RecordShowReply *rec;
    rc = ops_records_fill(c, &s, ref->revision, 0, &view, &rec);
    if (rc) return rc;
    /* Its field tag and length, and the record. */
    size_t more = reflect__v1__record_show_reply__get_packed_size(rec) + 8;
    if (size + more > INSPECTION_REPLY_MAX) {
      x->r->sample_omitted[x->r->n_sample_omitted++] = ref->session_id;
      size += 12;
      continue;
    }
    char detail[48];
    snprintf(detail, sizeof detail, "revision=%u;inspection", ref->revision);
    rc = store_audit_append_id(call_store(c), "record.read", "session", s.id, detail);
    if (rc) return rc;
    x->r->sample[x->r->n_sample++] = rec;
    size += more;
  }
  return RC_OK;
}

static rcode reports_build(call *c, inspection *x)
{
  Reflect__V1__ExportInspectionReply *r = x->r;
  r->compliance = arena_alloc(c->a, sizeof *r->compliance);
  r->coverage = arena_alloc(c->a, sizeof *r->coverage);
  r->balance = arena_alloc(c->a, sizeof *r->balance);
  r->actions = arena_alloc(c->a, sizeof *r->actions);
  r->survey = arena_alloc(c->a, sizeof *r->survey);
  if (!r->compliance || !r->coverage || !r->balance || !r->actions || !r->survey) return RC_EXHAUSTED;
  reflect__v1__compliance_report__init(r->compliance);
  reflect__v1__coverage_report__init(r->coverage);
  reflect__v1__balance_report__init(r->balance);
  reflect__v1__actions_report__init(r->actions);
  reflect__v1__survey_report__init(r->survey);
  rcode rc = report_compliance(c, &x->sc, r->compliance);
  if (!rc) rc = report_coverage(c, &x->sc, r->coverage);
  if (!rc) rc = report_balance(c, &x->sc, r->balance);
  if (!rc) rc = report_actions(c, &x->sc, r->actions);
  if (!rc) rc = report_survey(c, &x->sc, 0, r->survey);
  return rc;
}

static rcode export_tx(call *c, void *arg)
{
  inspection *x = arg;
  rcode rc = report_scope_resolve(c, x->in->scope, &x->sc);
  if (!rc) rc = report_scope_check_access(c, &x->sc);
  if (rc) return rc;
  x->r->scope = report_scope_wire(c, &x->sc);
  x->r->generated_by = arena_strdup(c->a, c->who->username);
  if (!x->r->scope || !x->r->generated_by) return RC_EXHAUSTED;
  x->r->generated_at = c->now;
  rc = reports_build(c, x);
  if (!rc) rc = index_build(c, x);
  if (!rc) rc = sample_build(c, x);
  if (rc) return rc;
  char detail[80];
  int n = snprintf(detail, sizeof detail, "from=%s;to=%s;sample=%zu", x->sc.from, x->sc.to, x->r->n_sample);
  if (x->r->n_sample_omitted && n > 0 && (size_t)n < sizeof detail)
    snprintf(detail + n, sizeof detail - (size_t)n, ";omitted=%zu", x->r->n_sample_omitted);
  return store_audit_append_id(call_store(c), "inspection.export", "team", x->sc.team_id, detail);
}

rcode ops_export_inspection(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__ExportInspectionRequest *in = req->export_inspection;
  if (!in) return call_fail(c, RC_INVALID, "export_inspection", "missing export_inspection");
  if (in->sample > INSPECTION_SAMPLE_MAX)
    return call_fail(c, RC_INVALID, "sample", "a sample is at most %d records (asked for %u)", INSPECTION_SAMPLE_MAX,
                     in->sample);
  inspection x = {.in = in, .want = in->sample ? in->sample : INSPECTION_SAMPLE_DEFAULT};
  x.r = arena_alloc(c->a, sizeof *x.r);
  if (!x.r) return RC_EXHAUSTED;
  reflect__v1__export_inspection_reply__init(x.r);
  rcode rc = call_write(c, "export the inspection evidence", export_tx, &x);
  if (rc) return rc;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_EXPORT_INSPECTION;
  c->rep->export_inspection = x.r;
  return RC_OK;
}
