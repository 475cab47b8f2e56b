/* reflect team add / member / list: who is in which team, and who manages
 * it (administrators; managers list the teams they manage). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_out.h"
#include "wire.h"

#define TEAM_NAME_MAX 64
#define TEAM_USERNAME_MAX 256

static int team_add_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__TeamAddRequest add = REFLECT__V1__TEAM_ADD_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  int rc = cli_check_text(ctx, "NAME", a->pos[0], TEAM_NAME_MAX);
  if (rc) return rc;
  add.name = (char *)a->pos[0];
  req.op_case = REFLECT__V1__REQUEST__OP_TEAM_ADD;
  req.team_add = &add;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_TEAM_ADD, &rep);
  if (rc) return rc;
  rc = cli_print_id(ctx, rep->team_add->id);
  wire_free_reply(rep);
  return rc;
}

static const cli_command team_add = {
    .name = "add",
    .summary = "Make a team (administrators).",
    .synopsis = "NAME",
    .help = "NAME is 1-64 characters, unique ignoring case. Prints the new team's id. Add\n"
            "people with 'reflect team member'.\n\noptions:\n",
    .pos_name = "NAME",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = team_add_run,
};

static const cli_opt member_opts[] = {
    {"manager", NULL, 0},
    {"remove", NULL, 0},
    {NULL, NULL, 0},
};

static int team_member_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__TeamMemberRequest m = REFLECT__V1__TEAM_MEMBER_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  int rc = cli_check_text(ctx, "TEAM", a->pos[0], TEAM_NAME_MAX);
  if (!rc) rc = cli_check_text(ctx, "USER", a->pos[1], TEAM_USERNAME_MAX);
  m.manager = cli_arg_count(a, "manager") > 0;
  m.remove = cli_arg_count(a, "remove") > 0;
  if (!rc && m.manager && m.remove)
    rc = cli_usage_error(ctx, "--remove takes someone out whatever their part: leave out --manager");
  if (rc) return rc;
  m.team = (char *)a->pos[0];
  m.username = (char *)a->pos[1];
  req.op_case = REFLECT__V1__REQUEST__OP_TEAM_MEMBER;
  req.team_member = &m;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_TEAM_MEMBER, &rep);
  if (rc) return rc;
  wire_free_reply(rep);
  return CLI_EXIT_OK;
}

static const cli_command team_member = {
    .name = "member",
    .summary = "Put someone in a team, as a member or a manager, or take them out.",
    .synopsis = "TEAM USER [--manager] [--remove]",
    .help = "Without options USER becomes a member (a manager already in the team stops\n"
            "managing it). A team's managers see its members' sessions and actions, never\n"
            "wellbeing notes. Only accounts with the manager role can manage a team.\n\n"
            "options:\n"
            "  --manager          make USER one of the team's managers\n"
            "  --remove           take USER out of the team\n",
    .opts = member_opts,
    .pos_name = "TEAM USER",
    .min_pos = 2,
    .max_pos = 2,
    .run = team_member_run,
};

/* "ann, bob", or "-" for nobody: a malloc'd string the caller frees. */
static char *team_join(char **names, size_t n)
{
  size_t len = 2;
  for (size_t i = 0; i < n; i++) len += strlen(names[i]) + 2;
  char *out = cli_mem_alloc(len);
  strcpy(out, n ? "" : "-");
  for (size_t i = 0; i < n; i++) {
    if (i) strcat(out, ", ");
    strcat(out, names[i]);
  }
  return out;
}

static void team_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  (void)ctx;
  const Reflect__V1__Team *team = ((const Reflect__V1__TeamListReply *)list)->teams[i];
  char id[24];
  snprintf(id, sizeof id, "%" PRIu64, team->id);
  char *managers = team_join(team->managers, team->n_managers);
  char *members = team_join(team->members, team->n_members);
  const char *cells[] = {id, team->name, managers, members};
  cli_table_add(t, cells);
  free(managers);
  free(members);
}

static cJSON *team_names_json(char **names, size_t n)
{
  cJSON *arr = cJSON_CreateArray();
  for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(arr, cJSON_CreateString(names[i]));
  return arr;
}

static cJSON *team_json(const void *list, size_t i)
{
  const Reflect__V1__Team *team = ((const Reflect__V1__TeamListReply *)list)->teams[i];
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "id", team->id);
  cli_json_add_text(o, "name", team->name);
  cJSON_AddItemToObject(o, "managers", team_names_json(team->managers, team->n_managers));
  cJSON_AddItemToObject(o, "members", team_names_json(team->members, team->n_members));
  cli_json_add_time(o, "created_at", team->created_at);
  return o;
}

static const char *const team_heads[] = {"ID", "TEAM", "MANAGERS", "MEMBERS"};
static const cli_list_format team_format = {4, team_heads, team_row, team_json};

static int team_list_run(cli_ctx *ctx, const cli_args *a)
{
  (void)a;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__TeamListRequest list = REFLECT__V1__TEAM_LIST_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  req.op_case = REFLECT__V1__REQUEST__OP_TEAM_LIST;
  req.team_list = &list;
  int rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_TEAM_LIST, &rep);
  if (rc) return rc;
  rc = cli_print_list(ctx, &team_format, rep->team_list, rep->team_list->n_teams);
  wire_free_reply(rep);
  return rc;
}

static const cli_command team_list = {
    .name = "list",
    .summary = "List teams with their managers and members.",
    .help = "Administrators see every team; a manager sees the teams they manage.\n\noptions:\n",
    .json = 1,
    .run = team_list_run,
};

static const cli_command *const team_commands[] = {&team_add, &team_member, &team_list, NULL};

const cli_command cli_group_team = {
    .name = "team",
    .summary = "Teams and their managers: make, change, list.",
    .subs = team_commands,
};
