/* Frequency rules: an organisation's schedules of supervision, as data. */
#include <string.h>

#include "ops.h"
#include "store_audit.h"
#include "store_rules.h"

#define RULE_NAME_MAX 64
#define RULE_DESCRIPTION_MAX 500

static rcode check_name(call *c, const char *name)
{
  size_t n = strlen(name);
  if (n == 0) return call_fail(c, RC_INVALID, "name", "a rule needs a name");
  if (n > RULE_NAME_MAX) return call_fail(c, RC_INVALID, "name", "a rule's name has at most %d bytes", RULE_NAME_MAX);
  if (strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
    return call_fail(c, RC_INVALID, "name", "a rule's name has only a-z, 0-9 and '-' (like newly-qualified)");
  return RC_OK;
}

/* An absent until and an empty one mean the same: from then on. */
static rcode read_steps(call *c, const Reflect__V1__RuleAddRequest *in, due_step *steps)
{
  if (in->n_steps > DUE_STEPS_MAX)
    return call_fail(c, RC_INVALID, "steps", "a rule has at most %d steps", DUE_STEPS_MAX);
  for (size_t i = 0; i < in->n_steps; i++) {
    const Reflect__V1__FrequencyStep *s = in->steps[i];
    if (!s->every) return call_fail(c, RC_INVALID, "steps", "step %zu has no interval (every)", i + 1);
    steps[i].every = (due_interval){s->every->count, (int)s->every->unit};
    steps[i].until = s->until ? (due_interval){s->until->count, (int)s->until->unit} : (due_interval){0, 0};
  }
  return RC_OK;
}

static rcode check_steps(call *c, const due_step *steps, size_t n)
{
  size_t bad;
  switch (due_rule_check(steps, n, &bad)) {
  case DUE_RULE_OK: return RC_OK;
  case DUE_RULE_NO_STEPS: return call_fail(c, RC_INVALID, "steps", "a rule needs at least one step");
  case DUE_RULE_TOO_MANY: return call_fail(c, RC_INVALID, "steps", "a rule has at most %d steps", DUE_STEPS_MAX);
  case DUE_RULE_BAD_EVERY:
    return call_fail(c, RC_INVALID, "steps", "step %zu: the interval must be 1 to %d days, weeks or months", bad + 1,
                     DUE_EVERY_MAX);
  case DUE_RULE_BAD_UNTIL:
    return call_fail(c, RC_INVALID, "steps", "step %zu: until must be 1 to %d days, weeks or months", bad + 1,
                     DUE_UNTIL_MAX);
  case DUE_RULE_MISSING_UNTIL:
    return call_fail(c, RC_INVALID, "steps", "step %zu: every step but the last needs an until", bad + 1);
  case DUE_RULE_LAST_UNTIL:
    return call_fail(c, RC_INVALID, "steps", "step %zu: the last step applies from then on, so it has no until",
                     bad + 1);
  case DUE_RULE_NOT_INCREASING:
    return call_fail(c, RC_INVALID, "steps",
                     "step %zu: its until must come after step %zu's, whatever day an agreement starts", bad + 1, bad);
  }
  return call_fail(c, RC_INVALID, "steps", "the steps are not a valid rule");
}

typedef struct {
  const Reflect__V1__RuleAddRequest *in;
  due_step steps[DUE_STEPS_MAX];
  int64_t id;
} rule_add;

static rcode rule_add_tx(call *c, void *arg)
{
  rule_add *r = arg;
  rcode rc = store_rules_add(call_store(c), r->in->name, r->in->description, r->steps, r->in->n_steps, &r->id);
  if (rc == RC_EXISTS) return call_fail(c, rc, "name", "a rule named '%s' already exists", r->in->name);
  return rc ? rc : store_audit_append_id(call_store(c), "rule.add", "rule", r->id, "");
}

rcode ops_rule_add(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__RuleAddRequest *in = req->rule_add;
  if (!in) return call_fail(c, RC_INVALID, "rule_add", "missing rule_add");
  rule_add r = {.in = in};
  rcode rc = check_name(c, in->name);
  if (!rc && strlen(in->description) > RULE_DESCRIPTION_MAX)
    rc = call_fail(c, RC_INVALID, "description", "a description has at most %d bytes", RULE_DESCRIPTION_MAX);
  if (!rc) rc = read_steps(c, in, r.steps);
  if (!rc) rc = check_steps(c, r.steps, in->n_steps);
  if (!rc) rc = call_write(c, "add the rule", rule_add_tx, &r);
  if (rc) return rc;
  Reflect__V1__RuleAddReply *out = arena_alloc(c->a, sizeof *out);
  if (!out) return call_fail(c, RC_EXHAUSTED, NULL, "out of memory");
  reflect__v1__rule_add_reply__init(out);
  out->id = (uint64_t)r.id;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_RULE_ADD;
  c->rep->rule_add = out;
  return RC_OK;
}

/* due.h keeps the wire's numbers, so a cast is the conversion. */
_Static_assert((int)DUE_DAY == (int)REFLECT__V1__INTERVAL_UNIT__UNIT_DAY &&
                   (int)DUE_WEEK == (int)REFLECT__V1__INTERVAL_UNIT__UNIT_WEEK &&
                   (int)DUE_MONTH == (int)REFLECT__V1__INTERVAL_UNIT__UNIT_MONTH,
               "due units are the wire's IntervalUnit");

static Reflect__V1__Interval *interval_message(arena *a, due_interval iv)
{
  Reflect__V1__Interval *m = arena_alloc(a, sizeof *m);
  if (!m) return NULL;
  reflect__v1__interval__init(m);
  m->count = iv.count;
  m->unit = (Reflect__V1__IntervalUnit)iv.unit;
  return m;
}

/* The last step has no until. */
static Reflect__V1__FrequencyRule *rule_message(arena *a, const rule_row *r)
{
  Reflect__V1__FrequencyRule *m = arena_alloc(a, sizeof *m);
  if (!m) return NULL;
  reflect__v1__frequency_rule__init(m);
  m->id = (uint64_t)r->id;
  m->name = r->name;
  m->description = r->description;
  m->created_at = r->created_at;
  m->created_by = r->created_by;
  m->steps = arena_alloc(a, sizeof *m->steps * (r->n_steps ? r->n_steps : 1));
  if (!m->steps) return NULL;
  for (size_t i = 0; i < r->n_steps; i++) {
    Reflect__V1__FrequencyStep *s = arena_alloc(a, sizeof *s);
    if (!s) return NULL;
    reflect__v1__frequency_step__init(s);
    if (!(s->every = interval_message(a, r->steps[i].every))) return NULL;
    if (r->steps[i].until.count && !(s->until = interval_message(a, r->steps[i].until))) return NULL;
    m->steps[i] = s;
  }
  m->n_steps = r->n_steps;
  return m;
}

rcode ops_rule_list(call *c, const Reflect__V1__Request *req)
{
  (void)req;
  Reflect__V1__RuleListReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return call_fail(c, RC_EXHAUSTED, NULL, "out of memory");
  reflect__v1__rule_list_reply__init(r);
  rule_row *rules;
  size_t n = 0;
  rcode rc = store_rules_list(call_store(c), &rules, &n);
  if (!rc && !(r->rules = arena_alloc(c->a, sizeof *r->rules * (n ? n : 1)))) rc = RC_EXHAUSTED;
  for (size_t i = 0; !rc && i < n; i++)
    if (!(r->rules[i] = rule_message(c->a, &rules[i]))) rc = RC_EXHAUSTED;
  if (rc) return call_fail(c, rc, NULL, "could not list the rules");
  r->n_rules = n;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_RULE_LIST;
  c->rep->rule_list = r;
  return RC_OK;
}
