/* The device: its config file (server, events, server_key), parsed with
 * inih, and its CURVE key pair beside it (PATH.key secret, PATH.pub). */
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
  return path && *path && strlen(path) + CONFIG_SUFFIX_MAX < sizeof ((client_config *)0)->path;
}

int client_key_valid(const char *key)
{
  uint8_t bin[32];
  if (!key || strlen(key) != CLIENT_Z85_KEY - 1) return 0;
  int ok = zmq_z85_decode(bin, key) != NULL;
  sodium_memzero(bin, sizeof bin);
  return ok;
}

int client_endpoint_valid(const char *ep, size_t max)
{
  if (!ep) return 0;
  size_t n = strlen(ep);
  if (n >= max || n <= 6) return 0;
  if (strncmp(ep, "tcp://", 6) != 0 && strncmp(ep, "ipc://", 6) != 0) return 0;
  /* Printable ASCII without spaces: it goes into a line-based file. */
  for (size_t i = 0; i < n; i++)
    if (ep[i] <= ' ' || ep[i] > '~') return 0;
  return 1;
}

int client_config_path(char *buf, size_t size)
{
  const char *env = getenv("REFLECT_CONFIG");
  if (env && *env) return client_path_join(buf, size, env, "");
  const char *xdg = getenv("XDG_CONFIG_HOME");
  /* The XDG spec says to ignore a relative XDG_CONFIG_HOME. */
  if (xdg && xdg[0] == '/') return client_path_join(buf, size, xdg, "/reflect/config");
  const char *home = getenv("HOME");
  if (!home || !*home) return CLIENT_ECONFIG;
  return client_path_join(buf, size, home, "/.config/reflect/config");
}

int client_keys_load(const char *config_path, char secret[CLIENT_Z85_KEY])
{
  char path[4096];
  char text[128];
  size_t n;
  if (client_path_join(path, sizeof path, config_path, ".key")) return CLIENT_EUSAGE;
  int rc = client_file_read(path, 1, text, sizeof text, &n);
  if (rc) return rc;
  while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
    text[--n] = '\0';
  if (!client_key_valid(text)) {
    sodium_memzero(text, sizeof text);
    errno = EINVAL;
    return CLIENT_EIO;
  }
  memcpy(secret, text, CLIENT_Z85_KEY);
  sodium_memzero(text, sizeof text);
  return CLIENT_OK;
}

/* Keeps an existing key pair (re-running setup must not change the
 * device's identity); makes one otherwise. PATH.pub is always rewritten
 * from the secret, so the two cannot disagree. */
static int config_ensure_keys(const char *config_path)
{
  char key_path[4096], pub_path[4096];
  char secret[CLIENT_Z85_KEY], pub[CLIENT_Z85_KEY];
  char line[CLIENT_Z85_KEY + 1];
  if (client_path_join(key_path, sizeof key_path, config_path, ".key") ||
      client_path_join(pub_path, sizeof pub_path, config_path, ".pub"))
    return CLIENT_EUSAGE;
  int rc = client_keys_load(config_path, secret);
  if (rc && errno == ENOENT) {
    if (zmq_curve_keypair(pub, secret) != 0) return CLIENT_EIO;
    snprintf(line, sizeof line, "%s\n", secret);
    rc = client_file_create_new(key_path, line, CLIENT_Z85_KEY, 0600);
    sodium_memzero(line, sizeof line);
    /* Another setup running at the same moment won; use its key. */
    if (rc && errno == EEXIST) rc = client_keys_load(config_path, secret);
  }
  if (rc == CLIENT_OK) {
    if (zmq_curve_public(pub, secret) != 0) {
      rc = CLIENT_EIO;
    } else {
      snprintf(line, sizeof line, "%s\n", pub);
      rc = client_file_write_atomic(pub_path, line, CLIENT_Z85_KEY, 0644);
    }
  }
  sodium_memzero(secret, sizeof secret);
  return rc;
}

int client_config_setup(const char *path, const char *server, const char *events,
                        const char *server_key)
{
  char text[1024];
  if (!config_path_fits(path)) return CLIENT_EUSAGE;
  if (!client_endpoint_valid(server, CONFIG_ENDPOINT_MAX) ||
      !client_endpoint_valid(events, CONFIG_ENDPOINT_MAX) || !client_key_valid(server_key))
    return CLIENT_EUSAGE;
  int n = snprintf(text, sizeof text,
                   "# Reflect client configuration, written by `reflect setup`.\n"
                   "server = %s\nevents = %s\nserver_key = %s\n",
                   server, events, server_key);
  if (n < 0 || (size_t)n >= sizeof text) return CLIENT_EUSAGE;
  int rc = client_file_make_parents(path);
  if (rc == CLIENT_OK) rc = config_ensure_keys(path);
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
  if (ini_parse_string(text, config_on_pair, &p) != 0 || p.bad || p.seen != 7)
    return CLIENT_ECONFIG;
  return CLIENT_OK;
}
