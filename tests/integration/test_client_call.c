/* client_call: libreflect's typed calls. Every request in reflect.proto has
 * one (but login and logout, which keep the token), with the result type
 * the proto gives it; against a real reflectd a typed call hands back its
 * own result, a refused one its Status and no result. */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"
#include "reflect/client_call.h"

typedef struct {
  const char *name, *result;
} typed;

#define CLIENT_CALL_ROW(name, OP, Req, Res) {#name, #Res},
static const typed calls[] = {CLIENT_CALLS(CLIENT_CALL_ROW)};
#undef CLIENT_CALL_ROW
#define N_CALLS (sizeof calls / sizeof calls[0])

static const typed *find(const char *name)
{
  for (size_t i = 0; i < N_CALLS; i++)
    if (strcmp(calls[i].name, name) == 0) return &calls[i];
  return NULL;
}

Test(client_call, every_request_in_the_proto_has_a_typed_call_with_its_result_type)
{
  const ProtobufCMessageDescriptor *rq = &reflect__v1__request__descriptor;
  const ProtobufCMessageDescriptor *rp = &reflect__v1__reply__descriptor;
  size_t ops = 0;
  for (unsigned i = 0; i < rq->n_fields; i++) {
    const ProtobufCFieldDescriptor *f = &rq->fields[i];
    if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)) continue;
    ops++;
    if (strcmp(f->name, "login") == 0 || strcmp(f->name, "logout") == 0) {
      cr_expect_null(find(f->name), "%s keeps the token: client_login/client_logout, not a typed call", f->name);
      continue;
    }
    const typed *t = find(f->name);
    cr_expect_not_null(t, "request %s has no typed call: add it to CLIENT_CALLS", f->name);
    const ProtobufCFieldDescriptor *r = protobuf_c_message_descriptor_get_field_by_name(rp, f->name);
    cr_expect_not_null(r, "request %s has no result in Reply", f->name);
    if (t && r)
      cr_expect_str_eq(((const ProtobufCMessageDescriptor *)r->descriptor)->short_name, t->result,
                       "client_call_%s's result type", f->name);
  }
  cr_expect_eq(N_CALLS, ops - 2, "CLIENT_CALLS has %zu calls for %zu requests (less login, logout)", N_CALLS, ops);
}

static harness_server h;

static void start(void)
{
  harness_start(&h);
}

static void stop(void)
{
  cr_expect_eq(harness_stop(&h), 0, "reflectd exited cleanly");
  harness_cleanup(&h);
}

Test(client_call, a_typed_call_returns_its_result_and_a_refused_one_its_status, .init = start, .fini = stop)
{
  client *admin = harness_user(&h, "admin");
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__WhoAmIReply *me = NULL;
  Reflect__V1__WhoAmIRequest who = REFLECT__V1__WHO_AM_IREQUEST__INIT;
  cr_assert_eq(client_call_whoami(admin, &who, &rep, &me), CLIENT_OK);
  cr_assert_not_null(me);
  cr_assert_eq(me, rep->whoami, "the result is inside the reply");
  cr_assert_str_eq(me->user->username, "admin");
  cr_assert_eq(client_reply_code(rep), 0);
  client_free_reply(rep);

  harness_add_user(admin, "pat", "Pat Practitioner", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  Reflect__V1__UserListRequest list = REFLECT__V1__USER_LIST_REQUEST__INIT;
  Reflect__V1__UserListReply *users = NULL;
  cr_assert_eq(client_call_user_list(admin, &list, &rep, &users), CLIENT_OK);
  cr_assert_not_null(users);
  int found = 0;
  for (size_t i = 0; i < users->n_users; i++) found |= strcmp(users->users[i]->username, "pat") == 0;
  cr_assert(found, "the new user is listed");
  client_free_reply(rep);

  /* A practitioner may not list accounts: the call works, the server says no. */
  client *pat = harness_user(&h, "pat");
  users = (Reflect__V1__UserListReply *)&list; /* must be cleared */
  cr_assert_eq(client_call_user_list(pat, &list, &rep, &users), CLIENT_OK);
  cr_assert_null(users);
  cr_assert_eq(client_reply_code(rep), REFLECT__V1__CODE__PERMISSION_DENIED);
  cr_assert_neq(client_reply_message(rep)[0], '\0', "the refusal says why");
  client_free_reply(rep);

  /* Without a result pointer the reply alone comes back. */
  cr_assert_eq(client_call_whoami(pat, &who, &rep, NULL), CLIENT_OK);
  cr_assert_str_eq(rep->whoami->user->username, "pat");
  client_free_reply(rep);
  client_close(pat);
  client_close(admin);
}
