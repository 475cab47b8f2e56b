/*
 * cli_inspection_pdf — the inspection evidence pack as a PDF: title block,
 * headline figures, the five oversight reports with their charts, the
 * index of signed records, and each sampled record in full (wellbeing only
 * ever as "discussed — withheld", as the server sent it).
 *
 * Contract: borrows the reply; writes the whole document to out (opened
 * and closed by the caller). zone is the organisation's ("" for local),
 * for every date shown. Returns 0, or -1 if the PDF could not be made.
 */
#ifndef REFLECT_CLI_INSPECTION_PDF_H
#define REFLECT_CLI_INSPECTION_PDF_H

#include <stdio.h>

#include "reflect.pb-c.h"

int cli_inspection_pdf_write(FILE *out, const Reflect__V1__ExportInspectionReply *r, const char *zone);

#endif
