/*
 * broker — reflectd's main thread (docs/architecture.md#d1-shape): owns the CURVE frontend
 * ROUTER, the CURVE PUB socket and the backend ROUTER to the workers, and
 * never does slow work itself.
 *
 * Contract: broker_run starts the ZAP handler before any CURVE socket
 * binds, starts the workers and waits for each to report in, binds the
 * endpoints, then serves until SIGINT or SIGTERM.
 *
 * Overload: the frontend is always read. A request goes to a free fast
 * worker, else to the back of an in-broker FIFO bounded by cfg->queue
 * requests and BROKER_QUEUE_BYTES (client ids + frames), else it is
 * answered at once UNAVAILABLE (BROKER_BUSY_MESSAGE) from the main thread,
 * which reads only the request's id (broker_reply.h). Queued requests go to
 * workers oldest first as they free up. Memory under any load is thus
 * bounded by the queue, the workers' in-flight requests and the sockets'
 * HWMs, never by how many requests the clients send.
 *
 * On a signal it stops reading the frontend, answers every queued request
 * UNAVAILABLE (BROKER_STOPPING_MESSAGE), lets in-flight ones finish (up to
 * BROKER_DRAIN_MS), and tears everything down.
 *
 * Stats (stats.h; o->stats may be NULL): served (worker replies sent),
 * refused_busy, dropped (replies that could not be sent: the client
 * vanished or stopped reading), queued and queued_peak, and clients
 * (ZMQ_EVENT_ACCEPTED minus ZMQ_EVENT_DISCONNECTED on the frontend, from a
 * socket monitor polled by the main thread). The main thread writes them;
 * anyone may read them.
 *
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
#define BROKER_QUEUE_BYTES ((size_t)64 * 1024 * 1024)

typedef struct {
  const char *data_dir;
  const config *cfg;
  keystate *keys;      /* the vault, or sealed until `reflectd unseal` */
  server_stats *stats; /* counters for `reflectd status`, or NULL */
  char secret_key[41]; /* the server's CURVE secret, Z85 */
} broker_opts;

int broker_run(const broker_opts *o);

#endif
