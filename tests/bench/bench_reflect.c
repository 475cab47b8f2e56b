/* The reflectd workload: fixture and drivers; see bench_reflect.h. */
#include "bench_reflect.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wire.h"

#define DAY 86400
#define MAX_REPORTED_ERRORS 5

static atomic_int reported = 0;

static void drop(Reflect__V1__Reply *rep)
{
  if (rep) wire_free_reply(rep);
}

/* Checks the transport and the status; prints the first few failures. */
static int check(const char *what, int rc, const Reflect__V1__Reply *rep)
{
  const char *why = NULL;
  if (rc != CLIENT_OK) why = client_strerror(rc);
  else if (!rep || !rep->status) why = "no status";
  else if (rep->status->code != REFLECT__V1__CODE__OK) why = rep->status->message;
  if (!why) return 0;
  if (atomic_fetch_add(&reported, 1) < MAX_REPORTED_ERRORS)
    fprintf(stderr, "bench: %s failed: %s%s%s\n", what,
            rc == CLIENT_OK && rep && rep->status ? wire_code_name(rep->status->code) : "", rc == CLIENT_OK ? " " : "",
            why);
  return -1;
}

static client *login_device(const bench_server *s, const char *user, const char *password)
{
  client *c = bench_server_device(s, BENCH_CALL_TIMEOUT_MS);
  Reflect__V1__Reply *rep = NULL;
  if (!c) return NULL;
  int rc = client_login(c, user, password, &rep);
  int bad = check("login", rc, rep);
  drop(rep);
  if (bad) {
    client_close(c);
    return NULL;
  }
  return c;
}

/* The administrator's password allows nothing but choosing one's own:
 * the person logs in once and does. */
#define BENCH_FIRST_PASSWORD "bench-first-password-from-admin"

static int add_user(const bench_server *s, client *admin, const char *username, const char *name,
                    Reflect__V1__Role role)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__UserAddRequest add = REFLECT__V1__USER_ADD_REQUEST__INIT;
  add.username = (char *)username;
  add.name = (char *)name;
  add.role = role;
  add.password = BENCH_FIRST_PASSWORD;
  req.op_case = REFLECT__V1__REQUEST__OP_USER_ADD;
  req.user_add = &add;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call(admin, &req, &rep);
  int bad = check("user add", rc, rep);
  drop(rep);
  if (bad) return bad;
  client *own = login_device(s, username, BENCH_FIRST_PASSWORD);
  if (!own) return -1;
  Reflect__V1__PasswordChangeRequest change = REFLECT__V1__PASSWORD_CHANGE_REQUEST__INIT;
  Reflect__V1__Request creq = REFLECT__V1__REQUEST__INIT;
  change.current_password = BENCH_FIRST_PASSWORD;
  change.new_password = BENCH_USER_PASSWORD;
  creq.op_case = REFLECT__V1__REQUEST__OP_PASSWORD_CHANGE;
  creq.password_change = &change;
  rep = NULL;
  rc = client_call(own, &creq, &rep);
  bad = check("password change", rc, rep);
  drop(rep);
  client_close(own);
  return bad;
}

/* Made by the supervisor, then signed by the supervisee: only a signed
 * agreement lets sessions be booked. */
static int add_agreement(const bench_server *s, client *sup, char *supervisee)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__AgreementAddRequest add = REFLECT__V1__AGREEMENT_ADD_REQUEST__INIT;
  add.supervisee = supervisee;
  add.every_days = 14;
  add.minutes = 90;
  req.op_case = REFLECT__V1__REQUEST__OP_AGREEMENT_ADD;
  req.agreement_add = &add;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call(sup, &req, &rep);
  int bad = check("agreement add", rc, rep);
  uint64_t id = !bad && rep->result_case == REFLECT__V1__REPLY__RESULT_AGREEMENT_ADD ? rep->agreement_add->id : 0;
  drop(rep);
  if (bad || !id) return -1;
  client *who = login_device(s, supervisee, BENCH_USER_PASSWORD);
  if (!who) return -1;
  Reflect__V1__AgreementSignRequest sign = REFLECT__V1__AGREEMENT_SIGN_REQUEST__INIT;
  Reflect__V1__Request sreq = REFLECT__V1__REQUEST__INIT;
  sign.agreement_id = id;
  sreq.op_case = REFLECT__V1__REQUEST__OP_AGREEMENT_SIGN;
  sreq.agreement_sign = &sign;
  rep = NULL;
  rc = client_call(who, &sreq, &rep);
  bad = check("agreement sign", rc, rep);
  drop(rep);
  client_close(who);
  return bad;
}

static int add_session(client *sup, char *member, int64_t starts_at, uint64_t *id)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionAddRequest add = REFLECT__V1__SESSION_ADD_REQUEST__INIT;
  char *members[1] = {member};
  add.members = members;
  add.n_members = 1;
  add.starts_at = starts_at;
  add.minutes = 90;
  add.room = "Room 4, second floor, Clinical Supervision Suite";
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_ADD;
  req.session_add = &add;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call(sup, &req, &rep);
  int bad = check("session add", rc, rep);
  if (!bad && rep->result_case == REFLECT__V1__REPLY__RESULT_SESSION_ADD) *id = rep->session_add->id;
  else bad = -1;
  drop(rep);
  return bad;
}

int bench_fixture_setup(bench_fixture *fx, const bench_server *s, int readers, int writers, int logins)
{
  memset(fx, 0, sizeof *fx);
  fx->srv = s;
  if (readers < 1 || readers > BENCH_MAX_CLIENTS || writers < 1 || writers > BENCH_MAX_CLIENTS || logins < 0 ||
      logins > BENCH_MAX_LOGINS)
    return -1;
  client *admin = login_device(s, "admin", BENCH_ADMIN_PASSWORD);
  if (!admin) return -1;
  int bad = add_user(s, admin, "sue", "Sue Supervisor", REFLECT__V1__ROLE__ROLE_SUPERVISOR) ||
            add_user(s, admin, "pat", "Pat Practitioner", REFLECT__V1__ROLE__ROLE_PRACTITIONER) ||
            add_user(s, admin, "max", "Max Practitioner", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  for (; !bad && fx->n_logins < logins; fx->n_logins++) {
    char name[24];
    snprintf(name, sizeof name, "login%d", fx->n_logins);
    bad = add_user(s, admin, name, "Morning Login", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  }
  client_close(admin);
  if (bad) return -1;
  client *sue = login_device(s, "sue", BENCH_USER_PASSWORD);
  if (!sue) return -1;
  int64_t now = (int64_t)time(NULL);
  uint64_t id;
  /* Booking a session needs a supervision agreement with its members. */
  bad = add_agreement(s, sue, "pat") || add_agreement(s, sue, "max");
  for (int i = 0; !bad && i < BENCH_LISTED; i++) bad = add_session(sue, "pat", now + (i + 1) * DAY, &id);
  /* A record is written only after its session: these are in the past,
   * three hours apart. */
  for (int k = 0; !bad && k < BENCH_WRITE_SESSIONS; k++)
    bad = add_session(sue, "max", now - (int64_t)(k + 1) * 3 * 3600, &fx->write_session[k]);
  client_close(sue);
  if (bad) return -1;
  for (; fx->n_readers < readers; fx->n_readers++)
    if (!(fx->readers[fx->n_readers] = login_device(s, "pat", BENCH_USER_PASSWORD))) return -1;
  for (; fx->n_writers < writers; fx->n_writers++)
    if (!(fx->writers[fx->n_writers] = login_device(s, "sue", BENCH_USER_PASSWORD))) return -1;
  return 0;
}

void bench_fixture_close(bench_fixture *fx)
{
  for (int i = 0; i < fx->n_readers; i++) client_close(fx->readers[i]);
  for (int i = 0; i < fx->n_writers; i++) client_close(fx->writers[i]);
  fx->n_readers = fx->n_writers = 0;
}

/* ---- read: session list --upcoming ------------------------------------- */

static void *read_open(void *arg, int index)
{
  bench_fixture *fx = arg;
  return index < fx->n_readers ? fx->readers[index] : NULL;
}

static int read_op(void *state)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionListRequest list = REFLECT__V1__SESSION_LIST_REQUEST__INIT;
  list.upcoming = 1;
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_LIST;
  req.session_list = &list;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call(state, &req, &rep);
  int bad = check("session list", rc, rep);
  if (!bad &&
      (rep->result_case != REFLECT__V1__REPLY__RESULT_SESSION_LIST || rep->session_list->n_sessions != BENCH_LISTED)) {
    if (atomic_fetch_add(&reported, 1) < MAX_REPORTED_ERRORS)
      fprintf(stderr, "bench: session list returned an unexpected reply\n");
    bad = -1;
  }
  drop(rep);
  return bad;
}

bench_driver bench_read_driver(bench_fixture *fx)
{
  return (bench_driver){read_open, read_op, NULL, fx};
}

/* ---- ping: the transport, broker and worker hop without any work -------- */

static int ping_op(void *state)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__PingRequest ping = REFLECT__V1__PING_REQUEST__INIT;
  req.op_case = REFLECT__V1__REQUEST__OP_PING;
  req.ping = &ping;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call(state, &req, &rep);
  int bad = check("ping", rc, rep);
  drop(rep);
  return bad;
}

bench_driver bench_ping_driver(bench_fixture *fx)
{
  return (bench_driver){read_open, ping_op, NULL, fx};
}

/* ---- write: record write with a reason ---------------------------------- */

typedef struct {
  client *c;
  bench_fixture *fx; /* whose sessions it takes in turn */
  uint64_t session;
  uint32_t revision; /* last revision this thread was told */
  char body[BENCH_BODY_BYTES + 1];
  char reason[64];
} writer;

static void *write_open(void *arg, int index)
{
  bench_fixture *fx = arg;
  if (index >= fx->n_writers) return NULL;
  writer *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->c = fx->writers[index];
  w->fx = fx;
  w->revision = BENCH_REVISIONS_PER_RECORD; /* takes a session at the first write */
  static const char words[] =
      "Discussed the client's progress since the last session; agreed to revisit the safety plan, "
      "reflected on countertransference in the Tuesday group, and set reading for next time. ";
  for (size_t i = 0; i < BENCH_BODY_BYTES; i++) w->body[i] = words[i % (sizeof words - 1)];
  w->body[BENCH_BODY_BYTES] = '\0';
  return w;
}

static int write_op(void *state)
{
  writer *w = state;
  if (w->revision == BENCH_REVISIONS_PER_RECORD) {
    int k = atomic_fetch_add(&w->fx->next_write_session, 1);
    if (k >= BENCH_WRITE_SESSIONS) {
      if (k == BENCH_WRITE_SESSIONS) fprintf(stderr, "bench: the writers used all %d sessions\n", BENCH_WRITE_SESSIONS);
      return -1;
    }
    w->session = w->fx->write_session[k];
    w->revision = 0;
  }
  /* A different body each revision: its first characters carry a counter. */
  char head[32];
  int n = snprintf(head, sizeof head, "Revision %010u. ", w->revision + 1);
  memcpy(w->body, head, (size_t)n);
  snprintf(w->reason, sizeof w->reason, "amendment %u: clarified the plan", w->revision + 1);
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RecordWriteRequest wr = REFLECT__V1__RECORD_WRITE_REQUEST__INIT;
  wr.session_id = w->session;
  wr.body = w->body;
  wr.reason = w->reason;
  req.op_case = REFLECT__V1__REQUEST__OP_RECORD_WRITE;
  req.record_write = &wr;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call(w->c, &req, &rep);
  int bad = check("record write", rc, rep);
  if (!bad) {
    if (rep->result_case == REFLECT__V1__REPLY__RESULT_RECORD_WRITE) w->revision = rep->record_write->revision;
    else bad = -1;
  }
  drop(rep);
  return bad;
}

bench_driver bench_write_driver(bench_fixture *fx)
{
  return (bench_driver){write_open, write_op, free, fx};
}

/* ---- login: Argon2id on the server's slow worker ------------------------ */

typedef struct {
  client *c;
  char user[24];
} login_state;

static void *login_open(void *arg, int index)
{
  bench_fixture *fx = arg;
  if (index >= fx->n_logins) return NULL;
  login_state *l = calloc(1, sizeof *l);
  if (!l) return NULL;
  snprintf(l->user, sizeof l->user, "login%d", index);
  l->c = bench_server_device(fx->srv, BENCH_CALL_TIMEOUT_MS);
  if (!l->c) {
    free(l);
    return NULL;
  }
  return l;
}

static int login_op(void *state)
{
  login_state *l = state;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_login(l->c, l->user, BENCH_USER_PASSWORD, &rep);
  int bad = check("login", rc, rep);
  drop(rep);
  return bad;
}

static void login_close(void *state)
{
  login_state *l = state;
  client_close(l->c);
  free(l);
}

bench_driver bench_login_driver(bench_fixture *fx)
{
  return (bench_driver){login_open, login_op, login_close, fx};
}
