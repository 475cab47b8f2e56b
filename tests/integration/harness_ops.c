/* The requests integration tests share. See harness_ops.h. */
#include "harness_ops.h"

#include <criterion/criterion.h>

#include "harness.h"

Reflect__V1__Reply *harness_ok(client *c, Reflect__V1__Request *req)
{
  Reflect__V1__Reply *rep = harness_call(c, req);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "op %d: %s", req->op_case, rep->status->message);
  return rep;
}

uint64_t harness_agreement(client *sup, client *see, const char *supervisee, uint32_t every_days, const char *starts_on,
                           int sign)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__AgreementAddRequest add = REFLECT__V1__AGREEMENT_ADD_REQUEST__INIT;
  add.supervisee = (char *)supervisee;
  add.every_days = every_days;
  add.minutes = 60;
  if (starts_on) add.starts_on = (char *)starts_on;
  req.op_case = REFLECT__V1__REQUEST__OP_AGREEMENT_ADD;
  req.agreement_add = &add;
  Reflect__V1__Reply *rep = harness_ok(sup, &req);
  uint64_t id = rep->agreement_add->id;
  wire_free_reply(rep);
  if (sign) harness_sign_agreement(see, id);
  return id;
}

void harness_sign_agreement(client *see, uint64_t id)
{
  Reflect__V1__AgreementSignRequest sign = REFLECT__V1__AGREEMENT_SIGN_REQUEST__INIT;
  sign.agreement_id = id;
  HARNESS_CALL(see, AGREEMENT_SIGN, agreement_sign, sign);
}

uint64_t harness_book(client *sup, const char *const *members, size_t n, int64_t starts_at, uint32_t minutes,
                      const char *room)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionAddRequest add = REFLECT__V1__SESSION_ADD_REQUEST__INIT;
  add.members = (char **)members;
  add.n_members = n;
  add.starts_at = starts_at;
  add.minutes = minutes;
  if (room) add.room = (char *)room;
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_ADD;
  req.session_add = &add;
  Reflect__V1__Reply *rep = harness_ok(sup, &req);
  uint64_t id = rep->session_add->id;
  wire_free_reply(rep);
  return id;
}

void harness_reschedule(client *sup, uint64_t id, int64_t starts_at, const char *reason)
{
  Reflect__V1__SessionRescheduleRequest m = REFLECT__V1__SESSION_RESCHEDULE_REQUEST__INIT;
  m.session_id = id;
  m.starts_at = starts_at;
  if (reason) m.reason = (char *)reason;
  HARNESS_CALL(sup, SESSION_RESCHEDULE, session_reschedule, m);
}

void harness_set_status(client *sup, uint64_t id, Reflect__V1__SessionStatus status, const char *reason)
{
  Reflect__V1__SessionStatusRequest m = REFLECT__V1__SESSION_STATUS_REQUEST__INIT;
  m.session_id = id;
  m.status = status;
  if (reason) m.reason = (char *)reason;
  HARNESS_CALL(sup, SESSION_STATUS, session_status, m);
}

uint64_t harness_add_action(client *sup, uint64_t session, const char *owner, const char *description,
                            const char *evidence_needed, int64_t due_at, uint64_t case_id)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__ActionAddRequest add = REFLECT__V1__ACTION_ADD_REQUEST__INIT;
  add.session_id = session;
  add.owner = (char *)owner;
  add.description = (char *)description;
  if (evidence_needed) add.evidence_needed = (char *)evidence_needed;
  add.due_at = due_at;
  add.case_id = case_id;
  req.op_case = REFLECT__V1__REQUEST__OP_ACTION_ADD;
  req.action_add = &add;
  Reflect__V1__Reply *rep = harness_ok(sup, &req);
  uint64_t id = rep->action_add->id;
  wire_free_reply(rep);
  return id;
}

void harness_close_action(client *c, uint64_t id, Reflect__V1__ActionStatus status, const char *evidence)
{
  Reflect__V1__ActionCloseRequest x = REFLECT__V1__ACTION_CLOSE_REQUEST__INIT;
  x.id = id;
  x.status = status;
  if (evidence) x.evidence = (char *)evidence;
  HARNESS_CALL(c, ACTION_CLOSE, action_close, x);
}

Reflect__V1__Reply *harness_events_since(client *c, uint64_t after, uint32_t limit)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__EventsSinceRequest since = REFLECT__V1__EVENTS_SINCE_REQUEST__INIT;
  since.after = after;
  since.limit = limit;
  req.op_case = REFLECT__V1__REQUEST__OP_EVENTS_SINCE;
  req.events_since = &since;
  Reflect__V1__Reply *rep = harness_ok(c, &req);
  cr_assert_eq(rep->result_case, REFLECT__V1__REPLY__RESULT_EVENTS_SINCE);
  return rep;
}
