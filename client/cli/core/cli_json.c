/* --json output helpers. */
#include "cli_json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_out.h"
#include "cli_time.h"
#include "wire.h"

static void *json_xmalloc(size_t n)
{
  return cli_mem_alloc(n);
}

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

/* The code point of a character cJSON leaves raw but a terminal or viewer
 * would act on (DEL, C1 controls, line and paragraph separators, bidi
 * overrides and isolates), with its length at p; 0 if p starts none. */
static unsigned unsafe_char(const unsigned char *p, size_t *len)
{
  if (p[0] == 0x7f) {
    *len = 1;
    return 0x7f;
  }
  if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
    *len = 2;
    return p[1];
  }
  if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xa8 && p[2] <= 0xae) {
    *len = 3;
    return 0x2000u + (p[2] - 0x80u);
  }
  if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9) {
    *len = 3;
    return 0x2040u + (p[2] - 0x80u);
  }
  return 0;
}

char *cli_json_text(cJSON *root)
{
  char *raw = cJSON_PrintUnformatted(root);
  cJSON_Delete(root);
  /* These can only stand inside strings (the rest of JSON is ASCII), where
   * \uXXXX says the same character safely. Each escape is 6 bytes for at
   * least 1. */
  size_t n = strlen(raw);
  char *out = cli_mem_alloc(6 * n + 1), *o = out;
  for (const unsigned char *p = (const unsigned char *)raw; *p;) {
    size_t len;
    unsigned cp = unsafe_char(p, &len);
    if (cp) {
      o += sprintf(o, "\\u%04x", cp);
      p += len;
    } else {
      *o++ = (char)*p++;
    }
  }
  *o = '\0';
  cJSON_free(raw);
  return out;
}

int cli_json_print(cJSON *root)
{
  char *text = cli_json_text(root);
  puts(text);
  free(text);
  return CLI_EXIT_OK;
}
