/*
 * cli_password — passwords: read from the terminal without echo, read from
 * stdin for scripts, or generated.
 *
 * Contract:
 *  - The caller owns buf and must wipe it (sodium_memzero) once the
 *    password has been sent; nothing here keeps a copy. Input is read with
 *    read(2) a byte at a time, so no stdio buffer holds the password and
 *    nothing past the first line is consumed.
 *  - A password is one line of valid UTF-8, 1 to CLI_PASSWORD_MAX bytes,
 *    its line ending stripped.
 *  - Return CLI_EXIT_OK or, with the problem printed, CLI_EXIT_USAGE.
 *    Interrupted at the prompt, the terminal is restored first and the
 *    process then dies of the signal, as an interrupted program should.
 */
#ifndef REFLECT_CLI_PASSWORD_H
#define REFLECT_CLI_PASSWORD_H

#include <stddef.h>

#include "cli.h"

#define CLI_PASSWORD_MAX 1024
#define CLI_PASSWORD_GENERATED 20

/* buf must hold CLI_PASSWORD_MAX + 1 bytes. */
int cli_password_read(const cli_ctx *ctx, int from_stdin, const char *prompt, char *buf);
/* Fills buf (CLI_PASSWORD_GENERATED + 1 bytes) with a random password
 * from an alphabet without look-alike characters: about 116 bits. */
void cli_password_generate(char *buf);

#endif
