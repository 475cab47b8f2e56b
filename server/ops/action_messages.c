#include "action_messages.h"

/* The store's statuses cross onto the wire unchanged. */
_Static_assert((int)ACTION_STATUS_UNSPECIFIED == (int)REFLECT__V1__ACTION_STATUS__ACTION_STATUS_UNSPECIFIED &&
                   (int)ACTION_OPEN == (int)REFLECT__V1__ACTION_STATUS__ACTION_OPEN &&
                   (int)ACTION_DONE == (int)REFLECT__V1__ACTION_STATUS__ACTION_DONE &&
                   (int)ACTION_CANCELLED == (int)REFLECT__V1__ACTION_STATUS__ACTION_CANCELLED,
               "action_status and the wire's ActionStatus differ");

rcode action_messages_make(arena *a, const action_item *v, size_t n, Reflect__V1__Action ***out)
{
  Reflect__V1__Action **list = arena_alloc(a, sizeof *list * (n ? n : 1));
  if (!list) return RC_EXHAUSTED;
  for (size_t i = 0; i < n; i++) {
    Reflect__V1__Action *m = arena_alloc(a, sizeof *m);
    if (!m) return RC_EXHAUSTED;
    reflect__v1__action__init(m);
    m->id = (uint64_t)v[i].id;
    m->session_id = (uint64_t)v[i].session_id;
    m->case_id = (uint64_t)v[i].case_id;
    m->owner = (char *)v[i].owner;
    m->due_at = v[i].due_at;
    m->status = (Reflect__V1__ActionStatus)v[i].status;
    m->created_at = v[i].created_at;
    m->created_by = (char *)v[i].created_by;
    m->closed_at = v[i].closed_at;
    m->description = (char *)v[i].description;
    m->evidence_needed = (char *)v[i].evidence_needed;
    m->evidence = (char *)v[i].evidence;
    list[i] = m;
  }
  *out = list;
  return RC_OK;
}
