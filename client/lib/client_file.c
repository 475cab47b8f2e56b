/* Small, careful file operations for the device's config, keys and token. */
#include "client_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

int client_file_path_join(char *out, size_t size, const char *base, const char *suffix)
{
  int n = snprintf(out, size, "%s%s", base, suffix);
  if (n < 0 || (size_t)n >= size) return CLIENT_EUSAGE;
  return CLIENT_OK;
}

int client_file_make_parents(const char *path)
{
  char buf[4096];
  if (client_file_path_join(buf, sizeof buf, path, "")) return CLIENT_EUSAGE;
  /* Start at 1 so an absolute path does not try to make "/". */
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0700) != 0 && errno != EEXIST) return CLIENT_EIO;
    *p = '/';
  }
  return CLIENT_OK;
}

static int file_write_all(int fd, const void *data, size_t len)
{
  const char *p = data;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Makes a rename durable: without it a power cut can bring back the old
 * name even though the data itself reached the disk. */
static void file_sync_dir(const char *path)
{
  char dir[4096];
  if (client_file_path_join(dir, sizeof dir, path, "")) return;
  char *slash = strrchr(dir, '/');
  if (slash == dir) slash[1] = '\0';
  else if (slash) *slash = '\0';
  else snprintf(dir, sizeof dir, ".");
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)fsync(fd);
  close(fd);
}

int client_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
  char tmp[4096];
  if (client_file_path_join(tmp, sizeof tmp, path, ".tmp.XXXXXX")) return CLIENT_EUSAGE;
  int fd = mkstemp(tmp); /* O_EXCL, mode 0600: never readable by others, even briefly */
  if (fd < 0) return CLIENT_EIO;
  if (fchmod(fd, mode) != 0 || file_write_all(fd, data, len) != 0 || fsync(fd) != 0) {
    int saved = errno;
    close(fd);
    unlink(tmp);
    errno = saved;
    return CLIENT_EIO;
  }
  if (close(fd) != 0 || rename(tmp, path) != 0) {
    int saved = errno;
    unlink(tmp);
    errno = saved;
    return CLIENT_EIO;
  }
  file_sync_dir(path);
  return CLIENT_OK;
}

int client_file_create_new(const char *path, const void *data, size_t len, mode_t mode)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return CLIENT_EIO;
  /* The umask can only narrow the mode, but set it exactly anyway. */
  if (fchmod(fd, mode) != 0 || file_write_all(fd, data, len) != 0 || fsync(fd) != 0) {
    int saved = errno;
    close(fd);
    unlink(path);
    errno = saved;
    return CLIENT_EIO;
  }
  if (close(fd) != 0) {
    int saved = errno;
    unlink(path);
    errno = saved;
    return CLIENT_EIO;
  }
  file_sync_dir(path);
  return CLIENT_OK;
}

static int file_check_private(const struct stat *st)
{
  if (st->st_uid != geteuid() || (st->st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    errno = EPERM;
    return -1;
  }
  return 0;
}

int client_file_read(const char *path, int private_only, char *buf, size_t size, size_t *len)
{
  *len = 0;
  if (size == 0) return CLIENT_EUSAGE;
  buf[0] = '\0';
  int fd = open(path, O_RDONLY | O_CLOEXEC | (private_only ? O_NOFOLLOW : 0));
  if (fd < 0) return CLIENT_EIO;
  struct stat st;
  if (fstat(fd, &st) != 0) goto fail;
  if (!S_ISREG(st.st_mode)) {
    errno = EINVAL;
    goto fail;
  }
  if (private_only && file_check_private(&st) != 0) goto fail;
  size_t used = 0;
  for (;;) {
    /* Read one byte past the room left, to tell "full" from "too big". */
    char extra;
    char *dst = used < size - 1 ? buf + used : &extra;
    size_t want = used < size - 1 ? size - 1 - used : 1;
    ssize_t n = read(fd, dst, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      goto fail;
    }
    if (n == 0) break;
    if (dst == &extra) {
      errno = EFBIG;
      goto fail;
    }
    used += (size_t)n;
  }
  close(fd);
  buf[used] = '\0';
  *len = used;
  return CLIENT_OK;
fail : {
  int saved = errno;
  close(fd);
  sodium_memzero(buf, size);
  errno = saved;
  return CLIENT_EIO;
}
}
