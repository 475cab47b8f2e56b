/*
 * broker — reflectd's main thread (DESIGN.md §1): owns the CURVE frontend
 * ROUTER, the CURVE PUB socket and the backend ROUTER to the workers, and
 * never does slow work itself.
 *
 * Contract: broker_run starts the ZAP handler before any CURVE socket
 * binds, starts the workers and waits for each to report in, binds the
 * endpoints, then serves until SIGINT or SIGTERM. A request is taken from
 * the frontend only when a worker is free (load balancing; excess waits in
 * the bounded socket queues). On a signal it stops taking requests, lets
 * in-flight ones finish (up to BROKER_DRAIN_MS), and tears everything down.
 * The User-Id property the ZAP handler set is read here and passed to the
 * worker as an explicit frame, because properties do not survive inproc.
 * Returns 0 after a clean shutdown, or -1 with a one-line error logged.
 * The caller must have blocked SIGINT/SIGTERM in every thread (so the
 * broker can take them through signalfd) before creating any thread.
 */
#ifndef REFLECT_BROKER_H
#define REFLECT_BROKER_H

#include "config.h"
#include "keystate.h"
#include "stats.h"

#define BROKER_DRAIN_MS 10000

typedef struct {
  const char *data_dir;
  const config *cfg;
  keystate *keys;         /* the vault, or sealed until `reflectd unseal` */
  server_stats *stats;    /* counters for `reflectd status` */
  char secret_key[41];   /* the server's CURVE secret, Z85 */
} broker_opts;

int broker_run(const broker_opts *o);

#endif
