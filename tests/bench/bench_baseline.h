/*
 * bench_baseline — the raw floors reflectd is compared with, measured in
 * the same run on the same machine.
 *
 *  - Echo: a ZeroMQ ROUTER with CURVE on one thread, set up as reflectd's
 *    frontend is (server/broker.c: CURVE server key, ZAP domain and a ZAP
 *    handler that accepts every CURVE client, MAXMSGSIZE, HWM 1000,
 *    ROUTER_MANDATORY, linger 0), echoing [routing id][payload]. Clients are
 *    DEALERs with their own CURVE key pair and their own zmq context (as
 *    libreflect makes one per client), sending BENCH_ECHO_BYTES and
 *    waiting for the same bytes back.
 *  - SQLite: one connection, journal_mode=WAL, synchronous=FULL, one
 *    INSERT of a BENCH_BLOB_BYTES random blob per BEGIN IMMEDIATE/COMMIT.
 *  - Sealing: crypto_box_seal of a BENCH_SEAL_BYTES message to one fixed
 *    X25519 public key, in a loop on the calling thread: the work reflectd's
 *    relay does per event and device (docs/architecture.md#d6-events), without the rest.
 *
 * Contract: bench_echo_start binds endpoint (ipc:// or tcp://) and returns
 * once the server threads run; bench_echo_stop stops and joins them. The
 * drivers' arg is the bench_echo (echo) or the database path (SQLite, a
 * file that must not exist yet; use the driver with one thread).
 */
#ifndef REFLECT_BENCH_BASELINE_H
#define REFLECT_BENCH_BASELINE_H

#include "bench_loop.h"

#define BENCH_ECHO_BYTES 200
#define BENCH_BLOB_BYTES 2048

typedef struct bench_echo bench_echo;

int bench_echo_start(const char *endpoint, bench_echo **out);
void bench_echo_stop(bench_echo *e);
/* A driver whose arg is the running bench_echo. */
bench_driver bench_echo_driver(bench_echo *e);

/* A driver whose arg is the database path. */
bench_driver bench_sqlite_driver(const char *path);

#define BENCH_SEAL_BYTES 200
/* Seals per second on this thread over about `seconds`; -1 on failure. */
double bench_seal_rate(double seconds);

#endif
