/*
 * zap — the ZeroMQ Authentication Protocol handler (RFC 27) for CURVE.
 *
 * Contract: zap_start binds inproc://zeromq.zap.01 in the caller's thread
 * (so it is bound before any CURVE socket binds: with no handler bound,
 * libzmq would accept every client that knows the server key) and then
 * serves it on its own thread, with its own read-only use of the database
 * in data_dir. It accepts only the CURVE mechanism with a 32-byte client
 * key, and sets the ZAP User-Id to that key in Z85, which every request
 * then carries as the "User-Id" message property. Anything else gets
 * status 400. zap_stop is called after zmq_ctx_shutdown and joins the
 * thread. The zap object is owned by the caller; cfg and stats outlive it.
 *
 * Who may connect (what bounds idle connections and silent subscribers):
 *  - ZAP_DOMAIN_EVENTS (the PUB socket): only a device with a live login
 *    (a token neither expired nor idle). What it may subscribe to is
 *    checked by the broker (topic.h).
 *  - ZAP_DOMAIN_REQUESTS: any key, since a new device must be able to log
 *    in; but once the server holds cfg->connections connections (requests
 *    and events together, stats), only keys that have logged in before
 *    (familiar to an account, or with a live login), so a flood of
 *    strangers' connections cannot take the descriptors of people with
 *    devices.
 *  - Every key: at most ZAP_PER_KEY_PER_MINUTE handshakes a minute (a
 *    client's many sockets, a script's many runs fit), and once the
 *    server holds cfg->connections, ZAP_PER_KEY_PER_MINUTE_CROWDED, so one
 *    key (or an insider's few familiar ones) cannot pile connections up
 *    quickly. libzmq (without its draft API) neither tells which key a
 *    connection that closed had, nor closes one peer of a ROUTER or PUB
 *    socket, so open connections cannot be counted per key and nothing
 *    here times an idle one out: heartbeats (broker.c) drop peers that
 *    stopped answering, and a silent subscriber's queue is bounded by the
 *    PUB high-water mark.
 */
#ifndef REFLECT_ZAP_H
#define REFLECT_ZAP_H

#include "config.h"
#include "stats.h"

#define ZAP_DOMAIN_REQUESTS "reflect"
#define ZAP_DOMAIN_EVENTS "reflect.events"
#define ZAP_PER_KEY_PER_MINUTE 256
#define ZAP_PER_KEY_PER_MINUTE_CROWDED 8

typedef struct zap zap;

int zap_start(void *zmq_ctx, const char *data_dir, const config *cfg, server_stats *stats, zap **out);
void zap_stop(zap *z);

#endif
