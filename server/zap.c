#include "zap.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "log.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_MAX_FRAMES 8

struct zap {
  void *sock;
  pthread_t thread;
};

static void send_reply(void *sock, zmq_msg_t *req, int ok, const char *user_id)
{
  /* version, request id (echoed), status code, status text, user id, metadata */
  const char *code = ok ? "200" : "400";
  const char *text = ok ? "OK" : "refused";
  zmq_send(sock, "1.0", 3, ZMQ_SNDMORE);
  zmq_send(sock, zmq_msg_data(&req[1]), zmq_msg_size(&req[1]), ZMQ_SNDMORE);
  zmq_send(sock, code, 3, ZMQ_SNDMORE);
  zmq_send(sock, text, strlen(text), ZMQ_SNDMORE);
  zmq_send(sock, user_id, strlen(user_id), ZMQ_SNDMORE);
  zmq_send(sock, "", 0, 0);
}

static int frame_is(zmq_msg_t *m, const char *s)
{
  size_t n = strlen(s);
  return zmq_msg_size(m) == n && memcmp(zmq_msg_data(m), s, n) == 0;
}

static void *run(void *arg)
{
  zap *z = arg;
  for (;;) {
    zmq_msg_t f[ZAP_MAX_FRAMES];
    int n = 0, more = 1, failed = 0;
    while (more) {
      zmq_msg_t m;
      zmq_msg_init(&m);
      if (zmq_msg_recv(&m, z->sock, 0) < 0) {
        zmq_msg_close(&m);
        failed = 1;
        break;
      }
      more = zmq_msg_more(&m);
      if (n < ZAP_MAX_FRAMES) f[n++] = m;
      else zmq_msg_close(&m);
    }
    if (failed) {
      for (int i = 0; i < n; i++) zmq_msg_close(&f[i]);
      if (errno == ETERM) break;
      continue;
    }
    /* RFC 27: version, request id, domain, address, identity, mechanism, credentials... */
    char user_id[41] = "";
    int ok = n >= 7 && frame_is(&f[0], "1.0") && frame_is(&f[5], "CURVE") && zmq_msg_size(&f[6]) == 32 &&
             zmq_z85_encode(user_id, zmq_msg_data(&f[6]), 32) != NULL;
    if (n >= 2) send_reply(z->sock, f, ok, ok ? user_id : "");
    if (!ok) {
      char address[64] = "?";
      if (n >= 4) {
        size_t len = zmq_msg_size(&f[3]) < sizeof address - 1 ? zmq_msg_size(&f[3]) : sizeof address - 1;
        memcpy(address, zmq_msg_data(&f[3]), len);
        address[len] = '\0';
      }
      log_line(LOG_WARN, "event=zap_refused address=%s", address);
    }
    for (int i = 0; i < n; i++) zmq_msg_close(&f[i]);
  }
  zmq_close(z->sock);
  return NULL;
}

int zap_start(void *ctx, zap **out)
{
  zap *z = calloc(1, sizeof *z);
  if (!z) return -1;
  z->sock = zmq_socket(ctx, ZMQ_REP);
  int linger = 0;
  if (!z->sock || zmq_setsockopt(z->sock, ZMQ_LINGER, &linger, sizeof linger) ||
      zmq_bind(z->sock, ZAP_ENDPOINT)) {
    if (z->sock) zmq_close(z->sock);
    free(z);
    return -1;
  }
  /* The socket moves to the new thread; pthread_create is the memory barrier. */
  if (pthread_create(&z->thread, NULL, run, z)) {
    zmq_close(z->sock);
    free(z);
    return -1;
  }
  *out = z;
  return 0;
}

void zap_stop(zap *z)
{
  if (!z) return;
  pthread_join(z->thread, NULL);
  free(z);
}
