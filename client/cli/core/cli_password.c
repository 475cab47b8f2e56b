/* Password input without echo, from stdin, or generated. */
#include "cli_password.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "wire.h"

static volatile sig_atomic_t password_signal;

static void password_on_signal(int sig)
{
  password_signal = sig;
}

/* Reads one line from fd into buf. 0 on success, -1 on a read error or
 * signal, -2 if the line is longer than CLI_PASSWORD_MAX. */
static int password_read_line(int fd, char *buf)
{
  size_t n = 0;
  for (;;) {
    char ch;
    ssize_t r = read(fd, &ch, 1);
    if (r < 0 && errno == EINTR && !password_signal) continue;
    if (r < 0) return -1;
    if (r == 0 || ch == '\n') break;
    if (n == CLI_PASSWORD_MAX) {
      sodium_memzero(&ch, sizeof ch);
      return -2;
    }
    buf[n++] = ch;
  }
  if (n > 0 && buf[n - 1] == '\r') n--;
  buf[n] = '\0';
  return 0;
}

/* With echo off, a signal must not leave the terminal that way. Handlers
 * without SA_RESTART make read() return EINTR so the caller can restore. */
static int password_read_tty(int fd, const char *prompt, char *buf)
{
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  struct sigaction sa = {.sa_handler = password_on_signal}, old[4];
  struct termios saved, quiet;
  if (tcgetattr(fd, &saved) != 0) return -1;
  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t)ECHO;
  quiet.c_lflag |= ECHONL;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < 4; i++) sigaction(sigs[i], &sa, &old[i]);
  (void)!write(fd, prompt, strlen(prompt));
  int rc = tcsetattr(fd, TCSAFLUSH, &quiet) == 0 ? password_read_line(fd, buf) : -1;
  tcsetattr(fd, TCSAFLUSH, &saved);
  for (size_t i = 0; i < 4; i++) sigaction(sigs[i], &old[i], NULL);
  if (password_signal) {
    (void)!write(fd, "\n", 1);
    sodium_memzero(buf, CLI_PASSWORD_MAX + 1);
    raise(password_signal);
  }
  return rc;
}

static int password_check(const cli_ctx *ctx, int rc, const char *buf)
{
  if (rc == -2) return cli_usage_error(ctx, "the password is longer than %d bytes", CLI_PASSWORD_MAX);
  if (rc != 0) return cli_usage_error(ctx, "could not read the password: %s", strerror(errno));
  if (buf[0] == '\0') return cli_usage_error(ctx, "the password is empty");
  if (wire_check_utf8(buf, CLI_PASSWORD_MAX) != WIRE_OK)
    return cli_usage_error(ctx, "the password is not valid UTF-8 text");
  return CLI_EXIT_OK;
}

int cli_password_read(const cli_ctx *ctx, int from_stdin, const char *prompt, char *buf)
{
  int rc;
  buf[0] = '\0';
  if (from_stdin) {
    rc = password_read_line(STDIN_FILENO, buf);
  } else {
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return cli_usage_error(ctx, "no terminal to ask for the password on: use --password-stdin");
    rc = password_read_tty(fd, prompt, buf);
    close(fd);
  }
  rc = password_check(ctx, rc, buf);
  /* On failure the caller returns at once: leave nothing of it behind. */
  if (rc) sodium_memzero(buf, CLI_PASSWORD_MAX + 1);
  return rc;
}

void cli_password_generate(char *buf)
{
  /* No 0/O, 1/l/I: it may be read aloud or copied from a screen. */
  static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  for (size_t i = 0; i < CLI_PASSWORD_GENERATED; i++) buf[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
  buf[CLI_PASSWORD_GENERATED] = '\0';
}
