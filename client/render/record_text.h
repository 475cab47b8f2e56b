/*
 * record_text — a session record as text a person writes and reads:
 * the template `reflect record write` opens in $EDITOR, the parser that
 * turns what was saved into sections, and the rendering `record show` and
 * `record diff` print (the same format, so an amendment starts from it).
 *
 * The format, one heading per section:
 *     [wellbeing]            free text
 *     [case REFERENCE]       keys, each "key: text"; a line that is indented
 *       situation: ...       (two spaces or a tab) or does not start with a
 *       analysis: ...        word and a colon continues the key above
 *       risk: ...
 *       decision: ...        (a decision needs its rationale, and a
 *       rationale: ...        rationale its decision)
 *     [development] [performance] [actions] [notes]   free text
 *     [contribution USERNAME]                         free text
 * A [performance] section may cite KPI measurements on a line of its own,
 * "cites: 12, 15" (at most RECORD_TEXT_CITES_MAX ids, each once).
 * Lines starting with '#' are comments. In free text, a line that starts
 * with '#', '[' or '\' is written with a '\' in front, which the parser
 * removes. A heading with nothing under it is dropped (the template offers
 * every heading); leading and trailing blank lines of a text are not kept.
 *
 * Contract:
 *  - No I/O and no dependency on the rest of the CLI, so it is unit-tested
 *    on its own. Every function returns RECORD_TEXT_OK or a negative
 *    RECORD_TEXT_E* code; results come through out-parameters.
 *  - record_text_parse fills a record_doc the caller releases with
 *    record_text_free (which wipes the text); on ESYNTAX err holds
 *    "FILE:LINE: message". Parsing stops at the first error.
 */
#ifndef REFLECT_RENDER_RECORD_TEXT_H
#define REFLECT_RENDER_RECORD_TEXT_H

#include <stddef.h>

#include "reflect.pb-c.h"

enum {
  RECORD_TEXT_OK = 0,
  RECORD_TEXT_ESYNTAX = -1, /* malformed: err says where and why */
  RECORD_TEXT_EEMPTY = -2,  /* nothing but comments and empty headings */
  RECORD_TEXT_ENOMEM = -3,
};

/* How a performance section's citations line starts, and how many ids it
 * may hold (as the server allows). */
#define RECORD_TEXT_CITES "cites:"
#define RECORD_TEXT_CITES_MAX 16

/* Sections a record may have, as the server allows. */
#define RECORD_TEXT_SECTIONS_MAX 64

typedef struct {
  Reflect__V1__RecordSection **sections;
  size_t n;
} record_doc;

int record_text_parse(const char *text, const char *file, record_doc *out, char *err, size_t err_size);
void record_text_free(record_doc *r);

#endif
