/*
 * page_record_diff — what changed between two revisions of a record: both
 * rendered as the record's text (render/record_render.h, the same text
 * `reflect record diff` compares) and their line diff drawn as removed and
 * added lines, said in words as well as in colour, with long unchanged
 * stretches folded away.
 *
 * Contract:
 *  - GET /sessions/N/record/diff?from=R1&to=R2; without them, the revision
 *    before the latest against the latest. A revision the person may not
 *    read answers as the record page does (missing and forbidden alike).
 */
#ifndef REFLECT_WEB_PAGE_RECORD_DIFF_H
#define REFLECT_WEB_PAGE_RECORD_DIFF_H

#include "page.h"

void page_record_diff(page_ctx *p);

#endif
