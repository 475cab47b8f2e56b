/* EventsSince: the durable half of events (docs/architecture.md#d6-events).
 * PUB is best effort; this is how a client that was away, or lost frames at the
 * high-water mark, gets everything, in order, exactly once. */
#include "events.h"
#include "ops.h"
#include "store_events.h"

rcode ops_events_since(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__EventsSinceRequest *in = req->events_since;
  if (!in) return call_fail(c, RC_INVALID, "events_since", "missing events_since");
  if (in->limit > EVENTS_SINCE_MAX)
    return call_fail(c, RC_INVALID, "limit", "limit may be at most %d", EVENTS_SINCE_MAX);
  Reflect__V1__EventsSinceReply *r = arena_alloc(c->a, sizeof *r);
  uint8_t *topic = arena_alloc(c->a, EVENT_TOPIC_BYTES);
  if (!r || !topic) return RC_EXHAUSTED;
  reflect__v1__events_since_reply__init(r);
  event_row *rows;
  size_t n, kept = 0;
  int more;
  rcode rc = store_events_since(call_store(c), c->who->user_id, in->after, in->limit, &rows, &n, &more);
  if (!rc) rc = store_events_latest(c->s->db, c->who->user_id, &r->latest);
  if (!rc && !(r->events = arena_alloc(c->a, sizeof *r->events * (n ? n : 1)))) rc = RC_EXHAUSTED;
  if (rc) return call_fail(c, rc, NULL, "could not read your events");
  /* A body that does not decode is left out, as one that does not open. */
  for (size_t i = 0; i < n; i++)
    if ((r->events[kept] = events_decode(c->a, &rows[i]))) kept++;
  r->n_events = kept;
  r->more = more;
  /* A login from before events existed has no topic until the next login;
   * catching up still works without one. */
  if (store_events_topic_get(c->s->db, c->who->user_id, c->who->device, topic) == RC_OK) {
    r->topic.data = topic;
    r->topic.len = EVENT_TOPIC_BYTES;
  }
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_EVENTS_SINCE;
  c->rep->events_since = r;
  return RC_OK;
}
