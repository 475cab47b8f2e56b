/* One session, as the session commands name and show it: its status
 * both ways, and as JSON. Below the command files (cli_sessions.c lists
 * the commands; cli_schedule.c and others use these). */
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "cli_sessions.h"

const char *cli_session_status_name(Reflect__V1__SessionStatus s)
{
  switch (s) {
  case REFLECT__V1__SESSION_STATUS__SESSION_SCHEDULED: return "scheduled";
  case REFLECT__V1__SESSION_STATUS__SESSION_HELD: return "held";
  case REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED: return "cancelled";
  case REFLECT__V1__SESSION_STATUS__SESSION_RESCHEDULED: return "rescheduled";
  case REFLECT__V1__SESSION_STATUS__SESSION_MISSED: return "missed";
  default: return "unknown";
  }
}

static const char *session_kind_name(Reflect__V1__SessionKind k)
{
  switch (k) {
  case REFLECT__V1__SESSION_KIND__SESSION_INDIVIDUAL: return "individual";
  case REFLECT__V1__SESSION_KIND__SESSION_GROUP: return "group";
  default: return "unknown";
  }
}

int cli_session_status_parse(const char *name, Reflect__V1__SessionStatus *out)
{
  static const Reflect__V1__SessionStatus all[] = {REFLECT__V1__SESSION_STATUS__SESSION_SCHEDULED,
                                                   REFLECT__V1__SESSION_STATUS__SESSION_HELD,
                                                   REFLECT__V1__SESSION_STATUS__SESSION_CANCELLED,
                                                   REFLECT__V1__SESSION_STATUS__SESSION_MISSED};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (!strcmp(name, cli_session_status_name(all[i]))) {
      *out = all[i];
      return 0;
    }
  return -1;
}

cJSON *cli_session_json(const Reflect__V1__Session *s)
{
  cJSON *o = cJSON_CreateObject();
  cJSON *members = cJSON_CreateArray();
  for (size_t m = 0; m < s->n_members; m++) cJSON_AddItemToArray(members, cJSON_CreateString(s->members[m]));
  cli_json_add_u64(o, "id", s->id);
  cli_json_add_text(o, "kind", session_kind_name(s->kind));
  cli_json_add_text(o, "supervisor", s->supervisor);
  cJSON_AddItemToObject(o, "members", members);
  cli_json_add_time(o, "starts_at", s->starts_at);
  cli_json_add_u64(o, "minutes", s->minutes);
  cli_json_add_text(o, "room", s->room);
  cli_json_add_text(o, "status", cli_session_status_name(s->status));
  cli_json_add_u64(o, "agreement_id", s->agreement_id);
  cli_json_add_u64(o, "record_revision", s->record_revision);
  cli_json_add_u64(o, "sequence", s->sequence);
  return o;
}
