/* store_events on a real database: an outbox row per recipient, sealed
 * under the recipient's key, seq increasing; a user reads only their own
 * events, oldest first, within the limit; a topic is new at every login;
 * events go only to devices with a live login, never while the password is
 * one an administrator set; the scheduler's marks; pruning. */
#include "store_test.h"
#include "store_events.h"
#include "store_tokens.h"

TestSuite(store_events, .init = st_setup, .fini = st_teardown);

/* The store keeps a body as bytes it never reads (events.c encodes it):
 * here the body is the summary's text. */
static int64_t event(int64_t user, int64_t now, const char *summary)
{
  store_ctx c = st_ctx(now);
  int64_t seq = 0;
  cr_assert_eq(store_events_add(&c, user, 1, (const uint8_t *)summary, strlen(summary), &seq), 0);
  return seq;
}

static void assert_body(const event_row *r, const char *want)
{
  cr_assert_eq(r->len, strlen(want));
  cr_assert_eq(memcmp(r->body, want, r->len), 0, "the body is the one stored");
}

/* A Z85 device key is 40 characters. */
static const char *device(char ch)
{
  static char d[4][DEVICE_Z85_LEN + 1];
  static int next;
  char *s = d[next++ % 4];
  memset(s, ch, DEVICE_Z85_LEN);
  s[DEVICE_Z85_LEN] = '\0';
  return s;
}

Test(store_events, sealed_per_recipient_and_read_only_by_them_in_order)
{
  int64_t u = st_user("pat", "Pat", ROLE_PRACTITIONER);
  int64_t s1 = event(u, T0, "Supervision with Sue Secret");
  int64_t o = event(1, T0, "For the administrator");
  int64_t s2 = event(u, T0 + 1, "Second");
  int64_t s3 = event(u, T0 + 2, "Third");
  cr_assert_lt(s1, o);
  cr_assert_lt(o, s2);
  cr_assert_lt(s2, s3);
  cr_assert_eq(st_raw_has("SELECT body FROM events WHERE seq = ?1", s1, "Secret"), 0);
  cr_assert_eq(st_int("SELECT subject = 'user:' || user_id FROM events e JOIN data_keys k ON k.id = e.key_id"
                      " WHERE seq = ?1",
                      s1),
               1);
  who.user_id = u;
  store_ctx c = st_ctx(T0 + 10);
  event_row *v;
  size_t n = 0;
  int more = -1;
  cr_assert_eq(store_events_since(&c, u, 0, 2, &v, &n, &more), 0);
  cr_assert_eq(n, 2);
  cr_assert_eq(more, 1);
  cr_assert_eq(v[0].seq, s1);
  cr_assert_eq(v[0].user_id, u);
  assert_body(&v[0], "Supervision with Sue Secret");
  cr_assert_eq(v[1].seq, s2, "the administrator's event is not Pat's");
  cr_assert_eq(store_events_since(&c, u, (uint64_t)s2, 10, &v, &n, &more), 0);
  cr_assert_eq(n, 1);
  cr_assert_eq(more, 0);
  assert_body(&v[0], "Third");
  cr_assert_eq(st_int("SELECT kind FROM events WHERE seq = ?1", s3), 1, "the kind is kept in the clear");
  event_row rows[8];
  cr_assert_eq(store_events_range(f.db, f.vault, &ring, &a, s1, s3, rows, 8, &n), 0);
  cr_assert_eq(n, 4, "the relay reads everyone's");
  cr_assert_eq(rows[1].user_id, 1);
  assert_body(&rows[1], "For the administrator");
  cr_assert_eq(rows[3].seq, s3);
}

Test(store_events, a_topic_is_new_at_every_login)
{
  int64_t u = st_user("pat", "Pat", ROLE_PRACTITIONER);
  const char *dev = device('a');
  uint8_t t1[EVENT_TOPIC_BYTES], t2[EVENT_TOPIC_BYTES], got[EVENT_TOPIC_BYTES];
  cr_assert_eq(store_events_topic_get(f.db, u, dev, got), RC_NOT_FOUND);
  cr_assert_eq(store_events_topic_renew(f.db, &f.topics, u, dev, T0, t1), 0);
  cr_assert_eq(store_events_topic_renew(f.db, &f.topics, u, dev, T0 + 1, t2), 0);
  cr_assert_neq(memcmp(t1, t2, EVENT_TOPIC_BYTES), 0, "two logins cannot be linked by their topic");
  cr_assert_eq(store_events_topic_get(f.db, u, dev, got), 0);
  cr_assert_eq(memcmp(got, t2, EVENT_TOPIC_BYTES), 0);
  cr_assert(topic_valid(&f.topics, dev, t2, EVENT_TOPIC_BYTES));
  cr_assert_eq(st_int("SELECT count(*) FROM event_topics WHERE user_id = ?1", u), 1);
}

Test(store_events, only_devices_with_a_live_login_and_a_password_of_ones_own)
{
  int64_t u = st_user("pat", "Pat", ROLE_PRACTITIONER);
  const char *live = device('l'), *idle = device('i'), *expired = device('e'), *none = device('n');
  uint8_t t[EVENT_TOPIC_BYTES], h[TOKEN_HASH_BYTES], tok[TOKEN_BYTES];
  const char *devs[] = {live, idle, expired};
  int64_t seen[] = {T0 - 10, T0 - 4000, T0 - 10}, expires[] = {T0 + 999, T0 + 999, T0};
  for (int i = 0; i < 3; i++) {
    memset(tok, i + 1, sizeof tok);
    store_tokens_hash(tok, sizeof tok, h);
    cr_assert_eq(store_tokens_create(f.db, h, u, devs[i], seen[i], expires[i]), 0);
    cr_assert_eq(store_events_topic_renew(f.db, &f.topics, u, devs[i], T0 - 20, t), 0);
  }
  cr_assert_eq(store_events_topic_renew(f.db, &f.topics, u, none, T0 - 20, t), 0);
  event_device out[EVENT_DEVICES_MAX];
  size_t n = 9;
  cr_assert_eq(store_events_devices(f.db, u, T0, 3600, out, EVENT_DEVICES_MAX, &n), 0);
  cr_assert_eq(n, 0, "the password was set by an administrator");
  cr_assert_eq(store_users_set_password(f.db, u, "$own", 0, T0), 0);
  cr_assert_eq(store_events_devices(f.db, u, T0, 3600, out, EVENT_DEVICES_MAX, &n), 0);
  cr_assert_eq(n, 1);
  cr_assert_str_eq(out[0].device, live);
  cr_assert_eq(store_events_topic_get(f.db, u, live, t), 0);
  cr_assert_eq(memcmp(out[0].topic, t, EVENT_TOPIC_BYTES), 0);
  /* Pruning: old outbox rows, and the topic of a device with no login. */
  event(u, T0 - 100, "old");
  int64_t keep = event(u, T0, "new");
  int64_t deleted = 0;
  cr_assert_eq(store_events_prune(f.db, T0 - 50, &deleted), 0);
  cr_assert_eq(deleted, 1);
  cr_assert_eq(st_int("SELECT min(seq) FROM events", 0), keep);
  cr_assert_eq(store_events_topic_get(f.db, u, none, t), RC_NOT_FOUND);
  cr_assert_eq(store_events_topic_get(f.db, u, idle, t), 0, "an idle login still has its topic");
}

Test(store_events, the_scheduler_marks_what_it_emitted)
{
  int yes = -1;
  cr_assert_eq(store_events_emitted(f.db, 4, 7, T0, 900, &yes), 0);
  cr_assert_eq(yes, 0);
  cr_assert_eq(store_events_mark(f.db, 4, 7, T0, 900, T0 - 900, 0, 0), 0);
  cr_assert_eq(store_events_emitted(f.db, 4, 7, T0, 900, &yes), 0);
  cr_assert_eq(yes, 1);
  cr_assert_eq(store_events_emitted(f.db, 4, 7, T0, 3600, &yes), 0);
  cr_assert_eq(yes, 0, "another lead is another event");
  cr_assert_eq(store_events_emitted(f.db, 4, 7, T0 + 1, 900, &yes), 0);
  cr_assert_eq(yes, 0, "a moved time is another event");
  cr_assert_eq(store_events_emitted(f.db, 5, 7, T0, 900, &yes), 0);
  cr_assert_eq(yes, 0);
}
