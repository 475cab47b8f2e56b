/*
 * worker — the threads that answer requests (docs/architecture.md#d1-shape).
 *
 * Contract:
 *  - Fast workers each own a SQLite connection and a DEALER connected to
 *    the broker's backend ROUTER (WORKER_BACKEND). The broker sends them
 *    [client id][device][request]; they answer [kind][client id][reply].
 *    kind "R" also means "ready for the next request".
 *  - A request whose op hashes a password goes into one of the slow queue's
 *    two lanes (bounded, in-process; see dispatch.h) and the fast worker is
 *    free again at once; a full lane is answered UNAVAILABLE. Slow workers
 *    take the familiar lane first; with two or more, one is a reserve that
 *    takes a familiar request only while a stranger's login is hashing
 *    (workers.c). They answer with kind "S" (a reply that frees no fast
 *    worker).
 *  - At start every worker sends one "R" (fast) or "H" (slow) message, or
 *    "E" and exits if it cannot open the database.
 *  - workers_stop (after zmq_ctx_shutdown) ends and joins every thread.
 */
#ifndef REFLECT_WORKERS_H
#define REFLECT_WORKERS_H

#include "config.h"
#include "keystate.h"
#include "relay.h"
#include "topic.h"

#define WORKER_BACKEND "inproc://reflect.backend"

typedef struct workers workers;

/* rl receives the events each request committed (may be NULL). Each
 * request borrows the vault from ks for its length (keystate.h). topics
 * makes event topics at login; the caller keeps it alive until stop. */
int workers_start(void *zmq_ctx, const char *data_dir, const config *cfg, keystate *ks, relay *rl,
                  const topic_key *topics, workers **out);
/* 1 when the slow queue is empty and no slow worker is busy. */
int workers_slow_idle(workers *w);
void workers_stop(workers *w);

#endif
