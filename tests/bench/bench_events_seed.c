/* The events phase's data, stored with reflectd's own code; see
 * bench_events_seed.h for the layout and why it is seeded. */
#include "bench_events_seed.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "commands.h"
#include "unseal.h"
#include "config.h"
#include "datadir.h"
#include "db.h"
#include "password.h"
#include "call.h"
#include "store_audit.h"
#include "store_events.h"
#include "store_schedule.h"
#include "store_sessions.h"
#include "store_tokens.h"
#include "store_users.h"
#include "vault.h"

_Static_assert(BENCH_EV_TOPIC_BYTES == EVENT_TOPIC_BYTES, "the server's topic size");

/* ---- reflectd.conf ------------------------------------------------------- */

int bench_events_configure(const char *data_dir, int scheduler_s, const char *reminders)
{
  char path[512], tmp[520], line[512];
  snprintf(path, sizeof path, "%s/%s", data_dir, CONFIG_FILE_NAME);
  snprintf(tmp, sizeof tmp, "%s.new", path);
  FILE *in = fopen(path, "r"), *out = in ? fopen(tmp, "w") : NULL;
  int seen = 0;
  /* Both keys exist only in [events]; init wrote each once. */
  while (out && fgets(line, sizeof line, in)) {
    if (!strncmp(line, "reminders =", 11)) {
      fprintf(out, "reminders = %s\n", reminders);
      seen |= 1;
    } else if (!strncmp(line, "scheduler_seconds =", 19)) {
      fprintf(out, "scheduler_seconds = %d\n", scheduler_s);
      seen |= 2;
    } else {
      fputs(line, out);
    }
  }
  int bad = !out || seen != 3 || fclose(out) != 0;
  if (in) fclose(in);
  if (bad || rename(tmp, path)) {
    fprintf(stderr, "bench: could not set [events] in %s\n", path);
    return -1;
  }
  config cfg;
  char err[512];
  config_defaults(&cfg);
  if (config_load(data_dir, &cfg, err, sizeof err) || cfg.scheduler_s != scheduler_s) {
    fprintf(stderr, "bench: %s: %s\n", path, err);
    return -1;
  }
  return 0;
}

/* ---- users, logins, sessions --------------------------------------------- */

typedef struct {
  bench_ev_user *users;
  int64_t starts_at, expires_at;
  const char *pwhash;
  principal *who;
} seed_state;

static int make_user(call *c, seed_state *st, bench_ev_user *u, int index)
{
  int sup = index < BENCH_EV_SUPERVISORS;
  int n = sup ? index : index - BENCH_EV_SUPERVISORS;
  char name[64];
  snprintf(u->username, sizeof u->username, "%s%d", sup ? "sup" : "prac", n);
  /* Display names of a realistic length: events list the other people. */
  snprintf(name, sizeof name, "%s Morgan-Whitfield %03d", sup ? "Supervisor" : "Practitioner", n);
  if (zmq_curve_keypair(u->pub, u->sec) || !zmq_z85_decode(u->pk, u->pub) || !zmq_z85_decode(u->sk, u->sec)) return -1;
  randombytes_buf(u->token, sizeof u->token);
  uint8_t hash[TOKEN_HASH_BYTES];
  store_tokens_hash(u->token, sizeof u->token, hash);
  user_role role = sup ? ROLE_SUPERVISOR : ROLE_PRACTITIONER;
  if (store_users_create(call_store(c), u->username, name, role, st->pwhash, &u->id) ||
      store_tokens_create(c->s->db, hash, u->id, u->pub, c->now, st->expires_at) ||
      store_events_topic_renew(c->s->db, c->s->topics, u->id, u->pub, c->now, u->topic)) {
    fprintf(stderr, "bench: could not seed user %s\n", u->username);
    return -1;
  }
  return 0;
}

/* Supervisor s's session of round k: practitioners 9s+j+90k (mod 900). */
static int make_session(call *c, seed_state *st, int s, int k)
{
  int64_t members[BENCH_EV_GROUP_SIZE], id;
  bench_ev_user *parties[1 + BENCH_EV_GROUP_SIZE];
  parties[0] = &st->users[s];
  for (int j = 0; j < BENCH_EV_GROUP_SIZE; j++) {
    int p =
        (BENCH_EV_GROUP_SIZE * s + j + (BENCH_EV_PRACTITIONERS / BENCH_EV_GROUPS_EACH) * k) % BENCH_EV_PRACTITIONERS;
    parties[1 + j] = &st->users[BENCH_EV_SUPERVISORS + p];
    members[j] = parties[1 + j]->id;
  }
  char room[96];
  snprintf(room, sizeof room, "Room %d.%02d, Clinical Supervision Suite, second floor", s, k);
  uint8_t index[VAULT_INDEX_BYTES];
  int has_room;
  store_schedule_room_index(c->s->vault, room, index, &has_room);
  /* The session is booked by its supervisor, as `session add` is. */
  st->who->authenticated = 1;
  st->who->user_id = parties[0]->id;
  session_row row;
  if (store_sessions_add(call_store(c), parties[0]->id, members, BENCH_EV_GROUP_SIZE, 0, st->starts_at,
                         BENCH_EV_MINUTES, room, has_room ? index : NULL, &id) ||
      store_sessions_get(c->s->db, id, &row) ||
      store_schedule_log(call_store(c), &row, REFLECT__V1__SESSION_STATUS__SESSION_SCHEDULED, 0, st->starts_at, 0,
                         BENCH_EV_MINUTES, NULL) ||
      store_audit_append_id(call_store(c), "session.add", "session", id, "")) {
    fprintf(stderr, "bench: could not seed session %d/%d\n", s, k);
    return -1;
  }
  for (int i = 0; i < 1 + BENCH_EV_GROUP_SIZE; i++) {
    bench_ev_user *u = parties[i];
    if (u->n_sessions == BENCH_EV_PER_USER) return -1; /* the layout is wrong */
    u->sessions[u->n_sessions++] = id;
  }
  return 0;
}

static rcode seed_write(call *c, void *arg)
{
  seed_state *st = arg;
  for (int i = 0; i < BENCH_EV_USERS; i++)
    if (make_user(c, st, &st->users[i], i)) return RC_INTERNAL;
  for (int s = 0; s < BENCH_EV_SUPERVISORS; s++)
    for (int k = 0; k < BENCH_EV_GROUPS_EACH; k++)
      if (make_session(c, st, s, k)) return RC_INTERNAL;
  for (int i = 0; i < BENCH_EV_USERS; i++)
    if (st->users[i].n_sessions != BENCH_EV_PER_USER) return RC_INTERNAL;
  return RC_OK;
}

int bench_events_seed(const char *data_dir, int64_t starts_at, bench_ev_user *users)
{
  char err[512] = "", pwhash[PASSWORD_HASH_MAX];
  db *d = NULL;
  vault *v = NULL;
  int rc = -1;
  memset(users, 0, sizeof *users * BENCH_EV_USERS);
  config cfg;
  config_defaults(&cfg);
  if (config_load(data_dir, &cfg, err, sizeof err)) goto out;
  /* One Argon2id hash for everyone: nobody logs in with a password here. */
  if (password_hash("bench-events-password-1", pwhash)) {
    snprintf(err, sizeof err, "could not hash a password");
    goto out;
  }
  if (db_open(data_dir, DB_OPEN, cfg.synchronous_full, &d, err, sizeof err) ||
      unseal_open_vault(data_dir, d, NULL, &v, err, sizeof err))
    goto out;
  /* Topics are made as serve makes them, under the server key's topic key. */
  char secret[41];
  topic_key topics;
  if (datadir_read_secret(data_dir, DATADIR_SERVER_KEY, secret, sizeof secret, err, sizeof err) ||
      topic_key_derive(secret, &topics)) {
    snprintf(err, sizeof err, "cannot derive the topic key from %s/%s", data_dir, DATADIR_SERVER_KEY);
    goto out;
  }
  sodium_memzero(secret, sizeof secret);
  svc s = {.db = d, .vault = v, .cfg = &cfg, .topics = &topics};
  principal who = {.device = "bench-seed"};
  arena a = {0};
  keyring ring = {0};
  Reflect__V1__Status status = REFLECT__V1__STATUS__INIT;
  Reflect__V1__Reply rep = REFLECT__V1__REPLY__INIT;
  rep.status = &status;
  call c = {.s = &s, .who = &who, .a = &a, .ring = &ring, .rep = &rep, .now = (int64_t)time(NULL)};
  seed_state st = {users, starts_at, c.now + cfg.token_absolute_s, pwhash, &who};
  rcode wrc = call_write(&c, "seed the events benchmark", seed_write, &st);
  if (wrc) snprintf(err, sizeof err, "%s", status.message ? status.message : "seeding failed");
  keyring_clear(&ring);
  arena_reset(&a);
  if (!wrc) rc = 0;
out:
  if (rc) fprintf(stderr, "bench: seeding %s: %s\n", data_dir, err);
  sodium_memzero(pwhash, sizeof pwhash);
  db_close(d);
  vault_close(v);
  return rc;
}
