#include "sessions.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

struct sessions {
  pthread_mutex_t lock;
  size_t max;
  int idle_s, anon_idle_s;
  session *v;             /* sodium_malloc: max entries */
  pthread_mutex_t *locks; /* one per entry */
};

int sessions_init(size_t max, int idle_s, int anon_idle_s, sessions **out)
{
  *out = NULL;
  if (sodium_init() < 0 || !max) return -1;
  sessions *t = calloc(1, sizeof *t);
  if (!t) return -1;
  t->max = max;
  t->idle_s = idle_s;
  t->anon_idle_s = anon_idle_s;
  t->v = sodium_allocarray(max, sizeof *t->v);
  t->locks = calloc(max, sizeof *t->locks);
  if (!t->v || !t->locks) {
    if (t->v) sodium_free(t->v);
    free(t->locks);
    free(t);
    return -1;
  }
  memset(t->v, 0, max * sizeof *t->v);
  pthread_mutex_init(&t->lock, NULL);
  for (size_t i = 0; i < max; i++) {
    pthread_mutex_init(&t->locks[i], NULL);
    t->v[i].lock = &t->locks[i];
  }
  *out = t;
  return 0;
}

void sessions_free_pending(char *pending)
{
  if (pending) sodium_free(pending); /* wipes it */
}

static void wipe(session *s)
{
  client_close(s->cl);
  sessions_free_pending(s->pending);
  void *lock = s->lock;
  sodium_memzero(s, sizeof *s);
  s->lock = lock;
}

void sessions_free(sessions *t)
{
  if (!t) return;
  for (size_t i = 0; i < t->max; i++) {
    if (t->v[i].used) wipe(&t->v[i]);
    pthread_mutex_destroy(&t->locks[i]);
  }
  sodium_free(t->v);
  free(t->locks);
  pthread_mutex_destroy(&t->lock);
  free(t);
}

static void hash_cookie(const char *cookie, uint8_t out[32])
{
  crypto_generichash(out, 32, (const uint8_t *)cookie, strlen(cookie), NULL, 0);
}

static int expired(const sessions *t, const session *s, int64_t now)
{
  return now - s->last_seen > (s->cl ? t->idle_s : t->anon_idle_s);
}

session *sessions_acquire(sessions *t, const char *cookie, int64_t now)
{
  if (!cookie || strlen(cookie) != SESSIONS_COOKIE_LEN) return NULL;
  uint8_t h[32];
  hash_cookie(cookie, h);
  session *found = NULL;
  pthread_mutex_lock(&t->lock);
  for (size_t i = 0; i < t->max && !found; i++) {
    session *s = &t->v[i];
    if (s->used && !s->ended && sodium_memcmp(s->id_hash, h, sizeof h) == 0) found = s;
  }
  if (found && expired(t, found, now)) {
    found->ended = 1;
    if (!found->refs) wipe(found);
    found = NULL;
  }
  if (found) {
    found->refs++;
    found->last_seen = now; /* read by other threads' scans, under this lock */
  }
  pthread_mutex_unlock(&t->lock);
  if (!found) return NULL;
  pthread_mutex_lock(found->lock);
  return found;
}

session *sessions_create(sessions *t, session *from, char cookie[SESSIONS_COOKIE_LEN + 1], int64_t now)
{
  uint8_t raw[32], csrf[32];
  randombytes_buf(raw, sizeof raw);
  randombytes_buf(csrf, sizeof csrf);
  sodium_bin2base64(cookie, SESSIONS_COOKIE_LEN + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  pthread_mutex_lock(&t->lock);
  session *slot = NULL, *idlest = NULL;
  for (size_t i = 0; i < t->max && !slot; i++) {
    session *s = &t->v[i];
    if (s->used && !s->refs && (s->ended || expired(t, s, now))) wipe(s);
    if (!s->used) slot = s;
    else if (!s->refs && !s->cl && !s->pending && (!idlest || s->last_seen < idlest->last_seen)) idlest = s;
  }
  if (!slot && idlest) {
    wipe(idlest);
    slot = idlest;
  }
  if (slot) {
    slot->used = 1;
    slot->refs = 1;
    slot->last_seen = now;
    hash_cookie(cookie, slot->id_hash);
    sodium_bin2base64(slot->csrf, sizeof slot->csrf, csrf, sizeof csrf, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  }
  pthread_mutex_unlock(&t->lock);
  sodium_memzero(csrf, sizeof csrf);
  if (!slot) return NULL;
  /* Nobody else can hold a slot just taken (refs was 0, and only we know
   * its cookie): trylock cannot fail, and unlike lock it orders nothing
   * against the caller's own session lock, which `from` may hold. */
  if (pthread_mutex_trylock(slot->lock) != 0) {
    pthread_mutex_lock(&t->lock);
    slot->ended = 1;
    slot->refs = 0;
    wipe(slot);
    pthread_mutex_unlock(&t->lock);
    return NULL;
  }
  if (from) {
    memcpy(slot->device_id, from->device_id, sizeof slot->device_id);
    slot->has_device = from->has_device;
    memcpy(slot->return_to, from->return_to, sizeof slot->return_to);
    memcpy(slot->pending_path, from->pending_path, sizeof slot->pending_path);
    memcpy(slot->pending_owner, from->pending_owner, sizeof slot->pending_owner);
    /* Moved: a form kept across the login (for its owner alone). Other
     * threads' scans read `pending` under the table lock. */
    pthread_mutex_lock(&t->lock);
    slot->pending = from->pending;
    from->pending = NULL;
    pthread_mutex_unlock(&t->lock);
    sessions_end(t, from);
  }
  return slot;
}

void sessions_release(sessions *t, session *s)
{
  if (!s) return;
  pthread_mutex_unlock(s->lock);
  pthread_mutex_lock(&t->lock);
  if (--s->refs == 0 && s->ended) wipe(s);
  pthread_mutex_unlock(&t->lock);
}

void sessions_end(sessions *t, session *s)
{
  pthread_mutex_lock(&t->lock);
  s->ended = 1;
  pthread_mutex_unlock(&t->lock);
}

size_t sessions_count(sessions *t)
{
  size_t n = 0;
  pthread_mutex_lock(&t->lock);
  for (size_t i = 0; i < t->max; i++) n += t->v[i].used && !t->v[i].ended;
  pthread_mutex_unlock(&t->lock);
  return n;
}

void sessions_set_client(sessions *t, session *s, client *cl)
{
  pthread_mutex_lock(&t->lock);
  s->cl = cl;
  pthread_mutex_unlock(&t->lock);
}

int sessions_stash(sessions *t, session *s, const char *owner, const char *path, const char *body)
{
  size_t n = strlen(body);
  if (!owner || !*owner || n > SESSIONS_PENDING_MAX || strlen(path) >= sizeof s->pending_path ||
      strlen(owner) >= sizeof s->pending_owner)
    return -1;
  char *copy = sodium_malloc(n + 1);
  if (!copy) return -1;
  memcpy(copy, body, n + 1);
  pthread_mutex_lock(&t->lock);
  char *old = s->pending;
  s->pending = copy;
  pthread_mutex_unlock(&t->lock);
  sessions_free_pending(old);
  snprintf(s->pending_path, sizeof s->pending_path, "%s", path);
  snprintf(s->pending_owner, sizeof s->pending_owner, "%s", owner);
  return 0;
}

/* Takes s's pending form out (the table lock guards the pointer, which
 * other threads' scans read). */
static char *unhook(sessions *t, session *s)
{
  pthread_mutex_lock(&t->lock);
  char *p = s->pending;
  s->pending = NULL;
  pthread_mutex_unlock(&t->lock);
  s->pending_path[0] = s->pending_owner[0] = '\0';
  return p;
}

void sessions_drop_pending(sessions *t, session *s)
{
  sessions_free_pending(unhook(t, s));
}

char *sessions_take(sessions *t, session *s, const char *owner, const char *path)
{
  if (!s->pending) return NULL; /* only this thread (holding s) writes it */
  if (strcmp(s->pending_owner, owner) != 0) {
    sessions_drop_pending(t, s);
    return NULL;
  }
  if (strcmp(s->pending_path, path) != 0) return NULL;
  return unhook(t, s);
}
