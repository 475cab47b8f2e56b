/* call: a request's context on a real data directory. The first described
 * failure is the one the client sees; call_write commits what succeeds and
 * leaves nothing of what fails; an audited read commits its own row; and
 * call_store always hands the store the call's current fields. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <string.h>

#include "call.h"
#include "fixture.h"
#include "store_audit.h"

#define T0 1800000000

static fixture f;
static keyring ring;
static arena a;
static principal who = {.authenticated = 1, .user_id = 1, .role = ROLE_ADMINISTRATOR};
static Reflect__V1__Reply rep = REFLECT__V1__REPLY__INIT;
static Reflect__V1__Status status = REFLECT__V1__STATUS__INIT;

static void setup(void)
{
  fixture_open(&f);
  reflect__v1__status__init(&status);
  rep.status = &status;
}

static void teardown(void)
{
  arena_reset(&a);
  keyring_clear(&ring);
  fixture_close(&f);
}

static call make_call(void)
{
  return (call){.s = &f.s, .who = &who, .a = &a, .ring = &ring, .rep = &rep, .now = T0};
}

static int64_t audit_rows(const char *object)
{
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db_handle(f.db), "SELECT count(*) FROM audit WHERE object = ?1", -1, &st, NULL),
               SQLITE_OK);
  sqlite3_bind_text(st, 1, object, -1, SQLITE_STATIC);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

TestSuite(call, .init = setup, .fini = teardown);

Test(call, the_first_described_failure_is_the_one_the_client_sees)
{
  call c = make_call();
  cr_assert_eq(call_fail(&c, RC_NOT_FOUND, "session_id", "no session %d", 7), RC_NOT_FOUND);
  cr_assert_eq(call_fail(&c, RC_INTERNAL, NULL, "unwinding"), RC_INTERNAL, "a later failure still returns its code");
  cr_assert_eq(status.code, REFLECT__V1__CODE__NOT_FOUND);
  cr_assert_str_eq(status.message, "no session 7");
  cr_assert_str_eq(status.field, "session_id");
}

Test(call, check_text_refuses_empty_blank_and_long_values)
{
  call c = make_call();
  cr_assert_eq(call_check_text(&c, "name", "Sam", 8), RC_OK);
  cr_assert_eq(call_check_text(&c, "name", " \t\r\n", 8), RC_INVALID);
  cr_assert_str_eq(status.message, "name is required");
  reflect__v1__status__init(&status);
  cr_assert_eq(call_check_text(&c, "name", "123456789", 8), RC_INVALID);
  cr_assert_str_eq(status.message, "name may have at most 8 bytes");
}

static rcode audit_then(call *c, void *arg)
{
  rcode rc = store_audit_append(call_store(c), "test.write", "test:1", "");
  return rc ? rc : *(rcode *)arg;
}

Test(call, a_write_commits_on_success_and_leaves_nothing_on_failure)
{
  call c = make_call();
  rcode fail = RC_PRECONDITION;
  cr_assert_eq(call_write(&c, "write the test row", audit_then, &fail), RC_PRECONDITION);
  cr_assert_eq(audit_rows("test:1"), 0, "rolled back");
  cr_assert_str_eq(status.message, "could not write the test row", "an undescribed failure gets the what");
  cr_assert(sqlite3_get_autocommit(db_handle(f.db)), "no transaction is left open");

  reflect__v1__status__init(&status);
  rcode ok = RC_OK;
  cr_assert_eq(call_write(&c, "write the test row", audit_then, &ok), RC_OK);
  cr_assert_eq(audit_rows("test:1"), 1, "committed");
  cr_assert_eq(status.code, REFLECT__V1__CODE__OK);
}

Test(call, an_audited_read_commits_its_own_row)
{
  call c = make_call();
  cr_assert_eq(call_audit_read(&c, "record.read", "session", 5, ""), RC_OK);
  cr_assert_eq(audit_rows("session:5"), 1, "committed: visible outside any transaction");
}

Test(call, the_store_sees_the_calls_current_fields)
{
  call c = make_call();
  store_ctx *sc = call_store(&c);
  cr_assert_eq(sc->db, f.s.db);
  cr_assert_eq(sc->now, T0);
  cr_assert_eq(sc->who->user_id, 1);
  arena other = {0};
  principal someone = {.authenticated = 1, .user_id = 9, .role = ROLE_PRACTITIONER};
  c.a = &other;
  c.who = &someone;
  c.now = T0 + 60;
  sc = call_store(&c);
  cr_assert_eq(sc->a, &other);
  cr_assert_eq(sc->who->user_id, 9);
  cr_assert_eq(sc->now, T0 + 60);
}
