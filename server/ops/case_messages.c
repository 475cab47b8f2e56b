#include "case_messages.h"

/* The store's risk levels cross onto the wire unchanged. */
_Static_assert((int)RISK_UNSPECIFIED == (int)REFLECT__V1__RISK_LEVEL__RISK_UNSPECIFIED &&
                   (int)RISK_LOW == (int)REFLECT__V1__RISK_LEVEL__RISK_LOW &&
                   (int)RISK_MEDIUM == (int)REFLECT__V1__RISK_LEVEL__RISK_MEDIUM &&
                   (int)RISK_HIGH == (int)REFLECT__V1__RISK_LEVEL__RISK_HIGH,
               "risk_level and the wire's RiskLevel differ");

rcode case_messages_make(arena *a, const case_item *k, Reflect__V1__Case **out)
{
  Reflect__V1__Case *m = arena_alloc(a, sizeof *m);
  if (!m) return RC_EXHAUSTED;
  reflect__v1__case__init(m);
  const case_row *r = &k->row;
  m->id = (uint64_t)r->id;
  m->risk = (Reflect__V1__RiskLevel)r->risk;
  m->open = r->open != 0;
  m->created_at = r->created_at;
  m->looked_after = r->looked_after != 0;
  m->closed_at = r->closed_at;
  m->shredded_at = r->shredded_at;
  if (!(m->retain_until = arena_strdup(a, r->retain_until))) return RC_EXHAUSTED;
  m->allocated = (char *)k->allocated;
  m->last_discussed = k->last_discussed;
  m->last_session = (uint64_t)k->last_session;
  m->reference = (char *)k->reference;
  m->name = (char *)k->name;
  m->date_of_birth = (char *)k->date_of_birth;
  *out = m;
  return RC_OK;
}

rcode case_messages_list(arena *a, const case_item *v, size_t n, Reflect__V1__Case ***out)
{
  Reflect__V1__Case **list = arena_alloc(a, sizeof *list * (n ? n : 1));
  if (!list) return RC_EXHAUSTED;
  for (size_t i = 0; i < n; i++) {
    rcode rc = case_messages_make(a, &v[i], &list[i]);
    if (rc) return rc;
  }
  *out = list;
  return RC_OK;
}
