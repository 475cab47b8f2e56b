/*
 * datadir — the files of a reflectd data directory:
 *   reflect.db (+ -wal, -shm)  the database
 *   master.key                 the master key (key-file mode only), 0600
 *   server.key / server.pub    the server's CURVE key pair (Z85), 0600 / 0644
 *   reflectd.conf              settings
 * Contract: paths are built into caller buffers (DATADIR_PATH_MAX); files
 * are created with O_EXCL so nothing is ever overwritten; secrets are read
 * only from regular files that group and others cannot read. Functions
 * return 0 or -1 with a sentence in err.
 */
#ifndef REFLECT_DATADIR_H
#define REFLECT_DATADIR_H

#include <stddef.h>

#define DATADIR_PATH_MAX 4096
#define DATADIR_MASTER_KEY "master.key"
#define DATADIR_SERVER_KEY "server.key"
#define DATADIR_SERVER_PUB "server.pub"

int datadir_path(const char *dir, const char *name, char *out, size_t size);
/* Creates dir (0700) or accepts an existing empty one. */
int datadir_create(const char *dir, char *err, size_t err_size);
int datadir_write_file(const char *dir, const char *name, const char *content, int mode, char *err, size_t err_size);
/* Reads the first line of a 0600 file into buf (without the newline). */
int datadir_read_secret(const char *dir, const char *name, char *buf, size_t size, char *err, size_t err_size);

#endif
