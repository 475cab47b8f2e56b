/*
 * store_audit — the append-only audit log: who did what to which object,
 * from which device, when. It never holds content, only identifiers.
 *
 * Contract: store_audit_append runs inside the caller's write transaction,
 * so the audit row commits (or not) with the change it describes (a read
 * of record content is audited in its own, by call_audit_read). `object` is
 * "session:12", "user:3"; `action` is a verb like "record.read".
 */
#ifndef REFLECT_STORE_AUDIT_H
#define REFLECT_STORE_AUDIT_H

#include "store_ctx.h"

rcode store_audit_append(store_ctx *c, const char *action, const char *object, const char *detail) RC_MUST_CHECK;
/* The same, for the common object "kind:id" (e.g. "session:12"). */
rcode store_audit_append_id(store_ctx *c, const char *action, const char *kind, int64_t id,
                            const char *detail) RC_MUST_CHECK;

#endif
