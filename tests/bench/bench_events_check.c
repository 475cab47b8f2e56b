/* Opening, catching up and matching the burst; see bench_events_check.h. */
#include "bench_events_check.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_reflect.h"
#include "reflect/client.h"
#include "wire.h"

#define MAX_REPORTED 5

typedef struct {
  uint64_t seq;
  int kind;
  int64_t session, at, lead;
} ev_rec;

typedef struct {
  ev_rec *v;
  size_t n, cap;
} ev_list;

typedef struct {
  ev_list live, caught;
} user_log;

typedef struct {
  const bench_server *s;
  const bench_ev_user *users;
  user_log *logs;
  atomic_int *next;
  atomic_uint_fast64_t *errors;
} catchup_arg;

static int push(ev_list *l, const Reflect__V1__Event *ev)
{
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 16;
    ev_rec *v = realloc(l->v, cap * sizeof *v);
    if (!v) return -1;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = (ev_rec){ev->seq, ev->kind, (int64_t)ev->session_id, ev->at, ev->lead_seconds};
  return 0;
}

static const ev_rec *find(const ev_list *l, size_t upto, uint64_t seq)
{
  for (size_t i = 0; i < upto && i < l->n; i++)
    if (l->v[i].seq == seq) return &l->v[i];
  return NULL;
}

/* The first few of each kind of failure, on stderr. */
static void report(atomic_int *reported, const char *what, const char *detail, int user)
{
  if (atomic_fetch_add(reported, 1) < MAX_REPORTED) fprintf(stderr, "bench: %s%s (user %d)\n", what, detail, user);
}

/* ---- catch-up: each user's own device asks EventsSince from 0 ----------- */

static atomic_int reported_catchup = 0;

static int catch_up(const bench_server *s, const bench_ev_user *u, user_log *log)
{
  client *c = NULL;
  if (client_open_keys(s->rpc, s->server_key, u->pub, u->sec, BENCH_CALL_TIMEOUT_MS, &c) != CLIENT_OK) return -1;
  client_set_token(c, u->token, sizeof u->token);
  uint64_t after = 0;
  int more = 1, bad = 0;
  while (more && !bad) {
    Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
    Reflect__V1__EventsSinceRequest since = REFLECT__V1__EVENTS_SINCE_REQUEST__INIT;
    since.after = after;
    since.limit = 1000;
    req.op_case = REFLECT__V1__REQUEST__OP_EVENTS_SINCE;
    req.events_since = &since;
    Reflect__V1__Reply *rep = NULL;
    int rc = client_call(c, &req, &rep);
    if (rc != CLIENT_OK || !rep || !rep->status || rep->status->code != REFLECT__V1__CODE__OK ||
        rep->result_case != REFLECT__V1__REPLY__RESULT_EVENTS_SINCE) {
      const char *why = rc != CLIENT_OK                                 ? client_strerror(rc)
                        : rep && rep->status && rep->status->message[0] ? rep->status->message
                                                                        : "an unexpected reply";
      report(&reported_catchup, "EventsSince failed: ", why, (int)u->id);
      bad = -1;
    } else {
      const Reflect__V1__EventsSinceReply *r = rep->events_since;
      for (size_t i = 0; !bad && i < r->n_events; i++) {
        if (push(&log->caught, r->events[i])) bad = -1;
        after = r->events[i]->seq;
      }
      more = r->more && r->n_events > 0;
    }
    if (rep) wire_free_reply(rep);
  }
  client_close(c);
  return bad;
}

static void *catchup_run(void *p)
{
  catchup_arg *a = p;
  for (int i; (i = atomic_fetch_add(a->next, 1)) < BENCH_EV_USERS;)
    if (catch_up(a->s, &a->users[i], &a->logs[i])) atomic_fetch_add(a->errors, 1);
  return NULL;
}

static uint64_t catch_up_all(const bench_server *s, const bench_ev_user *users, user_log *logs)
{
  pthread_t t[BENCH_EV_CATCHUP_THREADS];
  catchup_arg a[BENCH_EV_CATCHUP_THREADS];
  atomic_int next = 0;
  atomic_uint_fast64_t errors = 0;
  int started = 0;
  for (int i = 0; i < BENCH_EV_CATCHUP_THREADS; i++) {
    a[i] = (catchup_arg){s, users, logs, &next, &errors};
    if (pthread_create(&t[i], NULL, catchup_run, &a[i]) == 0) started++;
  }
  if (!started) catchup_run(&a[0]);
  for (int i = 0; i < started; i++) pthread_join(t[i], NULL);
  return atomic_load(&errors);
}

/* ---- live frames ----------------------------------------------------------- */

static int cmp_i64(const void *x, const void *y)
{
  int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
  return (a > b) - (a < b);
}

static double rank_ms(const int64_t *v, size_t n, double q)
{
  if (!n) return 0;
  size_t k = (size_t)(q * (double)n + 0.999999);
  if (k < 1) k = 1;
  if (k > n) k = n;
  return (double)v[k - 1] / 1000.0;
}

/* Opens every frame with its subscriber's device keys; first arrivals of
 * reminders give the latency samples and the burst's span. */
static int open_frames(const bench_ev_user *users, const bench_frame *frames, size_t n, user_log *logs,
                       bench_events_result *r)
{
  int64_t *lat = malloc((n ? n : 1) * sizeof *lat), first = 0, last = 0, sent0 = 0, sent1 = 0;
  size_t n_lat = 0;
  if (!lat) return -1;
  for (size_t i = 0; i < n; i++) {
    const bench_frame *f = &frames[i];
    const bench_ev_user *u = &users[f->sub];
    user_log *log = &logs[f->sub];
    Reflect__V1__Event *ev = NULL;
    uint8_t *plain = f->len > crypto_box_SEALBYTES ? malloc(f->len - crypto_box_SEALBYTES) : NULL;
    if (!plain || crypto_box_seal_open(plain, f->body, f->len, u->pk, u->sk) ||
        wire_decode_event(plain, f->len - crypto_box_SEALBYTES, &ev)) {
      free(plain);
      r->undecodable++;
      continue;
    }
    free(plain);
    if (find(&log->live, log->live.n, ev->seq)) {
      r->duplicates++;
    } else if (push(&log->live, ev)) {
      wire_free_event(ev);
      free(lat);
      return -1;
    } else if (ev->kind == REFLECT__V1__EVENT_KIND__EVENT_SESSION_REMINDER) {
      r->live++;
      lat[n_lat++] = f->recv_us - ev->sent_us;
      if (!first || f->recv_us < first) first = f->recv_us;
      if (f->recv_us > last) last = f->recv_us;
      if (!sent0 || ev->sent_us < sent0) sent0 = ev->sent_us;
      if (ev->sent_us > sent1) sent1 = ev->sent_us;
    } else {
      r->other++;
    }
    wire_free_event(ev);
  }
  qsort(lat, n_lat, sizeof *lat, cmp_i64);
  r->p50_ms = rank_ms(lat, n_lat, 0.50);
  r->p99_ms = rank_ms(lat, n_lat, 0.99);
  r->max_ms = n_lat ? (double)lat[n_lat - 1] / 1000.0 : 0;
  r->burst_ms = (double)(last - first) / 1000.0;
  r->first_sent_ms = sent0 ? (double)(sent0 - r->fire_us) / 1000.0 : 0;
  r->seal_span_ms = (double)(sent1 - sent0) / 1000.0;
  r->burst_eps = n_lat > 1 && last > first ? (double)n_lat / ((double)(last - first) / 1e6) : 0;
  free(lat);
  return 0;
}

/* ---- matching ---------------------------------------------------------------- */

static atomic_int reported_match = 0;

static void match_user(const bench_ev_user *u, int index, const user_log *log, int64_t starts_at, int64_t lead_s,
                       bench_events_result *r)
{
  int per_session[BENCH_EV_PER_USER] = {0};
  /* Caught-up events first (each seq once), then live ones EventsSince
   * did not list: together, everything the user was told. */
  for (size_t pass = 0; pass < 2; pass++) {
    const ev_list *l = pass ? &log->live : &log->caught;
    for (size_t i = 0; i < l->n; i++) {
      const ev_rec *e = &l->v[i];
      if (!pass && find(l, i, e->seq)) {
        r->duplicates++;
        report(&reported_match, "an event listed twice by EventsSince", "", index);
        continue;
      }
      if (pass && find(&log->caught, log->caught.n, e->seq)) continue;
      if (pass) {
        r->unmatched++;
        report(&reported_match, "an event received live but not listed by EventsSince", "", index);
      }
      if (e->kind != REFLECT__V1__EVENT_KIND__EVENT_SESSION_REMINDER) continue;
      if (!pass && !find(&log->live, log->live.n, e->seq)) r->caught_up++;
      int k = 0;
      while (k < u->n_sessions && u->sessions[k] != e->session) k++;
      if (k == u->n_sessions || e->at != starts_at || e->lead != lead_s) {
        r->unmatched++;
        report(&reported_match, "a reminder for a session, time or lead this user does not have", "", index);
        continue;
      }
      per_session[k]++;
    }
  }
  for (int k = 0; k < u->n_sessions; k++) {
    if (per_session[k] == 0) r->missing++;
    if (per_session[k] > 1) {
      r->duplicates += (uint64_t)per_session[k] - 1;
      report(&reported_match, "two reminders for one session and person", "", index);
    }
  }
}

int bench_events_check(const bench_server *s, const bench_ev_user *users, const bench_frame *frames, size_t n,
                       int64_t starts_at, int64_t lead_s, bench_events_result *r)
{
  user_log *logs = calloc(BENCH_EV_USERS, sizeof *logs);
  int rc = -1;
  if (!logs || open_frames(users, frames, n, logs, r)) goto out;
  fprintf(stderr, "bench: catching %d users up with EventsSince\n", BENCH_EV_USERS);
  r->req_errors += catch_up_all(s, users, logs);
  for (int i = 0; i < BENCH_EV_USERS; i++) match_user(&users[i], i, &logs[i], starts_at, lead_s, r);
  rc = 0;
out:
  for (int i = 0; logs && i < BENCH_EV_USERS; i++) {
    free(logs[i].live.v);
    free(logs[i].caught.v);
  }
  free(logs);
  return rc;
}
