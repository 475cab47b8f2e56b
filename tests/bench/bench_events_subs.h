/*
 * bench_events_subs — the events phase's subscribers: one CURVE SUB socket
 * per user on one zmq context, with that user's device keys (events are
 * sealed per device) and subscribed to that user's topic, as a watching
 * client is; and one thread that receives from all of them.
 *
 * Contract:
 *  - bench_subs_open raises the context's socket limit to fit, makes the n
 *    sockets, connects them to endpoint and returns 0 once every one has
 *    completed its CURVE handshake (seen through a socket monitor per
 *    socket, removed again afterwards), or -1 after timeout_ms or on a
 *    refused handshake. The subscription goes out with the handshake, so
 *    the server has it before it next publishes.
 *  - bench_subs_start starts the receiving thread, which owns the sockets
 *    until bench_subs_stop joins it. It waits on their ZMQ_FDs with epoll
 *    and, for each [topic][body], takes CLOCK_REALTIME in microseconds as
 *    soon as the pair is received and keeps the subscriber's index, that
 *    time and a copy of the body. It opens nothing: the benchmark's own
 *    decryption must not delay the next frame's time stamp.
 *  - bench_subs_received and bench_subs_last_us (the latest time stamp, 0
 *    before the first) may be read from any thread meanwhile.
 *  - After bench_subs_stop, bench_subs_frames lists what was received, in
 *    arrival order; *dropped counts frames that did not fit
 *    (BENCH_SUBS_FRAMES_MAX) or were not [16-byte topic][body].
 *    bench_subs_close frees everything (it also stops a running thread).
 */
#ifndef REFLECT_BENCH_EVENTS_SUBS_H
#define REFLECT_BENCH_EVENTS_SUBS_H

#include <stddef.h>
#include <stdint.h>

#include "bench_events_seed.h"

#define BENCH_SUBS_FRAMES_MAX (4 * BENCH_EV_REMINDERS)

typedef struct {
  int sub;         /* index into the users given to open */
  int64_t recv_us; /* CLOCK_REALTIME */
  uint8_t *body;
  size_t len;
} bench_frame;

typedef struct bench_subs bench_subs;

int bench_subs_open(const char *endpoint, const char *server_key, const bench_ev_user *users, int n, int timeout_ms,
                    bench_subs **out);
int bench_subs_start(bench_subs *s);
uint64_t bench_subs_received(const bench_subs *s);
int64_t bench_subs_last_us(const bench_subs *s);
void bench_subs_stop(bench_subs *s);
const bench_frame *bench_subs_frames(const bench_subs *s, size_t *n, uint64_t *dropped);
void bench_subs_close(bench_subs *s);

/* CLOCK_REALTIME in microseconds: the clock of Event.sent_us. */
int64_t bench_realtime_us(void);

#endif
