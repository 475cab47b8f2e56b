/*
 * backup_util — what the backup tests share: running reflectd itself with
 * stdin and captured output, and looking inside files and databases.
 * Every helper fails the test (Criterion assertion) on a broken harness,
 * never on what it is asked to check. Nothing returned needs freeing.
 * Define _GNU_SOURCE (memmem) before including anything.
 */
#ifndef REFLECT_TEST_BACKUP_UTIL_H
#define REFLECT_TEST_BACKUP_UTIL_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
/* Runs reflectd with args (NULL-terminated), stdin_text on stdin; output in *out. */
static inline void reflectd(harness_server *h, harness_run *out, const char *stdin_text, ...)
{
  const char *argv[32];
  int n = 0;
  argv[n++] = REFLECTD_PATH;
  va_list ap;
  va_start(ap, stdin_text);
  const char *a;
  while ((a = va_arg(ap, const char *)) && n < 31) argv[n++] = a;
  va_end(ap);
  argv[n] = NULL;
  char in[400], o[400], e[400];
  snprintf(in, sizeof in, "%s/stdin.txt", h->dir);
  snprintf(o, sizeof o, "%s/stdout.txt", h->dir);
  snprintf(e, sizeof e, "%s/stderr.txt", h->dir);
  harness_write_file(in, stdin_text ? stdin_text : "");
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    int fi = open(in, O_RDONLY), fo = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0600),
        fe = open(e, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fi < 0 || fo < 0 || fe < 0) _exit(127);
    dup2(fi, 0);
    dup2(fo, 1);
    dup2(fe, 2);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
  memset(out, 0, sizeof *out);
  out->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  FILE *f = fopen(o, "r");
  if (f) {
    out->out[fread(out->out, 1, sizeof out->out - 1, f)] = '\0';
    fclose(f);
  }
  f = fopen(e, "r");
  if (f) {
    out->err[fread(out->err, 1, sizeof out->err - 1, f)] = '\0';
    fclose(f);
  }
}

/* 1 if the file holds the n bytes of needle anywhere. */
static inline int file_has(const char *path, const void *needle, size_t n)
{
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  struct stat sb;
  cr_assert_eq(fstat(fileno(f), &sb), 0);
  char *buf = malloc((size_t)sb.st_size + 1);
  size_t len = fread(buf, 1, (size_t)sb.st_size, f);
  fclose(f);
  int found = memmem(buf, len, needle, n) != NULL;
  free(buf);
  return found;
}

static inline size_t read_bytes(const char *path, void *buf, size_t size)
{
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "%s", path);
  size_t n = fread(buf, 1, size, f);
  fclose(f);
  return n;
}

static inline long long query_int(const char *db_path, const char *sql)
{
  sqlite3 *db;
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}


static inline int dir_entries(const char *dir)
{
  DIR *d = opendir(dir);
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

static inline void copy_prefix(const char *from, const char *to, size_t n)
{
  char *buf = malloc(n);
  cr_assert_eq(read_bytes(from, buf, n), n);
  FILE *f = fopen(to, "wb");
  cr_assert_not_null(f);
  cr_assert_eq(fwrite(buf, 1, n, f), n);
  fclose(f);
  free(buf);
}

#endif
