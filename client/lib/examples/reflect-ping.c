/* reflect-ping — the smallest program built on the installed libreflect:
 * loads a device's config (as `reflect setup` wrote it), makes one typed
 * call and prints what the server said.
 *
 *   cc reflect-ping.c $(pkg-config --cflags --libs libreflect) -o reflect-ping
 *   ./reflect-ping [CONFIG]
 */
#include <stdio.h>

#include <reflect/client.h>
#include <reflect/client_call.h>

int main(int argc, char **argv)
{
  char path[4096];
  client_config cfg;
  client *c = NULL;
  int rc = argc > 1 ? (snprintf(path, sizeof path, "%s", argv[1]) < (int)sizeof path ? CLIENT_OK : CLIENT_EUSAGE)
                    : client_config_path(path, sizeof path);
  if (rc == CLIENT_OK) rc = client_config_load(path, &cfg);
  if (rc == CLIENT_OK) rc = client_open(&cfg, CLIENT_DEFAULT_TIMEOUT_MS, &c);
  Reflect__V1__PingRequest ping = REFLECT__V1__PING_REQUEST__INIT;
  Reflect__V1__Reply *rep = NULL;
  Reflect__V1__PingReply *pong = NULL;
  if (rc == CLIENT_OK) rc = client_call_ping(c, &ping, &rep, &pong);
  if (rc == CLIENT_OK && !pong) {
    fprintf(stderr, "reflect-ping: refused: %s\n", client_reply_message(rep));
    rc = 1;
  } else if (rc == CLIENT_OK) {
    printf("reflectd %s answered (protocol %u)\n", pong->version, pong->protocol);
  } else {
    fprintf(stderr, "reflect-ping: %s\n", client_strerror(rc));
  }
  client_free_reply(rep);
  client_close(c);
  return rc == CLIENT_OK ? 0 : 1;
}
