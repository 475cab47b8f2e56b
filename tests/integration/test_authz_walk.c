/* Walks the authorisation table against a real server: every request type,
 * every role. A role the table does not allow gets PERMISSION_DENIED; a
 * call without a login gets UNAUTHENTICATED; an allowed role gets neither. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "requests.h"
#include "harness.h"
#include "wire.h"

static const Reflect__V1__Role roles[] = {REFLECT__V1__ROLE__ROLE_ADMINISTRATOR, REFLECT__V1__ROLE__ROLE_MANAGER,
                                          REFLECT__V1__ROLE__ROLE_SUPERVISOR, REFLECT__V1__ROLE__ROLE_PRACTITIONER,
                                          REFLECT__V1__ROLE__ROLE_INSPECTOR};

/* A request whose op is `op` with an empty sub-message, built from the
 * descriptors so that a new op is walked without editing this test. */
static Reflect__V1__Request *request_for(Reflect__V1__Request__OpCase op, void **sub)
{
  const ProtobufCFieldDescriptor *f =
      protobuf_c_message_descriptor_get_field(&reflect__v1__request__descriptor, (unsigned)op);
  cr_assert_not_null(f, "op %d is not a Request field", op);
  const ProtobufCMessageDescriptor *d = f->descriptor;
  *sub = calloc(1, d->sizeof_message);
  protobuf_c_message_init(d, *sub);
  Reflect__V1__Request *req = calloc(1, sizeof *req);
  reflect__v1__request__init(req);
  memcpy((char *)req + f->offset, sub, sizeof *sub);
  uint32_t which = (uint32_t)op;
  memcpy((char *)req + f->quantifier_offset, &which, sizeof which);
  return req;
}

static Reflect__V1__Code send_op(client *c, Reflect__V1__Request__OpCase op, char *msg, size_t msg_size)
{
  void *sub;
  Reflect__V1__Request *req = request_for(op, &sub);
  Reflect__V1__Reply *rep = harness_call(c, req);
  Reflect__V1__Code code = rep->status->code;
  snprintf(msg, msg_size, "%s", rep->status->message);
  if (code != REFLECT__V1__CODE__OK)
    cr_assert_eq(rep->result_case, REFLECT__V1__REPLY__RESULT__NOT_SET, "a refused reply carried a result");
  wire_free_reply(rep);
  free(sub);
  free(req);
  return code;
}

Test(authz_walk, every_op_every_role, .timeout = 240)
{
  harness_server h;
  harness_start(&h);
  client *admin = harness_user(&h, "admin");
  const char *names[] = {"admin", "mgr", "sup", "prac", "insp"};
  for (int i = 1; i < 5; i++) harness_add_user(admin, names[i], "Walk User", roles[i]);
  client *as[5] = {admin};
  for (int i = 1; i < 5; i++) as[i] = harness_user(&h, names[i]);
  client *anon = harness_device(&h);

  size_t n;
  const request_rule *table = requests_table(&n);
  int denied = 0, unauth = 0;
  char msg[512];
  for (size_t k = 0; k < n; k++) {
    const request_rule *r = &table[k];
    if (!(r->allow & REQUEST_PUBLIC)) {
      Reflect__V1__Code code = send_op(anon, r->op, msg, sizeof msg);
      cr_expect_eq(code, REFLECT__V1__CODE__UNAUTHENTICATED, "anonymous %s got %s", r->name, wire_code_name(code));
      unauth++;
    }
    for (int i = 0; i < 5; i++) {
      int allowed = requests_allow(r, (user_role)roles[i]);
      if (allowed && r->op == REFLECT__V1__REQUEST__OP_LOGOUT) continue; /* would end the walk */
      Reflect__V1__Code code = send_op(as[i], r->op, msg, sizeof msg);
      if (allowed) {
        cr_expect_neq(code, REFLECT__V1__CODE__PERMISSION_DENIED, "%s refused '%s': %s", names[i], r->name, msg);
        /* A public op (an empty login) may fail authentication on its own terms. */
        if (!(r->allow & REQUEST_PUBLIC))
          cr_expect_neq(code, REFLECT__V1__CODE__UNAUTHENTICATED, "%s unauthenticated for '%s'", names[i], r->name);
      } else {
        cr_expect_eq(code, REFLECT__V1__CODE__PERMISSION_DENIED, "%s may not '%s' but got %s (%s)", names[i], r->name,
                     wire_code_name(code), msg);
        denied++;
      }
    }
  }
  cr_log_info("authz walk: %zu ops, %d role refusals, %d unauthenticated refusals", n, denied, unauth);
  cr_assert_gt(denied, 20);
  for (int i = 0; i < 5; i++) client_close(as[i]);
  client_close(anon);
  cr_assert_eq(harness_stop(&h), 0, "reflectd did not exit cleanly");
  harness_cleanup(&h);
}

Test(authz_walk, every_request_type_has_a_rule)
{
  /* Deny by default is only safe if nothing slips past the table unnoticed. */
  const ProtobufCMessageDescriptor *d = &reflect__v1__request__descriptor;
  int ops = 0;
  for (unsigned i = 0; i < d->n_fields; i++) {
    const ProtobufCFieldDescriptor *f = &d->fields[i];
    if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)) continue;
    cr_expect_not_null(requests_find((Reflect__V1__Request__OpCase)f->id), "op '%s' has no row in the request table",
                       f->name);
    ops++;
  }
  cr_assert_gt(ops, 10);
  cr_assert_null(requests_find(REFLECT__V1__REQUEST__OP__NOT_SET));
}
