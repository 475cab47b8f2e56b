/* PLACEHOLDER: `reflectd verify` and `reflectd audit verify` (commands.h). */
#include <stdio.h>

#include "commands.h"

int cmd_verify(int argc, char **argv) { (void)argc; (void)argv; fputs("reflectd: verify is not built yet\n", stderr); return EXIT_FAIL; }
int cmd_audit(int argc, char **argv) { (void)argc; (void)argv; fputs("reflectd: audit is not built yet\n", stderr); return EXIT_FAIL; }
