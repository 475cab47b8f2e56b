/* reflect case person add / case people: the third parties of a case, the
 * people named in a child's records who are not the child. Naming them is
 * what lets the child's own extract leave them out. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_cases.h"
#include "cli_json.h"
#include "cli_out.h"
#include "wire.h"

/* CASE is an id when it is all digits, else a reference. */
static int parse_case(cli_ctx *ctx, const char *arg, uint64_t *id, char **reference)
{
  int rc = strspn(arg, "0123456789") != strlen(arg) ? cli_check_text(ctx, "CASE", arg, 64)
                                                    : cli_parse_u64(ctx, "CASE", arg, 1, INT64_MAX, id);
  *reference = (char *)(*id ? "" : arg);
  return rc;
}

static const cli_opt add_opts[] = {{"name", "NAME", 0}, {"relationship", "WHO", 0}, {NULL, NULL, 0}};

static int person_add_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CasePersonAddRequest in = REFLECT__V1__CASE_PERSON_ADD_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  int rc = parse_case(ctx, a->pos[0], &in.case_id, &in.reference);
  if (!rc) rc = cli_arg_require(ctx, a, "name");
  if (!rc) rc = cli_arg_require(ctx, a, "relationship");
  if (!rc) rc = cli_check_text(ctx, "--name", cli_arg_value(a, "name"), 200);
  if (!rc) rc = cli_check_text(ctx, "--relationship", cli_arg_value(a, "relationship"), 60);
  if (rc) return rc;
  in.name = (char *)cli_arg_value(a, "name");
  in.relationship = (char *)cli_arg_value(a, "relationship");
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_PERSON_ADD;
  req.case_person_add = &in;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_CASE_PERSON_ADD, &rep);
  if (rc) return rc;
  rc = cli_print_id(ctx, rep->case_person_add->id);
  wire_free_reply(rep);
  return rc;
}

static const cli_command person_add = {
    .name = "add",
    .summary = "Name a third party of a case (a parent, a neighbour).",
    .synopsis = "CASE --name NAME --relationship WHO",
    .help = "Records someone named in the child's records who is not the child, so that\n"
            "the child's own extract (reflect export case) redacts them. Name and\n"
            "relationship are stored encrypted under the case's own key. For the\n"
            "supervisor of the case's worker. Prints the new entry's id.\n\n"
            "CASE is the case's id, or its reference.\n\n"
            "options:\n"
            "  --name NAME          their name as it appears in records (1-200 bytes)\n"
            "  --relationship WHO   to the child: mother, neighbour... (1-60 bytes)\n",
    .opts = add_opts,
    .pos_name = "CASE",
    .min_pos = 1,
    .max_pos = 1,
    .run = person_add_run,
};

static const cli_command *const person_commands[] = {&person_add, NULL};

const cli_command cli_case_person = {
    .name = "person",
    .summary = "Third parties of a case: add.",
    .subs = person_commands,
};

static void person_row(const cli_ctx *ctx, const void *list, size_t i, cli_table *t)
{
  (void)ctx;
  const Reflect__V1__CasePerson *p = ((const Reflect__V1__CasePeopleReply *)list)->people[i];
  char id[24];
  snprintf(id, sizeof id, "%" PRIu64, p->id);
  const char *cells[] = {id, p->name, p->relationship};
  cli_table_add(t, cells);
}

static cJSON *person_json(const void *list, size_t i)
{
  const Reflect__V1__CasePerson *p = ((const Reflect__V1__CasePeopleReply *)list)->people[i];
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "id", p->id);
  cli_json_add_text(o, "name", p->name);
  cli_json_add_text(o, "relationship", p->relationship);
  return o;
}

static const char *const people_heads[] = {"ID", "NAME", "RELATIONSHIP"};
static const cli_list_format people_format = {3, people_heads, person_row, person_json};

static int people_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CasePeopleRequest in = REFLECT__V1__CASE_PEOPLE_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  int rc = parse_case(ctx, a->pos[0], &in.case_id, &in.reference);
  if (rc) return rc;
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_PEOPLE;
  req.case_people = &in;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_CASE_PEOPLE, &rep);
  if (rc) return rc;
  rc = cli_print_list(ctx, &people_format, rep->case_people, rep->case_people->n_people);
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_case_people = {
    .name = "people",
    .summary = "List a case's third parties.",
    .synopsis = "CASE",
    .help = "The people named as third parties of the case, oldest first. For the\n"
            "supervisor of the case's worker; every look is recorded in the audit log.\n\n"
            "CASE is the case's id, or its reference.\n",
    .pos_name = "CASE",
    .min_pos = 1,
    .max_pos = 1,
    .json = 1,
    .run = people_run,
};
