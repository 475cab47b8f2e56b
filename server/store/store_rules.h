/*
 * store_rules — frequency rules: an organisation's schedules of
 * supervision, as data (DESIGN: never hard-coded).
 *
 * Contract:
 *  - A rule is a unique name, a description (organisation policy, not
 *    anyone's personal data, so it is kept clear) and 1..DUE_STEPS_MAX
 *    steps. Rules are immutable (schema triggers): an agreement's schedule
 *    never changes under it; a new policy is a new rule.
 *  - The caller validates (due_rule_check) before store_rules_add, which
 *    runs in the caller's write transaction.
 *  - Results are plain structs (the handlers make messages of them); list
 *    arrays and their strings are arena memory (c->a). Functions return 0
 *    or an rcode (RC_EXISTS for a taken name, RC_NOT_FOUND, RC_INTERNAL).
 */
#ifndef REFLECT_STORE_RULES_H
#define REFLECT_STORE_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "due.h"
#include "store_ctx.h"

#define RULE_LIST_MAX 500

/* A rule as it is listed: created_by is a username; the last step has no
 * until (count 0). */
typedef struct {
  int64_t id, created_at;
  char *name, *description, *created_by;
  due_step steps[DUE_STEPS_MAX];
  size_t n_steps;
} rule_row;

rcode store_rules_add(store_ctx *c, const char *name, const char *description, const due_step *steps, size_t n,
                      int64_t *id) RC_MUST_CHECK;
rcode store_rules_find(db *d, const char *name, int64_t *id) RC_MUST_CHECK;
/* The rule's steps, in order, into steps[DUE_STEPS_MAX]. */
rcode store_rules_steps(db *d, int64_t rule_id, due_step *steps, size_t *n) RC_MUST_CHECK;
/* How often an agreement's sessions fall due: its rule's steps, or one
 * step of every_days days when it has no rule (rule_id 0). */
rcode store_rules_agreement_steps(db *d, int64_t rule_id, uint32_t every_days, due_step *steps,
                                  size_t *n) RC_MUST_CHECK;
/* By name, at most RULE_LIST_MAX. */
rcode store_rules_list(store_ctx *c, rule_row **out, size_t *n) RC_MUST_CHECK;

#endif
