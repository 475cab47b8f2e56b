/*
 * control — the running server's local control socket, for the
 * administrator on the server itself: `reflectd unseal`, `reflectd status`,
 * `reflectd rotate-master-key` and `reflectd backup` while it serves.
 *
 * Contract:
 *  - control_start binds an AF_UNIX stream socket at o->path (mode 0600,
 *    a stale socket file from a crash is replaced, a live one refused) and
 *    serves it on its own thread; only a peer whose SO_PEERCRED uid is 0 or
 *    the server's own uid is answered, anyone else is told so and closed.
 *  - The protocol is lines of text, bounded (CONTROL_LINE_MAX), one
 *    command per connection, one reply ending the connection; secrets
 *    (passphrases) arrive as lines after the command and are wiped at once.
 *    The first reply line is "ok" or "error: <sentence>", then key=value
 *    lines. Slow commands (unseal's Argon2id, a rotation, a backup) run on
 *    the control thread and never hold up requests longer than the
 *    keystate swap they need.
 *  - control_request is the client side used by the reflectd subcommands:
 *    it returns 0 and the whole reply in reply, or -1 with err saying why
 *    (no server listening is told apart: CONTROL_ENOSERVER).
 *  - control_stop closes the socket, removes its file and joins the thread.
 */
#ifndef REFLECT_CONTROL_H
#define REFLECT_CONTROL_H

#include <stddef.h>

#include "config.h"
#include "keystate.h"
#include "stats.h"

#define CONTROL_LINE_MAX 4096
#define CONTROL_REPLY_MAX 16384
#define CONTROL_SOCKET_NAME "reflectd.sock"
enum { CONTROL_ENOSERVER = -2 };

typedef struct control control;

typedef struct {
  const char *data_dir;
  const char *path; /* the socket's path */
  const config *cfg;
  keystate *keys;
  server_stats *stats;
} control_opts;

int control_start(const control_opts *o, control **out, char *err, size_t err_size);
void control_stop(control *c);

/* The socket path for a data directory and config ("" control: DIR/reflectd.sock). */
int control_path(const char *data_dir, const config *cfg, char *out, size_t size);

int control_request(const char *path, const char *command, const char *const *lines, size_t n_lines, char *reply,
                    size_t reply_size, char *err, size_t err_size);

#endif
