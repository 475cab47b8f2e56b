/* PLACEHOLDER: `reflectd unseal|status|rotate-master-key` (commands.h). */
#include <stdio.h>

#include "commands.h"

int cmd_unseal(int argc, char **argv) { (void)argc; (void)argv; fputs("reflectd: unseal is not built yet\n", stderr); return EXIT_FAIL; }
int cmd_status(int argc, char **argv) { (void)argc; (void)argv; fputs("reflectd: status is not built yet\n", stderr); return EXIT_FAIL; }
int cmd_rotate(int argc, char **argv) { (void)argc; (void)argv; fputs("reflectd: rotate-master-key is not built yet\n", stderr); return EXIT_FAIL; }
