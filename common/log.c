#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static log_level min_level = LOG_INFO;

void log_set_level(log_level min)
{
  min_level = min;
}

void log_line(log_level level, const char *fmt, ...)
{
  static const char *const names[] = {"debug", "info", "warn", "error"};
  if (level < min_level) return;
  char line[1024];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  int n = (int)strftime(line, sizeof line, "ts=%Y-%m-%dT%H:%M:%SZ", &tm);
  n += snprintf(line + n, sizeof line - (size_t)n, " level=%s ", names[level]);
  va_list ap;
  va_start(ap, fmt);
  int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
  va_end(ap);
  size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
  if (len > sizeof line - 2) len = sizeof line - 2;
  line[len++] = '\n';
  ssize_t w = write(STDERR_FILENO, line, len);
  (void)w;
}

const char *log_quote(const char *s, char *buf, size_t size)
{
  size_t o = 0;
  if (size < 3) {
    if (size) buf[0] = '\0';
    return buf;
  }
  buf[o++] = '"';
  for (; s && *s && o + 3 < size; s++) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 || c == 0x7f) continue;
    if (c == '"' || c == '\\') buf[o++] = '\\';
    buf[o++] = (char)c;
  }
  buf[o++] = '"';
  buf[o] = '\0';
  return buf;
}
