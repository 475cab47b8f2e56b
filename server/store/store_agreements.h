/*
 * store_agreements — supervision agreements between a supervisor and a
 * supervisee, in versions.
 *
 * Contract:
 *  - The supervisor signs an agreement by making it; it grants the
 *    supervisor access to the supervisee's sessions and cases only once the
 *    supervisee has signed it too, and until it ends. A signed agreement is
 *    frozen (a schema trigger): a change is a new version (version + 1,
 *    supersedes the old), and signing that version ends the old one.
 *  - The terms (booking, cancellation, confidentiality, record access,
 *    disagreements) and the reason an agreement ended are sealed under the
 *    supervisee's data key ("user:N"), bound to the agreement, the pair, the
 *    version and the term; lists never carry them.
 *  - every_days is NOT NULL in the v1 schema: an agreement on a frequency
 *    rule stores its first step's length there, but the rule is what
 *    counts (a reply shows every_days = 0 for it).
 *  - Writers run in the caller's write transaction. Items, their names,
 *    their arrays and opened text are allocated from c->a. Functions
 *    return 0 or an rcode.
 */
#ifndef REFLECT_STORE_AGREEMENTS_H
#define REFLECT_STORE_AGREEMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "store_ctx.h"

#define AGREEMENT_LIST_MAX 1000
#define AGREEMENT_VERSIONS_MAX 100

typedef struct {
  int64_t id, supervisor_id, supervisee_id;
  uint32_t every_days, minutes, version;
  int64_t supersedes, rule_id, key_id;                                      /* 0 for none */
  int64_t created_at, supervisor_signed_at, supervisee_signed_at, ended_at; /* 0 for not yet */
  char starts_on[11], review_on[11]; /* YYYY-MM-DD; review_on "" on agreements older than v7 */
} agreement_row;

/* An agreement as lists show it: the row and who it is between by
 * username; rule is the frequency rule's name, "" for none. */
typedef struct {
  agreement_row row;
  const char *supervisor, *supervisee, *rule;
} agreement_item;

/* The five terms: NULL or "" for a term left out. */
typedef struct {
  const char *booking, *cancellation, *confidentiality, *record_access, *disagreements;
} agreement_terms;

/* Who may see what in a list: the caller's own, and with oversight also
 * those of anyone they manage in a team; only active ones; only one
 * supervisee (0 for all). */
typedef struct {
  int64_t user_id;
  int oversight;
  int active_only;
  int64_t supervisee;
} agreement_filter;

/* Inserts *a (every field but id, key_id and times) made now by the caller. */
rcode store_agreements_add(store_ctx *c, const agreement_row *a, const agreement_terms *t, int64_t *id) RC_MUST_CHECK;
rcode store_agreements_get(db *d, int64_t id, agreement_row *out) RC_MUST_CHECK;
/* The newest agreement between the two that has not ended, signed or not. */
rcode store_agreements_find(db *d, int64_t supervisor, int64_t supervisee, int64_t *id) RC_MUST_CHECK;
/* The newest active agreement (signed by the supervisee, not ended): the
 * only kind that gives the supervisor access to the supervisee's work. */
rcode store_agreements_active(db *d, int64_t supervisor, int64_t supervisee, int64_t *id) RC_MUST_CHECK;
/* An unsigned, running version that supersedes agreement `id`. */
rcode store_agreements_unsigned_successor(db *d, int64_t id, int64_t *next) RC_MUST_CHECK;
/* The supervisee's signature; the caller has checked who and whether. */
rcode store_agreements_sign(store_ctx *c, const agreement_row *a) RC_MUST_CHECK;
/* Ends a running agreement now, with a reason (sealed). */
rcode store_agreements_end(store_ctx *c, const agreement_row *a, const char *reason) RC_MUST_CHECK;
/* Opens the terms and the end reason ("" when absent). */
rcode store_agreements_terms(store_ctx *c, const agreement_row *a, agreement_terms *out,
                             const char **end_reason) RC_MUST_CHECK;
/* a with the names it refers to (out->row is a copy of *a); nothing sealed. */
rcode store_agreements_item(store_ctx *c, const agreement_row *a, agreement_item *out) RC_MUST_CHECK;
/* The agreements f lets the caller see, oldest first. */
rcode store_agreements_list(store_ctx *c, const agreement_filter *f, agreement_item **out, size_t *n) RC_MUST_CHECK;
/* When sessions start to count for agreement a: local midnight (TZ) at
 * the start of its first version's starts_on. Earlier sessions belong to
 * whatever came before and must not move a new agreement's due date. */
rcode store_agreements_counts_from(db *d, const agreement_row *a, int64_t *since) RC_MUST_CHECK;
/* The pair's individual sessions that count for agreement a (group
 * sessions never replace individual supervision): those starting at or
 * after `since`, booked under a's versions or under none; the last held,
 * and the first still scheduled that has not ended by `now`; ids 0 for
 * none. */
typedef struct {
  int64_t last_held_id, last_held_at;
  int64_t next_id, next_at;
} agreement_sessions;
rcode store_agreements_sessions(db *d, const agreement_row *a, int64_t since, int64_t now,
                                agreement_sessions *out) RC_MUST_CHECK;
/* When a's next supervision is due: its rule (or every_days) applied to
 * the last held session that counts for it, or to its start (midnight UTC
 * of starts_on) when none has been held. The one rule for `reflect due`
 * and the scheduler's overdue events; *ps (may be NULL) gets the sessions
 * that count. */
rcode store_agreements_next_due(db *d, const agreement_row *a, int64_t now, int64_t *next_due,
                                agreement_sessions *ps) RC_MUST_CHECK;

/* Every agreement between a's supervisor and supervisee, oldest first. */
rcode store_agreements_versions(store_ctx *c, const agreement_row *a, agreement_item **out, size_t *n) RC_MUST_CHECK;

#endif
