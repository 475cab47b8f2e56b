/* --json output helpers. */
#include "cli_json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_out.h"
#include "cli_time.h"
#include "wire.h"

static void *json_xmalloc(size_t n) { return cli_xmalloc(n); }

void cli_json_init(void)
{
  cJSON_Hooks hooks = {.malloc_fn = json_xmalloc, .free_fn = free};
  cJSON_InitHooks(&hooks);
}

void cli_json_add_u64(cJSON *o, const char *key, uint64_t v)
{
  char num[24];
  snprintf(num, sizeof num, "%" PRIu64, v);
  cJSON_AddRawToObject(o, key, num);
}

void cli_json_add_i64(cJSON *o, const char *key, int64_t v)
{
  char num[24];
  snprintf(num, sizeof num, "%" PRId64, v);
  cJSON_AddRawToObject(o, key, num);
}

void cli_json_add_time(cJSON *o, const char *key, int64_t t)
{
  char iso[CLI_TIME_MAX];
  char unix_key[64];
  cli_time_format_utc(t, iso, sizeof iso);
  cJSON_AddStringToObject(o, key, iso);
  snprintf(unix_key, sizeof unix_key, "%s_unix", key);
  cli_json_add_i64(o, unix_key, t);
}

void cli_json_add_text(cJSON *o, const char *key, const char *s)
{
  cJSON_AddStringToObject(o, key, s ? s : "");
}

cJSON *cli_json_user(const Reflect__V1__User *u)
{
  if (!u) return cJSON_CreateNull();
  cJSON *o = cJSON_CreateObject();
  const char *role = wire_role_name(u->role);
  cli_json_add_u64(o, "id", u->id);
  cli_json_add_text(o, "username", u->username);
  cli_json_add_text(o, "name", u->name);
  cli_json_add_text(o, "role", role ? role : "unknown");
  cJSON_AddBoolToObject(o, "active", u->active);
  cli_json_add_time(o, "created_at", u->created_at);
  return o;
}

int cli_json_print(cJSON *root)
{
  char *text = cJSON_PrintUnformatted(root);
  cJSON_Delete(root);
  puts(text);
  cJSON_free(text);
  return CLI_EXIT_OK;
}
