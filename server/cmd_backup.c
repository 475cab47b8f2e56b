/* PLACEHOLDER: `reflectd backup|restore` (commands.h). */
#include <stdio.h>

#include "commands.h"

int cmd_backup(int argc, char **argv) { (void)argc; (void)argv; fputs("reflectd: backup is not built yet\n", stderr); return EXIT_FAIL; }
int cmd_restore(int argc, char **argv) { (void)argc; (void)argv; fputs("reflectd: restore is not built yet\n", stderr); return EXIT_FAIL; }
