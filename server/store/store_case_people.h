/*
 * store_case_people — the third parties of a case: people named in a
 * child's records who are not the child (mother, neighbour). Name and
 * relationship are sealed under the CASE's own data key ("case:N") and
 * bound to that case, so shredding the case key shreds them too and a row
 * cannot be moved to another case.
 *
 * Contract: store_case_people_add runs in the caller's write transaction
 * and refuses (RC_PRECONDITION) a case that already has CASE_PEOPLE_MAX.
 * store_case_people_list opens a case's people, oldest first, into an
 * array of case_person in the arena `a` (the call's, or a scratch arena
 * the caller resets), texts and all.
 * store_case_people_each_case calls fn for every case but `except`, by id,
 * so a handler can gather every name it must hide; fn may run statements.
 * Functions return 0 or an rcode (RC_DATA_LOSS when a value fails to
 * open).
 */
#ifndef REFLECT_STORE_CASE_PEOPLE_H
#define REFLECT_STORE_CASE_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "store_ctx.h"
#include "store_cases.h"

#define CASE_PERSON_NAME_MAX 200
#define CASE_PERSON_RELATIONSHIP_MAX 60
#define CASE_PEOPLE_MAX 200

/* Name and relationship opened; RETENTION_DESTROYED once the case is
 * shredded. */
typedef struct {
  int64_t id;
  const char *name, *relationship;
} case_person;

rcode store_case_people_add(store_ctx *c, const case_row *k, const char *name, const char *relationship,
                            int64_t *id) RC_MUST_CHECK;
rcode store_case_people_list(store_ctx *c, arena *a, const case_row *k, case_person **out, size_t *n) RC_MUST_CHECK;

typedef int (*store_case_people_fn)(store_ctx *c, const case_row *k, void *arg);
rcode store_case_people_each_case(store_ctx *c, int64_t except, store_case_people_fn fn, void *arg) RC_MUST_CHECK;

#endif
