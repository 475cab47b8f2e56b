/*
 * record_render — a record's sections as text, in the format
 * record_text.h describes and parses: what `record show` and
 * `record diff` print, and the template `record write` opens in $EDITOR.
 *
 * Contract:
 *  - No I/O and no dependency on the rest of the CLI (unit-tested on its
 *    own). Returns RECORD_TEXT_OK or RECORD_TEXT_ENOMEM.
 *  - Rendered and template text is malloc'd; the caller frees it. What
 *    parsing it back gives is what was rendered (test_record_text).
 */
#ifndef REFLECT_RENDER_RECORD_RENDER_H
#define REFLECT_RENDER_RECORD_RENDER_H

#include <stddef.h>

#include "record_text.h"
#include "reflect.pb-c.h"

/* The sections as text; a withheld wellbeing section is shown as
 * "[wellbeing] (discussed; content withheld from you)". */
int record_render(Reflect__V1__RecordSection *const *sections, size_t n, char **out);

/* What the editor starts from: `title` and help as comments, then either
 * the given sections (an amendment) or, when n is 0, an empty heading of
 * each kind, with a contribution heading for each of a group's members. */
int record_render_template(const char *title, int group, const char *const *members, size_t n_members,
                           Reflect__V1__RecordSection *const *sections, size_t n, char **out);

/* "wellbeing", "case", ... for a SectionKind; "unknown" otherwise. */
const char *record_render_kind_name(int kind);

#endif
