/* Events end to end: `reflect watch` catching up once and remembering where
 * it stopped, libreflect's live subscription without duplicates, a device
 * receiving only its own login's topic (nothing for another user, nor a
 * key without a login), a watcher that
 * outlives a server restart or starts before the server, desktop
 * notifications through notify-send, and a login that has ended. */
#define _GNU_SOURCE /* memmem */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "reflect/client_events.h"
#include "harness.h"
#include "wire.h"

static harness_run r;

#define SUPERVISOR_NAME "Samuel Quokkason"
#define SECRET_ROOM "Room Zebra-Lantern"

static long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* CLI devices and accounts with display names (harness_cli_people uses the
 * username as the name, and these tests look for the name in sealed bytes). */
static void people(harness_server *hp)
{
  harness_server h = *hp;
  const char *users[][3] = {{"sam", SUPERVISOR_NAME, "supervisor"},
                            {"pat", "Patricia Okonkwo", "practitioner"},
                            {"quinn", "Quinn Adeyemi", "practitioner"}};
  CLI_OK("admin", NULL, "setup", "--server", h.rpc, "--events", h.pub, "--server-key", h.server_key);
  CLI_OK("admin", HARNESS_ADMIN_PASSWORD "\n", "login", "admin", "--password-stdin");
  for (int i = 0; i < 3; i++) {
    CLI_OK(users[i][0], NULL, "setup", "--server", h.rpc, "--events", h.pub, "--server-key", h.server_key);
    CLI_OK("admin", HARNESS_FIRST_PASSWORD "\n", "user", "add", users[i][0], "--name", users[i][1], "--role",
           users[i][2], "--password-stdin");
    harness_cli_first_login(&h, &r, users[i][0], users[i][0]);
  }
  CLI_OK("sam", NULL, "agreement", "add", "--supervisee", "pat", "--every", "28", "--minutes", "90");
  CLI_OK("pat", NULL, "agreement", "sign", "1");
}

/* Sam books a session with pat, `days` ahead (far enough that no reminder
 * is due), and returns its id. */
static long book(harness_server *hp, int days, int hour, const char *room)
{
  harness_server h = *hp;
  char at[HARNESS_DAY_AT_SIZE];
  CLI_OK("sam", NULL, "session", "add", "--with", "pat", "--at", harness_day_at(at, days, hour), "--minutes", "60",
         "--room", room);
  return harness_id(&r);
}

/* A device whose keys the test knows, logged in as username. */
static client *device(harness_server *h, const char *username, char pub[41], char sec[41])
{
  client *c = NULL;
  cr_assert_eq(zmq_curve_keypair(pub, sec), 0);
  cr_assert_eq(client_open_keys(h->rpc, h->server_key, pub, sec, 5000, &c), CLIENT_OK);
  harness_login(c, username, HARNESS_PASSWORD);
  return c;
}

/* JSON lines of `watch --json` output. */
static size_t parse_lines(const char *out, cJSON **lines, size_t max)
{
  size_t n = 0;
  char *copy = strdup(out), *save = NULL;
  for (char *l = strtok_r(copy, "\n", &save); l && n < max; l = strtok_r(NULL, "\n", &save)) {
    lines[n] = cJSON_Parse(l);
    cr_assert_not_null(lines[n], "not JSON: %s", l);
    n++;
  }
  free(copy);
  return n;
}

static long jnum(cJSON *o, const char *key)
{
  cJSON *v = cJSON_GetObjectItem(o, key);
  cr_assert_not_null(v, "no %s", key);
  return (long)v->valuedouble;
}

static const char *jstr(cJSON *o, const char *key)
{
  cJSON *v = cJSON_GetObjectItem(o, key);
  cr_assert(cJSON_IsString(v), "no %s", key);
  return v->valuestring;
}

Test(watch, once_catches_up_and_remembers, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  people(&h);
  long s1 = book(&h, 10, 10, "Room 1"), s2 = book(&h, 11, 10, "Room 2"), s3 = book(&h, 12, 10, "Room 3");
  char id[32], at[HARNESS_DAY_AT_SIZE];
  snprintf(id, sizeof id, "%ld", s1);
  CLI_OK("sam", NULL, "session", "move", id, "--at", harness_day_at(at, 13, 15), "--reason", "pat in court");
  snprintf(id, sizeof id, "%ld", s2);
  CLI_OK("sam", NULL, "session", "cancel", id, "--reason", "pat on leave");

  /* Pat was offline throughout: every event once, in order. */
  CLI_OK("pat", NULL, "watch", "--once", "--json");
  cJSON *lines[32];
  size_t n = parse_lines(r.out, lines, 32);
  struct {
    const char *kind;
    long session;
  } want[] = {{"session_scheduled", s1},
              {"session_scheduled", s2},
              {"session_scheduled", s3},
              {"session_rescheduled", s1},
              {"session_cancelled", s2}};
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (i) cr_assert_gt(jnum(lines[i], "seq"), jnum(lines[i - 1], "seq"), "in seq order, each once: %s", r.out);
    if (strncmp(jstr(lines[i], "kind"), "session_", 8)) continue;
    cr_assert_lt(k, 5, "more session events than made: %s", r.out);
    cr_assert_str_eq(jstr(lines[i], "kind"), want[k].kind, "event %zu: %s", k, r.out);
    cr_assert_eq(jnum(lines[i], "session_id"), want[k].session, "event %zu: %s", k, r.out);
    k++;
  }
  cr_assert_eq(k, 5, "five session events: %s", r.out);
  cr_assert_str_eq(jstr(lines[0], "where"), "Room 1");
  for (size_t i = 0; i < n; i++) cJSON_Delete(lines[i]);

  /* Remembered: nothing new the second time; the file is private. */
  CLI_OK("pat", NULL, "watch", "--once", "--json");
  cr_assert_str_eq(r.out, "", "nothing new: %s", r.out);
  char path[400];
  struct stat st;
  snprintf(path, sizeof path, "%s/devices/pat/config.events", h.dir);
  cr_assert_eq(stat(path, &st), 0, "the cursor is kept beside the token");
  cr_assert_eq(st.st_mode & 0777, 0600);
  long s4 = book(&h, 14, 10, "Room 4");
  CLI_OK("pat", NULL, "watch", "--once", "--json");
  n = parse_lines(r.out, lines, 32);
  cr_assert_eq(n, 1, "only the new event: %s", r.out);
  cr_assert_eq(jnum(lines[0], "session_id"), s4);
  cJSON_Delete(lines[0]);

  /* In words, from the start again with --since 0. */
  CLI_OK("pat", NULL, "watch", "--once", "--since", "0");
  cr_assert(r.out[0] == '#' && strstr(r.out, "  session scheduled  ") && strstr(r.out, "  session moved  ") &&
                strstr(r.out, "  session cancelled  ") && strstr(r.out, "(from ") && strstr(r.out, "(Room 4)"),
            "%s", r.out);
  /* The actor is never told of their own change. */
  CLI_OK("sam", NULL, "watch", "--once", "--json");
  cr_assert_not(strstr(r.out, "session_scheduled"), "sam booked them: %s", r.out);
  CLI("pat", NULL, "watch", "--since", "x");
  cr_assert_eq(r.status, 2);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

Test(watch, live_through_the_library_without_duplicates, .timeout = 120)
{
  harness_server h;
  harness_start(&h);
  people(&h);
  book(&h, 10, 10, "Room 1");
  char pub[41], sec[41];
  client *pat = device(&h, "pat", pub, sec);
  client_events *e = NULL;
  cr_assert_eq(client_events_open(pat, h.pub, 0, &e), CLIENT_OK);
  Reflect__V1__Event *ev = NULL;
  client_events_stats st;
  /* The catch-up on open, then the one after the SUB handshake. */
  size_t caught = 0;
  for (long end = now_ms() + 10000; now_ms() < end;) {
    int rc = client_events_next(e, 200, &ev);
    if (rc == CLIENT_OK) {
      caught++;
      wire_free_event(ev);
    }
    client_events_stats_get(e, &st);
    if (rc == CLIENT_ENOEVENT && st.catchups >= 2) break;
  }
  cr_assert_eq(caught, 1, "the earlier booking, caught up once");
  cr_assert_geq(st.catchups, 2);
  uint64_t before = client_events_cursor(e);

  long t0 = now_ms();
  long s = book(&h, 11, 10, SECRET_ROOM);
  ev = NULL;
  for (long end = now_ms() + 10000; !ev && now_ms() < end;) {
    int rc = client_events_next(e, 500, &ev);
    cr_assert(rc == CLIENT_OK || rc == CLIENT_ENOEVENT, "next: %s", client_strerror(rc));
  }
  cr_assert_not_null(ev, "the booking arrived within 10 s");
  cr_log_info("live event after %ld ms (including the CLI run that booked it)", now_ms() - t0);
  client_events_stats_get(e, &st);
  cr_assert_eq(st.live, 1, "delivered live, not by a catch-up");
  cr_assert_eq(ev->kind, REFLECT__V1__EVENT_KIND__EVENT_SESSION_SCHEDULED);
  cr_assert_eq((long)ev->session_id, s);
  cr_assert_str_eq(ev->where, SECRET_ROOM);
  cr_assert_gt(ev->seq, before);
  uint64_t seq = ev->seq;
  wire_free_event(ev);

  /* Once live events go quiet a catch-up runs; it brings the same event,
   * which is not delivered again, and moves the cursor past it. */
  uint64_t catchups = st.catchups;
  for (long end = now_ms() + 3 * CLIENT_EVENTS_QUIET_MS; now_ms() < end;) {
    cr_assert_eq(client_events_next(e, 200, &ev), CLIENT_ENOEVENT, "no duplicate");
    client_events_stats_get(e, &st);
    if (st.catchups > catchups) break;
  }
  cr_assert_gt(st.catchups, catchups, "a catch-up after the live event");
  cr_assert_geq(st.duplicates, 1);
  cr_assert_eq(client_events_cursor(e), seq);
  cr_assert_eq(st.undecodable, 0);
  client_events_close(e);
  client_close(pat);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* Waits up to ms for a two-frame message on sub. */
static int recv_frames(void *sub, int ms, zmq_msg_t *topic, zmq_msg_t *sealed)
{
  zmq_pollitem_t item = {.socket = sub, .events = ZMQ_POLLIN};
  if (zmq_poll(&item, 1, ms) <= 0) return 0;
  zmq_msg_init(topic);
  zmq_msg_init(sealed);
  cr_assert_geq(zmq_msg_recv(topic, sub, 0), 0);
  cr_assert(zmq_msg_more(topic), "two frames");
  cr_assert_geq(zmq_msg_recv(sealed, sub, 0), 0);
  cr_assert_not(zmq_msg_more(sealed), "two frames");
  return 1;
}

/* A SUB socket with the given keys (fresh ones when pub is NULL),
 * subscribed to topic (len 0: everything). */
static void *subscriber(void *ctx, harness_server *h, const char *pub, const char *sec, const void *topic, size_t len)
{
  char fresh_pub[41], fresh_sec[41];
  if (!pub) {
    cr_assert_eq(zmq_curve_keypair(fresh_pub, fresh_sec), 0);
    pub = fresh_pub;
    sec = fresh_sec;
  }
  void *sub = zmq_socket(ctx, ZMQ_SUB);
  int zero = 0;
  zmq_setsockopt(sub, ZMQ_LINGER, &zero, sizeof zero);
  zmq_setsockopt(sub, ZMQ_CURVE_SERVERKEY, h->server_key, 41);
  zmq_setsockopt(sub, ZMQ_CURVE_PUBLICKEY, pub, 41);
  zmq_setsockopt(sub, ZMQ_CURVE_SECRETKEY, sec, 41);
  zmq_setsockopt(sub, ZMQ_SUBSCRIBE, topic, len);
  cr_assert_eq(zmq_connect(sub, h->pub), 0);
  return sub;
}

static void topic_of(client *c, uint8_t topic[16])
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__WhoAmIRequest who = REFLECT__V1__WHO_AM_IREQUEST__INIT;
  req.op_case = REFLECT__V1__REQUEST__OP_WHOAMI;
  req.whoami = &who;
  Reflect__V1__Reply *rep = harness_call(c, &req);
  cr_assert_eq(rep->whoami->topic.len, 16);
  memcpy(topic, rep->whoami->topic.data, 16);
  wire_free_reply(rep);
}

static int drain(void *sub, int ms)
{
  int n = 0;
  zmq_msg_t t, s;
  while (recv_frames(sub, ms, &t, &s)) {
    n++;
    zmq_msg_close(&t);
    zmq_msg_close(&s);
  }
  return n;
}

/* Any CURVE key could subscribe with an empty prefix and watch
 * every topic's frames, and a device kept its topic across logins, so a
 * person's activity could be followed. Now only a device with a live login
 * may connect to the events socket, it can subscribe only to its own
 * login's topic, and each login gets a new one. Every sealed frame is a
 * whole number of 256-byte steps whatever the event's length (padding
 * once came out a byte long in the upper half of a step). */
Test(watch, a_device_receives_only_its_own_logins_topic, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  people(&h);
  char a_pub[41], a_sec[41], b_pub[41], b_sec[41];
  client *a = device(&h, "pat", a_pub, a_sec);
  client *b = device(&h, "quinn", b_pub, b_sec);
  uint8_t topic[16], again[16];
  topic_of(a, topic);
  harness_login(a, "pat", HARNESS_PASSWORD);
  topic_of(a, again);
  cr_assert_neq(memcmp(topic, again, 16), 0, "a new login, a new topic");
  memcpy(topic, again, 16);

  void *ctx = zmq_ctx_new();
  void *mine = subscriber(ctx, &h, a_pub, a_sec, topic, sizeof topic);
  void *b_on_a = subscriber(ctx, &h, b_pub, b_sec, topic, sizeof topic); /* B asks for A's topic */
  void *b_all = subscriber(ctx, &h, b_pub, b_sec, "", 0);                /* and for everything */
  void *stranger = subscriber(ctx, &h, NULL, NULL, "", 0);               /* a key with no login */

  uint8_t apk[32], ask[32], bpk[32], bsk[32];
  cr_assert(zmq_z85_decode(apk, a_pub) && zmq_z85_decode(ask, a_sec) && zmq_z85_decode(bpk, b_pub) &&
            zmq_z85_decode(bsk, b_sec));
  /* Rooms of up to 185 characters: events across two padding steps,
   * each side of the 128-byte boundary of the pad field's length. */
  int frames = 0, sizes[8] = {0};
  for (int i = 0; i < 24; i++) {
    char room[400];
    int len = i == 0 ? (int)strlen(SECRET_ROOM) : 1 + i * 8;
    if (i == 0) snprintf(room, sizeof room, "%s", SECRET_ROOM);
    else memset(room, 'r', (size_t)len), room[len] = '\0';
    book(&h, 10 + i, 10, room);
  }
  zmq_msg_t t, s;
  while (recv_frames(mine, 3000, &t, &s)) {
    frames++;
    const uint8_t *sealed = zmq_msg_data(&s);
    size_t len = zmq_msg_size(&s);
    cr_assert_eq(zmq_msg_size(&t), sizeof topic);
    cr_assert_eq(memcmp(zmq_msg_data(&t), topic, sizeof topic), 0);
    cr_assert_gt(len, crypto_box_SEALBYTES);
    size_t plen = len - crypto_box_SEALBYTES;
    cr_assert_eq(plen % 256, 0, "a sealed event of %zu bytes: not a whole number of 256-byte steps", len);
    if (plen / 256 < 8) sizes[plen / 256]++;
    uint8_t *plain = malloc(len);
    cr_assert_neq(crypto_box_seal_open(plain, sealed, len, bpk, bsk), 0, "B cannot open A's event");
    cr_assert_null(memmem(sealed, len, SECRET_ROOM, strlen(SECRET_ROOM)));
    cr_assert_null(memmem(sealed, len, "Quokkason", 9));
    cr_assert_eq(crypto_box_seal_open(plain, sealed, len, apk, ask), 0, "A opens it");
    Reflect__V1__Event *ev = NULL;
    cr_assert_eq(wire_decode_event(plain, plen, &ev), WIRE_OK);
    cr_assert_eq(ev->kind, REFLECT__V1__EVENT_KIND__EVENT_SESSION_SCHEDULED);
    wire_free_event(ev);
    free(plain);
    zmq_msg_close(&t);
    zmq_msg_close(&s);
    if (frames == 24) break;
  }
  cr_assert_eq(frames, 24, "A received its own events (%d of 24)", frames);
  cr_assert(sizes[1] && sizes[2], "events of more than one size step were checked");
  cr_assert_eq(drain(b_on_a, 500), 0, "B received frames of A's topic");
  cr_assert_eq(drain(b_all, 200), 0, "B received frames by subscribing to everything");
  cr_assert_eq(drain(stranger, 200), 0, "a key without a login received frames");
  zmq_close(mine);
  zmq_close(b_on_a);
  zmq_close(b_all);
  zmq_close(stranger);
  zmq_ctx_term(ctx);
  client_close(a);
  client_close(b);
  cr_assert_eq(harness_stop(&h), 0);
  char log[400];
  snprintf(log, sizeof log, "%s/reflectd.log", h.dir);
  cr_assert(harness_file_contains(log, "event=subscription_refused"), "B's subscriptions were refused");
  cr_assert(harness_file_contains(log, "event=zap_refused"), "the stranger's handshake was refused");
  harness_cleanup(&h);
}

/* `reflect watch` in the background as device dev; stdout and stderr go to
 * files in h->dir named after tag. */
static pid_t spawn_watch(harness_server *h, const char *dev, const char *tag, char *out, char *err, size_t size)
{
  char config[400];
  snprintf(config, sizeof config, "%s/devices/%s/config", h->dir, dev);
  snprintf(out, size, "%s/%s.out", h->dir, tag);
  snprintf(err, size, "%s/%s.err", h->dir, tag);
  pid_t parent = getpid(), pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600), fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fi = open("/dev/null", O_RDONLY);
    if (fo < 0 || fe < 0 || fi < 0) _exit(126);
    dup2(fi, 0);
    dup2(fo, 1);
    dup2(fe, 2);
    setenv("REFLECT_CONFIG", config, 1);
    setenv("REFLECT_TIMEOUT_MS", "1000", 1);
    execl(REFLECT_PATH, REFLECT_PATH, "watch", "--json", (char *)NULL);
    _exit(127);
  }
  return pid;
}

static int wait_for(const char *path, const char *needle, long ms)
{
  for (long end = now_ms() + ms; now_ms() < end; usleep(50000))
    if (harness_file_contains(path, needle)) return 1;
  return 0;
}

static int stop_watch(pid_t pid)
{
  kill(pid, SIGTERM);
  int st;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

Test(watch, a_watcher_outlives_a_server_restart, .timeout = 180)
{
  harness_server h;
  harness_start(&h);
  people(&h);
  long s1 = book(&h, 10, 10, "Room 1");
  char out[400], err[400], needle[64];
  pid_t pid = spawn_watch(&h, "pat", "restart", out, err, sizeof out);
  snprintf(needle, sizeof needle, "\"session_id\":%ld,", s1);
  cr_assert(wait_for(out, needle, 15000), "caught up before the restart");

  cr_assert_eq(harness_stop(&h), 0, "the server stops cleanly with a subscriber connected");
  usleep(300000);
  harness_serve(&h);
  long s2 = book(&h, 11, 10, "Room 2");
  snprintf(needle, sizeof needle, "\"session_id\":%ld,", s2);
  cr_assert(wait_for(out, needle, 20000), "the event made after the restart arrived");
  cr_assert_eq(stop_watch(pid), 0, "SIGTERM ends watch with 0");
  cr_assert_eq(harness_stop(&h), 0);

  /* Started while the server is down: it says so, keeps trying, and
   * catches up once the server is back. */
  pid = spawn_watch(&h, "pat", "early", out, err, sizeof out);
  cr_assert(wait_for(err, "server unreachable, retrying", 10000), "says the server is unreachable");
  harness_serve(&h);
  long s3 = book(&h, 12, 10, "Room 3");
  snprintf(needle, sizeof needle, "\"session_id\":%ld,", s3);
  cr_assert(wait_for(out, needle, 45000), "caught up once the server was back");
  cr_assert_eq(stop_watch(pid), 0);
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

Test(watch, notify_send_gets_the_summary, .timeout = 120)
{
  harness_server h;
  harness_start(&h);
  people(&h);
  char bin[400], script[500], log[500], path[5000];
  snprintf(bin, sizeof bin, "%s/bin", h.dir);
  cr_assert_eq(mkdir(bin, 0700), 0);
  snprintf(script, sizeof script, "%s/notify-send", bin);
  snprintf(log, sizeof log, "%s/notified", h.dir);
  char text[1200];
  snprintf(text, sizeof text, "#!/bin/sh\nfor a in \"$@\"; do printf '[%%s]\\n' \"$a\"; done >> '%s'\n", log);
  harness_write_file(script, text);
  cr_assert_eq(chmod(script, 0700), 0);
  snprintf(path, sizeof path, "%s:%s", bin, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
  setenv("PATH", path, 1);
  setenv("DISPLAY", ":99", 1);
  book(&h, 10, 10, "Room <3> & Co");

  CLI_OK("pat", NULL, "watch", "--once", "--notify");
  cr_assert(strstr(r.out, "session scheduled"), "lines are printed as well: %s", r.out);
  cr_assert(harness_file_contains(log, "[--]"), "options end before the texts");
  cr_assert(harness_file_contains(log, "[Reflect: session scheduled]"), "the title");
  cr_assert(harness_file_contains(log, "Room &lt;3&gt; &amp; Co"), "the body, as markup");
  cr_assert(harness_file_contains(log, SUPERVISOR_NAME), "the summary names the supervisor");
  cr_assert_not(harness_file_contains(log, "<3>"), "no raw markup");

  /* No display: said once, and the lines still come. */
  unsetenv("DISPLAY");
  unsetenv("WAYLAND_DISPLAY");
  book(&h, 11, 10, "Room 5");
  CLI_OK("pat", NULL, "watch", "--once", "--notify", "--since", "0");
  cr_assert(strstr(r.err, "no display"), "%s", r.err);
  cr_assert_null(strstr(strstr(r.err, "no display") + 1, "no display"), "once: %s", r.err);
  cr_assert(strstr(r.out, "(Room 5)"), "%s", r.out);
  cr_assert_not(harness_file_contains(log, "Room 5"), "no notification without a display");
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}

Test(watch, an_ended_login_is_said_plainly, .timeout = 120)
{
  harness_server h;
  harness_start(&h);
  people(&h);
  CLI_OK("admin", "a-brand-new-password-for-pat\n", "user", "reset-password", "pat", "--password-stdin");
  CLI_REFUSED("pat", "your login has ended: run reflect login", "watch", "--once");
  CLI_REFUSED("pat", "your login has ended: run reflect login", "watch");
  cr_assert_eq(harness_stop(&h), 0);
  harness_cleanup(&h);
}
