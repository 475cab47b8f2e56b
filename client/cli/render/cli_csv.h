/*
 * cli_csv — the --csv output of reports: RFC 4180 rows on stdout.
 *
 * Contract:
 *  - A field is quoted when it holds a comma, quote, CR or LF; quotes are
 *    doubled. A field a spreadsheet would run as a formula (starting with
 *    =, +, -, @, TAB or CR) is prefixed with ' unless it is a number, so
 *    opening an export never executes what someone typed.
 *  - Rows end in CRLF. Nothing is allocated; the caller owns every string.
 */
#ifndef REFLECT_CLI_CSV_H
#define REFLECT_CLI_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes one row of n fields (NULL is an empty field). */
void cli_csv_row(FILE *f, const char *const *fields, size_t n);
/* Helpers for building a row's fields in caller-provided buffers. */
const char *cli_csv_u64(char *buf, size_t size, uint64_t v);
const char *cli_csv_double(char *buf, size_t size, double v); /* "%.2f" trimmed of trailing zeros */

#endif
