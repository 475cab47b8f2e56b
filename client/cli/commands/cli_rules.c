/* reflect rule add, reflect rule list: an organisation's frequency rules,
 * typed and shown in words ("weekly until 6 weeks, then monthly"). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_out.h"
#include "wire.h"

#define RULE_STEPS_MAX 12
#define RULE_STEPS_TEXT_MAX 512
#define RULE_NAME_MAX 64
#define RULE_DESCRIPTION_MAX 500
#define RULE_COUNT_MAX 1200

/* "6w" -> 6 weeks. NULL on success, else what is wrong. */
static const char *rule_parse_interval(const char *s, size_t len, Reflect__V1__Interval *iv)
{
  size_t digits = 0;
  while (digits < len && s[digits] >= '0' && s[digits] <= '9') digits++;
  if (digits == 0 || digits > 4 || digits + 1 != len) return "is not an interval like 2w (a number, then d, w or m)";
  uint32_t count = (uint32_t)strtoul(s, NULL, 10);
  char unit = s[digits];
  iv->unit = unit == 'd'   ? REFLECT__V1__INTERVAL_UNIT__UNIT_DAY
             : unit == 'w' ? REFLECT__V1__INTERVAL_UNIT__UNIT_WEEK
             : unit == 'm' ? REFLECT__V1__INTERVAL_UNIT__UNIT_MONTH
                           : REFLECT__V1__INTERVAL_UNIT__UNIT_UNSPECIFIED;
  if (iv->unit == REFLECT__V1__INTERVAL_UNIT__UNIT_UNSPECIFIED) return "has an unknown unit (use d, w or m)";
  if (count < 1 || count > RULE_COUNT_MAX) return "must count from 1 to 1200";
  iv->count = count;
  return NULL;
}

/* Splits s at white space into at most 3 words; returns how many. */
static size_t rule_words(const char *s, size_t len, const char *w[3], size_t wl[3])
{
  size_t n = 0, i = 0;
  while (i < len) {
    while (i < len && s[i] == ' ') i++;
    if (i == len) break;
    size_t start = i;
    while (i < len && s[i] != ' ') i++;
    if (n == 3) return 4;
    w[n] = s + start;
    wl[n++] = i - start;
  }
  return n;
}

typedef struct {
  Reflect__V1__FrequencyStep steps[RULE_STEPS_MAX];
  Reflect__V1__FrequencyStep *ptrs[RULE_STEPS_MAX];
  Reflect__V1__Interval every[RULE_STEPS_MAX], until[RULE_STEPS_MAX];
  size_t n;
} rule_steps;

/* "1w until 6w, 2w until 6m, 1m": each step an interval, and all but the
 * last "until" an offset from the agreement's start. The server checks
 * the order; this says which part of the text cannot be read. */
static int rule_parse_steps(const cli_ctx *ctx, const char *text, rule_steps *out)
{
  const char *p = text;
  out->n = 0;
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    if (out->n == RULE_STEPS_MAX) return cli_usage_error(ctx, "--steps: a rule has at most %d steps", RULE_STEPS_MAX);
    size_t k = out->n;
    const char *w[3];
    size_t wl[3];
    size_t nw = rule_words(p, len, w, wl);
    if (nw != 1 && !(nw == 3 && wl[1] == 5 && !strncmp(w[1], "until", 5))) {
      size_t from = 0;
      while (from < len && p[from] == ' ') from++;
      while (len > from && p[len - 1] == ' ') len--;
      return cli_usage_error(ctx, "--steps: step %zu ('%.*s') is not like '2w' or '2w until 6m'", k + 1,
                             (int)(len - from), p + from);
    }
    reflect__v1__frequency_step__init(&out->steps[k]);
    reflect__v1__interval__init(&out->every[k]);
    reflect__v1__interval__init(&out->until[k]);
    for (size_t i = 0; i < nw; i += 2) {
      const char *why = rule_parse_interval(w[i], wl[i], i ? &out->until[k] : &out->every[k]);
      if (why) return cli_usage_error(ctx, "--steps: step %zu: '%.*s' %s", k + 1, (int)wl[i], w[i], why);
    }
    out->steps[k].every = &out->every[k];
    if (nw == 3) out->steps[k].until = &out->until[k];
    out->ptrs[k] = &out->steps[k];
    out->n++;
    if (!comma) return CLI_EXIT_OK;
    p = comma + 1;
  }
}

static const char *rule_unit_name(Reflect__V1__IntervalUnit u, int plural)
{
  switch (u) {
  case REFLECT__V1__INTERVAL_UNIT__UNIT_DAY: return plural ? "days" : "day";
  case REFLECT__V1__INTERVAL_UNIT__UNIT_WEEK: return plural ? "weeks" : "week";
  case REFLECT__V1__INTERVAL_UNIT__UNIT_MONTH: return plural ? "months" : "month";
  default: return "?";
  }
}

/* "weekly until 6 weeks, every 2 weeks until 6 months, then monthly",
 * into buf; steps from the server are untrusted, so every one is checked. */
static void rule_describe(const Reflect__V1__FrequencyRule *r, char *buf, size_t size)
{
  static const char *const ly[] = {"?", "daily", "weekly", "monthly"};
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < r->n_steps && used < size; i++) {
    const Reflect__V1__Interval *e = r->steps[i]->every, *u = r->steps[i]->until;
    int unit = e && e->unit <= 3 ? (int)e->unit : 0;
    char every[48];
    if (e && e->count == 1) snprintf(every, sizeof every, "%s", ly[unit]);
    else snprintf(every, sizeof every, "every %" PRIu32 " %s", e ? e->count : 0, rule_unit_name(e ? e->unit : 0, 1));
    int n = snprintf(buf + used, size - used, "%s%s%s", i ? ", " : "", i && i + 1 == r->n_steps ? "then " : "", every);
    if (n > 0) used += (size_t)n;
    if (u && used < size) {
      n = snprintf(buf + used, size - used, " until %" PRIu32 " %s", u->count, rule_unit_name(u->unit, u->count != 1));
      if (n > 0) used += (size_t)n;
    }
  }
}

static const cli_opt rule_add_opts[] = {
    {"steps", "TEXT", 0},
    {"description", "TEXT", 0},
    {NULL, NULL, 0},
};

static int rule_add_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RuleAddRequest add = REFLECT__V1__RULE_ADD_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  rule_steps steps;
  const char *description = cli_arg_value(a, "description");
  int rc = cli_check_text(ctx, "NAME", a->pos[0], RULE_NAME_MAX);
  if (!rc) rc = cli_arg_require(ctx, a, "steps");
  if (!rc) rc = cli_check_text(ctx, "--steps", cli_arg_value(a, "steps"), RULE_STEPS_TEXT_MAX);
  if (!rc) rc = rule_parse_steps(ctx, cli_arg_value(a, "steps"), &steps);
  if (!rc && description) rc = cli_check_text(ctx, "--description", description, RULE_DESCRIPTION_MAX);
  if (rc) return rc;
  add.name = (char *)a->pos[0];
  add.description = (char *)(description ? description : "");
  add.steps = steps.ptrs;
  add.n_steps = steps.n;
  req.op_case = REFLECT__V1__REQUEST__OP_RULE_ADD;
  req.rule_add = &add;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_RULE_ADD, &rep);
  if (rc) return rc;
  rc = cli_print_id(ctx, rep->rule_add->id);
  wire_free_reply(rep);
  return rc;
}

static const cli_command rule_add = {
    .name = "add",
    .summary = "Define a frequency rule that agreements can use.",
    .synopsis = "NAME --steps \"1w until 6w, 2w until 6m, 1m\" [--description TEXT]",
    .help = "A rule is steps separated by commas. Each step is how often (a number and d, w\n"
            "or m: days, weeks, calendar months), and every step but the last says until\n"
            "when, counted from the day an agreement starts. The example is the\n"
            "newly-qualified schedule: weekly for 6 weeks, fortnightly to 6 months, then\n"
            "monthly. Rules never change once made; a new policy is a new rule.\n"
            "Prints the new rule's id.\n\n"
            "options:\n"
            "  NAME               a-z, 0-9 and '-', up to 64 (e.g. newly-qualified)\n"
            "  --steps TEXT       the steps, as above\n"
            "  --description TEXT what the rule is for (up to 500 bytes)\n",
    .opts = rule_add_opts,
    .pos_name = "NAME",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = rule_add_run,
};

static void rule_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  (void)ctx;
  const Reflect__V1__FrequencyRule *r = ((const Reflect__V1__RuleListReply *)list)->rules[i];
  char words[1024];
  rule_describe(r, words, sizeof words);
  const char *cells[] = {r->name, words, r->description, r->created_by};
  cli_table_add(t, cells);
}

static cJSON *rule_interval_json(const Reflect__V1__Interval *iv)
{
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "count", iv->count);
  cli_json_add_text(o, "unit", rule_unit_name(iv->unit, 1));
  return o;
}

static cJSON *rule_json(const void *list, size_t i)
{
  const Reflect__V1__FrequencyRule *r = ((const Reflect__V1__RuleListReply *)list)->rules[i];
  cJSON *o = cJSON_CreateObject(), *steps = cJSON_CreateArray();
  char words[1024];
  rule_describe(r, words, sizeof words);
  cli_json_add_u64(o, "id", r->id);
  cli_json_add_text(o, "name", r->name);
  cli_json_add_text(o, "description", r->description);
  cli_json_add_text(o, "schedule", words);
  for (size_t k = 0; k < r->n_steps; k++) {
    cJSON *s = cJSON_CreateObject();
    if (r->steps[k]->every) cJSON_AddItemToObject(s, "every", rule_interval_json(r->steps[k]->every));
    if (r->steps[k]->until) cJSON_AddItemToObject(s, "until", rule_interval_json(r->steps[k]->until));
    cJSON_AddItemToArray(steps, s);
  }
  cJSON_AddItemToObject(o, "steps", steps);
  cli_json_add_time(o, "created_at", r->created_at);
  cli_json_add_text(o, "created_by", r->created_by);
  return o;
}

static const char *const rule_heads[] = {"NAME", "SCHEDULE", "DESCRIPTION", "BY"};
static const cli_list_format rule_format = {4, rule_heads, rule_row, rule_json};

static int rule_list_run(cli_ctx *ctx, const cli_args *a)
{
  (void)a;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__RuleListRequest list = REFLECT__V1__RULE_LIST_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  req.op_case = REFLECT__V1__REQUEST__OP_RULE_LIST;
  req.rule_list = &list;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_RULE_LIST, &rep);
  if (rc) return rc;
  rc = cli_print_list(ctx, &rule_format, rep->rule_list, rep->rule_list->n_rules);
  wire_free_reply(rep);
  return rc;
}

static const cli_command rule_list = {
    .name = "list",
    .summary = "List the frequency rules, in words.",
    .help = "options:\n",
    .json = 1,
    .run = rule_list_run,
};

static const cli_command *const rule_commands[] = {&rule_add, &rule_list, NULL};

const cli_command cli_group_rule = {
    .name = "rule",
    .summary = "Frequency rules: how often supervision is due (e.g. newly-qualified).",
    .subs = rule_commands,
};
