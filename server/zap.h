/*
 * zap — the ZeroMQ Authentication Protocol handler (RFC 27) for CURVE.
 *
 * Contract: zap_start binds inproc://zeromq.zap.01 in the caller's thread
 * (so it is bound before any CURVE socket binds: with no handler bound,
 * libzmq would accept every client that knows the server key) and then
 * serves it on its own thread. It accepts only the CURVE mechanism with a
 * 32-byte client key, and sets the ZAP User-Id to that key in Z85, which
 * every request then carries as the "User-Id" message property. Anything
 * else gets status 400. zap_stop is called after zmq_ctx_shutdown and
 * joins the thread. The zap object is owned by the caller.
 */
#ifndef REFLECT_ZAP_H
#define REFLECT_ZAP_H

typedef struct zap zap;

int zap_start(void *zmq_ctx, zap **out);
void zap_stop(zap *z);

#endif
