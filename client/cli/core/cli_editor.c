#include "cli_editor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_out.h"

static int write_all(int fd, const char *s, size_t n)
{
  while (n) {
    ssize_t w = write(fd, s, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    s += w;
    n -= (size_t)w;
  }
  return 0;
}

int cli_editor_open(cli_editor_file *f, const char *initial)
{
  const char *dir = getenv("TMPDIR");
  if (!dir || !*dir) dir = "/tmp";
  f->open = 0;
  if ((size_t)snprintf(f->path, sizeof f->path, "%s/reflect-record-XXXXXX", dir) >= sizeof f->path) {
    cli_error("$TMPDIR is too long");
    return CLI_EXIT_REFUSED;
  }
  int fd = mkstemp(f->path); /* 0600, and never an existing file */
  if (fd < 0) {
    cli_error("cannot make a temporary file in %s: %s", dir, strerror(errno));
    return CLI_EXIT_REFUSED;
  }
  f->open = 1;
  int err = write_all(fd, initial, strlen(initial)) ? errno : 0;
  if (close(fd) && !err) err = errno;
  if (err) {
    cli_error("cannot write %s: %s", f->path, strerror(err));
    cli_editor_close(f);
    return CLI_EXIT_REFUSED;
  }
  return CLI_EXIT_OK;
}

int cli_editor_run(const cli_editor_file *f)
{
  const char *editor = getenv("VISUAL");
  if (!editor || !*editor) editor = getenv("EDITOR");
  if (!editor || !*editor) editor = "vi";
  /* As git does: the shell expands the variable's words, "$@" is the file. */
  char script[PATH_MAX + 64];
  if ((size_t)snprintf(script, sizeof script, "%s \"$@\"", editor) >= sizeof script) {
    cli_error("$VISUAL or $EDITOR is too long");
    return CLI_EXIT_REFUSED;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    cli_error("cannot start the editor: %s", strerror(errno));
    return CLI_EXIT_REFUSED;
  }
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", script, editor, f->path, (char *)NULL);
    _exit(127);
  }
  /* Like git: ^C is for the editor while it runs, not for us. */
  struct sigaction ignore = {.sa_handler = SIG_IGN}, old_int, old_quit;
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGQUIT, &ignore, &old_quit);
  int st = 0;
  pid_t w;
  while ((w = waitpid(pid, &st, 0)) < 0 && errno == EINTR) {}
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGQUIT, &old_quit, NULL);
  if (w < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    cli_error("the editor (%s) failed%s; nothing written", editor,
              w >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 127 ? " to start" : "");
    return CLI_EXIT_REFUSED;
  }
  return CLI_EXIT_OK;
}

void cli_editor_close(cli_editor_file *f)
{
  if (!f->open) return;
  f->open = 0;
  /* The editor may have replaced the file: wipe whatever is there now. */
  int fd = open(f->path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  struct stat sb;
  if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
    static const char zeros[4096];
    for (off_t left = sb.st_size; left > 0;) {
      size_t n = left < (off_t)sizeof zeros ? (size_t)left : sizeof zeros;
      if (write_all(fd, zeros, n)) break;
      left -= (off_t)n;
    }
    fsync(fd);
  }
  if (fd >= 0) close(fd);
  if (unlink(f->path) && errno != ENOENT) cli_error("could not remove %s: %s", f->path, strerror(errno));
}
