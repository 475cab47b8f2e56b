/* The device's config file (server, events, server_key), parsed with
 * inih; setup also makes the device's key pair (client_keys.c). */
#include "client_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>
#include <sodium.h>
#include <zmq.h>

/* Debian's libinih is built with INI_MAX_LINE 200: fgets-style reads of
 * 199 bytes, newline included, and a longer line is silently split in two.
 * So a line may hold at most 198 characters, which leaves room for 189 in
 * "events = VALUE" -- less than CLIENT_ENDPOINT_MAX, and we refuse rather
 * than write a config we could not read back. */
#define CONFIG_LINE_MAX 198
#define CONFIG_ENDPOINT_MAX (CONFIG_LINE_MAX - (sizeof "events = " - 1) + 1)
#define CONFIG_FILE_MAX 16384
/* The longest name made beside the config path (the token's temp file). */
#define CONFIG_SUFFIX_MAX (sizeof ".token.tmp.XXXXXX" - 1)

static int config_path_fits(const char *path)
{
  return path && *path && strlen(path) + CONFIG_SUFFIX_MAX < sizeof((client_config *)0)->path;
}

int client_config_path(char *buf, size_t size)
{
  const char *env = getenv("REFLECT_CONFIG");
  if (env && *env) return client_file_path_join(buf, size, env, "");
  const char *xdg = getenv("XDG_CONFIG_HOME");
  /* The XDG spec says to ignore a relative XDG_CONFIG_HOME. */
  if (xdg && xdg[0] == '/') return client_file_path_join(buf, size, xdg, "/reflect/config");
  const char *home = getenv("HOME");
  if (!home || !*home) return CLIENT_ECONFIG;
  return client_file_path_join(buf, size, home, "/.config/reflect/config");
}

int client_config_setup(const char *path, const char *server, const char *events, const char *server_key)
{
  char text[1024];
  if (!config_path_fits(path)) return CLIENT_EUSAGE;
  if (!client_endpoint_valid(server, CONFIG_ENDPOINT_MAX) || !client_endpoint_valid(events, CONFIG_ENDPOINT_MAX) ||
      !client_key_valid(server_key))
    return CLIENT_EUSAGE;
  int n = snprintf(text, sizeof text,
                   "# Reflect client configuration, written by `reflect setup`.\n"
                   "server = %s\nevents = %s\nserver_key = %s\n",
                   server, events, server_key);
  if (n < 0 || (size_t)n >= sizeof text) return CLIENT_EUSAGE;
  int rc = client_file_make_parents(path);
  if (rc == CLIENT_OK) rc = client_keys_ensure(path);
  if (rc == CLIENT_OK) rc = client_file_write_atomic(path, text, (size_t)n, 0600);
  return rc;
}

typedef struct {
  client_config *cfg;
  unsigned seen; /* one bit per known key: each must appear exactly once */
  int bad;
} config_parse;

static int config_on_pair(void *user, const char *section, const char *name, const char *value)
{
  config_parse *p = user;
  unsigned bit = 0;
  int ok = 0;
  if (section[0] != '\0') {
    p->bad = 1;
  } else if (strcmp(name, "server") == 0) {
    bit = 1;
    ok = client_endpoint_valid(value, CONFIG_ENDPOINT_MAX);
    if (ok) snprintf(p->cfg->server, sizeof p->cfg->server, "%s", value);
  } else if (strcmp(name, "events") == 0) {
    bit = 2;
    ok = client_endpoint_valid(value, CONFIG_ENDPOINT_MAX);
    if (ok) snprintf(p->cfg->events, sizeof p->cfg->events, "%s", value);
  } else if (strcmp(name, "server_key") == 0) {
    bit = 4;
    ok = client_key_valid(value);
    if (ok) snprintf(p->cfg->server_key, sizeof p->cfg->server_key, "%s", value);
  }
  if (!ok || (p->seen & bit)) p->bad = 1;
  p->seen |= bit;
  return !p->bad;
}

/* inih would split an over-long line and parse the tail as a new pair. */
static int config_lines_fit(const char *text)
{
  size_t run = 0;
  for (const char *s = text; *s; s++) {
    run = *s == '\n' ? 0 : run + 1;
    if (run > CONFIG_LINE_MAX) return 0;
  }
  return 1;
}

int client_config_load(const char *path, client_config *out)
{
  char text[CONFIG_FILE_MAX];
  size_t n;
  memset(out, 0, sizeof *out);
  if (!config_path_fits(path)) return CLIENT_EUSAGE;
  snprintf(out->path, sizeof out->path, "%s", path);
  if (client_file_read(path, 0, text, sizeof text, &n) != CLIENT_OK) return CLIENT_ECONFIG;
  if (memchr(text, '\0', n) || !config_lines_fit(text)) return CLIENT_ECONFIG;
  config_parse p = {.cfg = out};
  if (ini_parse_string(text, config_on_pair, &p) != 0 || p.bad || p.seen != 7) return CLIENT_ECONFIG;
  return CLIENT_OK;
}
