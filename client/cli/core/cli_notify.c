/* notify-send, spawned without a shell. See cli_notify.h. */
#include "cli_notify.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

int cli_notify_available(void)
{
  const char *x = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
  return (x && *x) || (w && *w);
}

/* Length of the UTF-8 sequence starting with byte c (1 for a stray byte). */
static size_t notify_seq_len(unsigned char c)
{
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

void cli_notify_escape(const char *s, char *out, size_t out_size)
{
  size_t o = 0;
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  if (!out_size) return;
  while (*p) {
    const char *rep = NULL;
    size_t n = notify_seq_len(*p);
    if (*p < 0x20 || *p == 0x7F) {
      rep = *p == '\n' || *p == '\t' ? " " : ""; /* other controls vanish */
      n = 1;
    } else if (*p == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0) {
      rep = ""; /* C1 controls */
    } else if (*p == '<') {
      rep = "&lt;";
    } else if (*p == '>') {
      rep = "&gt;";
    } else if (*p == '&') {
      rep = "&amp;";
    }
    int cut = 0; /* a sequence the string ends inside of (the wire checked UTF-8; be safe) */
    for (size_t i = 1; !rep && !cut && i < n; i++) cut = !p[i];
    size_t take = rep ? strlen(rep) : n;
    if (cut || o + take >= out_size) break; /* never split a character or an entity */
    memcpy(out + o, rep ? rep : (const char *)p, take);
    o += take;
    p += n;
  }
  out[o] = '\0';
}

int cli_notify_send(const char *title, const char *body)
{
  char t[CLI_NOTIFY_TEXT_MAX], b[CLI_NOTIFY_TEXT_MAX];
  cli_notify_escape(title, t, sizeof t);
  cli_notify_escape(body, b, sizeof b);
  char *const argv[] = {"notify-send", "--app-name=Reflect", "--", t, b, NULL};
  posix_spawn_file_actions_t fa;
  if (posix_spawn_file_actions_init(&fa)) return -1;
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int rc = posix_spawnp(&pid, "notify-send", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc) {
    errno = rc;
    return -1;
  }
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
    errno = ENOENT; /* glibc's posix_spawnp reports a failed exec this way */
    return -1;
  }
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : (errno = EIO, -1);
}
