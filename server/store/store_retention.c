#include "store_retention.h"

#include "retention.h"
#include "store_keys.h"

rcode store_retention_open(store_ctx *c, arena *a, const store_slot *slot, const void *blob, size_t len, char **text)
{
  int rc = store_keys_open(c->db, c->vault, c->ring, slot, blob, len, a, text);
  if (rc == RC_NOT_FOUND) {
    *text = RETENTION_DESTROYED;
    return RC_OK;
  }
  return rc;
}
