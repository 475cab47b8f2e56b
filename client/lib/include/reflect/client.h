/*
 * client — libreflect: talk to reflectd from a thin client (docs/architecture.md#d7-client).
 *
 * Contract:
 *  - A device is a config file path. Beside it live the device's CURVE key
 *    pair (PATH.key, secret, mode 0600; PATH.pub) and the login token
 *    (PATH.token, mode 0600). Two config paths are two independent devices.
 *  - client_open makes a DEALER socket with CURVE to the server. Every call
 *    carries a fresh request id; a reply with another id is discarded. After
 *    a timeout the socket is closed and re-made (Lazy Pirate), because a
 *    DEALER with a lost reply may still deliver it late; the call returns
 *    CLIENT_ETIMEOUT and is never resent by the library (writes are not
 *    idempotent; the caller decides).
 *  - Memory: *out replies are owned by the caller and freed with
 *    client_free_reply. A client is not thread-safe: one per thread (or
 *    one at a time). Its own memory, which holds the device's secret key
 *    and the token, is locked and guarded (sodium_malloc).
 *  - Installed as libreflect (pkg-config libreflect): this header,
 *    client_call.h (one typed function per request), client_events.h,
 *    client_file.h and the generated reflect.pb-c.h, under reflect/.
 * Functions return CLIENT_OK (0) or a negative CLIENT_E* code; a reply whose
 * Status is not OK is still CLIENT_OK at this level (the call itself worked).
 */
#ifndef REFLECT_CLIENT_H
#define REFLECT_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include "reflect.pb-c.h"

#define CLIENT_ENDPOINT_MAX 256
#define CLIENT_Z85_KEY 41 /* 40 characters + NUL */
#define CLIENT_TOKEN_BYTES 32
#define CLIENT_DEFAULT_TIMEOUT_MS 10000

enum {
  CLIENT_OK = 0,
  CLIENT_EUSAGE = -1,   /* bad argument, e.g. malformed endpoint or key */
  CLIENT_EIO = -2,      /* a file could not be read or written */
  CLIENT_ECONFIG = -3,  /* no config, or a malformed one: run `reflect setup` */
  CLIENT_ETIMEOUT = -4, /* no reply in time: server down, wrong key, or network */
  CLIENT_EPROTO = -5,   /* the server's reply could not be decoded */
  CLIENT_ENOMEM = -6,
  CLIENT_ENOTOKEN = -7,  /* not logged in on this device */
  CLIENT_ENOEVENT = -8,  /* client_events_next: nothing arrived in time */
  CLIENT_EUNAUTH = -9,   /* the server refused the token: log in again */
  CLIENT_EREFUSED = -10, /* the server refused a request the library made itself */
};

typedef struct {
  char path[4096];                  /* the config file itself */
  char server[CLIENT_ENDPOINT_MAX]; /* request endpoint (ROUTER) */
  char events[CLIENT_ENDPOINT_MAX]; /* event endpoint (PUB) */
  char server_key[CLIENT_Z85_KEY];  /* server's CURVE public key, Z85 */
} client_config;

typedef struct client client;

/* $REFLECT_CONFIG, else $XDG_CONFIG_HOME/reflect/config, else
 * $HOME/.config/reflect/config. */
int client_config_path(char *buf, size_t size);
/* Validates endpoints and key, writes the config (0600, parent dirs 0700),
 * and creates the device key pair if it does not exist yet. */
int client_config_setup(const char *path, const char *server, const char *events, const char *server_key);
int client_config_load(const char *path, client_config *out);

/* Opens a connection as the device of cfg, with its saved token if any. */
int client_open(const client_config *cfg, int timeout_ms, client **out);
/* Opens a connection with keys given in memory (tests, benchmarks, the
 * web gateway's per-browser devices). */
int client_open_keys(const char *endpoint, const char *server_key, const char *public_key, const char *secret_key,
                     int timeout_ms, client **out);
/* The same on the caller's ZeroMQ context (zmq_ctx_new), so that a
 * program holding many clients shares one set of I/O threads; the context
 * must outlive the client. NULL makes one of the client's own. */
int client_open_keys_in(void *zctx, const char *endpoint, const char *server_key, const char *public_key,
                        const char *secret_key, int timeout_ms, client **out);
void client_close(client *c);
/* A second connection as the same device with the same token (on zctx,
 * or its own context if NULL), for a second thread: a client is used by
 * one thread at a time. Nothing is saved to disk by the copy. */
int client_dup(const client *c, void *zctx, client **out);

/* Sets protocol, id and token on req, sends it, waits for its reply. */
int client_call(client *c, Reflect__V1__Request *req, Reflect__V1__Reply **out);

/* Logs in; on an OK reply keeps the token in memory and, for a client made
 * by client_open, saves it (and the organisation's time zone) to disk. */
int client_login(client *c, const char *username, const char *password, Reflect__V1__Reply **out);
/* Logs out on the server and forgets the token here. */
int client_logout(client *c, Reflect__V1__Reply **out);

/* With on, every reply and event this client (and a client_events made
 * from it) hands over has had wire_clean_strings applied: no control,
 * bidirectional override or stray line break is left for a terminal to
 * act on. Off (the default), strings are as the server sent them, which
 * may include text stored before the server refused such characters. */
void client_set_clean_text(client *c, int on);

void client_set_token(client *c, const uint8_t *token, size_t len);
int client_has_token(const client *c);
/* The organisation's time zone saved at login, or "" if unknown. */
const char *client_timezone(const client *c);
/* This device's public key, Z85. */
const char *client_device_key(const client *c);

const char *client_strerror(int code);

/* Free what the library handed over (NULL is fine). */
void client_free_reply(Reflect__V1__Reply *rep);
void client_free_event(Reflect__V1__Event *ev);

/* Checks of what a config holds, for callers that take it from a person
 * (reflect setup) before the library does. Nonzero if key is 40
 * characters of Z85 that zmq_z85_decode accepts (client_keys.c). */
int client_key_valid(const char *key);
/* Nonzero if ep is tcp://… or ipc://…, printable, shorter than max
 * (client_endpoint.c). */
int client_endpoint_valid(const char *ep, size_t max);

#endif
