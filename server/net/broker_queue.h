/*
 * broker_queue — the broker's FIFO of requests waiting for a worker,
 * bounded by a count and by bytes (client ids + request frames).
 *
 * Contract: used by the main thread only. broker_queue_init allocates a
 * ring of cap slots (the caller frees it with broker_queue_free, which also
 * closes any messages still queued). broker_queue_push MOVES the two
 * messages into the queue (the caller's become empty and must still be
 * closed) and returns 0, or returns -1 and moves nothing if either limit
 * would be passed. broker_queue_pop moves the oldest entry out into the
 * caller's initialised messages (which the caller closes) and returns 0,
 * or -1 when empty.
 */
#ifndef REFLECT_BROKER_QUEUE_H
#define REFLECT_BROKER_QUEUE_H

#include <stddef.h>
#include <zmq.h>

typedef struct {
  zmq_msg_t client, frame;
  char user[41]; /* the ZAP User-Id (Z85 device key) */
} broker_pending;

typedef struct {
  broker_pending *ring;
  int cap, head, n;
  size_t bytes, max_bytes;
} broker_queue;

int broker_queue_init(broker_queue *q, int cap, size_t max_bytes);
void broker_queue_free(broker_queue *q);
int broker_queue_push(broker_queue *q, zmq_msg_t *client, const char *user, zmq_msg_t *frame);
int broker_queue_pop(broker_queue *q, zmq_msg_t *client, char user[41], zmq_msg_t *frame);

#endif
