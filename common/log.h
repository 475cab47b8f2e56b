/*
 * log — one line per event on stderr, as key=value pairs, so journald and
 * grep can read them: `ts=2026-11-22T07:00:00Z level=info event=listening endpoint=...`.
 *
 * Contract: log_line formats `fmt` (printf-style, already key=value) after
 * the timestamp and level, and writes it with one write(2) so lines from
 * different threads never interleave. Values that may hold spaces should be
 * passed through log_quote by the caller. Never log record content, names
 * or passwords. Nothing here allocates.
 */
#ifndef REFLECT_LOG_H
#define REFLECT_LOG_H

#include <stddef.h>

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

void log_set_level(log_level min);
void log_line(log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copies s into buf as a double-quoted value with " and \ escaped and
 * control characters dropped; truncates to fit. Returns buf. */
const char *log_quote(const char *s, char *buf, size_t size);

#endif
