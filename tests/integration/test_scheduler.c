/* The scheduler against a real reflectd ticking every second: session
 * reminders at their lead times (once; following a move; not for a
 * cancelled session; skipped when booked too late), actions due soon and
 * overdue, supervision overdue to the supervisee, the supervisor and the
 * managers overseeing the supervisee, and a kill -9 in the middle of a
 * burst: after a restart every reminder has been sent exactly once, and
 * those whose time passed while the server was down say they are late. */
#include <criterion/criterion.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "harness.h"
#include "harness_ops.h"
#include "wire.h"

#define DAY 86400
#define HOUR 3600
#define LATE_S (2 * 1 + 10) /* 2 x scheduler_seconds + SCHEDULER_LATE_SLACK_S */

/* A server whose scheduler runs every second, with reminders at `leads`. */
static void serve_ticking(harness_server *h, const char *leads)
{
  harness_init_only(h);
  char path[512], text[256];
  snprintf(path, sizeof path, "%s/reflectd.conf", h->data);
  FILE *f = fopen(path, "a");
  cr_assert_not_null(f);
  snprintf(text, sizeof text, "\n[events]\nscheduler_seconds = 1\nreminders = %s\n", leads);
  cr_assert(fputs(text, f) >= 0);
  fclose(f);
  harness_serve(h);
}

/* A session of 15 minutes with one member. */
static uint64_t book(client *sup, const char *member, int64_t at, const char *room)
{
  return harness_book(sup, &member, 1, at, 15, room);
}

/* ---- reading events: the caller's own, of one kind, all of them ---- */

#define KEPT_MAX 1024

typedef struct {
  uint64_t seq, session_id, action_id, agreement_id;
  int64_t at, lead, created_at;
  int late;
  char summary[256];
} kept;

typedef struct {
  kept e[KEPT_MAX];
  size_t n;
} kept_list;

static void read_kind(client *c, Reflect__V1__EventKind kind, kept_list *out)
{
  out->n = 0;
  uint64_t after = 0;
  for (;;) {
    Reflect__V1__Reply *rep = harness_events_since(c, after, 0);
    Reflect__V1__EventsSinceReply *r = rep->events_since;
    for (size_t i = 0; i < r->n_events; i++) {
      Reflect__V1__Event *v = r->events[i];
      after = v->seq;
      cr_assert_null(strstr(v->summary, "SECRET"), "%s", v->summary);
      if (v->kind != kind) continue;
      cr_assert_lt(out->n, KEPT_MAX);
      kept *k = &out->e[out->n++];
      *k = (kept){v->seq, v->session_id, v->action_id, v->agreement_id, v->at, v->lead_seconds, v->created_at, v->late,
                  ""};
      snprintf(k->summary, sizeof k->summary, "%s", v->summary);
    }
    int more = r->more;
    wire_free_reply(rep);
    if (!more) break;
  }
}

static size_t count_about(const kept_list *l, uint64_t session, uint64_t act)
{
  size_t n = 0;
  for (size_t i = 0; i < l->n; i++)
    n += (!session || l->e[i].session_id == session) && (!act || l->e[i].action_id == act);
  return n;
}

static const kept *find(const kept_list *l, uint64_t session, uint64_t act)
{
  for (size_t i = 0; i < l->n; i++)
    if ((!session || l->e[i].session_id == session) && (!act || l->e[i].action_id == act)) return &l->e[i];
  return NULL;
}

static double mono(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

/* Until the wall clock reads t (Unix seconds, fractional). */
static void sleep_until(double t)
{
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  double left = t - ((double)now.tv_sec + (double)now.tv_nsec / 1e9);
  if (left > 0) sleep_ms((long)(left * 1000));
}

/* Polls c's events of `kind` until `enough` holds or the deadline. */
#define WAIT_FOR(c, kind, list, enough, seconds)                          \
  do {                                                                    \
    double until_ = mono() + (seconds);                                   \
    for (;;) {                                                            \
      read_kind(c, kind, list);                                           \
      if (enough) break;                                                  \
      cr_assert_lt(mono(), until_, "timed out waiting for: %s", #enough); \
      sleep_ms(250);                                                      \
    }                                                                     \
  } while (0)

static const Reflect__V1__EventKind REMINDER = REFLECT__V1__EVENT_KIND__EVENT_SESSION_REMINDER;

Test(scheduler, reminders_follow_the_session, .timeout = 240)
{
  harness_server h;
  serve_ticking(&h, "1h, 10m");
  client *admin = harness_user(&h, "admin");
  const char *const sup[] = {"sam", "sue", "tom"}, *const see[] = {"pat", "quinn", "rob"};
  client *s[3], *p[3];
  for (int i = 0; i < 3; i++) {
    harness_add_user(admin, sup[i], sup[i], REFLECT__V1__ROLE__ROLE_SUPERVISOR);
    harness_add_user(admin, see[i], see[i], REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  }
  harness_add_user(admin, "una", "Una Lowe", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  for (int i = 0; i < 3; i++) {
    s[i] = harness_user(&h, sup[i]);
    p[i] = harness_user(&h, see[i]);
    harness_agreement(s[i], p[i], see[i], 28, "", 1);
  }
  client *una = harness_user(&h, "una");

  /* Each pair's sessions never overlap; the pairs' do. */
  int64_t base = (int64_t)time(NULL);
  /* First the ones changed right away, well before their first times. */
  uint64_t s2 = book(s[1], "quinn", base + HOUR + 5, ""); /* moved at once */
  harness_reschedule(s[1], s2, base + HOUR + 12, NULL);
  uint64_t s3 = book(s[2], "rob", base + HOUR + 7, ""); /* cancelled at once */
  harness_set_status(s[2], s3, REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED, "called off");
  uint64_t s1 = book(s[0], "pat", base + HOUR + 6, "Room 1"); /* 1h fires in 6 s */
  uint64_t s4 = book(s[0], "pat", base + 1800, "");           /* 1h passed at booking */
  uint64_t s5 = book(s[0], "pat", base + 600 + 8, "");        /* 10m fires in 8 s */
  uint64_t s6 = book(s[1], "quinn", base + 300, "");          /* both passed */

  kept_list *l = malloc(sizeof *l);
  WAIT_FOR(p[0], REMINDER, l, count_about(l, s1, 0) && count_about(l, s5, 0), 40);
  WAIT_FOR(p[1], REMINDER, l, count_about(l, s2, 0), 40);
  sleep_ms(3000); /* a few more ticks: nothing is sent twice */

  read_kind(p[0], REMINDER, l);
  cr_assert_eq(l->n, 2, "pat: s1's hour and s5's ten minutes, got %zu", l->n);
  const kept *k = find(l, s1, 0);
  cr_assert(k && k->lead == HOUR && !k->late && k->at == base + HOUR + 6);
  cr_assert(strstr(k->summary, "Supervision with sam in 1 hour"), "%s", k->summary);
  k = find(l, s5, 0);
  cr_assert(k && k->lead == 600 && !k->late, "the 10m reminder; the hour had passed at booking");
  cr_assert(strstr(k->summary, "in 10 minutes"), "%s", k->summary);
  read_kind(s[0], REMINDER, l);
  cr_assert_eq(l->n, 2, "the supervisor is reminded too");
  cr_assert(find(l, s1, 0) && find(l, s5, 0));

  read_kind(p[1], REMINDER, l);
  cr_assert_eq(l->n, 1, "quinn: only the moved session, once, at its new time");
  cr_assert_eq(l->e[0].session_id, s2);
  cr_assert_eq(l->e[0].at, base + HOUR + 12);
  read_kind(p[2], REMINDER, l);
  cr_assert_eq(l->n, 0, "a cancelled session has no reminder");
  read_kind(una, REMINDER, l);
  cr_assert_eq(l->n, 0);
  free(l);

  client *all[] = {admin, s[0], s[1], s[2], p[0], p[1], p[2], una};
  for (size_t i = 0; i < 8; i++) client_close(all[i]);
  cr_assert_eq(harness_stop(&h), 0);

  /* What was skipped is marked, so it is never looked at again. */
  char path[512];
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db,
                                  "SELECT object_id, lead, superseded FROM event_emits WHERE kind = 4 ORDER BY "
                                  "object_id, lead",
                                  -1, &st, NULL),
               SQLITE_OK);
  char got[256] = "", row[48];
  while (sqlite3_step(st) == SQLITE_ROW) {
    snprintf(row, sizeof row, "%s%lld/%lld/%d", *got ? " " : "", sqlite3_column_int64(st, 0),
             sqlite3_column_int64(st, 1), sqlite3_column_int(st, 2));
    strncat(got, row, sizeof got - strlen(got) - 1);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  char want[256];
  /* In booking order: s2 sent at its new time; s3, cancelled, never
   * looked at; s1 sent; s4's hour skipped (booked after it); s5's ten
   * minutes sent, its hour skipped; s6 both skipped. */
  snprintf(want, sizeof want, "%llu/3600/0 %llu/3600/0 %llu/3600/1 %llu/600/0 %llu/3600/1 %llu/600/1 %llu/3600/1",
           (unsigned long long)s2, (unsigned long long)s1, (unsigned long long)s4, (unsigned long long)s5,
           (unsigned long long)s5, (unsigned long long)s6, (unsigned long long)s6);
  cr_assert_str_eq(got, want);
  harness_cleanup(&h);
}

Test(scheduler, actions_due_soon_and_overdue, .timeout = 240)
{
  harness_server h;
  serve_ticking(&h, "none");
  client *admin = harness_user(&h, "admin");
  harness_add_user(admin, "sam", "Sam Green", REFLECT__V1__ROLE__ROLE_SUPERVISOR);
  harness_add_user(admin, "pat", "Pat Shaw", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  client *sam = harness_user(&h, "sam"), *pat = harness_user(&h, "pat");
  harness_agreement(sam, pat, "pat", 28, "", 1);
  int64_t base = (int64_t)time(NULL);
  uint64_t held = book(sam, "pat", base - DAY, "");
  harness_set_status(sam, held, REFLECT__V1__SESSION_STATUS__SESSION_HELD, "called off");
  const char *desc = "SECRET-ACTION-DESC"; /* read_kind checks no summary carries it */
  uint64_t a1 = harness_add_action(sam, held, "pat", desc, NULL, base + DAY + 6, 0); /* due soon in 6 s */
  uint64_t a2 = harness_add_action(sam, held, "pat", desc, NULL, base + 5, 0);    /* set within its day: overdue only */
  uint64_t a3 = harness_add_action(sam, held, "pat", desc, NULL, base - HOUR, 0); /* overdue already */
  uint64_t a4 = harness_add_action(sam, held, "pat", desc, NULL, base + DAY + 8, 0); /* closed before it comes */
  harness_close_action(pat, a4, REFLECT__V1__ACTION_STATUS__ACTION_DONE, "done early");

  kept_list *soon = malloc(sizeof *soon), *over = malloc(sizeof *over);
  WAIT_FOR(pat, REFLECT__V1__EVENT_KIND__EVENT_ACTION_DUE_SOON, soon, count_about(soon, 0, a1), 40);
  WAIT_FOR(pat, REFLECT__V1__EVENT_KIND__EVENT_ACTION_OVERDUE, over, count_about(over, 0, a2), 40);
  sleep_ms(3000);

  read_kind(pat, REFLECT__V1__EVENT_KIND__EVENT_ACTION_DUE_SOON, soon);
  cr_assert_eq(soon->n, 1, "only a1 comes due soon: a2 was set within its day, a4 closed; got %zu", soon->n);
  cr_assert_eq(soon->e[0].at, base + DAY + 6);
  cr_assert_not(soon->e[0].late);
  read_kind(pat, REFLECT__V1__EVENT_KIND__EVENT_ACTION_OVERDUE, over);
  cr_assert_eq(over->n, 2, "a2 and a3, once each");
  cr_assert(find(over, 0, a2) && find(over, 0, a3));
  cr_assert_not(find(over, 0, a3)->late, "set when already overdue: news now, not late");
  cr_assert(strstr(find(over, 0, a2)->summary, "is overdue"), "%s", find(over, 0, a2)->summary);

  read_kind(sam, REFLECT__V1__EVENT_KIND__EVENT_ACTION_OVERDUE, over);
  cr_assert_eq(over->n, 2, "the supervisor hears of overdue actions");
  cr_assert(strstr(find(over, 0, a2)->summary, "Pat Shaw's action"), "%s", find(over, 0, a2)->summary);
  read_kind(sam, REFLECT__V1__EVENT_KIND__EVENT_ACTION_DUE_SOON, soon);
  cr_assert_eq(soon->n, 0, "but not of those merely due soon");
  free(soon);
  free(over);
  client_close(admin);
  client_close(sam);
  client_close(pat);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

Test(scheduler, supervision_overdue, .timeout = 240)
{
  harness_server h;
  serve_ticking(&h, "none");
  client *admin = harness_user(&h, "admin");
  harness_add_user(admin, "sam", "Sam Green", REFLECT__V1__ROLE__ROLE_SUPERVISOR);
  harness_add_user(admin, "pat", "Pat Shaw", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  harness_add_user(admin, "quinn", "Quinn Reed", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  harness_add_user(admin, "mgr", "Mo Grant", REFLECT__V1__ROLE__ROLE_MANAGER);
  harness_add_user(admin, "mgr2", "Max Other", REFLECT__V1__ROLE__ROLE_MANAGER);
  const char *const team[][3] = {{"east", "mgr", "pat"}, {"west", "mgr2", "quinn"}};
  for (int i = 0; i < 2; i++) {
    Reflect__V1__TeamAddRequest add = REFLECT__V1__TEAM_ADD_REQUEST__INIT;
    add.name = (char *)team[i][0];
    HARNESS_CALL(admin, TEAM_ADD, team_add, add);
    for (int k = 1; k < 3; k++) {
      Reflect__V1__TeamMemberRequest tm = REFLECT__V1__TEAM_MEMBER_REQUEST__INIT;
      tm.team = (char *)team[i][0];
      tm.username = (char *)team[i][k];
      tm.manager = k == 1;
      HARNESS_CALL(admin, TEAM_MEMBER, team_member, tm);
    }
  }
  client *sam = harness_user(&h, "sam"), *pat = harness_user(&h, "pat"), *quinn = harness_user(&h, "quinn");
  client *mgr = harness_user(&h, "mgr"), *mgr2 = harness_user(&h, "mgr2");
  char start[HARNESS_DATE_SIZE];
  harness_date_in(start, -3);
  /* Daily from three days ago, nothing held: overdue for two days. Not
   * signed by the supervisee yet, so it does not count yet. */
  uint64_t id = harness_agreement(sam, pat, "pat", 1, start, 0);
  harness_agreement(sam, quinn, "quinn", 28, "", 1); /* not due for weeks */
  sleep_ms(2500);
  kept_list *l = malloc(sizeof *l);
  const Reflect__V1__EventKind kind = REFLECT__V1__EVENT_KIND__EVENT_SUPERVISION_OVERDUE;
  read_kind(sam, kind, l);
  cr_assert_eq(l->n, 0, "an agreement the supervisee has not signed is not overdue");

  harness_sign_agreement(pat, id);
  WAIT_FOR(mgr, kind, l, l->n > 0, 30);
  sleep_ms(3000);

  client *told[] = {pat, sam, mgr};
  const char *says[] = {"Supervision with Sam Green is overdue", "Supervision with Pat Shaw is overdue",
                        "Supervision of Pat Shaw with Sam Green is overdue"};
  int64_t due = 0;
  for (int i = 0; i < 3; i++) {
    read_kind(told[i], kind, l);
    cr_assert_eq(l->n, 1, "person %d told once, got %zu", i, l->n);
    cr_assert_eq(l->e[0].agreement_id, id);
    cr_assert_not(l->e[0].late, "signed just now: news now");
    cr_assert(strstr(l->e[0].summary, says[i]), "%s", l->e[0].summary);
    cr_assert_lt(l->e[0].at, (int64_t)time(NULL) - DAY);
    if (i) cr_assert_eq(l->e[0].at, due, "everyone is told the same due time");
    due = l->e[0].at;
  }
  client *not_told[] = {quinn, mgr2};
  for (int i = 0; i < 2; i++) {
    read_kind(not_told[i], kind, l);
    cr_assert_eq(l->n, 0, "quinn is not overdue; mgr2 does not oversee pat");
  }
  free(l);
  client *all[] = {admin, sam, pat, quinn, mgr, mgr2};
  for (size_t i = 0; i < 6; i++) client_close(all[i]);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* ---- kill -9 in the middle of a burst ---- */

#define BURST 200
#define BURST_PER_S 40 /* fire times over BURST / BURST_PER_S seconds */

/* 200 sessions need 200 free pairs of people if booked through the API
 * (nobody is in two places at once); the burst is about the scheduler,
 * so copies of one booked session are written straight into the stopped
 * server's database instead. */
static void add_copies(harness_server *h, uint64_t template, int64_t first_start, int64_t now)
{
  char path[512];
  snprintf(path, sizeof path, "%s/reflect.db", h->data);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  cr_assert_eq(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_stmt *s, *m;
  cr_assert_eq(sqlite3_prepare_v2(db,
                                  "INSERT INTO sessions(id, kind, supervisor_id, agreement_id, starts_at, minutes, "
                                  "ends_at, key_id, status,"
                                  " created_at, created_by) SELECT ?1, kind, supervisor_id, agreement_id, ?2, minutes, "
                                  "?2 + minutes * 60,"
                                  " key_id, 1, ?3, created_by FROM sessions WHERE id = ?4",
                                  -1, &s, NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_prepare_v2(db,
                                  "INSERT INTO session_members(session_id, user_id) SELECT ?1, user_id FROM "
                                  "session_members WHERE session_id = ?2",
                                  -1, &m, NULL),
               SQLITE_OK);
  for (int i = 0; i < BURST; i++) {
    sqlite3_bind_int64(s, 1, 1000 + i);
    sqlite3_bind_int64(s, 2, first_start + i / BURST_PER_S);
    sqlite3_bind_int64(s, 3, now);
    sqlite3_bind_int64(s, 4, (sqlite3_int64) template);
    cr_assert_eq(sqlite3_step(s), SQLITE_DONE, "%s", sqlite3_errmsg(db));
    sqlite3_reset(s);
    sqlite3_bind_int64(m, 1, 1000 + i);
    sqlite3_bind_int64(m, 2, (sqlite3_int64) template);
    cr_assert_eq(sqlite3_step(m), SQLITE_DONE, "%s", sqlite3_errmsg(db));
    sqlite3_reset(m);
  }
  sqlite3_finalize(s);
  sqlite3_finalize(m);
  cr_assert_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

Test(scheduler, kill_9_neither_repeats_nor_misses, .timeout = 480)
{
  harness_server h;
  serve_ticking(&h, "1h");
  client *admin = harness_user(&h, "admin");
  harness_add_user(admin, "sam", "Sam Green", REFLECT__V1__ROLE__ROLE_SUPERVISOR);
  harness_add_user(admin, "pat", "Pat Shaw", REFLECT__V1__ROLE__ROLE_PRACTITIONER);
  client *sam = harness_user(&h, "sam"), *pat = harness_user(&h, "pat");
  harness_agreement(sam, pat, "pat", 28, "", 1);
  uint64_t template = book(sam, "pat", (int64_t)time(NULL) + 10 * DAY, "");
  client_close(admin);
  client_close(sam);
  client_close(pat);
  cr_assert_eq(harness_stop(&h), 0);

  /* The burst's reminders fire from t0 on, over BURST / BURST_PER_S s. */
  int64_t now = (int64_t)time(NULL), t0 = now + 8;
  add_copies(&h, template, t0 + HOUR, now);
  harness_serve(&h);
  sleep_until((double)t0 + 2.5);
  cr_assert_eq(kill(h.pid, SIGKILL), 0);
  int st;
  waitpid(h.pid, &st, 0);
  h.pid = 0;
  int64_t killed_at = (int64_t)time(NULL);

  /* Down for longer than the late threshold past the last fire time. */
  int64_t last_fire = t0 + (BURST - 1) / BURST_PER_S;
  sleep_until((double)(last_fire + LATE_S + 3));
  int64_t restarted_at = (int64_t)time(NULL); /* the first tick may come before the ping */
  harness_serve(&h);
  pat = harness_user(&h, "pat");
  kept_list *l = malloc(sizeof *l);
  WAIT_FOR(pat, REMINDER, l, l->n >= BURST, 60);
  sleep_ms(2000);
  read_kind(pat, REMINDER, l);
  cr_assert_eq(l->n, BURST, "each reminder once: got %zu", l->n);

  static unsigned char seen[BURST];
  size_t late = 0, on_time = 0;
  for (size_t i = 0; i < l->n; i++) {
    const kept *k = &l->e[i];
    cr_assert(k->session_id >= 1000 && k->session_id < 1000 + BURST, "session %llu", (unsigned long long)k->session_id);
    cr_assert_not(seen[k->session_id - 1000]++, "session %llu reminded twice", (unsigned long long)k->session_id);
    int64_t fire_at = k->at - HOUR;
    if (k->created_at < restarted_at) {
      /* Sent by the first run: on time, before the kill. */
      cr_assert_not(k->late);
      cr_assert_leq(k->created_at, killed_at);
      cr_assert_leq(k->created_at - fire_at, LATE_S);
      on_time++;
    } else {
      /* Its time passed while the server was down. */
      cr_assert(k->late, "session %llu fired at %lld, sent at %lld", (unsigned long long)k->session_id,
                (long long)fire_at, (long long)k->created_at);
      cr_assert_gt(k->created_at - fire_at, LATE_S);
      late++;
    }
  }
  cr_assert_gt(on_time, 0, "the first run sent some before the kill");
  cr_assert_gt(late, 0, "and the rest came after the restart");
  cr_log_info("kill -9: %zu on time, %zu late", on_time, late);
  free(l);
  client_close(pat);
  cr_assert_eq(harness_stop(&h), 0);

  /* And the scheduler's own record agrees. */
  char path[512];
  snprintf(path, sizeof path, "%s/reflect.db", h.data);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *q;
  cr_assert_eq(sqlite3_prepare_v2(db, "SELECT count(*), sum(late), sum(superseded) FROM event_emits WHERE kind = 4", -1,
                                  &q, NULL),
               SQLITE_OK);
  cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(q, 0), BURST);
  cr_assert_eq((size_t)sqlite3_column_int(q, 1), late);
  cr_assert_eq(sqlite3_column_int(q, 2), 0);
  sqlite3_finalize(q);
  sqlite3_close(db);
  harness_cleanup(&h);
}
