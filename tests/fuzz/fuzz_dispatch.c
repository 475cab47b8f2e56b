/*
 * libFuzzer target: one untrusted frame through decode, authentication,
 * the authz table and every handler, against a real data directory.
 *
 * Set-up (once): `reflectd init` on a temporary directory, one account per
 * role, and a login token per role bound to the fuzzer's device, so inputs
 * that carry token k (32 bytes of value k, k = 1..5) reach the handlers as
 * that role. Seeds (tests/fuzz/seeds.c) carry those tokens.
 *
 * Every input must produce a reply that decodes, echoes the request id when
 * the request decoded, and carries no result unless the status is OK.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "dispatch.h"
#include "fuzz_common.h"
#include "wire.h"

static fixture f;


static void die(const char *what)
{
  fprintf(stderr, "fuzz set-up failed: %s\n", what);
  abort();
}

/* Sends req as the administrator; the set-up dies unless it succeeds. */
static void admin_call(Reflect__V1__Request *req, const char *what)
{
  uint8_t token[32];
  fuzz_token(REFLECT__V1__ROLE__ROLE_ADMINISTRATOR, token);
  req->protocol = WIRE_PROTOCOL;
  req->token.data = token;
  req->token.len = sizeof token;
  uint8_t *in, *out;
  size_t in_len, out_len;
  if (wire_encode(&req->base, &in, &in_len)) die("encode");
  if (dispatch_frame(&f.s, FUZZ_DEVICE, in, in_len, 1, &out, &out_len, NULL) != DISPATCH_REPLY) die(what);
  Reflect__V1__Reply *rep = NULL;
  if (wire_decode_reply(out, out_len, &rep) || !rep->status || rep->status->code != REFLECT__V1__CODE__OK) die(what);
  wire_free_reply(rep);
  free(in);
  free(out);
}

static void add_user(const char *name, Reflect__V1__Role role)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__UserAddRequest add = REFLECT__V1__USER_ADD_REQUEST__INIT;
  add.username = (char *)name;
  add.name = "Fuzz User";
  add.role = role;
  add.password = "fuzz-password-long";
  /* An inspector's account must expire. */
  if (role == REFLECT__V1__ROLE__ROLE_INSPECTOR) add.expires_at = (int64_t)time(NULL) + 300 * 86400;
  req.op_case = REFLECT__V1__REQUEST__OP_USER_ADD;
  req.user_add = &add;
  admin_call(&req, "user add");
}

/* Team North: mgr manages sup and prac, and insp is granted it, so the
 * report and export handlers get past their access checks. */
static void add_team(void)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__TeamAddRequest team = REFLECT__V1__TEAM_ADD_REQUEST__INIT;
  team.name = "North";
  req.op_case = REFLECT__V1__REQUEST__OP_TEAM_ADD;
  req.team_add = &team;
  admin_call(&req, "team add");
  const char *members[] = {"mgr", "sup", "prac"};
  for (int i = 0; i < 3; i++) {
    Reflect__V1__TeamMemberRequest m = REFLECT__V1__TEAM_MEMBER_REQUEST__INIT;
    m.team = "North";
    m.username = (char *)members[i];
    m.manager = i == 0;
    req.op_case = REFLECT__V1__REQUEST__OP_TEAM_MEMBER;
    req.team_member = &m;
    admin_call(&req, "team member");
  }
  Reflect__V1__InspectorGrantRequest g = REFLECT__V1__INSPECTOR_GRANT_REQUEST__INIT;
  g.inspector = "insp";
  g.team = "North";
  req.op_case = REFLECT__V1__REQUEST__OP_INSPECTOR_GRANT;
  req.inspector_grant = &g;
  admin_call(&req, "inspector grant");
}

static void add_token(int64_t user_id, Reflect__V1__Role role)
{
  uint8_t token[32];
  fuzz_token(role, token);
  int64_t now = (int64_t)time(NULL);
  fixture_token(&f, user_id, token, FUZZ_DEVICE, now, now + 365 * 86400);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  fixture_open(&f);
  add_token(1, REFLECT__V1__ROLE__ROLE_ADMINISTRATOR);
  const char *names[] = {NULL, NULL, "mgr", "sup", "prac", "insp"};
  for (int role = 2; role <= 5; role++) add_user(names[role], (Reflect__V1__Role)role);
  /* They have chosen their own passwords, or every request of theirs
   * would stop at "change it first" and the handlers go unfuzzed. */
  if (sqlite3_exec(db_handle(f.db), "UPDATE users SET must_change_password = 0", NULL, NULL, NULL) != SQLITE_OK)
    die("clear must_change_password");
  for (int role = 2; role <= 5; role++) add_token(role, (Reflect__V1__Role)role);
  add_team();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t *out = NULL;
  size_t out_len = 0;
  int rc = dispatch_frame(&f.s, FUZZ_DEVICE, data, size, 1, &out, &out_len, NULL);
  if (rc != DISPATCH_REPLY || !out) abort();
  Reflect__V1__Reply *rep;
  if (wire_decode_reply(out, out_len, &rep) != WIRE_OK) abort();
  if (!rep->status) abort();
  if (rep->status->code != REFLECT__V1__CODE__OK && rep->result_case != REFLECT__V1__REPLY__RESULT__NOT_SET) abort();
  Reflect__V1__Request *req;
  if (wire_decode_request(data, size, &req, NULL) == WIRE_OK) {
    if (rep->id != req->id) abort();
    wire_free_request(req);
  } else if (rep->id != 0 || rep->status->code != REFLECT__V1__CODE__INVALID_ARGUMENT) {
    abort(); /* what cannot be decoded is answered INVALID_ARGUMENT with id 0 */
  }
  wire_free_reply(rep);
  free(out);
  return 0;
}
