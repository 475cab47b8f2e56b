/* reflect session plan: the next sessions with a supervisee, proposed by
 * the server from their agreement's rule; with --book, booked. */
#include <inttypes.h>
#include <stdio.h>

#include "bounds.h"
#include "cli.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_time.h"
#include "wire.h"

#define PLAN_COUNT_MAX 26
#define PLAN_USERNAME_MAX 256

static const cli_opt plan_opts[] = {
    {"count", "N", 0}, {"from", "\"YYYY-MM-DD HH:MM\"", 0}, {"minutes", "N", 0}, {"room", "TEXT", 0}, {"book", NULL, 0},
    {NULL, NULL, 0},
};

/* Everything that can be checked before the organisation's zone is known. */
static int plan_check(const cli_ctx *ctx, const cli_args *a, uint64_t *count, uint64_t *minutes)
{
  const char *from = cli_arg_value(a, "from"), *room = cli_arg_value(a, "room");
  int rc = cli_check_text(ctx, "USER", a->pos[0], PLAN_USERNAME_MAX);
  if (!rc) rc = cli_arg_require(ctx, a, "count");
  if (!rc) rc = cli_parse_u64(ctx, "--count", cli_arg_value(a, "count"), 1, PLAN_COUNT_MAX, count);
  const char *why = rc || !from ? NULL : cli_time_check(from);
  if (why) rc = cli_usage_error(ctx, "--from %s", why);
  if (!rc && cli_arg_value(a, "minutes"))
    rc = cli_parse_u64(ctx, "--minutes", cli_arg_value(a, "minutes"), REFLECT_SESSION_MINUTES_MIN,
                       REFLECT_SESSION_MINUTES_MAX, minutes);
  if (!rc && room) rc = cli_check_text(ctx, "--room", room, CLI_TEXT_MAX);
  return rc;
}

static void plan_print(const cli_ctx *ctx, const Reflect__V1__SessionPlanReply *r, int book)
{
  const char *const heads[] = {"#", "WHEN", "MIN", book ? "SESSION" : "CLASH"};
  cli_table t;
  cli_table_init(&t, 4, heads);
  for (size_t i = 0; i < r->n_sessions; i++) {
    const Reflect__V1__PlannedSession *p = r->sessions[i];
    char n[24], when[CLI_TIME_MAX], minutes[16], last[24];
    snprintf(n, sizeof n, "%zu", i + 1);
    cli_time_format_local(p->starts_at, cli_zone(ctx), when, sizeof when);
    snprintf(minutes, sizeof minutes, "%" PRIu32, p->minutes);
    snprintf(last, sizeof last, "%" PRIu64, p->session_id);
    const char *cells[] = {n, when, minutes, book ? last : *p->clash ? p->clash : "-"};
    cli_table_add(&t, cells);
  }
  cli_table_print(&t, stdout);
  cli_table_free(&t);
}

static int plan_output(const cli_ctx *ctx, const Reflect__V1__SessionPlanReply *r, int book)
{
  size_t clashes = 0;
  for (size_t i = 0; i < r->n_sessions; i++) clashes += *r->sessions[i]->clash != '\0';
  if (ctx->json) {
    cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    cli_json_add_u64(o, "agreement_id", r->agreement_id);
    cJSON_AddBoolToObject(o, "booked", book);
    for (size_t i = 0; i < r->n_sessions; i++) {
      const Reflect__V1__PlannedSession *p = r->sessions[i];
      cJSON *s = cJSON_CreateObject();
      cli_json_add_time(s, "starts_at", p->starts_at);
      cli_json_add_u64(s, "minutes", p->minutes);
      cli_json_add_text(s, "clash", p->clash);
      cli_json_add_u64(s, "session_id", p->session_id);
      cJSON_AddItemToArray(arr, s);
    }
    cJSON_AddItemToObject(o, "sessions", arr);
    return cli_json_print(o);
  }
  plan_print(ctx, r, book);
  if (book) fprintf(stderr, "reflect: booked %zu sessions\n", r->n_sessions);
  else if (clashes) fprintf(stderr, "reflect: %zu of these clash; choose another --from or --room\n", clashes);
  else fprintf(stderr, "reflect: nothing is booked yet; run again with --book to book them\n");
  return CLI_EXIT_OK;
}

static int plan_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SessionPlanRequest plan = REFLECT__V1__SESSION_PLAN_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  uint64_t count = 0, minutes = 0;
  int rc = plan_check(ctx, a, &count, &minutes);
  if (!rc) rc = cli_call_connect(ctx);
  if (rc) return rc;
  const char *from = cli_arg_value(a, "from");
  const char *why = from ? cli_time_parse(from, cli_zone(ctx), &plan.first) : NULL;
  if (why) return cli_usage_error(ctx, "--from %s", why);
  plan.supervisee = (char *)a->pos[0];
  plan.count = (uint32_t)count;
  plan.minutes = (uint32_t)minutes;
  plan.room = (char *)(cli_arg_value(a, "room") ? cli_arg_value(a, "room") : "");
  plan.book = cli_arg_count(a, "book") > 0;
  req.op_case = REFLECT__V1__REQUEST__OP_SESSION_PLAN;
  req.session_plan = &plan;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_SESSION_PLAN, &rep);
  if (rc) return rc;
  rc = plan_output(ctx, rep->session_plan, plan.book);
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_session_plan = {
    .name = "plan",
    .summary = "Propose (or book) the next sessions from an agreement's rule.",
    .synopsis = "USER --count N [--from \"YYYY-MM-DD HH:MM\"] [--minutes N] [--room TEXT] [--book]",
    .help = "The server proposes N start times under your signed agreement with USER: the\n"
            "first at --from, or else when the next session is due at the time of day of\n"
            "the last one held (the first such time from now if that has passed); each\n"
            "next one an interval later, by the rule's step in force then. Times keep\n"
            "their wall-clock time in the organisation's zone when the clocks change.\n"
            "Each proposal says whether it would clash. Nothing is booked unless --book is\n"
            "given: then all of them are booked, as `session add` would, or none (the\n"
            "refusal names the clash).\n\n"
            "options:\n"
            "  USER               the supervisee's username\n"
            "  --count N          how many sessions (1-26)\n"
            "  --from WHEN        the first start, \"YYYY-MM-DD HH:MM\"\n"
            "  --minutes N        the length (default: the agreement's)\n"
            "  --room TEXT        where, or how to join online\n"
            "  --book             book them all\n",
    .opts = plan_opts,
    .pos_name = "USER",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = plan_run,
};
