/*
 * cli_notify — desktop notifications through libnotify's `notify-send`.
 *
 * Contract:
 *  - cli_notify_available says whether there is a display to notify on
 *    ($DISPLAY or $WAYLAND_DISPLAY set).
 *  - cli_notify_send runs `notify-send` from $PATH with posix_spawnp and an
 *    argv array (never a shell), its stdout and stdin on /dev/null so that
 *    it cannot mix into ours, and waits for it. Title and body are
 *    untrusted: control characters are dropped, '<', '>' and '&' escaped
 *    (notify-send bodies are markup), and each is cut to a bounded length
 *    at a UTF-8 boundary; "--" keeps a text that starts with '-' from being
 *    taken as an option.
 *  - Returns 0, or -1 with errno (ENOENT: notify-send is not installed).
 *    Nothing is allocated that outlives the call.
 */
#ifndef REFLECT_CLI_NOTIFY_H
#define REFLECT_CLI_NOTIFY_H

#include <stddef.h>

#define CLI_NOTIFY_TEXT_MAX 512

int cli_notify_available(void);
int cli_notify_send(const char *title, const char *body);
/* The markup-safe form of s, at most out_size-1 bytes (exposed for tests). */
void cli_notify_escape(const char *s, char *out, size_t out_size);

#endif
