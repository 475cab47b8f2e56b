/*
 * client_file — files a client keeps: its key, its token, exports.
 *
 * Contract:
 *  - Never follows a symlink for a secret file, creates files with the
 *    mode given (never wider), and writes through a temporary file and
 *    rename(2) so a crash leaves either the old or the new content.
 *  - Returns CLIENT_OK or CLIENT_EIO with errno describing the cause
 *    (ENOENT: missing; EPERM: a secret file is group/other-accessible or
 *    not ours; EFBIG: larger than the buffer).
 *  - Buffers are the caller's; nothing here allocates except transiently.
 */
#ifndef REFLECT_CLIENT_FILE_H
#define REFLECT_CLIENT_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Creates each missing parent directory of path with mode 0700; existing
 * directories are left as they are. */
int client_file_make_parents(const char *path);
/* Replaces path with data through a temp file in the same directory. */
int client_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* Creates path exclusively (O_CREAT|O_EXCL|O_NOFOLLOW); errno EEXIST if it
 * is already there. */
int client_file_create_new(const char *path, const void *data, size_t len, mode_t mode);
/* Reads a whole file of at most size-1 bytes into buf, NUL-terminated.
 * With private_only, refuses (EPERM) a file that is not a regular file
 * owned by the effective user with no group/other permission bits. */
int client_file_read(const char *path, int private_only, char *buf, size_t size, size_t *len);

/* Joins base and suffix into out (the caller's, size bytes);
 * CLIENT_EUSAGE if it does not fit. */
int client_file_path_join(char *out, size_t size, const char *base, const char *suffix);

#endif
