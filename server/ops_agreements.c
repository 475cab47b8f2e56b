/* Supervision agreements: made by the supervisor, signed by the supervisee. */
#include <stdio.h>
#include <string.h>

#include "ops.h"
#include "store_agreements.h"
#include "store_audit.h"
#include "wire.h"

static void reply_agreement_id(call *c, int64_t id)
{
  Reflect__V1__AgreementAddReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return;
  reflect__v1__agreement_add_reply__init(r);
  r->id = (uint64_t)id;
  c->rep->agreement_add = r;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_AGREEMENT_ADD;
}

typedef struct {
  const Reflect__V1__AgreementAddRequest *in;
  int64_t supervisee;
  int64_t id;
} agreement_add;

static rcode agreement_add_write(call *c, void *arg)
{
  agreement_add *a = arg;
  rcode rc = (rcode)store_agreements_add(c, c->who->user_id, a->supervisee, a->in->every_days,
                                         a->in->minutes, &a->id);
  if (rc) return rc;
  return (rcode)store_audit_append_id(c, "agreement.add", "agreement", a->id, "");
}

rcode ops_agreement_add(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__AgreementAddRequest *in = req->agreement_add;
  if (!in) return call_fail(c, RC_INVALID, "agreement_add", "missing agreement_add");
  user_row u;
  rcode rc = ops_find_active_user(c, "supervisee", in->supervisee, &u);
  if (!rc) rc = ops_check_supervisee(c, "supervisee", &u);
  if (!rc && (in->every_days < 1 || in->every_days > 366))
    rc = call_fail(c, RC_INVALID, "every_days", "every_days must be between 1 and 366");
  if (!rc) rc = ops_check_minutes(c, in->minutes);
  if (rc) return rc;
  int64_t existing;
  int found = store_agreements_find(c->s->db, c->who->user_id, u.id, &existing);
  if (found == RC_OK)
    return call_fail(c, RC_EXISTS, "supervisee", "you already have an agreement with '%s' (agreement %lld)",
                     u.username, (long long)existing);
  if (found != RC_NOT_FOUND) return call_fail(c, RC_INTERNAL, NULL, "could not read agreements");
  agreement_add a = {in, u.id, 0};
  rc = call_write(c, "make the agreement", agreement_add_write, &a);
  if (!rc) reply_agreement_id(c, a.id);
  return rc;
}

static rcode agreement_sign_tx(call *c, void *arg)
{
  int64_t id = *(int64_t *)arg;
  rcode rc = (rcode)store_agreements_sign(c, id);
  if (rc == RC_NOT_FOUND)
    return call_fail(c, RC_DENIED, "agreement_id", "agreement %lld does not exist or is not yours to sign", (long long)id);
  if (rc == RC_EXISTS) return call_fail(c, rc, "agreement_id", "you have already signed agreement %lld", (long long)id);
  if (!rc) rc = (rcode)store_audit_append_id(c, "agreement.sign", "agreement", id, "");
  return rc;
}

rcode ops_agreement_sign(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__AgreementSignRequest *in = req->agreement_sign;
  if (!in) return call_fail(c, RC_INVALID, "agreement_sign", "missing agreement_sign");
  if (in->agreement_id == 0 || in->agreement_id > INT64_MAX)
    return call_fail(c, RC_INVALID, "agreement_id", "an agreement id is required");
  int64_t id = (int64_t)in->agreement_id;
  rcode rc = call_write(c, "sign the agreement", agreement_sign_tx, &id);
  if (rc) return rc;
  Reflect__V1__AgreementSignReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__agreement_sign_reply__init(r);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_AGREEMENT_SIGN;
  c->rep->agreement_sign = r;
  return RC_OK;
}

rcode ops_agreement_list(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  Reflect__V1__AgreementListReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__agreement_list_reply__init(r);
  rcode rc = (rcode)store_agreements_list(c, c->who->user_id, &r->agreements, &r->n_agreements);
  if (rc) return call_fail(c, rc, NULL, "could not list agreements");
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_AGREEMENT_LIST;
  c->rep->agreement_list = r;
  return RC_OK;
}
