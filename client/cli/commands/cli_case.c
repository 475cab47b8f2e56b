/* One case, as the case commands show it: as JSON, as text, and when it
 * was last discussed. Below the command files (cli_cases.c lists the
 * commands; cli_case_decisions.c and cli_export_case.c use these). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_cases.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_time.h"
#include "wire.h"

cJSON *cli_case_json(const Reflect__V1__Case *k)
{
  cJSON *o = cJSON_CreateObject();
  cli_json_add_u64(o, "id", k->id);
  cli_json_add_text(o, "reference", k->reference);
  cli_json_add_text(o, "name", k->name);
  cli_json_add_text(o, "date_of_birth", k->date_of_birth);
  cli_json_add_text(o, "risk", wire_risk_name(k->risk));
  cli_json_add_text(o, "worker", k->allocated);
  cJSON_AddBoolToObject(o, "open", k->open);
  cli_json_add_time(o, "created_at", k->created_at);
  cli_json_add_time(o, "last_discussed", k->last_discussed);
  cli_json_add_u64(o, "last_session", k->last_session);
  cJSON_AddBoolToObject(o, "looked_after", k->looked_after);
  cli_json_add_time(o, "closed_at", k->closed_at);
  cli_json_add_text(o, "retain_until", k->retain_until);
  cli_json_add_time(o, "shredded_at", k->shredded_at);
  return o;
}

/* "2026-01-05 10:00 (session 4)", or "never". */
void cli_case_last_discussed(const cli_ctx *ctx, const Reflect__V1__Case *k, char *buf, size_t size)
{
  if (!k->last_discussed) {
    snprintf(buf, size, "never");
    return;
  }
  char when[CLI_TIME_MAX];
  cli_time_format_local(k->last_discussed, cli_zone(ctx), when, sizeof when);
  snprintf(buf, size, "%s (session %" PRIu64 ")", when, k->last_session);
}

void cli_case_print(const cli_ctx *ctx, const Reflect__V1__Case *k)
{
  char *name = cli_text_clean(k->name, 0), *refc = cli_text_clean(k->reference, 0), last[64];
  cli_case_last_discussed(ctx, k, last, sizeof last);
  printf("case %" PRIu64 " (%s)\nreference:   %s\nname:        %s\nborn:        %s\nrisk:        %s\n"
         "worker:      %s\ndiscussed:   %s\n",
         k->id, k->open ? "open" : "closed", refc, name, *k->date_of_birth ? k->date_of_birth : "-",
         wire_risk_name(k->risk), k->allocated, last);
  if (k->looked_after) printf("looked after: yes\n");
  if (k->closed_at) {
    char when[CLI_TIME_MAX];
    cli_time_format_local(k->closed_at, cli_zone(ctx), when, sizeof when);
    printf("closed:      %s\n", when);
  }
  if (*k->retain_until && !k->shredded_at) printf("keep until:  %s (its key is destroyed that day)\n", k->retain_until);
  if (k->shredded_at) {
    char when[CLI_TIME_MAX];
    cli_time_format_local(k->shredded_at, cli_zone(ctx), when, sizeof when);
    printf("destroyed under retention on %s: its reference, name, third parties and decisions are gone\n", when);
  }
  free(name);
  free(refc);
}
