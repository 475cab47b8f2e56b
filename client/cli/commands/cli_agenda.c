/* reflect agenda SESSION: what a session should take up — open actions
 * carried over, then cases, the most pressing first — as the server
 * proposes it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "cli_actions.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_time.h"
#include "wire.h"

static const char *agenda_risk_name(Reflect__V1__RiskLevel r)
{
  switch (r) {
  case REFLECT__V1__RISK_LEVEL__RISK_HIGH: return "high";
  case REFLECT__V1__RISK_LEVEL__RISK_MEDIUM: return "medium";
  case REFLECT__V1__RISK_LEVEL__RISK_LOW: return "low";
  default: return "unknown";
  }
}

static cJSON *agenda_case_json(const Reflect__V1__AgendaCase *e)
{
  const Reflect__V1__Case *k = e->case_;
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "id", k->id);
  cli_json_add_text(o, "reference", k->reference);
  cli_json_add_text(o, "name", k->name);
  cli_json_add_text(o, "risk", agenda_risk_name(k->risk));
  cli_json_add_text(o, "allocated", k->allocated);
  if (k->last_discussed) cli_json_add_time(o, "last_discussed", k->last_discussed);
  cli_json_add_u64(o, "last_session", k->last_session);
  cli_json_add_u64(o, "days_since", e->days_since);
  cli_json_add_text(o, "why", e->why);
  return o;
}

static int agenda_json(const Reflect__V1__AgendaReply *r)
{
  cJSON *o = cJSON_CreateObject(), *actions = cJSON_CreateArray(), *cases = cJSON_CreateArray();
  cli_json_add_u64(o, "session_id", r->session_id);
  for (size_t i = 0; i < r->n_carried_over; i++) cJSON_AddItemToArray(actions, cli_action_json(r->carried_over[i]));
  for (size_t i = 0; i < r->n_cases; i++)
    if (r->cases[i]->case_) cJSON_AddItemToArray(cases, agenda_case_json(r->cases[i]));
  cJSON_AddItemToObject(o, "carried_over", actions);
  cJSON_AddItemToObject(o, "cases", cases);
  return cli_json_print(o);
}

static void agenda_print_actions(const cli_ctx *ctx, const Reflect__V1__AgendaReply *r)
{
  static const char *const heads[] = {"ACTION", "DUE", "OWNER", "STATUS", "FROM", "WHAT"};
  printf("open actions carried over:%s\n", r->n_carried_over ? "" : " none");
  if (!r->n_carried_over) return;
  cli_table t;
  cli_table_init(&t, 6, heads);
  for (size_t i = 0; i < r->n_carried_over; i++) {
    const Reflect__V1__Action *a = r->carried_over[i];
    char id[24], due[CLI_TIME_MAX], from[32];
    snprintf(id, sizeof id, "%" PRIu64, a->id);
    cli_time_format_local(a->due_at, cli_zone(ctx), due, sizeof due);
    snprintf(from, sizeof from, "session %" PRIu64, a->session_id);
    const char *cells[] = {id, due, a->owner, cli_action_status_name(a, (int64_t)time(NULL)), from, a->description};
    cli_table_add(&t, cells);
  }
  cli_table_print(&t, stdout);
  cli_table_free(&t);
}

static void agenda_print_cases(const Reflect__V1__AgendaReply *r)
{
  static const char *const heads[] = {"#", "CASE", "REFERENCE", "NAME", "WORKER", "WHY"};
  printf("\ncases, most pressing first:%s\n", r->n_cases ? "" : " none");
  if (!r->n_cases) return;
  cli_table t;
  cli_table_init(&t, 6, heads);
  for (size_t i = 0; i < r->n_cases; i++) {
    const Reflect__V1__Case *k = r->cases[i]->case_;
    if (!k) continue;
    char rank[24], id[24];
    snprintf(rank, sizeof rank, "%zu", i + 1);
    snprintf(id, sizeof id, "%" PRIu64, k->id);
    const char *cells[] = {rank, id, k->reference, k->name, k->allocated, r->cases[i]->why};
    cli_table_add(&t, cells);
  }
  cli_table_print(&t, stdout);
  cli_table_free(&t);
}

static int agenda_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__AgendaRequest agenda = REFLECT__V1__AGENDA_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  int rc = cli_parse_u64(ctx, "SESSION", a->pos[0], 1, INT64_MAX, &agenda.session_id);
  if (rc) return rc;
  req.op_case = REFLECT__V1__REQUEST__OP_AGENDA;
  req.agenda = &agenda;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_AGENDA, &rep);
  if (rc) return rc;
  const Reflect__V1__AgendaReply *r = rep->agenda;
  if (ctx->json) {
    rc = agenda_json(r);
  } else {
    printf("agenda for session %" PRIu64 "\n\n", r->session_id);
    agenda_print_actions(ctx, r);
    agenda_print_cases(r);
  }
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_cmd_agenda = {
    .name = "agenda",
    .summary = "Propose a session's agenda: actions carried over, then cases.",
    .synopsis = "SESSION",
    .help = "Carried over: the open actions from earlier sessions with the same supervisor\n"
            "and at least one of the same members, owned by someone taking part; overdue\n"
            "first, then by due date. Cases: the open cases of the session's members, by\n"
            "days since last discussed (or since opened) times risk (high 3, medium 2,\n"
            "low 1), each with why. You see only the actions and cases you may see anyway.\n\n"
            "options:\n",
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = agenda_run,
};
