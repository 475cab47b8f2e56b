/* Helpers shared by the reflectd subcommands (see commands.h). */
#include "commands.h"

#include <stdio.h>
#include <string.h>

int commands_read_line(char *buf, size_t size)
{
  /* No stdio buffer may keep a copy of a passphrase or password. */
  static int unbuffered;
  if (!unbuffered) {
    setvbuf(stdin, NULL, _IONBF, 0);
    unbuffered = 1;
  }
  if (!fgets(buf, (int)size, stdin)) return -1;
  size_t n = strcspn(buf, "\n");
  if (buf[n] != '\n' && !feof(stdin)) return -1; /* longer than the buffer */
  buf[n] = '\0';
  if (n && buf[n - 1] == '\r') buf[n - 1] = '\0';
  return 0;
}
