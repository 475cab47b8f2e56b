/* The login token file, PATH.token:
 *
 *   token = <64 hex digits>
 *   timezone = Europe/London
 *
 * Parsed by hand rather than with inih, because inih copies each line into
 * a buffer of its own that we could not wipe afterwards. */
#include "client_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#define TOKEN_FILE_MAX 512
#define TOKEN_KEY "token = "
#define ZONE_KEY "timezone = "

int client_token_zone_valid(const char *s)
{
  size_t n = strlen(s);
  /* No '.', so no "..", and no leading '/': the name stays inside the
   * zoneinfo directory, and ':' (a path form of $TZ) is never accepted. */
  if (n == 0 || n >= CLIENT_ZONE_MAX || s[0] == '/' || s[0] == '-') return 0;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    int ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '/' ||
             ch == '_' || ch == '+' || ch == '-';
    if (!ok) return 0;
  }
  return 1;
}

static int token_path(char *out, size_t size, const char *config_path)
{
  return client_file_path_join(out, size, config_path, ".token");
}

/* Returns the value after key on its own line, NUL-terminating it in
 * place, or NULL. */
static char *token_find_value(char *text, const char *key)
{
  size_t klen = strlen(key);
  for (char *line = text; line && *line;) {
    char *next = strchr(line, '\n');
    if (next) *next++ = '\0';
    if (strncmp(line, key, klen) == 0) return line + klen;
    line = next;
  }
  return NULL;
}

int client_token_load(const char *config_path, uint8_t token[CLIENT_TOKEN_BYTES], size_t *len,
                      char zone[CLIENT_ZONE_MAX])
{
  char path[4096];
  char text[TOKEN_FILE_MAX];
  char copy[TOKEN_FILE_MAX];
  size_t n;
  *len = 0;
  zone[0] = '\0';
  if (token_path(path, sizeof path, config_path)) return CLIENT_EUSAGE;
  if (client_file_read(path, 1, text, sizeof text, &n) != CLIENT_OK) {
    if (errno == ENOENT) return CLIENT_OK;
    /* An oversized or odd token file is not worth refusing to start over;
     * a readable-by-others one is, because the token may have leaked. */
    return errno == EPERM ? CLIENT_EIO : CLIENT_OK;
  }
  memcpy(copy, text, sizeof copy);
  const char *hex = token_find_value(text, TOKEN_KEY);
  const char *tz = token_find_value(copy, ZONE_KEY);
  size_t got = 0;
  if (hex && strlen(hex) == 2 * CLIENT_TOKEN_BYTES &&
      sodium_hex2bin(token, CLIENT_TOKEN_BYTES, hex, strlen(hex), NULL, &got, NULL) == 0 && got == CLIENT_TOKEN_BYTES) {
    *len = got;
    if (tz && client_token_zone_valid(tz)) snprintf(zone, CLIENT_ZONE_MAX, "%s", tz);
  } else {
    sodium_memzero(token, CLIENT_TOKEN_BYTES);
  }
  sodium_memzero(text, sizeof text);
  sodium_memzero(copy, sizeof copy);
  return CLIENT_OK;
}

int client_token_save(const char *config_path, const uint8_t *token, size_t len, const char *zone)
{
  char path[4096];
  char hex[2 * CLIENT_TOKEN_BYTES + 1];
  char text[TOKEN_FILE_MAX];
  if (len != CLIENT_TOKEN_BYTES) return CLIENT_EUSAGE;
  if (token_path(path, sizeof path, config_path)) return CLIENT_EUSAGE;
  sodium_bin2hex(hex, sizeof hex, token, len);
  int n =
      snprintf(text, sizeof text, "%s%s\n%s%s\n", TOKEN_KEY, hex, ZONE_KEY, client_token_zone_valid(zone) ? zone : "");
  int rc = CLIENT_EUSAGE;
  if (n > 0 && (size_t)n < sizeof text) rc = client_file_write_atomic(path, text, (size_t)n, 0600);
  sodium_memzero(hex, sizeof hex);
  sodium_memzero(text, sizeof text);
  return rc;
}

int client_token_remove(const char *config_path)
{
  char path[4096];
  if (token_path(path, sizeof path, config_path)) return CLIENT_EUSAGE;
  if (unlink(path) != 0 && errno != ENOENT) return CLIENT_EIO;
  return CLIENT_OK;
}
