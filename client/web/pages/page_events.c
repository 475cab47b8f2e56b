#include "page_events.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reflect/client_events.h"
#include "reflect.pb-c.h"

#define OUT_MAX 4096

static atomic_int open_streams;
static atomic_int stopping;

/* Streams per person: each open tab holds one, and a browser allows only
 * six connections to a site over HTTP/1.1, so a few tabs must not take
 * them all; nor may one person take every stream. */
static pthread_mutex_t per_user_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  char user[65];
  int n;
} per_user[PAGE_EVENTS_STREAMS];

static int user_take(const char *user)
{
  int ok = 0, free_slot = -1;
  pthread_mutex_lock(&per_user_lock);
  for (int i = 0; i < PAGE_EVENTS_STREAMS; i++) {
    if (per_user[i].n && !strcmp(per_user[i].user, user)) {
      ok = per_user[i].n < PAGE_EVENTS_PER_USER;
      if (ok) per_user[i].n++;
      free_slot = -2;
      break;
    }
    if (!per_user[i].n && free_slot == -1) free_slot = i;
  }
  if (free_slot >= 0) {
    snprintf(per_user[free_slot].user, sizeof per_user[free_slot].user, "%s", user);
    per_user[free_slot].n = 1;
    ok = 1;
  }
  pthread_mutex_unlock(&per_user_lock);
  return ok;
}

static void user_give(const char *user)
{
  pthread_mutex_lock(&per_user_lock);
  for (int i = 0; i < PAGE_EVENTS_STREAMS; i++)
    if (per_user[i].n && !strcmp(per_user[i].user, user)) {
      per_user[i].n--;
      break;
    }
  pthread_mutex_unlock(&per_user_lock);
}

typedef struct {
  client *cl;
  client_events *ev;
  char user[65];
  char out[OUT_MAX];
  size_t len, off;
  int ended;
} stream;

void page_events_stop(void)
{
  atomic_store(&stopping, 1);
}

static void stream_free(void *arg)
{
  stream *st = arg;
  client_events_close(st->ev);
  client_close(st->cl);
  user_give(st->user);
  free(st);
  atomic_fetch_sub(&open_streams, 1);
}

/* A JSON string of s, at most max bytes of it, escaped (controls as \u). */
static size_t json_string(char *out, size_t size, const char *s)
{
  size_t n = 0;
  if (size < 3) return 0;
  out[n++] = '"';
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && n + 8 < size; p++) {
    if (*p == '"' || *p == '\\') {
      out[n++] = '\\';
      out[n++] = (char)*p;
    } else if (*p < 0x20 || *p == 0x7f) {
      n += (size_t)snprintf(out + n, size - n, "\\u%04x", *p);
    } else {
      out[n++] = (char)*p;
    }
  }
  out[n++] = '"';
  out[n] = '\0';
  return n;
}

static const char *kind_name(Reflect__V1__EventKind k)
{
  const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&reflect__v1__event_kind__descriptor, (int)k);
  return v ? v->name : "EVENT_KIND_UNSPECIFIED";
}

/* What the event is about, as a path on this site. */
static void link_of(const Reflect__V1__Event *ev, char *out, size_t size)
{
  if (ev->session_id) snprintf(out, size, "/sessions/%llu", (unsigned long long)ev->session_id);
  else if (ev->action_id) snprintf(out, size, "/actions/%llu", (unsigned long long)ev->action_id);
  else if (ev->agreement_id) snprintf(out, size, "/agreements/%llu", (unsigned long long)ev->agreement_id);
  else snprintf(out, size, "/");
}

static void put_event(stream *st, const Reflect__V1__Event *ev)
{
  char summary[600], who[600], link[64], href[80];
  json_string(summary, sizeof summary, ev->summary);
  json_string(who, sizeof who, ev->who);
  link_of(ev, link, sizeof link);
  json_string(href, sizeof href, link);
  int n = snprintf(st->out, sizeof st->out,
                   "id: %llu\nevent: reflect\ndata: {\"seq\":%llu,\"kind\":\"%s\",\"summary\":%s,\"who\":%s,"
                   "\"at\":%lld,\"href\":%s}\n\n",
                   (unsigned long long)ev->seq, (unsigned long long)ev->seq, kind_name(ev->kind), summary, who,
                   (long long)ev->at, href);
  st->len = n > 0 && (size_t)n < sizeof st->out ? (size_t)n : 0;
  st->off = 0;
}

static void put_text(stream *st, const char *text)
{
  snprintf(st->out, sizeof st->out, "%s", text);
  st->len = strlen(st->out);
  st->off = 0;
}

static ssize_t next(void *arg, char *buf, size_t max)
{
  stream *st = arg;
  if (st->off == st->len) {
    if (st->ended || atomic_load(&stopping)) return HTTP_STREAM_END;
    st->len = st->off = 0;
    for (int waited = 0; !st->len && waited < PAGE_EVENTS_KEEPALIVE_MS; waited += 1000) {
      if (atomic_load(&stopping)) return HTTP_STREAM_END;
      Reflect__V1__Event *ev = NULL;
      int rc = client_events_next(st->ev, 1000, &ev);
      if (rc == CLIENT_OK) {
        put_event(st, ev);
        client_free_event(ev);
      } else if (rc != CLIENT_ENOEVENT && rc != CLIENT_ETIMEOUT) {
        /* The login lapsed or was ended: the page stops listening. */
        put_text(st, "event: end\ndata: {}\n\n");
        st->ended = 1;
      }
    }
    if (!st->len) put_text(st, ": keep-alive\n\n");
  }
  size_t n = st->len - st->off < max ? st->len - st->off : max;
  memcpy(buf, st->out + st->off, n);
  st->off += n;
  return (ssize_t)n;
}

static void refuse(page_ctx *p, int status, const char *text)
{
  p->rs->status = status;
  p->rs->content_type = "text/plain; charset=utf-8";
  p->rs->bytes = text;
  p->rs->bytes_len = strlen(text);
}

void page_events_stream(page_ctx *p)
{
  if (atomic_fetch_add(&open_streams, 1) >= PAGE_EVENTS_STREAMS) {
    atomic_fetch_sub(&open_streams, 1);
    refuse(p, 503, "Too many live connections; the page will try again.\n");
    return;
  }
  if (!user_take(p->s->username)) {
    atomic_fetch_sub(&open_streams, 1);
    refuse(p, 429, "Live events are already open in other tabs.\n");
    return;
  }
  stream *st = calloc(1, sizeof *st);
  if (st) snprintf(st->user, sizeof st->user, "%s", p->s->username);
  int rc = st ? client_dup(p->s->cl, p->app->zctx, &st->cl) : CLIENT_ENOMEM;
  /* From the newest event on: a page shows what happens while it is open. */
  Reflect__V1__EventsSinceRequest in = REFLECT__V1__EVENTS_SINCE_REQUEST__INIT;
  in.after = UINT64_MAX;
  in.limit = 1;
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__EventsSinceReply *since = NULL;
  if (rc == CLIENT_OK) rc = client_call_events_since(st->cl, &in, &rep, &since);
  if (rc == CLIENT_OK && !since) rc = CLIENT_EREFUSED;
  uint64_t latest = since ? since->latest : 0;
  client_free_reply(rep);
  if (rc == CLIENT_OK) rc = client_events_open(st->cl, p->app->events, latest, &st->ev);
  if (rc != CLIENT_OK) {
    if (st) {
      client_close(st->cl);
      free(st);
    }
    user_give(p->s->username);
    atomic_fetch_sub(&open_streams, 1);
    refuse(p, rc == CLIENT_EUNAUTH || rc == CLIENT_EREFUSED ? 401 : 503, "No live events now.\n");
    return;
  }
  p->rs->content_type = "text/event-stream";
  p->rs->stream = next;
  p->rs->stream_arg = st;
  p->rs->stream_free = stream_free;
}
