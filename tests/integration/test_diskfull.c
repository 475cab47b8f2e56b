/* Disk full: the data directory on a 24 MiB tmpfs, filled up with a
 * filler file while a writer stores cases. A write that cannot be stored
 * is answered RESOURCE_EXHAUSTED (not INTERNAL, not a crash), the server
 * keeps answering, nothing acknowledged is damaged, and once space returns
 * writes succeed again and the database verifies.
 *
 * The tmpfs is mounted in a private mount namespace of this test process
 * (as root, or as an unprivileged user through a user namespace), so no
 * exit path, not even a failed assertion, can leave it mounted. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "wire.h"

#define FS_MIB 24
#define MAX_CASES 20000

typedef struct {
  uint64_t id;
  char ref[32], name[200];
} acked;

static int write_file(const char *path, const char *text)
{
  int fd = open(path, O_WRONLY);
  if (fd < 0) return -1;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* A mount namespace of our own, or a reason why not. */
static const char *private_mounts(void)
{
  uid_t uid = geteuid();
  gid_t gid = getegid();
  if (uid == 0) {
    if (unshare(CLONE_NEWNS)) return "unshare(CLONE_NEWNS) was refused";
  } else {
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS)) return "not root, and user namespaces are not available";
    char map[64];
    snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
    if (write_file("/proc/self/setgroups", "deny") || write_file("/proc/self/uid_map", map)) return "uid_map refused";
    snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
    if (write_file("/proc/self/gid_map", map)) return "gid_map refused";
  }
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) return "could not make mounts private";
  return NULL;
}

static Reflect__V1__Reply *add_case(client *c, acked *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CaseAddRequest add = REFLECT__V1__CASE_ADD_REQUEST__INIT;
  add.reference = a->ref;
  add.name = a->name;
  add.risk = REFLECT__V1__RISK_LEVEL__RISK_HIGH;
  add.allocated = "sam";
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_ADD;
  req.case_add = &add;
  return harness_call(c, &req);
}

static void fill_name(acked *a, int k)
{
  snprintf(a->ref, sizeof a->ref, "DF-%d", k);
  /* Long names: each write takes some room in the WAL. */
  int n = snprintf(a->name, sizeof a->name, "Disk-full child %d ", k);
  for (; n < 190; n++) a->name[n] = (char)('a' + (k * 7 + n) % 26);
  a->name[n] = '\0';
}

/* OK and identical, or (if allow_full) refused because the read's audit
 * entry could not be stored. */
static void check_case(client *c, const acked *a, int allow_full)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__CaseShowRequest show = REFLECT__V1__CASE_SHOW_REQUEST__INIT;
  show.id = a->id;
  req.op_case = REFLECT__V1__REQUEST__OP_CASE_SHOW;
  req.case_show = &show;
  Reflect__V1__Reply *rep = harness_call(c, &req);
  if (allow_full && rep->status->code == REFLECT__V1__CODE__RESOURCE_EXHAUSTED) {
    wire_free_reply(rep);
    return;
  }
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "case %s: %s", a->ref, rep->status->message);
  cr_assert_str_eq(rep->case_show->case_->name, a->name);
  cr_assert_str_eq(rep->case_show->case_->reference, a->ref);
  wire_free_reply(rep);
}

Test(diskfull, refused_as_exhausted_and_recovers, .timeout = 300)
{
  const char *why = private_mounts();
  if (why) cr_skip_test("needs a small tmpfs: %s", why);
  harness_server h;
  harness_init_only(&h);
  char small[300], filler[340], cmd[1200];
  snprintf(small, sizeof small, "%s/small", h.dir);
  cr_assert_eq(mkdir(small, 0700), 0);
  if (mount("tmpfs", small, "tmpfs", 0,
            "size="
            "24"
            "m,mode=0700")) {
    harness_cleanup(&h);
    cr_skip_test("could not mount a tmpfs: %s", strerror(errno));
  }
  snprintf(cmd, sizeof cmd, "cp -a '%s' '%s/'", h.data, small);
  cr_assert_eq(system(cmd), 0);
  snprintf(h.data, sizeof h.data, "%s/data", small);
  snprintf(filler, sizeof filler, "%s/filler", small);
  harness_serve(&h);

  client *admin = harness_device(&h);
  harness_login(admin, "admin", HARNESS_ADMIN_PASSWORD);
  harness_add_user(admin, "sam", "Sam Supervisor", REFLECT__V1__ROLE__ROLE_SUPERVISOR);
  client *sam = harness_user(&h, "sam");
  acked *cases = calloc(MAX_CASES, sizeof *cases);
  cr_assert_not_null(cases);
  int n = 0;
  for (; n < 20; n++) {
    fill_name(&cases[n], n);
    Reflect__V1__Reply *rep = add_case(sam, &cases[n]);
    cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "%s", rep->status->message);
    cases[n].id = rep->case_add->id;
    wire_free_reply(rep);
  }

  /* Fill the filesystem, then give back a little so the next writes fill
   * the WAL itself up to the end of the disk. */
  int fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  cr_assert_geq(fd, 0);
  static char chunk[1 << 16];
  memset(chunk, 'F', sizeof chunk);
  off_t size = 0;
  for (;;) {
    ssize_t w = write(fd, chunk, sizeof chunk);
    if (w <= 0) break;
    size += w;
  }
  cr_assert_eq(errno, ENOSPC);
  cr_assert_eq(ftruncate(fd, size > 256 * 1024 ? size - 256 * 1024 : 0), 0);
  cr_log_info("diskfull: filler %lld KiB", (long long)size / 1024);

  int refused_at = -1;
  Reflect__V1__Code refused_code = REFLECT__V1__CODE__OK;
  char refused_msg[256] = "";
  while (n < MAX_CASES) {
    fill_name(&cases[n], n);
    Reflect__V1__Reply *rep = add_case(sam, &cases[n]);
    if (rep->status->code != REFLECT__V1__CODE__OK) {
      refused_at = n;
      refused_code = rep->status->code;
      snprintf(refused_msg, sizeof refused_msg, "%s", rep->status->message);
      wire_free_reply(rep);
      break;
    }
    cases[n++].id = rep->case_add->id;
    wire_free_reply(rep);
  }
  cr_log_info("diskfull: refused at write %d: %s %s", refused_at, wire_code_name(refused_code), refused_msg);
  fprintf(stderr, "diskfull: %d writes acknowledged, refused at write %d: %s \"%s\"\n", n, refused_at,
          wire_code_name(refused_code), refused_msg);
  cr_assert_geq(refused_at, 0, "the disk never filled");
  cr_assert_eq(refused_code, REFLECT__V1__CODE__RESOURCE_EXHAUSTED, "got %s: %s", wire_code_name(refused_code),
               refused_msg);
  cr_assert(strstr(refused_msg, "disk is full"), "%s", refused_msg);
  /* Still serving, and refusing again rather than crashing. */
  client *probe = harness_device(&h);
  cr_assert_eq(harness_whoami(probe), REFLECT__V1__CODE__UNAUTHENTICATED);
  client_close(probe);
  Reflect__V1__Reply *again = add_case(sam, &cases[n]);
  cr_assert_eq(again->status->code, REFLECT__V1__CODE__RESOURCE_EXHAUSTED, "%s", again->status->message);
  wire_free_reply(again);
  for (int i = 0; i < n; i++) check_case(sam, &cases[i], 1);

  /* Space returns: writes work again and nothing was damaged. */
  close(fd);
  cr_assert_eq(unlink(filler), 0);
  Reflect__V1__Reply *rep = add_case(sam, &cases[n]);
  cr_assert_eq(rep->status->code, REFLECT__V1__CODE__OK, "after space returned: %s", rep->status->message);
  cases[n++].id = rep->case_add->id;
  wire_free_reply(rep);
  for (int i = 0; i < n; i++) check_case(sam, &cases[i], 0);
  client_close(sam);
  client_close(admin);
  free(cases);
  cr_assert_eq(harness_stop(&h), 0);

  char log[400];
  snprintf(log, sizeof log, "%s/reflectd.log", h.dir);
  cr_assert(harness_file_contains(log, "event=disk_full"));
  snprintf(cmd, sizeof cmd, "'%s' verify --data '%s' >>'%s/verify.log' 2>&1", REFLECTD_PATH, h.data, h.dir);
  int st = system(cmd);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "reflectd verify failed: see %s/verify.log", h.dir);
  cr_assert_eq(umount2(small, MNT_DETACH), 0);
  harness_cleanup(&h);
}
