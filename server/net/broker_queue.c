/* The broker's bounded FIFO; see broker_queue.h. */
#include "broker_queue.h"

#include <stdlib.h>
#include <string.h>

static size_t cost(zmq_msg_t *client, zmq_msg_t *frame)
{
  return zmq_msg_size(client) + zmq_msg_size(frame);
}

int broker_queue_init(broker_queue *q, int cap, size_t max_bytes)
{
  memset(q, 0, sizeof *q);
  if (cap < 1) return -1;
  /* calloc'd pages are only resident once used: a large cap costs address
   * space, not memory, until the queue fills. */
  q->ring = calloc((size_t)cap, sizeof *q->ring);
  if (!q->ring) return -1;
  q->cap = cap;
  q->max_bytes = max_bytes;
  return 0;
}

int broker_queue_push(broker_queue *q, zmq_msg_t *client, const char *user, zmq_msg_t *frame)
{
  size_t c = cost(client, frame);
  if (q->n >= q->cap || c > q->max_bytes - q->bytes) return -1;
  broker_pending *p = &q->ring[(q->head + q->n) % q->cap];
  zmq_msg_init(&p->client);
  zmq_msg_init(&p->frame);
  zmq_msg_move(&p->client, client);
  zmq_msg_move(&p->frame, frame);
  memcpy(p->user, user, 40);
  p->user[40] = '\0';
  q->n++;
  q->bytes += c;
  return 0;
}

int broker_queue_pop(broker_queue *q, zmq_msg_t *client, char user[41], zmq_msg_t *frame)
{
  if (q->n == 0) return -1;
  broker_pending *p = &q->ring[q->head];
  q->head = (q->head + 1) % q->cap;
  q->n--;
  q->bytes -= cost(&p->client, &p->frame);
  zmq_msg_move(client, &p->client);
  zmq_msg_move(frame, &p->frame);
  memcpy(user, p->user, 41);
  zmq_msg_close(&p->client);
  zmq_msg_close(&p->frame);
  return 0;
}

void broker_queue_free(broker_queue *q)
{
  zmq_msg_t client, frame;
  char user[41];
  zmq_msg_init(&client);
  zmq_msg_init(&frame);
  while (broker_queue_pop(q, &client, user, &frame) == 0) {}
  zmq_msg_close(&client);
  zmq_msg_close(&frame);
  free(q->ring);
  memset(q, 0, sizeof *q);
}
