/* AuditList: who read or changed a session's record or a case, and when,
 * for a manager overseeing the people concerned through a team; or what
 * administrators did to the accounts and teams the manager oversees. The log
 * holds identifiers only, never content; a missing object and a forbidden
 * one are refused alike so ids cannot be probed. */
#include "ops.h"
#include "session_rules.h"
#include "store_audit_list.h"
#include "store_cases.h"
#include "store_sessions.h"
#include "store_teams.h"
#include "wire.h"

#define AUDIT_LIMIT_DEFAULT 500
#define AUDIT_LIMIT_MAX 5000
/* A reply is one frame (1 MiB): stop early rather than fail to send. */
#define AUDIT_LIST_BYTES_MAX (768u * 1024)

/* The words of ops_case_people_find_case's refusal, so a case that exists but is not
 * overseen reads exactly like one that does not. */
static rcode refuse(call *c, const char *field)
{
  return call_fail(c, RC_DENIED, field, "that %s does not exist or you cannot see it",
                   field[0] == 's' ? "session" : "case");
}

/* A session's audit: a manager overseeing its supervisor or a member. */
static rcode check_session(call *c, uint64_t id)
{
  if (id > INT64_MAX) return refuse(c, "session_id");
  session_row s;
  int rc = store_sessions_get(c->s->db, (int64_t)id, &s);
  if (rc == RC_NOT_FOUND) return refuse(c, "session_id");
  if (rc) return call_fail(c, RC_INTERNAL, NULL, "could not look the session up");
  int yes = 0;
  if (store_teams_oversees_session(c->s->db, c->who->user_id, &s, &yes)) return RC_INTERNAL;
  return yes ? RC_OK : refuse(c, "session_id");
}

/* A case's audit: a manager overseeing its allocated worker. Shredded
 * cases stay listable: the log names no content, and says when it went. */
static rcode check_case(call *c, uint64_t id, const char *reference, int64_t *case_id)
{
  case_row k;
  rcode rc = ops_case_people_find_case(c, id, reference, &k);
  if (rc) return rc;
  int yes = 0;
  if (store_teams_oversees(c->s->db, c->who->user_id, k.allocated_id, &yes)) return RC_INTERNAL;
  if (!yes) return refuse(c, "case_id");
  *case_id = k.id;
  return RC_OK;
}

static rcode check_window(call *c, const Reflect__V1__AuditListRequest *in, audit_query *q)
{
  rcode rc = RC_OK;
  if (in->from && (rc = session_rules_check_time(c, "from", in->from))) return rc;
  if (in->to && (rc = session_rules_check_time(c, "to", in->to))) return rc;
  q->from = in->from ? in->from : 0;
  q->to = in->to ? in->to : INT64_MAX;
  if (q->from > q->to) return call_fail(c, RC_INVALID, "to", "the period ends before it starts");
  if (in->limit > AUDIT_LIMIT_MAX)
    return call_fail(c, RC_INVALID, "limit", "at most %d entries at a time", AUDIT_LIMIT_MAX);
  q->limit = in->limit ? in->limit : AUDIT_LIMIT_DEFAULT;
  return RC_OK;
}

/* The entry as sent, sharing e's strings. A role number the wire does not
 * name (none the schema lets in) is sent as no role rather than crash. */
static void entry_message(const audit_entry *e, Reflect__V1__AuditEntry *m)
{
  reflect__v1__audit_entry__init(m);
  const char *role = e->role ? wire_role_name((Reflect__V1__Role)e->role) : "";
  m->id = (uint64_t)e->id;
  m->at = e->at;
  m->who = e->who;
  m->role = (char *)(role ? role : "");
  m->device = e->device;
  m->action = e->action;
  m->object = e->object;
  m->detail = e->detail;
}

/* What an entry adds to the reply: its encoding and room for its tag and
 * length in the list. */
static size_t entry_cost(const audit_entry *e)
{
  Reflect__V1__AuditEntry m;
  entry_message(e, &m);
  return protobuf_c_message_get_packed_size(&m.base) + 8;
}

rcode ops_audit_list(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__AuditListRequest *in = req->audit_list;
  if (!in) return call_fail(c, RC_INVALID, "audit_list", "missing audit_list");
  int by_case = in->case_id || (in->reference && *in->reference);
  if ((in->session_id != 0) + by_case + (in->administrative != 0) != 1)
    return call_fail(c, RC_INVALID, "session_id",
                     "name exactly one session or one case, or ask for administrative actions");
  audit_query q = {.cost = entry_cost, .budget = AUDIT_LIST_BYTES_MAX};
  rcode rc = check_window(c, in, &q);
  if (rc) return rc;
  if (in->administrative) {
    q.admin_for = c->who->user_id; /* only ever about the caller's own teams */
  } else if (in->session_id) {
    rc = check_session(c, in->session_id);
    q.session_id = (int64_t)in->session_id;
  } else {
    rc = check_case(c, in->case_id, in->reference, &q.case_id);
  }
  if (rc) return rc;
  Reflect__V1__AuditListReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__audit_list_reply__init(r);
  int truncated = 0;
  audit_entry *entries;
  size_t n = 0;
  rc = store_audit_list(call_store(c), &q, &entries, &n, &truncated);
  if (!rc && !(r->entries = arena_alloc(c->a, sizeof *r->entries * (n ? n : 1)))) rc = RC_EXHAUSTED;
  for (size_t i = 0; !rc && i < n; i++) {
    if (!(r->entries[i] = arena_alloc(c->a, sizeof *r->entries[i]))) rc = RC_EXHAUSTED;
    else entry_message(&entries[i], r->entries[i]);
  }
  if (rc) return call_fail(c, rc, NULL, "could not read the audit log");
  r->n_entries = n;
  r->truncated = truncated;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_AUDIT_LIST;
  c->rep->audit_list = r;
  return RC_OK;
}
