/* reflectd: the Reflect server. `reflectd init` makes a data directory;
 * `reflectd serve` serves it. */
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"

static const char usage[] = "usage: reflectd <command> [options]\n"
                            "\n"
                            "commands:\n"
                            "  init               create a data directory: keys, database, first administrator\n"
                            "  serve              serve requests and events from a data directory\n"
                            "  unseal             give a server started --sealed its passphrase\n"
                            "  status             a running server's state: sealed, uptime, clients, last backup\n"
                            "  backup             an online, consistent, still-encrypted backup\n"
                            "  restore            make a new data directory from a backup\n"
                            "  verify             check every encrypted value opens and every reference holds\n"
                            "  rotate-master-key  re-wrap every data key under a new master key\n"
                            "  audit verify       check the audit log's hash chain\n"
                            "\n"
                            "`reflectd <command> --help` describes each. Version " REFLECT_VERSION ".\n";

int main(int argc, char **argv)
{
  /* Everything reflectd creates (database, WAL, keys) is its owner's alone. */
  umask(077);
  /* Memory statistics take one global mutex on every SQLite allocation,
   * which all workers would contend on; nothing here reads them. */
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  if (sodium_init() < 0) {
    fprintf(stderr, "reflectd: libsodium could not initialise\n");
    return EXIT_FAIL;
  }
  if (argc < 2) {
    fputs(usage, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(usage, stdout);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "--version")) {
    puts(REFLECT_VERSION);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "init")) return cmd_init(argc - 1, argv + 1);
  if (!strcmp(cmd, "serve")) return cmd_serve(argc - 1, argv + 1);
  if (!strcmp(cmd, "unseal")) return cmd_unseal(argc - 1, argv + 1);
  if (!strcmp(cmd, "status")) return cmd_status(argc - 1, argv + 1);
  if (!strcmp(cmd, "backup")) return cmd_backup(argc - 1, argv + 1);
  if (!strcmp(cmd, "restore")) return cmd_restore(argc - 1, argv + 1);
  if (!strcmp(cmd, "verify")) return cmd_verify(argc - 1, argv + 1);
  if (!strcmp(cmd, "rotate-master-key")) return cmd_rotate(argc - 1, argv + 1);
  if (!strcmp(cmd, "audit")) return cmd_audit(argc - 1, argv + 1);
  fprintf(stderr, "reflectd: unknown command '%s'\n%s", cmd, usage);
  return EXIT_USAGE;
}
