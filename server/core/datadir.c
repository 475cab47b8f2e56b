#include "datadir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int datadir_path(const char *dir, const char *name, char *out, size_t size)
{
  int n = snprintf(out, size, "%s/%s", dir, name);
  return n < 0 || (size_t)n >= size ? -1 : 0;
}

int datadir_create(const char *dir, char *err, size_t err_size)
{
  if (mkdir(dir, 0700) == 0) return 0;
  if (errno != EEXIST) {
    snprintf(err, err_size, "cannot create %s: %s", dir, strerror(errno));
    return -1;
  }
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, err_size, "cannot open %s: %s", dir, strerror(errno));
    return -1;
  }
  struct dirent *e;
  int empty = 1;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) empty = 0;
  closedir(d);
  if (!empty) {
    snprintf(err, err_size, "refusing to initialise %s: it is not empty (an existing data directory?)", dir);
    return -1;
  }
  /* An existing directory may have been made with a looser mode. */
  if (chmod(dir, 0700) != 0) {
    snprintf(err, err_size, "cannot make %s private (chmod 700): %s", dir, strerror(errno));
    return -1;
  }
  return 0;
}

int datadir_write_file(const char *dir, const char *name, const char *content, int mode, char *err, size_t err_size)
{
  char path[DATADIR_PATH_MAX];
  if (datadir_path(dir, name, path, sizeof path)) {
    snprintf(err, err_size, "path too long");
    return -1;
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, (mode_t)mode);
  if (fd < 0) {
    snprintf(err, err_size, "cannot create %s: %s", path, strerror(errno));
    return -1;
  }
  size_t len = strlen(content);
  int ok = write(fd, content, len) == (ssize_t)len && fsync(fd) == 0;
  close(fd);
  if (!ok) snprintf(err, err_size, "cannot write %s", path);
  return ok ? 0 : -1;
}

int datadir_read_secret(const char *dir, const char *name, char *buf, size_t size, char *err, size_t err_size)
{
  char path[DATADIR_PATH_MAX];
  if (datadir_path(dir, name, path, sizeof path)) {
    snprintf(err, err_size, "path too long");
    return -1;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  struct stat sb;
  if (fd < 0 || fstat(fd, &sb) != 0) {
    snprintf(err, err_size, "cannot read %s: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
  }
  if (!S_ISREG(sb.st_mode) || (sb.st_mode & 077)) {
    snprintf(err, err_size, "%s must be a regular file readable only by its owner (chmod 600)", path);
    close(fd);
    return -1;
  }
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n <= 0) {
    snprintf(err, err_size, "%s is empty or unreadable", path);
    return -1;
  }
  buf[n] = '\0';
  buf[strcspn(buf, "\r\n")] = '\0';
  return 0;
}
